"""The one sender: delivers outbox rows to LINE. Reply token first (free), push only when it cannot be used.

Nothing is sent twice:
- a reply token is single use, so repeating a reply after a timeout is safe: if the first one landed, LINE
  answers 400 and the row is marked sent;
- a push carries the row's X-Line-Retry-Key, so a repeat is answered 409 ("already accepted"); so does a
  multicast, with its batch's key (bot/storage/outbox.py, where claims, leases and finishing live).
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
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential

from bot.clock import Clock
from bot.gateway import LineApiError, LineGateway, MessageJSON
from bot.limits import requests
from bot.storage.models import OutboxStatus
from bot.storage.outbox import (
    MONTHLY_LIMIT_PAUSE,
    PAUSE_PROBE,
    PAUSED,
    UNAUTHORIZED_PAUSE,
    Claimed,
    Pause,
    forget_token,
    record_reply,
)

log = logging.getLogger(__name__)

# Quick retries after a 5xx or a timeout: 0.2 s, then 0.4 s; a LINE that stays down is left to the row's
# back-off (`_backoff`: seconds, then minutes). (50 ms made 100,000 personal pushes 10 % slower.)
FIRST_RETRY_WAIT = 0.2  # seconds, as tenacity's first exponential wait below


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
