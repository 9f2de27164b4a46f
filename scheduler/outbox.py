"""The outbox as the delivery worker sees it: group, claim, finish, expire; and the push pause.

Every claim is one short transaction that moves a lease (`not_before`) forward. On PostgreSQL the rows are
picked with `SELECT ... FOR UPDATE SKIP LOCKED`, so any number of workers on any number of machines take
disjoint work, then the lease is set on exactly those IDs (see `_lease` for why two statements); on
SQLite (one writer at a time) one `UPDATE ... WHERE id IN (SELECT ...)` is simply atomic. Sending happens
outside any transaction; a worker that dies mid-send leaves its lease to run out, and the next worker
repeats the request with the same X-Line-Retry-Key, which LINE answers 409 if the first one had landed.

Rows that may share a multicast carry a `message_hash`. Grouping turns up to 500 of them with the same hash
into an `OutboxBatch` (one request, one retry key); a hash seen once is left to go by push on its own.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, case, insert, update
from sqlmodel import col, select

from bot.gateway import MessageJSON
from bot.metrics import PUSH_PAUSED
from bot.sender import MAX_DELIVERY_ATTEMPTS, Claimed
from bot.storage.db import session_scope
from bot.storage.models import Outbox, OutboxBatch, OutboxStatus, ServiceFlag

MULTICAST_MAX = 500  # LINE's limit on recipients per multicast


@dataclass(frozen=True)
class BatchClaim:
    """One multicast request: its retry key, messages and the rows (learners) it is for."""

    id: int
    retry_key: str
    messages: list[MessageJSON]
    attempts: int
    rows: tuple[tuple[int, str, str], ...]  # (outbox id, chat id, purpose)

    @property
    def recipients(self) -> list[str]:
        return [chat_id for _, chat_id, _ in self.rows]


def expire(engine: Engine, now: datetime) -> dict[str, int]:
    """Mark rows that missed their window (a reminder must not arrive in quiet hours); counts by purpose."""
    with session_scope(engine) as session:
        rows = session.exec(
            update(Outbox)
            .where(
                col(Outbox.status) == OutboxStatus.PENDING,
                col(Outbox.expires_at).is_not(None),
                col(Outbox.expires_at) <= now,
            )
            .values(status=OutboxStatus.EXPIRED, error="not sent before it expired")
            .returning(Outbox.purpose)
        ).all()
    counts: dict[str, int] = defaultdict(int)
    for (purpose,) in rows:
        counts[purpose] += 1
    return dict(counts)


def group(engine: Engine, now: datetime, *, window: int = 10_000) -> int:
    """Form multicast batches from due rows with the same messages; returns how many batches were made.

    The sweep files reminders into batches itself; this catches shareable rows written any other way.
    """
    due = (
        col(Outbox.status) == OutboxStatus.PENDING,
        col(Outbox.batch_id).is_(None),
        col(Outbox.message_hash).is_not(None),
        col(Outbox.not_before) <= now,
    )
    query = select(Outbox.id, Outbox.message_hash).where(*due)
    with session_scope(engine) as session:
        picked = session.exec(
            query.order_by(col(Outbox.message_hash), col(Outbox.id))
            .limit(window)
            .with_for_update(skip_locked=True)
        ).all()
        by_hash: dict[str, list[int]] = defaultdict(list)
        for row_id, message_hash in picked:
            by_hash[message_hash].append(row_id)
        singles = [ids[0] for ids in by_hash.values() if len(ids) == 1]
        chunks = [
            ids[start : start + MULTICAST_MAX]
            for ids in by_hash.values()
            if len(ids) > 1
            for start in range(0, len(ids), MULTICAST_MAX)
        ]
        if singles:
            # Nothing to share a request with: an ordinary push with the row's own retry key.
            _update_all(session, singles, message_hash=None)
        if not chunks:
            return 0
        firsts = [chunk[0] for chunk in chunks]
        messages = dict(
            session.exec(select(Outbox.id, Outbox.messages).where(col(Outbox.id).in_(firsts))).all()
        )
        batch_ids = (
            session.exec(
                insert(OutboxBatch).returning(OutboxBatch.id, sort_by_parameter_order=True),
                params=[
                    {
                        "retry_key": str(uuid.uuid4()),
                        "messages": messages[first],
                        "status": OutboxStatus.PENDING,
                        "attempts": 0,
                        "created_at": now,
                        "not_before": now,
                    }
                    for first in firsts
                ],
            )
            .scalars()
            .all()
        )
        for batch_id, chunk in zip(batch_ids, chunks, strict=True):
            _update_all(session, chunk, batch_id=batch_id)
        return len(chunks)


def _update_all(session: Any, ids: list[int], **values: Any) -> None:
    """Update rows that must still be pending and unbatched; anything else means another process raced us."""
    result = session.exec(
        update(Outbox)
        .where(
            col(Outbox.id).in_(ids),
            col(Outbox.batch_id).is_(None),
            col(Outbox.status) == OutboxStatus.PENDING,
        )
        .values(**values)
    )
    if result.rowcount != len(ids):
        raise RuntimeError("outbox rows changed while being grouped; the transaction is rolled back")


def claim_batches(engine: Engine, now: datetime, *, lease: timedelta, limit: int) -> list[BatchClaim]:
    """Lease up to `limit` due multicast batches, with their pending rows."""
    with session_scope(engine) as session:
        due = (col(OutboxBatch.status) == OutboxStatus.PENDING, col(OutboxBatch.not_before) <= now)
        picked = select(OutboxBatch.id).where(*due).order_by(col(OutboxBatch.id)).limit(limit)
        claimed = _lease(
            session,
            OutboxBatch,
            picked,
            due,
            {"not_before": now + lease},
            (OutboxBatch.id, OutboxBatch.retry_key, OutboxBatch.messages, OutboxBatch.attempts),
        )
        if not claimed:
            return []
        members: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
        for row_id, batch_id, chat_id, purpose in session.exec(
            select(Outbox.id, Outbox.batch_id, Outbox.chat_id, Outbox.purpose)
            .where(
                col(Outbox.batch_id).in_([row[0] for row in claimed]),
                col(Outbox.status) == OutboxStatus.PENDING,
            )
            .order_by(col(Outbox.id))
        ):
            members[batch_id].append((row_id, chat_id, purpose))
        empty = [batch_id for batch_id, *_ in claimed if not members[batch_id]]
        if empty:
            # Every recipient expired or erased their data meanwhile: nothing left to send.
            session.exec(
                update(OutboxBatch).where(col(OutboxBatch.id).in_(empty)).values(status=OutboxStatus.EXPIRED)
            )
        return [
            BatchClaim(batch_id, retry_key, messages, attempts, tuple(members[batch_id]))
            for batch_id, retry_key, messages, attempts in claimed
            if members[batch_id]
        ]


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


def claim_rows(
    engine: Engine, now: datetime, *, lease: timedelta, limit: int, push: bool = True
) -> list[Claimed]:
    """Lease up to `limit` due rows that go on their own (replies, personal pushes, unshared reminders).

    A reply token still fresh is tried first (and its try counted); with `push=False` (pushing paused)
    only such rows are taken.
    """
    fresh_token = (col(Outbox.reply_token).is_not(None)) & (col(Outbox.reply_deadline) > now)
    due = [
        col(Outbox.status) == OutboxStatus.PENDING,
        col(Outbox.not_before) <= now,
        col(Outbox.batch_id).is_(None),
        col(Outbox.message_hash).is_(None),
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
            (
                Outbox.id,
                Outbox.chat_id,
                Outbox.reply_token,
                Outbox.reply_deadline,
                Outbox.reply_attempts,
                Outbox.messages,
                Outbox.retry_key,
                Outbox.attempts,
                Outbox.purpose,
            ),
        )
    claims = []
    for row_id, chat_id, token, deadline, reply_attempts, messages, retry_key, attempts, purpose in rows:
        usable = token if token is not None and deadline is not None and deadline > now else None
        claims.append(
            Claimed(row_id, chat_id, usable, reply_attempts, messages, retry_key, attempts, purpose)
        )
    return sorted(claims, key=lambda claim: claim.id)


def mark_sent(engine: Engine, now: datetime, row_ids: list[int]) -> None:
    """Rows LINE accepted, in one statement."""
    if not row_ids:
        return
    with session_scope(engine) as session:
        session.exec(
            update(Outbox)
            .where(col(Outbox.id).in_(row_ids))
            .values(status=OutboxStatus.SENT, sent_at=now, error=None, attempts=Outbox.attempts + 1)
        )


def mark_batches_sent(engine: Engine, now: datetime, batch_ids: list[int]) -> int:
    """Batches LINE accepted, with their rows, in one transaction; returns how many rows that was."""
    if not batch_ids:
        return 0
    with session_scope(engine) as session:
        session.exec(
            update(OutboxBatch)
            .where(col(OutboxBatch.id).in_(batch_ids))
            .values(status=OutboxStatus.SENT, sent_at=now, error=None, attempts=OutboxBatch.attempts + 1)
        )
        result = session.exec(
            update(Outbox)
            .where(col(Outbox.batch_id).in_(batch_ids), col(Outbox.status) == OutboxStatus.PENDING)
            .values(status=OutboxStatus.SENT, sent_at=now, error=None, attempts=Outbox.attempts + 1)
        )
        return result.rowcount


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
    """Record how a multicast went, for the batch and its rows; returns the status it ended in."""
    with session_scope(engine) as session:
        batch = session.get(OutboxBatch, batch_id)
        if batch is None:
            return OutboxStatus.FAILED
        batch.attempts += int(attempted)  # a pause for LINE's monthly limit uses up no attempt
        batch.error = error
        if (
            status is OutboxStatus.PENDING
            and retry_after is not None
            and batch.attempts < MAX_DELIVERY_ATTEMPTS
        ):
            batch.not_before = now + retry_after  # the same request (same rows, same key) goes again later
        else:
            batch.status = OutboxStatus.SENT if status is OutboxStatus.SENT else OutboxStatus.FAILED
            batch.sent_at = now if batch.status is OutboxStatus.SENT else None
            session.exec(
                update(Outbox)
                .where(col(Outbox.batch_id) == batch_id, col(Outbox.status) == OutboxStatus.PENDING)
                .values(status=batch.status, sent_at=batch.sent_at, error=error, attempts=Outbox.attempts + 1)
            )
        session.add(batch)
        return batch.status


# ----- the push pause (LINE's monthly limit) --------------------------------------------------------------


def push_paused_until(engine: Engine) -> datetime | None:
    """When pushing may be tried again, if it is paused."""
    with session_scope(engine) as session:
        flag = session.get(ServiceFlag, PUSH_PAUSED)
        return (flag.until or flag.since) if flag else None


def pause_push(engine: Engine, now: datetime, *, retry_at: datetime, reason: str) -> None:
    """Stop pushing until `retry_at` (every process sees it); keep the first `since` of a longer pause."""
    with session_scope(engine) as session:
        flag = session.get(ServiceFlag, PUSH_PAUSED)
        if flag is None:
            flag = ServiceFlag(name=PUSH_PAUSED, since=now)
        flag.until, flag.reason = retry_at, reason
        session.add(flag)


def resume_push(engine: Engine) -> bool:
    """Lift the pause (LINE accepted a push again, or an operator says so); True if there was one."""
    with session_scope(engine) as session:
        flag = session.get(ServiceFlag, PUSH_PAUSED)
        if flag is None:
            return False
        session.delete(flag)
        return True


def pause_status(engine: Engine) -> dict[str, Any]:
    """The pause as the trainers' dashboard shows it."""
    with session_scope(engine) as session:
        flag = session.get(ServiceFlag, PUSH_PAUSED)
        if flag is None:
            return {"push_paused": False}
        return {
            "push_paused": True,
            "since": flag.since.isoformat(),
            "next_try": flag.until.isoformat() if flag.until else None,
            "reason": flag.reason,
        }
