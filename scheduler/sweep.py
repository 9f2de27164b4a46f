"""The reminder sweep: who is due a reminder now, and their reminders written to the outbox.

Runs every minute on every worker. It is safe to run anywhere, any number of times at once: a learner is
marked reminded for the day by a conditional UPDATE (only one sweeper's UPDATE can match the row), and the
outbox row's key "reminder:<learner>:<local date>" is unique, so a day never gets a second reminder.

Who is due (all in SQL, so a national roll-out is a few indexed queries a minute):
- following, consented, with a track, not in onboarding or a pending delete;
- reminders not stopped, not snoozed past today, not yet reminded today, not studied today;
- their chosen time has come today, and it is not quiet hours (21:00-08:00) unless they chose a time in
  quiet hours (or are demo learners);
- after 3 reminders in a row without study, only if the last one is a week old; after 11, never.
Then, in Python: what is next for them. Completed learners get a reminder only when reviews are due.
Identical reminders are filed straight into multicast batches of up to 500 as they are written.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Engine, and_, delete, insert, or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select

from bot.content import Audience, Content
from bot.flow import texts as t
from bot.flow.ui import Button, button, text
from bot.gateway import MessageJSON
from bot.limits import fit
from bot.storage.db import session_scope
from bot.storage.models import Learner, ModuleResult, Outbox, OutboxBatch, OutboxStatus, Phase
from scheduler import reminders as rules
from scheduler import review

log = logging.getLogger(__name__)
REMINDER = "reminder"
MULTICAST_MAX = 500  # LINE's limit on recipients per multicast
# Batches a sweep is filling stay closed this long at most: after a sweeper's crash they open by themselves.
OPEN_FOR = timedelta(minutes=5)
# Phases in which a nudge would be out of place: before consent, waiting for a parent, deciding to delete.
QUIET_PHASES = (Phase.CONSENT, Phase.DECLINED, Phase.AGE, Phase.PARENT, Phase.CONFIRM_DELETE)


@dataclass
class SweepReport:
    """What one sweep did; it also carries the multicast batches the sweep is still filling."""

    queued: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    # message hash -> [batch ID, rows in it], for batches not yet full.
    open_batches: dict[str, list[int]] = field(default_factory=dict, repr=False)

    def skip(self, reason: str, count: int = 1) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + count


def due_filter(today: date, minute: int) -> ColumnElement[bool]:
    """The SQL condition for "due a reminder now" (see the module docstring)."""
    return and_(
        col(Learner.following).is_(True),
        col(Learner.reminders_stopped).is_(False),
        col(Learner.consented_at).is_not(None),
        col(Learner.track_id).is_not(None),
        col(Learner.phase).not_in(QUIET_PHASES),
        not_today(today),
        or_(col(Learner.snoozed_until).is_(None), col(Learner.snoozed_until) <= today),
        col(Learner.remind_minute) <= minute,
        or_(
            minute < rules.QUIET_START,
            col(Learner.remind_minute) >= rules.QUIET_START,
            col(Learner.cohort) == rules.DEMO_COHORT,
        ),
        or_(
            col(Learner.ignored_reminders) < rules.BACKOFF_AFTER,
            col(Learner.last_reminded_on) <= today - timedelta(days=rules.BACKOFF_DAYS),
        ),
        col(Learner.ignored_reminders) < rules.GIVE_UP_AFTER,
    )


def not_today(today: date) -> ColumnElement[bool]:
    """Neither reminded nor studied today: re-checked when a sweeper marks the learner, to win any race."""
    return and_(
        or_(col(Learner.last_reminded_on).is_(None), col(Learner.last_reminded_on) < today),
        or_(col(Learner.last_studied_on).is_(None), col(Learner.last_studied_on) < today),
        col(Learner.following).is_(True),
        col(Learner.reminders_stopped).is_(False),
    )


def sweep(
    engine: Engine, content: Content, now: datetime, *, zone: ZoneInfo = rules.BANGKOK, chunk: int = 2000
) -> SweepReport:
    """Write today's due reminders to the outbox, `chunk` learners per transaction."""
    report = SweepReport()
    after: int | None = 0
    while after is not None:
        after = sweep_chunk(engine, content, now, after=after, report=report, zone=zone, chunk=chunk)
    close_batches(engine, report, now)
    return report


