"""The durable inbox: webhook events are stored before LINE gets its 200, then handled exactly once.

Handling an event commits the learner's new state, the messages to send (as an outbox row) and the event's
"done" mark together or not at all. On the hot path, `run_round` does this for every event that arrived
while the last round ran, in one transaction (bot/intake.py); recovery and the slow path use `handle`, one
event per transaction. A crash before the commit leaves the event pending (or unstored, and LINE gets no
200), and it is handled again after restart; a replayed event finds its ID already stored and is dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from linebot.v3.webhooks import Event
from sqlalchemy import Engine, Text, bindparam, func
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Session, col, select

from bot.content import Content
from bot.gateway import MessageJSON
from bot.handlers import dispatch
from bot.handlers.context import HandlerContext
from bot.learning.certificates import NO_SITE, Site
from bot.learning.erasure import ERASED
from bot.learning.reminders import BANGKOK
from bot.limits import fit
from bot.storage.checks import GATHERED, Gathered
from bot.storage.db import insert_skipping_known, know, session_scope
from bot.storage.models import InboxEvent, InboxStatus, Learner
from bot.storage.outbox import (
    DELIVERY_LEASE,
    FAREWELL,
    REPLY,
    Claimed,
    mark_answers_sent,
    pending_row,
    write_answers,
)
from bot.voice import texts
from bot.voice.ui import text

log = logging.getLogger(__name__)

# LINE says a reply token is good for about a minute; stop trying it a little earlier and push instead.
REPLY_WINDOW = timedelta(seconds=50)
MAX_HANDLING_ATTEMPTS = 3
# On PostgreSQL, a transaction that handles a chat's events holds an advisory lock on the chat until it ends,
# so that two processes never handle one learner at once (both would read the learner before either wrote:
# a double tap scored twice, a step lost). Locks are keyed (CHAT_LOCKS, hashtext(chat ID)); the first key
# keeps them apart from any other use of advisory locks.
CHAT_LOCKS = 0x52_55_54_48  # "RUTH"


def chat_id_of(event: dict[str, Any]) -> str | None:
    source = event.get("source") or {}
    return source.get("groupId") or source.get("roomId") or source.get("userId")


def accept(engine: Engine, events: list[dict[str, Any]], now: datetime) -> list[str]:
    """Store new events durably; return the IDs that were new (replays are silently dropped)."""
    with session_scope(engine) as session:
        return _store(session, _unique(events), now)


def _unique(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events of a post, each ID once (LINE may repeat one inside a post)."""
    return list({str(event["webhookEventId"]): event for event in events}.values())


def _store(session: Session, events: list[dict[str, Any]], now: datetime, *, done: bool = False) -> list[str]:
    """Insert the events not stored yet; returns their IDs, in order. Events stored done keep no body."""
    if not events:
        return []
    rows = [
        {
            "webhook_event_id": str(event["webhookEventId"]),
            "chat_id": chat_id_of(event),
            "payload": None if done else event,
            "status": InboxStatus.DONE if done else InboxStatus.PENDING,
            "attempts": 0,
            "received_at": now,
            "handled_at": now if done else None,
        }
        for event in events
    ]
    table = InboxEvent.__table__  # type: ignore[attr-defined]
    statement = insert_skipping_known(session.get_bind(), table, "webhook_event_id").returning(
        table.c.webhook_event_id
    )
    stored = set(session.execute(statement, rows).scalars())
    return [
        event_id for event_id in map(str, (event["webhookEventId"] for event in events)) if event_id in stored
    ]


@dataclass(frozen=True)
class Handled:
    event_id: str
    # The answer to send, already leased to the caller (it was written leased), so it can go out at once.
    outbox: Claimed | None
    # Checks the event opened or added to (issue 16): answered when due, outside the round.
    checks: tuple[Gathered, ...] = ()


def handle(
    engine: Engine,
    content: Content,
    event_id: str,
    now: datetime,
    zone: ZoneInfo = BANGKOK,
    site: Site = NO_SITE,
) -> Handled | None:
    """Handle one stored event in one transaction; None when it was already handled (or is being handled)."""
    try:
        with session_scope(engine) as session:
            _wait_for_chat(session, event_id)
            decided = _handle_stored(session, content, event_id, now, zone, site)
            return _answers(session, [decided])[0] if decided else None
    except Exception as exc:
        log.exception("event %s could not be handled", event_id)
        return _record_failure(engine, event_id, now, exc)


@dataclass(frozen=True)
class _Decided:
    """A handled event, with the values of its answer's outbox row (written by `_answers`)."""

    event_id: str
    outbox: dict[str, Any] | None
    checks: tuple[Gathered, ...] = ()


