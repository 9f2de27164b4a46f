"""The pending checks store: forwarded messages and screenshots gathered into one answer per chat.

A forwarded message adds what its check found to the chat's open row (or opens one, due a few seconds
later); a screenshot adds its message ID. When the row is due, a process takes it under a lease (`take`),
reads the screenshots, and writes the answer to the outbox in the same transaction that deletes the row
(`finish`): an answer is written once, and a process that dies mid-way lets its lease run out, after which
recovery takes the row again (`due`). No message text is kept here, only what the checks found.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, or_, update
from sqlmodel import Session, col, select

from bot.storage.db import session_scope
from bot.storage.models import PendingCheck

OPEN, BUSY = "open", "busy"
# How long a process may take to answer a row it took (OCR of a few screenshots, one LINE fetch each).
CHECK_LEASE = timedelta(seconds=60)
# The session.info key under which a turn lists the pending checks it opened or added to (bot/inbox.py
# hands them to the runtime, which answers each when due, outside the round).
GATHERED = "checks_gathered"
# A row that failed this many times is answered with what could be read (or an apology) and dropped.
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class Gathered:
    """Where a forwarded message or screenshot went: the row, when it is due, and whether it is new."""

    check_id: int
    chat_id: str
    due_at: datetime
    opened: bool
    images: int


@dataclass(frozen=True)
class Taken:
    """A row taken for answering: everything the answer needs."""

    id: int
    chat_id: str
    results: list[dict[str, Any]]
    image_ids: list[str]
    reply_token: str | None
    reply_deadline: datetime | None
    quote_token: str | None
    lease_until: datetime
    attempts: int


def open_check(chat_id: str) -> Any:
    """The chat's pending check still gathering, if any (a statement)."""
    return select(PendingCheck).where(PendingCheck.chat_id == chat_id, PendingCheck.status == OPEN)


def gather(
    session: Session,
    chat_id: str,
    now: datetime,
    *,
    wait: timedelta,
    result: dict[str, Any] | None = None,
    image_id: str | None = None,
    reply_token: str | None = None,
    reply_deadline: datetime | None = None,
    quote_token: str | None = None,
) -> Gathered:
    """Add a check result or a screenshot to the chat's open row, or open one due `wait` from now."""
    row = session.exec(open_check(chat_id).with_for_update()).first()
    opened = row is None
    if row is None:
        row = PendingCheck(
            chat_id=chat_id,
            status=OPEN,
            results=[],
            image_ids=[],
            reply_token=reply_token,
            reply_deadline=reply_deadline,
            quote_token=quote_token,
            opened_at=now,
            due_at=now + wait,
        )
    # New lists: the JSON columns notice assignment, not changes in place.
    if result is not None:
        row.results = [*row.results, result]
    if image_id is not None:
        row.image_ids = [*row.image_ids, image_id]
    if row.reply_token is None and reply_token is not None:  # the first had none (recovered too late)
        row.reply_token, row.reply_deadline = reply_token, reply_deadline
    row.quote_token = row.quote_token or quote_token
    session.add(row)
    session.flush()
    assert row.id is not None
    return Gathered(row.id, chat_id, row.due_at, opened, len(row.image_ids))


def take(engine: Engine, check_id: int, now: datetime, lease: timedelta = CHECK_LEASE) -> Taken | None:
    """Take one row for answering now (open, or busy with a lease run out); None if gone or held."""
    with session_scope(engine) as session:
        return _take(session, check_id, now, lease)


def _take(session: Session, check_id: int, now: datetime, lease: timedelta) -> Taken | None:
    until = now + lease
    taken = session.execute(
        update(PendingCheck)
        .where(
            col(PendingCheck.id) == check_id,
            or_(col(PendingCheck.status) == OPEN, col(PendingCheck.lease_until) <= now),
        )
        .values(status=BUSY, lease_until=until, attempts=PendingCheck.attempts + 1)
    )
    if not taken.rowcount:  # type: ignore[attr-defined]
        return None
    row = session.get(PendingCheck, check_id)
    assert row is not None
    session.refresh(row)
    return Taken(
        id=check_id,
        chat_id=row.chat_id,
        results=list(row.results),
        image_ids=[str(image) for image in row.image_ids],
        reply_token=row.reply_token,
        reply_deadline=row.reply_deadline,
        quote_token=row.quote_token,
        lease_until=until,
        attempts=row.attempts,
    )


def due(engine: Engine, now: datetime, *, limit: int = 50) -> list[int]:
    """Rows to answer now: open and past due, or taken by a process whose lease ran out (it died)."""
    with session_scope(engine) as session:
        return [
            row_id
            for row_id in session.exec(
                select(col(PendingCheck.id))
                .where(
                    or_(
                        (col(PendingCheck.status) == OPEN) & (col(PendingCheck.due_at) <= now),
                        (col(PendingCheck.status) == BUSY) & (col(PendingCheck.lease_until) <= now),
                    )
                )
                .order_by(col(PendingCheck.id))
                .limit(limit)
            )
            if row_id is not None
        ]


def finish(session: Session, taken: Taken) -> bool:
    """Delete the row, if this process still holds it; False when the lease ran out and another took it."""
    gone = session.execute(
        delete(PendingCheck).where(
            col(PendingCheck.id) == taken.id,
            col(PendingCheck.status) == BUSY,
            col(PendingCheck.lease_until) == taken.lease_until,
        )
    )
    return bool(gone.rowcount)  # type: ignore[attr-defined]