def sweep_chunk(
    engine: Engine,
    content: Content,
    now: datetime,
    *,
    after: int,
    report: SweepReport,
    zone: ZoneInfo = rules.BANGKOK,
    chunk: int = 2000,
) -> int | None:
    """One transaction of the sweep (learners with IDs above `after`): the next `after`, or None when done."""
    today, minute = rules.local_date(now, zone), rules.local_minute(now, zone)
    with session_scope(engine) as session:
        candidates = session.exec(
            select(Learner.id, Learner.line_user_id, Learner.track_id, Learner.remind_minute, Learner.cohort)
            .where(due_filter(today, minute), col(Learner.id) > after)
            .order_by(col(Learner.id))
            .limit(chunk)
        ).all()
        if not candidates:
            return None
        _queue(session, content, candidates, now, today, zone, report)
        return candidates[-1][0]


def _queue(
    session: Any,
    content: Content,
    candidates: list[Any],
    now: datetime,
    today: date,
    zone: ZoneInfo,
    report: SweepReport,
) -> None:
    ids = [row[0] for row in candidates]
    finished: dict[int, set[str]] = {}
    for learner_id, module_id in session.exec(
        select(ModuleResult.learner_id, ModuleResult.module_id).where(col(ModuleResult.learner_id).in_(ids))
    ):
        finished.setdefault(learner_id, set()).add(module_id)
    due_reviews = review.due_counts(session, ids, now)
    planned: dict[int, dict[str, Any]] = {}
    # A reminder depends only on (next module, reviews due, elderly): build each variant once.
    variants: dict[tuple[str | None, int, bool], tuple[list[MessageJSON], str]] = {}
    expiries: dict[tuple[int, bool], datetime] = {}
    for learner_id, user_id, track_id, remind_minute, cohort in candidates:
        track = content.track(track_id)
        if track is None:
            report.skip("no_track")
            continue
        done = finished.get(learner_id, set())
        following = next((lesson for lesson in content.lessons_of(track) if lesson.id not in done), None)
        reviews = due_reviews.get(learner_id, 0)
        if following is None and not reviews:
            report.skip("nothing_due")  # completed learners get spaced review only
            continue
        key = (following.module.title if following else None, reviews, track.audience is Audience.ELDERLY)
        if key not in variants:
            messages = fit(reminder_messages(key[0], key[1], elderly=key[2]))
            variants[key] = (messages, message_hash(messages))
        messages, digest = variants[key]
        demo = cohort == rules.DEMO_COHORT
        if (remind_minute, demo) not in expiries:
            expiries[remind_minute, demo] = rules.at_local(
                today, rules.window_end(remind_minute, demo=demo), zone
            )
        planned[learner_id] = {
            "chat_id": user_id,
            "messages": messages,
            "message_hash": digest,
            "expires_at": expiries[remind_minute, demo],
        }
    if not planned:
        return
    # Mark them reminded today; only rows this UPDATE changes are ours (another sweeper may be running).
    won = (
        session.exec(
            update(Learner)
            .where(col(Learner.id).in_(list(planned)), not_today(today))
            .values(last_reminded_on=today, ignored_reminders=Learner.ignored_reminders + 1)
            .returning(Learner.id)
        )
        .scalars()
        .all()
    )
    if len(won) < len(planned):
        report.skip("taken_by_another_sweep", len(planned) - len(won))
    if not won:
        return
    rows = [
        {
            **planned[learner_id],
            "batch_id": None,
            "retry_key": retry_key,
            "status": OutboxStatus.PENDING,
            "attempts": 0,
            "reply_attempts": 0,
            "created_at": now,
            "not_before": now,
            "purpose": REMINDER,
            "dedupe_key": f"reminder:{learner_id}:{today.isoformat()}",
        }
        for learner_id, retry_key in zip(won, retry_keys(len(won)), strict=True)
    ]
    _file_into_batches(session, report, rows, now)
    session.exec(_insert_once(session.get_bind()), params=rows)
    report.queued += len(rows)


