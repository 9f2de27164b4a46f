"""The outbox as the delivery worker sees it: claim, finish, expire; and the push pause.

Two kinds of work: `Outbox` rows, one chat each (answers to events, personal pushes, announcements to LINE
groups), and `OutboxBatch` rows, one request for up to 500 learners with the same messages (reminders,
announcements to learners), written so by their producers.

Every claim is one short transaction that moves a lease (`not_before`) forward. On PostgreSQL the rows are
picked with `SELECT ... FOR UPDATE SKIP LOCKED`, so any number of workers on any number of machines take
disjoint work, then the lease is set on exactly those IDs (see `_lease` for why two statements); on
SQLite (one writer at a time) one `UPDATE ... WHERE id IN (SELECT ...)` is simply atomic. Sending happens
outside any transaction. Leases are short (seconds) and the holder renews them while it lives (`renew`, the
worker's heartbeat); a worker that dies stops renewing, its leases run out within one lease, and the next
worker repeats the request with the same X-Line-Retry-Key, which LINE answers 409 if the first one had landed.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, case, delete, func, text, update
from sqlmodel import col, select

from bot.gateway import MessageJSON
from bot.learning.reminders import BANGKOK
from bot.metrics import PUSH_PAUSED
from bot.sender import CLAIMED_COLUMNS, MAX_DELIVERY_ATTEMPTS, PAUSE_ERRORS, Claimed, given_up, pause_cause
from bot.storage.db import among, session_scope
from bot.storage.models import Outbox, OutboxBatch, OutboxStatus, ServiceFlag

MULTICAST_MAX = 500  # LINE's limit on recipients per multicast
REMINDER = "reminder"  # the purpose of the daily reminder's batches
ANNOUNCEMENT = "announcement"  # the purpose of announcements' batches and rows (bot/trainers)


@dataclass(frozen=True)
class BatchClaim:
    """One request for many learners: its retry key, messages and the LINE user IDs it goes to."""

    id: int
    retry_key: str
    messages: list[MessageJSON]
    attempts: int
    purpose: str
    size: int  # learners it was written for: one goes by push, more by multicast
    recipients: tuple[str, ...]  # those still here (a learner who erased their data is left out)
    left_out: int = 0  # reminders: learners no longer due it (studied, stopped, snoozed, unfollowed)


def expire(engine: Engine, now: datetime) -> dict[str, int]:
    """Expire batches that missed their window (a reminder must not arrive in quiet hours); learners by
    purpose."""
    with session_scope(engine) as session:
        rows = session.exec(
            update(OutboxBatch)
            .where(
                col(OutboxBatch.status) == OutboxStatus.PENDING,
                col(OutboxBatch.expires_at).is_not(None),
                col(OutboxBatch.expires_at) <= now,
            )
            .values(status=OutboxStatus.EXPIRED, error="not sent before it expired")
            .returning(OutboxBatch.purpose, OutboxBatch.size)
        ).all()
    counts: dict[str, int] = defaultdict(int)
    for purpose, size in rows:
        counts[purpose] += size
    return dict(counts)


def claim_batches(
    engine: Engine, now: datetime, *, lease: timedelta, limit: int, zone: ZoneInfo = BANGKOK
) -> tuple[list[BatchClaim], int]:
    """Lease up to `limit` due batches, with the LINE user IDs of their learners (for a reminder, those
    still due it: not studied today, reminders not stopped or snoozed, still following). Also returns how
    many reminders were dropped with batches left empty (nobody still due)."""
    with session_scope(engine) as session:
        due = (col(OutboxBatch.status) == OutboxStatus.PENDING, col(OutboxBatch.not_before) <= now)
        picked = select(OutboxBatch.id).where(*due).order_by(col(OutboxBatch.id)).limit(limit)
        claimed = _lease(
            session,
            OutboxBatch,
            picked,
            due,
            {"not_before": now + lease},
            (
                OutboxBatch.id,
                OutboxBatch.retry_key,
                OutboxBatch.messages,
                OutboxBatch.attempts,
                OutboxBatch.purpose,
                OutboxBatch.size,
            ),
        )
        if not claimed:
            return [], 0
        users = _recipients(session, [row[0] for row in claimed], now.astimezone(zone).date())
        claims, empty, dropped = [], [], 0
        for batch_id, retry_key, messages, attempts, purpose, size in claimed:
            to = tuple(users.get(batch_id) or ())
            left_out = size - len(to) if purpose == REMINDER else 0
            if to:
                claims.append(
                    BatchClaim(batch_id, retry_key, messages, attempts, purpose, size, to, left_out)
                )
            else:
                empty.append(batch_id)
                dropped += left_out
        if empty:
            # Every learner erased their data meanwhile (or, for a reminder, studied): nothing left to send.
            session.exec(
                update(OutboxBatch).where(col(OutboxBatch.id).in_(empty)).values(status=OutboxStatus.EXPIRED)
            )
        return claims, dropped


# The LINE user IDs of a batch's learners, in order, as one JSON array built by the database: the lookups
# stay in the database's own code instead of a Python row per learner (a third of the claim's time). A
# reminder goes only to learners still due it: the sweep wrote it minutes or, with LINE down, hours ago.
_STILL_DUE = (
    "b.purpose <> :reminder OR (l.following AND NOT l.reminders_stopped"
    " AND (l.last_studied_on IS NULL OR l.last_studied_on < :today)"
    " AND (l.snoozed_until IS NULL OR l.snoozed_until <= :today))"
)
_RECIPIENTS = {
    "sqlite": "SELECT b.id, (SELECT json_group_array(l.line_user_id) FROM json_each(b.learner_ids) AS j"
    f" JOIN learner AS l ON l.id = j.value WHERE {_STILL_DUE}) FROM outbox_batch AS b"
    " WHERE b.id IN (SELECT value FROM json_each(:ids))",
    "postgresql": "SELECT b.id, (SELECT json_agg(l.line_user_id ORDER BY j.n)"
    " FROM json_array_elements_text(b.learner_ids) WITH ORDINALITY AS j(id, n)"
    f" JOIN learner AS l ON l.id = j.id::integer WHERE {_STILL_DUE}) FROM outbox_batch AS b"
    " WHERE b.id = ANY(:ids)",
}


def _recipients(session: Any, batch_ids: list[int], today: date) -> dict[int, list[str]]:
    """Batch ID -> the LINE user IDs of its learners still here (erased learners are simply not found) and,
    for a reminder, still due it on local day `today`."""
    dialect = session.get_bind().dialect.name
    params: dict[str, Any] = {"reminder": REMINDER}
    if dialect == "postgresql":
        params |= {"ids": batch_ids, "today": today}
    else:  # SQLite keeps dates as ISO text
        params |= {"ids": json.dumps(batch_ids), "today": today.isoformat()}
    rows = session.connection().execute(text(_RECIPIENTS[dialect]), params).all()
    return {
        batch_id: json.loads(users) if isinstance(users, str) else users or [] for batch_id, users in rows
    }


def _lease(
    session: Any, table: Any, picked: Any, due: Any, values: dict[str, Any], returning: tuple[Any, ...]
) -> list[Any]:
    """Set the lease on the rows `picked` selects (still `due`), returning `returning` for each.

    PostgreSQL: two short statements, `SELECT ... FOR UPDATE SKIP LOCKED`, then an UPDATE of exactly those
    IDs. Joined into one statement, the planner decides the join without knowing it is a few hundred rows:
    on a freshly loaded outbox (no statistics yet) it chose a scan of the whole table per picked row, a
    second per claim; an `IN (SELECT ... LIMIT ... FOR UPDATE)` can even be run once per row of the table.
    SQLite: one `UPDATE ... WHERE id IN (SELECT ...)`, atomic because SQLite has one writer at a time.
    """
    if session.get_bind().dialect.name == "postgresql":
        ids = session.exec(picked.with_for_update(skip_locked=True)).all()
        if not ids:
            return []
        chosen = col(table.id).in_(ids)
    else:
        chosen = col(table.id).in_(picked)
    return session.exec(update(table).where(chosen, *due).values(**values).returning(*returning)).all()


def renew(engine: Engine, until: datetime, row_ids: list[int], batch_ids: list[int]) -> int:
    """Move the lease of work a live worker still holds to `until` (its heartbeat); returns how many rows and
    batches were renewed. Work finished meanwhile is left alone. On PostgreSQL rows locked at this moment (by
    a claim or a finish) are skipped, so a heartbeat never waits for or deadlocks with them; the next
    heartbeat renews them, long before the lease runs out."""
    renewed = 0
    with session_scope(engine) as session:
        for table, ids in ((Outbox, row_ids), (OutboxBatch, batch_ids)):
            if ids:
                held = (col(table.status) == OutboxStatus.PENDING,)
                picked = select(table.id).where(among(session, col(table.id), ids), *held)
                renewed += len(_lease(session, table, picked, held, {"not_before": until}, (table.id,)))
    return renewed


def next_free(engine: Engine, now: datetime, within: timedelta) -> datetime | None:
    """When the first pending work not due now becomes due, if that is within `within`: work another
    worker holds (free then if its holder died meanwhile), or a short back-off."""
    with session_scope(engine) as session:
        ends = [
            session.exec(
                select(func.min(table.not_before)).where(
                    col(table.status) == OutboxStatus.PENDING,
                    col(table.not_before) > now,
                    col(table.not_before) <= now + within,
                )
            ).one()
            for table in (Outbox, OutboxBatch)
        ]
    return min((end for end in ends if end is not None), default=None)


def claim_rows(
    engine: Engine, now: datetime, *, lease: timedelta, limit: int, push: bool = True
) -> list[Claimed]:
    """Lease up to `limit` due rows (replies, personal pushes, announcements to LINE groups).

    A reply token still fresh is tried first (and its try counted); with `push=False` (pushing paused)
    only such rows are taken.
    """
    fresh_token = (col(Outbox.reply_token).is_not(None)) & (col(Outbox.reply_deadline) > now)
    due = [
        col(Outbox.status) == OutboxStatus.PENDING,
        col(Outbox.not_before) <= now,
    ]
    if not push:
        due.append(fresh_token)
    with session_scope(engine) as session:
        picked = select(Outbox.id).where(*due).order_by(col(Outbox.id)).limit(limit)
        rows = _lease(
            session,
            Outbox,
            picked,
            due,
            {
                "not_before": now + lease,
                "reply_attempts": Outbox.reply_attempts + case((fresh_token, 1), else_=0),
            },
            CLAIMED_COLUMNS,
        )
    claims = []
    for values in rows:
        claim = Claimed(*values)
        if claim.reply_token is not None and not (claim.reply_deadline and claim.reply_deadline > now):
            claim = replace(claim, reply_token=None)  # too late for a reply: pushed instead
        claims.append(claim)
    return sorted(claims, key=lambda claim: claim.id)


def mark_sent(
    engine: Engine, now: datetime, row_ids: list[int], batch_ids: list[int], *, farewells: Sequence[int] = ()
) -> None:
    """Rows and batches LINE accepted, in one transaction. `farewells` (of `row_ids`) went to learners who
    erased their data: they are deleted instead (bot/sender.py, FAREWELL)."""
    if not row_ids and not batch_ids:
        return
    sent = {"status": OutboxStatus.SENT, "sent_at": now, "error": None}
    with session_scope(engine) as session:
        if row_ids:
            session.exec(
                update(Outbox).where(col(Outbox.id).in_(row_ids)).values(**sent, attempts=Outbox.attempts + 1)
            )
        if farewells:
            session.exec(delete(Outbox).where(col(Outbox.id).in_(farewells)))
        if batch_ids:
            session.exec(
                update(OutboxBatch)
                .where(col(OutboxBatch.id).in_(batch_ids))
                .values(**sent, attempts=OutboxBatch.attempts + 1)
            )


def finish_batch(
    engine: Engine,
    now: datetime,
    batch_id: int,
    *,
    status: OutboxStatus,
    error: str | None = None,
    retry_after: timedelta | None = None,
    attempted: bool = True,
) -> OutboxStatus:
    """Record how a batch's request went; returns the status it ended in."""
    with session_scope(engine) as session:
        batch = session.get(OutboxBatch, batch_id)
        if batch is None:
            return OutboxStatus.FAILED
        if batch.status is not OutboxStatus.PENDING:
            return batch.status  # finished by another holder (this one's lease had run out)
        batch.attempts += int(attempted)  # a pause for LINE's monthly limit uses up no attempt
        batch.error = error
        if (
            status is OutboxStatus.PENDING
            and retry_after is not None
            and batch.attempts < MAX_DELIVERY_ATTEMPTS
        ):
            # The same request (same learners, same key) goes again later.
            batch.not_before = now + retry_after
        else:
            batch.status = OutboxStatus.SENT if status is OutboxStatus.SENT else OutboxStatus.FAILED
            batch.sent_at = now if batch.status is OutboxStatus.SENT else None
            if status is OutboxStatus.PENDING:
                batch.error = given_up(batch.attempts, error)
        session.add(batch)
        return batch.status


