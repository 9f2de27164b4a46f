"""The durable inbox: webhook events are stored before LINE gets its 200, then handled exactly once.

Handling an event is one transaction: the learner's new state, the messages to send (as an outbox row) and
the event's "done" mark commit together or not at all. A crash before the commit leaves the event pending,
and it is handled again after restart; a replayed event finds its ID already stored and is dropped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import uuid4

from linebot.v3.webhooks import Event
from sqlalchemy import Engine, insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select

from bot.content import Content
from bot.flow import texts
from bot.flow.ui import text
from bot.gateway import MessageJSON
from bot.handlers import dispatch
from bot.handlers.context import HandlerContext
from bot.limits import fit
from bot.sender import DELIVERY_LEASE, Claimed, claimed
from bot.storage.db import session_scope
from bot.storage.models import InboxEvent, InboxStatus, Outbox

log = logging.getLogger(__name__)

# LINE says a reply token is good for about a minute; stop trying it a little earlier and push instead.
REPLY_WINDOW = timedelta(seconds=50)
MAX_HANDLING_ATTEMPTS = 3


def chat_id_of(event: dict[str, Any]) -> str | None:
    source = event.get("source") or {}
    return source.get("groupId") or source.get("roomId") or source.get("userId")


def accept(engine: Engine, events: list[dict[str, Any]], now: datetime) -> list[str]:
    """Store new events durably; return the IDs that were new (replays are silently dropped)."""
    rows = [
        {
            "webhook_event_id": str(event["webhookEventId"]),
            "chat_id": chat_id_of(event),
            "payload": event,
            "status": InboxStatus.PENDING,
            "attempts": 0,
            "received_at": now,
        }
        for event in events
    ]
    if not rows:
        return []
    ids = [row["webhook_event_id"] for row in rows]
    with engine.begin() as connection:
        known = set(
            connection.execute(
                select(InboxEvent.webhook_event_id).where(col(InboxEvent.webhook_event_id).in_(ids))
            ).scalars()
        )
        fresh = [row for row in rows if row["webhook_event_id"] not in known]
        unique = list({row["webhook_event_id"]: row for row in fresh}.values())  # duplicates inside one post
        if unique:
            connection.execute(_insert_ignoring_duplicates(engine), unique)
    return [row["webhook_event_id"] for row in unique]


def _insert_ignoring_duplicates(engine: Engine):  # type: ignore[no-untyped-def]
    # Two web processes may race on the same redelivered event: the primary key decides, quietly.
    table = InboxEvent.__table__  # type: ignore[attr-defined]
    if engine.dialect.name == "postgresql":
        return pg_insert(table).on_conflict_do_nothing(index_elements=["webhook_event_id"])
    if engine.dialect.name == "sqlite":
        return sqlite_insert(table).on_conflict_do_nothing(index_elements=["webhook_event_id"])
    return insert(table)


@dataclass(frozen=True)
class Handled:
    event_id: str
    # The answer to send, already leased to the caller (it was written leased), so it can go out at once.
    outbox: Claimed | None


def handle(engine: Engine, content: Content, event_id: str, now: datetime) -> Handled | None:
    """Handle one stored event in one transaction; None when it was already handled (or is being handled)."""
    try:
        with session_scope(engine) as session:
            row = session.exec(
                select(InboxEvent)
                .where(InboxEvent.webhook_event_id == event_id, InboxEvent.status == InboxStatus.PENDING)
                .with_for_update(skip_locked=True)
            ).first()
            if row is None or row.payload is None:
                return None
            payload = row.payload
            event = parse_event(payload)
            messages = dispatch(event, HandlerContext(session=session, content=content, now=now))
            outbox = _outbox_row(payload, messages, row.received_at, now)
            if outbox is not None:
                session.add(outbox)
            row.status, row.payload, row.handled_at = InboxStatus.DONE, None, now
            session.add(row)
            session.flush()
            return Handled(event_id, claimed(outbox) if outbox else None)
    except Exception as exc:
        log.exception("event %s could not be handled", event_id)
        return _record_failure(engine, event_id, now, exc)


def parse_event(payload: dict[str, Any]) -> Event:
    """The SDK's model of an event; unknown types become UnknownEvent, which no route matches."""
    try:
        return Event.from_dict(payload)
    except ValueError:
        from linebot.v3.models.events import UnknownEvent

        return UnknownEvent.new_from_json_dict(payload)


def _outbox_row(
    payload: dict[str, Any], messages: list[MessageJSON], received: datetime, now: datetime
) -> Outbox | None:
    chat_id = chat_id_of(payload)
    if not messages or chat_id is None:
        return None
    token = payload.get("replyToken")
    return Outbox(
        chat_id=chat_id,
        reply_token=token,
        reply_deadline=received + REPLY_WINDOW if token else None,
        messages=fit(messages),
        retry_key=str(uuid4()),
        created_at=now,
        # Born leased to this process, which delivers it right after the commit; if the process dies,
        # the lease runs out and any worker picks it up.
        not_before=now + DELIVERY_LEASE,
        reply_attempts=1 if token else 0,
    )


def _record_failure(engine: Engine, event_id: str, now: datetime, exc: Exception) -> Handled | None:
    """Count a failed attempt; after the last one, give up on the event and apologise to the learner."""
    with session_scope(engine) as session:
        row = session.get(InboxEvent, event_id)
        if row is None or row.status is not InboxStatus.PENDING:
            return None
        row.attempts += 1
        row.error = f"{type(exc).__name__}: {exc}"[:500]
        outbox = None
        if row.attempts >= MAX_HANDLING_ATTEMPTS:
            payload = row.payload or {}
            row.status, row.payload, row.handled_at = InboxStatus.FAILED, None, now
            if payload.get("type") in ("message", "postback"):
                outbox = _outbox_row(payload, [text(texts.APOLOGY)], row.received_at, now)
                if outbox:
                    session.add(outbox)
        session.add(row)
        session.flush()
        return Handled(event_id, claimed(outbox)) if outbox else None


def pending(engine: Engine, *, received_before: datetime, limit: int = 100) -> list[str]:
    """Events still waiting: after a crash, or when a handler failed and may be tried again."""
    with session_scope(engine) as session:
        return list(
            session.exec(
                select(InboxEvent.webhook_event_id)
                .where(
                    InboxEvent.status == InboxStatus.PENDING, col(InboxEvent.received_at) <= received_before
                )
                .order_by(col(InboxEvent.received_at))
                .limit(limit)
            )
        )