def _handle_stored(
    session: Session,
    content: Content,
    event_id: str,
    now: datetime,
    zone: ZoneInfo = BANGKOK,
    site: Site = NO_SITE,
) -> _Decided | None:
    row = session.exec(
        select(InboxEvent)
        .where(InboxEvent.webhook_event_id == event_id, InboxEvent.status == InboxStatus.PENDING)
        .with_for_update(skip_locked=True)
    ).first()
    if row is None or row.payload is None:
        return None
    decided = _decide(session, content, event_id, row.payload, row.received_at, now, zone, site)
    row.status, row.payload, row.handled_at = InboxStatus.DONE, None, now
    if decided.outbox and decided.outbox["purpose"] == FAREWELL:
        row.chat_id = None  # erasure unlinked the learner's other handled events; this one was pending then
    session.add(row)
    return decided


def _wait_for_chat(session: Session, event_id: str) -> None:
    """On PostgreSQL, lock the stored event's chat for this transaction, waiting for another process to be
    done with it. The lock is the transaction's first and only one: it cannot be part of a deadlock."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            select(func.pg_advisory_xact_lock(CHAT_LOCKS, func.hashtext(InboxEvent.chat_id))).where(
                InboxEvent.webhook_event_id == event_id, col(InboxEvent.chat_id).is_not(None)
            )
        )


def _held_elsewhere(session: Session, stored: list[str], new: list[dict[str, Any]]) -> set[str]:
    """Of these events (stored ones by ID, new ones by body), those whose chat another process is handling
    now; this transaction locks the other chats until it ends. Only PostgreSQL has other processes.

    The locks are tried, never waited for, so a round never waits for another process (nor deadlocks with
    one): an event held back waits in this process for a later round.
    """
    if session.get_bind().dialect.name != "postgresql" or not (stored or new):
        return set()
    chats = {str(event["webhookEventId"]): chat_id_of(event) for event in new}
    if stored:
        chats.update(
            session.exec(
                select(InboxEvent.webhook_event_id, InboxEvent.chat_id).where(
                    col(InboxEvent.webhook_event_id).in_(stored)
                )
            )
        )
    wanted = sorted({chat for chat in chats.values() if chat})
    chat = func.unnest(bindparam("chats", wanted, type_=ARRAY(Text))).column_valued("chat")
    busy = set(
        session.execute(
            select(chat).where(~func.pg_try_advisory_xact_lock(CHAT_LOCKS, func.hashtext(chat)))
        ).scalars()
    )
    return {event_id for event_id, chat in chats.items() if chat in busy} if busy else set()


def _decide(
    session: Session,
    content: Content,
    event_id: str,
    payload: dict[str, Any],
    received: datetime,
    now: datetime,
    zone: ZoneInfo = BANGKOK,
    site: Site = NO_SITE,
) -> _Decided:
    """Run the event's handler: the learner's new state joins the session; the answer is returned."""
    context = HandlerContext(
        session=session,
        content=content,
        now=now,
        zone=zone,
        reply_deadline=received + REPLY_WINDOW,
        site=site,
    )
    messages = dispatch(parse_event(payload), context)
    # The learner erased their data: the answer is a farewell, not kept once finished (bot/storage/outbox.py).
    purpose = FAREWELL if session.info.pop(ERASED, None) else REPLY
    gathered = tuple(session.info.pop(GATHERED, ()))
    return _Decided(event_id, _outbox_values(payload, messages, received, now, purpose=purpose), gathered)


def parse_event(payload: dict[str, Any]) -> Event:
    """The SDK's model of an event; unknown types become UnknownEvent, which no route matches."""
    try:
        return Event.from_dict(payload)
    except ValueError:
        from linebot.v3.models.events import UnknownEvent

        return UnknownEvent.new_from_json_dict(payload)


def _outbox_values(
    payload: dict[str, Any],
    messages: list[MessageJSON],
    received: datetime,
    now: datetime,
    *,
    purpose: str = REPLY,
) -> dict[str, Any] | None:
    chat_id = chat_id_of(payload)
    if not messages or chat_id is None:
        return None
    token = payload.get("replyToken")
    return pending_row(
        chat_id,
        fit(messages),
        now,
        purpose=purpose,
        # Born leased to this process, which delivers it right after the commit; if the process dies,
        # the lease runs out and any worker picks it up.
        not_before=now + DELIVERY_LEASE,
        reply_token=token,
        reply_deadline=received + REPLY_WINDOW if token else None,
        reply_attempts=1 if token else 0,
    )


def _answers(session: Session, decided: list[_Decided]) -> list[Handled]:
    """Write the answers' outbox rows in one statement."""
    claims = iter(write_answers(session, [one.outbox for one in decided if one.outbox]))
    return [Handled(one.event_id, next(claims) if one.outbox else None, one.checks) for one in decided]


