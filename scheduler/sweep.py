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
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Engine, and_, insert, or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select

from bot.content import Audience, Content
from bot.flow import texts as t
from bot.flow.ui import Button, button, text
from bot.gateway import MessageJSON
from bot.limits import fit
from bot.storage.db import session_scope
from bot.storage.models import Learner, ModuleResult, Outbox, OutboxStatus, Phase
from scheduler import reminders as rules
from scheduler import review

log = logging.getLogger(__name__)
REMINDER = "reminder"
# Phases in which a nudge would be out of place: before consent, waiting for a parent, deciding to delete.
QUIET_PHASES = (Phase.CONSENT, Phase.DECLINED, Phase.AGE, Phase.PARENT, Phase.CONFIRM_DELETE)


@dataclass
class SweepReport:
    queued: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

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
    today, minute = rules.local_date(now, zone), rules.local_minute(now, zone)
    report = SweepReport()
    after = 0
    while True:
        with session_scope(engine) as session:
            candidates = session.exec(
                select(
                    Learner.id, Learner.line_user_id, Learner.track_id, Learner.remind_minute, Learner.cohort
                )
                .where(due_filter(today, minute), col(Learner.id) > after)
                .order_by(col(Learner.id))
                .limit(chunk)
            ).all()
            if not candidates:
                return report
            after = candidates[-1][0]
            _queue(session, content, candidates, now, today, zone, report)


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
        messages = fit(
            reminder_messages(
                following.module.title if following else None,
                reviews,
                elderly=track.audience is Audience.ELDERLY,
            )
        )
        demo = cohort == rules.DEMO_COHORT
        planned[learner_id] = {
            "chat_id": user_id,
            "messages": messages,
            "message_hash": message_hash(messages),
            "expires_at": rules.at_local(today, rules.window_end(remind_minute, demo=demo), zone),
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
            "retry_key": str(uuid.uuid4()),
            "status": OutboxStatus.PENDING,
            "attempts": 0,
            "reply_attempts": 0,
            "created_at": now,
            "not_before": now,
            "purpose": REMINDER,
            "dedupe_key": f"reminder:{learner_id}:{today.isoformat()}",
        }
        for learner_id in won
    ]
    session.exec(_insert_once(session.get_bind()), params=rows)
    report.queued += len(rows)


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


def message_hash(messages: list[MessageJSON]) -> str:
    return hashlib.sha256(json.dumps(messages, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:32]