def _file_into_batches(session: Any, report: SweepReport, rows: list[dict[str, Any]], now: datetime) -> None:
    """Put each reminder into a multicast batch of identical ones (up to 500), opening batches as needed.

    A batch stays closed to workers (its `not_before` ahead) until it is full or the sweep ends, so full
    requests go out while the sweep goes on. If the sweeper dies, its batches open by themselves after
    OPEN_FOR and go out as they are.
    """
    by_hash: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_hash[row["message_hash"]].append(row)
    needed: list[str] = []  # one entry per new batch, by message hash
    for digest, group in by_hash.items():
        current = report.open_batches.get(digest)
        room = MULTICAST_MAX - current[1] if current else 0
        needed += [digest] * -(-max(0, len(group) - room) // MULTICAST_MAX)
    fresh: dict[str, deque[int]] = defaultdict(deque)
    if needed:
        ids = session.exec(
            insert(OutboxBatch).returning(OutboxBatch.id, sort_by_parameter_order=True),
            params=[
                {
                    "retry_key": key,
                    "messages": by_hash[digest][0]["messages"],
                    "status": OutboxStatus.PENDING,
                    "attempts": 0,
                    "created_at": now,
                    "not_before": now + OPEN_FOR,
                }
                for digest, key in zip(needed, retry_keys(len(needed)), strict=True)
            ],
        ).scalars()
        for digest, batch_id in zip(needed, ids, strict=True):
            fresh[digest].append(batch_id)
    full = []
    for digest, group in by_hash.items():
        for row in group:
            current = report.open_batches.get(digest)
            if current is None or current[1] >= MULTICAST_MAX:
                current = report.open_batches[digest] = [fresh[digest].popleft(), 0]
            row["batch_id"] = current[0]
            current[1] += 1
            if current[1] == MULTICAST_MAX:
                full.append(current[0])
    if full:
        session.exec(update(OutboxBatch).where(col(OutboxBatch.id).in_(full)).values(not_before=now))


def close_batches(engine: Engine, report: SweepReport, now: datetime) -> None:
    """At the end of a sweep: open the batches still filling; a reminder alone in its batch goes by push."""
    partial = [(batch_id, count) for batch_id, count in report.open_batches.values() if count < MULTICAST_MAX]
    report.open_batches.clear()
    alone = [batch_id for batch_id, count in partial if count == 1]
    shared = [batch_id for batch_id, count in partial if count > 1]
    with session_scope(engine) as session:
        if shared:
            session.exec(update(OutboxBatch).where(col(OutboxBatch.id).in_(shared)).values(not_before=now))
        if alone:
            session.exec(
                update(Outbox).where(col(Outbox.batch_id).in_(alone)).values(batch_id=None, message_hash=None)
            )
            session.exec(delete(OutboxBatch).where(col(OutboxBatch.id).in_(alone)))


def _insert_once(engine: Engine) -> Any:
    table = Outbox.__table__  # type: ignore[attr-defined]
    if engine.dialect.name == "postgresql":
        return pg_insert(table).on_conflict_do_nothing(index_elements=["dedupe_key"])
    if engine.dialect.name == "sqlite":
        return sqlite_insert(table).on_conflict_do_nothing(index_elements=["dedupe_key"])
    return insert(table)


def reminder_messages(next_title: str | None, reviews: int, *, elderly: bool) -> list[MessageJSON]:
    """The daily reminder: what is next and how many reviews wait, with buttons to act on it at once.

    Identical for every learner at the same point (same track kind, next module and number of reviews), so
    the worker can send it to hundreds at a time with one multicast.
    """
    if next_title is not None:
        body = t.REMINDER_NEXT.format(title=next_title)
        if reviews:
            body += "\n" + t.REMINDER_REVIEWS.format(count=reviews)
        primary = [button(t.CONTINUE, "continue")]
        if reviews and not elderly:
            primary.append(button(t.REVIEW, "review"))
    else:
        body = t.REMINDER_REVIEW_ONLY.format(count=reviews)
        primary = [button(t.REVIEW, "review")]
    # The elderly see at most three choices: what to do now, not today, never.
    buttons: list[Button] = [*primary, button(t.SNOOZE, "snooze"), button(t.STOP_REMINDERS, "stop_reminders")]
    return [text(body, buttons)]


def retry_keys(count: int) -> list[str]:
    """`count` random version-4 UUIDs, made in bulk (uuid.uuid4() one by one is a tenth of a 100k sweep)."""
    raw = bytearray(os.urandom(16 * count))
    keys = []
    for start in range(0, len(raw), 16):
        raw[start + 6] = (raw[start + 6] & 0x0F) | 0x40  # version 4
        raw[start + 8] = (raw[start + 8] & 0x3F) | 0x80  # RFC 4122 variant
        h = raw[start : start + 16].hex()
        keys.append(f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}")
    return keys


def message_hash(messages: list[MessageJSON]) -> str:
    return hashlib.sha256(json.dumps(messages, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:32]