# ----- the push pause (LINE's monthly limit, a refused access token) --------------------------------------


def push_paused_until(engine: Engine) -> datetime | None:
    """When pushing may be tried again, if it is paused."""
    with session_scope(engine) as session:
        flag = session.get(ServiceFlag, PUSH_PAUSED)
        return (flag.until or flag.since) if flag else None


def pause_push(engine: Engine, now: datetime, *, retry_at: datetime, reason: str) -> None:
    """Stop pushing until `retry_at` (every process sees it); keep the first `since` of a longer pause.

    A pause already on for the same reason keeps its next try: refusals meanwhile (replies go on, and LINE
    refuses those too while it refuses the token) must not put the probe off for ever."""
    with session_scope(engine) as session:
        flag = session.get(ServiceFlag, PUSH_PAUSED)
        if flag is None:
            flag = ServiceFlag(name=PUSH_PAUSED, since=now)
        elif flag.reason == reason and flag.until is not None and flag.until > now:
            return
        flag.until, flag.reason = retry_at, reason
        session.add(flag)


def resume_push(engine: Engine, now: datetime) -> bool:
    """Lift the pause (LINE accepted a push again, or an operator says so); True if there was one. What
    waited for it (rows and batches set aside for an hour) is due at once."""
    with session_scope(engine) as session:
        flag = session.get(ServiceFlag, PUSH_PAUSED)
        if flag is None:
            return False
        session.delete(flag)
        for table in (Outbox, OutboxBatch):
            session.exec(
                update(table)
                .where(
                    col(table.status) == OutboxStatus.PENDING,
                    col(table.error).in_(PAUSE_ERRORS),
                    col(table.not_before) > now,
                )
                .values(not_before=now)
            )
        return True


def pause_status(engine: Engine) -> dict[str, Any]:
    """The pause as the trainers' dashboard shows it."""
    with session_scope(engine) as session:
        return pause_of(session)


def pause_of(session: Any) -> dict[str, Any]:
    """The pause read in `session`: its cause (`monthly_limit`, `unauthorized`), since, next try, reason."""
    flag = session.get(ServiceFlag, PUSH_PAUSED)
    if flag is None:
        return {"push_paused": False}
    return {
        "push_paused": True,
        "cause": pause_cause(flag.reason),
        "since": flag.since.isoformat(),
        "next_try": flag.until.isoformat() if flag.until else None,
        "reason": flag.reason,
    }
