"""The outbox store: every read and write of the work waiting to go to LINE, in one place.

Two kinds of work: `Outbox` rows, one chat each (answers to events, personal pushes, announcements to LINE
groups), and `OutboxBatch` rows, one request for up to 500 learners with the same messages (reminders,
announcements to learners). Producers build their values with `pending_row` and `pending_batch`; the inbox
writes answers already leased to itself (`write_answers`); the sender and the delivery worker claim, renew,
finish and pause work here. Delivery policy (what to retry, when to pause) is the sender's
(bot/sender.py); when to claim is the worker's (scheduler/worker.py).

Every claim is one short transaction that moves a lease (`not_before`) forward. On PostgreSQL the rows are
picked with `SELECT ... FOR UPDATE SKIP LOCKED`, so any number of workers on any number of machines take
disjoint work, then the lease is set on exactly those IDs (see `_lease` for why two statements); on
SQLite (one writer at a time) one `UPDATE ... WHERE id IN (SELECT ...)` is simply atomic. Sending happens
outside any transaction. Leases are short (seconds) and the holder renews them while it lives (`renew`, the
worker's heartbeat); a worker that dies stops renewing, its leases run out within one lease, and the next
worker repeats the request with the same X-Line-Retry-Key, which LINE answers 409 if the first one had landed.

This module imports only storage and the message type: it may be used by any layer above it.
"""

from __future__ import annotations

import json
import os
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, case, delete, func, insert, text, update
from sqlmodel import Session, col, select

from bot.gateway.base import MessageJSON
from bot.storage.db import among, session_scope
from bot.storage.models import Outbox, OutboxBatch, OutboxStatus, ServiceFlag

MULTICAST_MAX = 500  # LINE's limit on recipients per multicast
REMINDER = "reminder"  # the purpose of the daily reminder's batches
ANNOUNCEMENT = "announcement"  # the purpose of announcements' batches and rows (bot/trainers)
REPLY = "reply"  # the purpose of an answer to an event
# The service flag that says pushing is paused, for every process.
PUSH_PAUSED = "push_paused"

# How long a delivery may take before another worker may pick the outbox row up.
DELIVERY_LEASE = timedelta(seconds=30)

MAX_DELIVERY_ATTEMPTS = 12
# While LINE's monthly limit holds, one probe an hour (a plan upgrade can lift it at any time).
PAUSE_PROBE = timedelta(hours=1)
# While LINE refuses the access token, one probe every few minutes: an operator fixing the token (and
# restarting) should not wait long, and a refused request costs nothing from the quota.
UNAUTHORIZED_PROBE = timedelta(minutes=5)
PAUSED = "pushing is paused (see /delivery)"  # the error of work set aside while pushing is paused
MONTHLY_LIMIT = "monthly limit reached"  # the error of work LINE refused for it
UNAUTHORIZED = "LINE refused the access token"  # the error of work LINE refused for it (401/403)
# What work set aside by a pause may carry as its error (the first: before the pause had several causes).
PAUSE_ERRORS = ("pushing is paused (monthly limit)", PAUSED, MONTHLY_LIMIT, UNAUTHORIZED)
# The purpose of the answer to "delete my data": it goes to someone who has just been erased, so its row is
# deleted as soon as it is finished (sent, or refused for good) instead of being kept like other rows.
FAREWELL = "farewell"


@dataclass(frozen=True)
class Pause:
    """Why LINE refuses the whole channel for now: pushing pauses until one request, every `probe`, is
    accepted again (scheduler/worker.py). `reason` is what /delivery, /healthz and the log say."""

    cause: str
    reason: str
    error: str  # recorded on the work that waits
    probe: timedelta


MONTHLY_LIMIT_PAUSE = Pause("monthly_limit", "LINE monthly message limit reached", MONTHLY_LIMIT, PAUSE_PROBE)
UNAUTHORIZED_PAUSE = Pause(
    "unauthorized",
    "LINE refused the channel access token (401/403): set a valid LINE_CHANNEL_ACCESS_TOKEN",
    UNAUTHORIZED,
    UNAUTHORIZED_PROBE,
)
PAUSES = (MONTHLY_LIMIT_PAUSE, UNAUTHORIZED_PAUSE)