def _record_failure(engine: Engine, event_id: str, now: datetime, exc: Exception) -> Handled | None:
    """Count a failed attempt; after the last one, give up on the event and apologise to the learner."""
    with session_scope(engine) as session:
        row = session.get(InboxEvent, event_id)
        if row is None or row.status is not InboxStatus.PENDING:
            return None
        row.attempts += 1
        row.error = f"{type(exc).__name__}: {exc}"[:500]
        apology = None
        if row.attempts >= MAX_HANDLING_ATTEMPTS:
            payload = row.payload or {}
            row.status, row.payload, row.handled_at = InboxStatus.FAILED, None, now
            if payload.get("type") in ("message", "postback"):
                apology = _outbox_values(payload, [text(texts.APOLOGY)], row.received_at, now)
        session.add(row)
        return _answers(session, [_Decided(event_id, apology)])[0] if apology else None


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


# ----- rounds: the webhook's hot path ---------------------------------------------------------------------


@dataclass
class Round:
    """What one round did: the new events it stored, those it handled, and those left for the next round."""

    fresh: list[str] = field(default_factory=list)
    handled: list[Handled] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    # How many of the waiting events were held back because another process is handling their chat.
    held: int = 0


def run_round(
    engine: Engine,
    content: Content,
    events: list[dict[str, Any]],
    *,
    waiting: list[str],
    sent: list[int],
    now: datetime,
    limit: int,
    zone: ZoneInfo = BANGKOK,
    site: Site = NO_SITE,
) -> Round:
    """Group commit: store new events, handle the oldest `limit` waiting ones, record sent answers.

    All in one transaction, so its cost is shared by every event that arrived while the last round ran.
    Events are handled first come, first served: those already `waiting` (stored by an earlier round, or
    found pending after a crash), then the new ones. On PostgreSQL, events of a chat that another process
    is handling are held back (stored, still pending) for a later round, so that one learner's events are
    handled by one process at a time, one after the other. A new event handled at once is stored already
    done, without its body. If a handler fails, the round is undone and done again the slow way, one
    transaction per event, so that one bad event cannot hold the others back.
    """
    unique = _unique(events)
    try:
        with session_scope(engine) as session:
            mark_answers_sent(session, sent, now)
            room = max(0, limit - len(waiting))
            older = waiting[:limit]
            held = _held_elsewhere(session, older, unique[:room])
            at_once = {
                event_id: event
                for event in unique[:room]
                if (event_id := str(event["webhookEventId"])) not in held
            }
            fresh = _store(session, list(at_once.values()), now, done=True) + _store(
                session, [event for event in unique if str(event["webhookEventId"]) not in at_once], now
            )
            now_ids = [event_id for event_id in older if event_id not in held] + [
                event_id for event_id in fresh if event_id in at_once
            ]
            _know_learners(session, at_once.values())
            decided: list[_Decided] = []
            for event_id in now_ids:
                payload = at_once.get(event_id)
                if payload is not None:
                    decided.append(_decide(session, content, event_id, payload, now, now, zone, site))
                elif (one := _handle_stored(session, content, event_id, now, zone, site)) is not None:
                    decided.append(one)
            session.flush()
            handled = _answers(session, decided)
            chosen = set(now_ids)
            later = [event_id for event_id in waiting + fresh if event_id not in chosen]
            return Round(fresh, handled, later, held=sum(event_id in held for event_id in later))
    except Exception:
        log.exception("a round of %d events failed; handling them one at a time", len(waiting) + len(unique))
    return _run_slowly(
        engine, content, unique, waiting=waiting, sent=sent, now=now, limit=limit, zone=zone, site=site
    )


def _know_learners(session: Session, events: Iterable[dict[str, Any]]) -> None:
    """The learners behind these events, loaded with one query instead of one per event."""
    users = {source["userId"] for event in events if (source := event.get("source")) and "userId" in source}
    if users:
        learners = session.exec(select(Learner).where(col(Learner.line_user_id).in_(users)))
        know(session, Learner, learners, "line_user_id")


def _run_slowly(
    engine: Engine,
    content: Content,
    events: list[dict[str, Any]],
    *,
    waiting: list[str],
    sent: list[int],
    now: datetime,
    limit: int,
    zone: ZoneInfo = BANGKOK,
    site: Site = NO_SITE,
) -> Round:
    """The round again, one transaction per step; a failing handler is counted against its event alone."""
    with session_scope(engine) as session:
        mark_answers_sent(session, sent, now)
    fresh = accept(engine, events, now)
    queue = waiting + fresh
    handled = [
        one for event_id in queue[:limit] if (one := handle(engine, content, event_id, now, zone, site))
    ]
    return Round(fresh, handled, queue[limit:])
