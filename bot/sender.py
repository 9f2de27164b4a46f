"""The one sender: delivers outbox rows to LINE. Reply token first (free), push only when it cannot be used.

Nothing is sent twice:
- a reply token is single use, so repeating a reply after a timeout is safe: if the first one landed, LINE
  answers 400 and the row is marked sent;
- a push carries the row's X-Line-Retry-Key, so a repeat is answered 409 ("already accepted"); so does a
  multicast, with its batch's key (scheduler/outbox.py).
Nothing is lost: a row stays pending, leased, until LINE accepts it or refuses it for good; a worker that
dies mid-delivery lets its lease run out and the row is delivered by the next one. Neither LINE's
"monthly limit" 429 nor a refused access token (401/403) is a refusal of the message: the row waits, and
pushing pauses for the whole channel (scheduler/worker.py) instead of burning retries or failing for good.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, update
from sqlmodel import col
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential

from bot.clock import Clock
from bot.gateway import LineApiError, LineGateway, MessageJSON
from bot.limits import requests
from bot.storage.db import session_scope
from bot.storage.models import Outbox, OutboxStatus

log = logging.getLogger(__name__)

# How long a delivery may take before another worker may pick the outbox row up.
DELIVERY_LEASE = timedelta(seconds=30)

MAX_DELIVERY_ATTEMPTS = 12
# Quick retries after a 5xx or a timeout: 0.2 s, then 0.4 s; a LINE that stays down is left to the row's
# back-off (`_backoff`: seconds, then minutes). (50 ms made 100,000 personal pushes 10 % slower.)
FIRST_RETRY_WAIT = 0.2  # seconds, as tenacity's first exponential wait below
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


def _worth_retrying(exc: BaseException) -> bool:
    return isinstance(exc, LineApiError) and (
        exc.outcome_unknown or (exc.status == 429 and not exc.monthly_limit)
    )


def _retrying(attempts: int = 3) -> AsyncRetrying:
    # A few quick tries inside one delivery; longer outages are handled by leaving the row pending.
    return AsyncRetrying(
        retry=retry_if_exception(_worth_retrying),
        stop=stop_after_attempt(attempts),
        wait=wait_exponential(multiplier=FIRST_RETRY_WAIT, max=2),
        reraise=True,
    )


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


@dataclass(frozen=True)
class Outcome:
    """How one delivery went: SENT, FAILED (with the reason), or PENDING to try again after `retry_after`."""

    status: OutboxStatus
    error: str | None = None
    retry_after: timedelta | None = None
    # LINE refuses the whole channel (monthly limit, access token): pushing should pause for everyone.
    pause: Pause | None = None

    @property
    def counts_as_attempt(self) -> bool:
        """A pause (LINE's monthly limit, a refused token) is nobody's failure: it must not use up a
        message's attempts."""
        return not (self.pause or self.error == PAUSED)


SENT = Outcome(OutboxStatus.SENT)


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


class ReplyBook:
    """Where the sender writes down what it learnt about a row's reply before acting on it, so that every
    holder of the row (the next one, or one whose lease ran out) acts on the same facts: a reply has no
    retry key, so a reply and a push of the same messages must never both happen."""

    def __init__(self, engine: Engine, db: Callable[..., Awaitable[Any]]):
        self.engine = engine
        self.db = db

    async def token_unused(self, row: Claimed) -> bool:
        return bool(await self.db(forget_token, self.engine, row.id, row.reply_attempts))

    async def reply_landed(self, row: Claimed) -> None:
        await self.db(record_reply, self.engine, row.id)


class Sender:
    """Sends one claimed row through the gateway and says how it went.

    With a `book`, what a reply taught is recorded before it is acted on (see `ReplyBook`); without one
    (a single process that holds every row to the end, as in tests of the sender alone) it is not.
    """

    def __init__(self, gateway: LineGateway, clock: Clock, book: ReplyBook | None = None):
        self.gateway = gateway
        self.clock = clock
        self.book = book

    async def send(self, row: Claimed, *, push: bool = True) -> Outcome:
        """Deliver one row: reply if its token is fresh, else push (unless pushing is paused).

        Requests are numbered by their place in the row, and each push carries the retry key of its
        number, so whoever pushes (again) sends each request under the same key.
        """
        batches = requests(row.messages)
        start = 1 if row.reply_landed else 0
        try:
            if not row.reply_landed and self._may_reply(row) and await self._reply(row, batches[0]):
                start = 1
                if len(batches) > 1 and self.book is not None:
                    await self.book.reply_landed(row)  # before any push: a later try skips these five
            if start < len(batches) and not push:
                return Outcome(OutboxStatus.PENDING, PAUSED, PAUSE_PROBE)
            for index in range(start, len(batches)):
                await self._push(row.chat_id, batches[index], _request_key(row.retry_key, index))
        except LineApiError as exc:
            return self._failed(f"outbox row {row.id}", exc, row.attempts)
        return SENT

    def _may_reply(self, row: Claimed) -> bool:
        """A reply is tried only before the row's deadline: after it, a holder that claimed the row without
        the token may be pushing it."""
        return bool(row.reply_token) and (row.reply_deadline is None or self.clock.now() < row.reply_deadline)

    async def send_batch(
        self, batch_id: int, recipients: list[str], messages: list[MessageJSON], retry_key: str, attempts: int
    ) -> Outcome:
        """Deliver one multicast batch: the same messages to every recipient, under the batch's retry key."""
        try:
            for index, part in enumerate(requests(messages)):
                await self._multicast(recipients, part, _request_key(retry_key, index))
        except LineApiError as exc:
            return self._failed(f"multicast batch {batch_id}", exc, attempts)
        return SENT

    def _failed(self, what: str, exc: LineApiError, attempts: int) -> Outcome:
        pause = MONTHLY_LIMIT_PAUSE if exc.monthly_limit else UNAUTHORIZED_PAUSE if exc.unauthorized else None
        if pause is not None:
            log.error("%s (%s): %s waits and pushing pauses", pause.reason, exc.status, what)
            return Outcome(OutboxStatus.PENDING, pause.error, pause.probe, pause=pause)
        if _worth_retrying(exc):
            log.warning("LINE unavailable for %s (%s); will retry", what, exc.status)
            return Outcome(OutboxStatus.PENDING, str(exc), _backoff(exc, attempts))
        log.error("LINE refused %s: %s", what, exc)
        return Outcome(OutboxStatus.FAILED, str(exc))

    async def _reply(self, row: Claimed, messages: list[MessageJSON]) -> bool:
        """True when the reply landed (or had already landed); False when the token cannot be used.

        The first try goes without tenacity's machinery (see `_keyed`): nearly every reply lands at once.
        """
        attempts = row.reply_attempts
        try:
            return await self._reply_once(row, messages, attempts)
        except LineApiError as exc:
            if not _worth_retrying(exc):
                raise
        await asyncio.sleep(FIRST_RETRY_WAIT)
        async for attempt in _retrying(attempts=2):
            with attempt:
                attempts += 1
                return await self._reply_once(row, messages, attempts)
        return True  # not reached: tenacity re-raises the last error

    async def _reply_once(self, row: Claimed, messages: list[MessageJSON], attempts: int) -> bool:
        try:
            await self.gateway.reply(row.reply_token or "", messages)
        except LineApiError as exc:
            if exc.status == 400 and "reply token" in exc.message.lower():
                if attempts > 1 or (self.book is not None and not await self.book.token_unused(row)):
                    # An earlier try (this holder's, or another's) may have used the token; it is single
                    # use, so that try landed.
                    log.warning("reply for outbox row %s presumed delivered by an earlier try", row.id)
                    return True
                log.info("reply token unusable for outbox row %s; pushing instead", row.id)
                return False
            raise
        return True

    async def _push(self, chat_id: str, messages: list[MessageJSON], retry_key: str) -> None:
        await _keyed(lambda: self.gateway.push(chat_id, messages, retry_key))

    async def _multicast(self, to: list[str], messages: list[MessageJSON], retry_key: str) -> None:
        await _keyed(lambda: self.gateway.multicast(to, messages, retry_key))


async def _keyed(call: Callable[[], Awaitable[None]]) -> None:
    """A request with a retry key: 409 means an earlier try was accepted. Retried on 5xx, timeouts and 429.

    The first try goes without the retry machinery (almost every request succeeds, and at fan-out rates
    setting it up costs a tenth of a push); only a failure worth retrying enters tenacity's loop.
    """
    try:
        await _accepted(call)
        return
    except LineApiError as exc:
        if not _worth_retrying(exc):
            raise
    await asyncio.sleep(FIRST_RETRY_WAIT)
    async for attempt in _retrying(attempts=2):
        with attempt:
            await _accepted(call)


async def _accepted(call: Callable[[], Awaitable[None]]) -> None:
    try:
        await call()
    except LineApiError as exc:
        if exc.status != 409:
            raise  # 409: accepted by an earlier try with the same retry key


def _request_key(retry_key: str, index: int) -> str:
    """The retry key of the index-th request of a row (more than five messages take several requests)."""
    return retry_key if index == 0 else str(uuid.uuid5(uuid.UUID(retry_key), str(index)))


def _backoff(exc: LineApiError, attempts: int) -> timedelta:
    """How long a row waits after the quick retries failed: LINE's Retry-After if it gave one."""
    if exc.retry_after:
        return timedelta(seconds=min(300, exc.retry_after))
    return timedelta(seconds=min(300, 5 * 2**attempts))