def pause_cause(reason: str | None) -> str:
    """The cause of a pause from its recorded reason ("other" for one set by hand or by older code)."""
    return next((pause.cause for pause in PAUSES if pause.reason == reason), "other")


@dataclass(frozen=True)
class Claimed:
    id: int
    chat_id: str
    reply_token: str | None
    reply_attempts: int
    messages: list[MessageJSON]
    retry_key: str
    attempts: int
    purpose: str = "reply"
    reply_landed: bool = False  # the reply delivered the first request: pushes start at the second
    reply_deadline: datetime | None = None  # no reply try starts after this (another holder may push)


# The outbox columns a `Claimed` is made of, in the order of its fields (for RETURNING clauses).
CLAIMED_COLUMNS = tuple(getattr(Outbox, name) for name in Claimed.__dataclass_fields__)


def claimed(row: Outbox) -> Claimed:
    return Claimed(*(getattr(row, name) for name in Claimed.__dataclass_fields__))


def claim(engine: Engine, outbox_id: int, now: datetime) -> Claimed | None:
    """Take the row for delivery under a lease; None when it is sent already or another worker holds it."""
    with session_scope(engine) as session:
        row = session.get(Outbox, outbox_id)
        if row is None or row.status is not OutboxStatus.PENDING:
            return None
        use_reply = (
            row.reply_token is not None and row.reply_deadline is not None and now < row.reply_deadline
        )
        result = session.exec(
            update(Outbox)
            .where(
                col(Outbox.id) == outbox_id,
                col(Outbox.status) == OutboxStatus.PENDING,
                col(Outbox.not_before) <= now,
            )
            .values(not_before=now + DELIVERY_LEASE, reply_attempts=Outbox.reply_attempts + int(use_reply))
        )
        if result.rowcount != 1:
            return None  # another worker holds it
        session.refresh(row)
        if not use_reply:
            row.reply_token = None
        return claimed(row)


def finish(
    engine: Engine,
    outbox_id: int,
    now: datetime,
    *,
    status: OutboxStatus,
    error: str | None = None,
    retry_after: timedelta | None = None,
    attempted: bool = True,
) -> OutboxStatus | None:
    """Record how a row's delivery went; returns the status it ended in (None: erased meanwhile).

    A row already sent or failed stays so: a holder whose lease ran out may finish after another holder
    did (what LINE accepted is never turned into a failure). A row out of attempts fails, and says so."""
    with session_scope(engine) as session:
        row = session.get(Outbox, outbox_id)
        if row is None:
            return None  # erased meanwhile (the learner deleted their data)
        if row.status is not OutboxStatus.PENDING:
            return row.status
        row.attempts += int(attempted)
        row.error = error
        if status is OutboxStatus.SENT:
            row.status, row.sent_at = OutboxStatus.SENT, now
        elif retry_after is not None and row.attempts < MAX_DELIVERY_ATTEMPTS:
            row.not_before = now + retry_after  # stays pending; the recovery loop tries again
        else:
            row.status = OutboxStatus.FAILED
            if retry_after is not None:
                row.error = given_up(row.attempts, error)
        if row.purpose == FAREWELL and row.status is not OutboxStatus.PENDING:
            session.delete(row)  # nothing of an erased learner is kept once their farewell is done with
        else:
            session.add(row)
        return row.status


def given_up(attempts: int, error: str | None) -> str:
    """The reason recorded for work given up after its last attempt: LINE may have accepted one of them."""
    return f"gave up after {attempts} attempts (LINE may have accepted one): {error}"[:1000]


def forget_token(engine: Engine, outbox_id: int, reply_attempts: int) -> bool:
    """LINE said the row's reply token cannot be used: clear it, unless another claim has tried the token
    since (that try may have used it). True if cleared: the caller was its only user, and pushes."""
    with session_scope(engine) as session:
        result = session.exec(
            update(Outbox)
            .where(
                col(Outbox.id) == outbox_id,
                col(Outbox.status) == OutboxStatus.PENDING,
                col(Outbox.reply_attempts) == reply_attempts,
            )
            .values(reply_token=None)
        )
        return result.rowcount == 1


def record_reply(engine: Engine, outbox_id: int) -> None:
    """The reply delivered the row's first request: whoever pushes the rest starts at the second."""
    with session_scope(engine) as session:
        session.exec(
            update(Outbox).where(col(Outbox.id) == outbox_id).values(reply_landed=True, reply_token=None)
        )


def pending_row(
    chat_id: str,
    messages: list[MessageJSON],
    now: datetime,
    *,
    purpose: str,
    not_before: datetime | None = None,
    reply_token: str | None = None,
    reply_deadline: datetime | None = None,
    reply_attempts: int = 0,
    dedupe_key: str | None = None,
) -> dict[str, Any]:
    """The values of a new outbox row waiting to be sent, for Core inserts of many rows at once."""
    return {
        "chat_id": chat_id,
        "reply_token": reply_token,
        "reply_deadline": reply_deadline,
        "reply_attempts": reply_attempts,
        "messages": messages,
        "retry_key": str(uuid.uuid4()),
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "purpose": purpose,
        "created_at": now,
        "not_before": not_before or now,
        "dedupe_key": dedupe_key,
    }


def pending_batch(
    purpose: str,
    learner_ids: list[int],
    messages: list[MessageJSON],
    now: datetime,
    *,
    retry_key: str | None = None,
    expires_at: datetime | None = None,
    dedupe_key: str | None = None,
) -> dict[str, Any]:
    """The values of a new batch (one request for these learners) waiting to be sent, for Core inserts."""
    return {
        "purpose": purpose,
        "learner_ids": learner_ids,
        "size": len(learner_ids),
        "retry_key": retry_key or str(uuid.uuid4()),
        "messages": messages,
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "created_at": now,
        "not_before": now,
        "expires_at": expires_at,
        "dedupe_key": dedupe_key,
    }


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


def write_answers(session: Session, values: list[dict[str, Any]]) -> list[Claimed]:
    """Write answers' rows (built by `pending_row`, born leased to the caller) in one statement; returns
    them as claimed, in order, ready to send at once. Rows, not ORM objects: this is the hot path."""
    if not values:
        return []
    table = Outbox.__table__  # type: ignore[attr-defined]
    written = session.execute(insert(table).returning(table.c.retry_key, table.c.id), values)
    ids = {key: row_id for key, row_id in written}
    return [
        Claimed(
            id=ids[one["retry_key"]],
            chat_id=one["chat_id"],
            reply_token=one["reply_token"],
            reply_attempts=one["reply_attempts"],
            messages=one["messages"],
            retry_key=one["retry_key"],
            attempts=0,
            purpose=one["purpose"],
            reply_deadline=one["reply_deadline"],
        )
        for one in values
    ]


def mark_answers_sent(session: Session, outbox_ids: list[int], now: datetime) -> None:
    """Answers LINE accepted, in one statement (an erased or already finished row is left alone)."""
    if outbox_ids:
        session.execute(
            update(Outbox)
            .where(col(Outbox.id).in_(outbox_ids), col(Outbox.status) == OutboxStatus.PENDING)
            .values(status=OutboxStatus.SENT, sent_at=now, error=None, attempts=Outbox.attempts + 1)
        )


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
            update(OutboxBatch)  # type: ignore[call-overload]
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
    engine: Engine, now: datetime, *, lease: timedelta, limit: int, zone: ZoneInfo
) -> tuple[list[BatchClaim], int]:
    """Lease up to `limit` due batches, with the LINE user IDs of their learners (for a reminder, those
    still due it: not studied today in `zone`, reminders not stopped or snoozed, still following). Also
    returns how many reminders were dropped with batches left empty (nobody still due)."""
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
    return session.exec(update(table).where(chosen, *due).values(**values).returning(*returning)).all()  # type: ignore[no-any-return]


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
    erased their data: they are deleted instead (FAREWELL)."""
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
