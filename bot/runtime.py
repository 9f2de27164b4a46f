"""The running bot: inbox, handlers and sender wired together, with the loops that recover after a crash.

The webhook and `ruthan chat` both feed events in through `Runtime.receive`; only the gateway differs.
Database work runs in worker threads (SQLAlchemy is synchronous); on SQLite one thread at a time, since
SQLite has a single writer anyway and queueing in Python is cheaper than retrying on a locked database.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

import anyio
from anyio import CapacityLimiter
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import Engine

from bot import inbox, sender
from bot.clock import Clock
from bot.content import Content
from bot.gateway import LineGateway
from scheduler import start_jobs

log = logging.getLogger(__name__)
T = TypeVar("T")

# An event still pending this long after it arrived was dropped by a crash (or its handler failed): retry it.
STALE_AFTER = timedelta(seconds=10)


class Runtime:
    def __init__(self, *, engine: Engine, content: Content, gateway: LineGateway, clock: Clock,
                 recovery_interval: float = 5.0, timezone: str = "Asia/Bangkok"):
        self.engine = engine
        self.content = content
        self.gateway = gateway
        self.clock = clock
        self.sender = sender.Sender(gateway, clock)
        self._limiter = CapacityLimiter(1 if engine.dialect.name == "sqlite" else 8)
        self._chat_locks: dict[str | None, asyncio.Lock] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._recovery_interval = recovery_interval
        self._timezone = timezone
        self._scheduler: AsyncIOScheduler | None = None

    async def db(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await anyio.to_thread.run_sync(lambda: function(*args, **kwargs), limiter=self._limiter)

    # ----- intake -------------------------------------------------------------------------------------------

    async def receive(self, events: list[dict[str, Any]]) -> int:
        """Store events durably, start handling them, and return how many were new."""
        fresh = await self.db(inbox.accept, self.engine, events, self.clock.now())
        by_id = {str(event["webhookEventId"]): event for event in events}
        for event_id in fresh:
            self._spawn(self._process(event_id, inbox.chat_id_of(by_id[event_id])))
        return len(fresh)

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _process(self, event_id: str, chat_id: str | None) -> None:
        # Events of one chat are handled in arrival order; different chats in parallel.
        lock = self._chat_locks.setdefault(chat_id, asyncio.Lock())
        try:
            async with lock:
                handled = await self.db(inbox.handle, self.engine, self.content, event_id, self.clock.now())
                if handled and handled.outbox_id is not None:
                    await self.deliver(handled.outbox_id, leased=True)
        except Exception:
            # Whatever failed is still pending in the database; the recovery job will pick it up.
            log.exception("event %s: processing interrupted; left for recovery", event_id)
        finally:
            if not lock.locked() and not lock._waiters:  # type: ignore[attr-defined]
                self._chat_locks.pop(chat_id, None)

    async def deliver(self, outbox_id: int, *, leased: bool = False) -> None:
        row = await self.db(sender.claim, self.engine, outbox_id, self.clock.now(), leased=leased)
        if row is None:
            return
        status, error, retry_after = await self.sender.send(row)
        await self.db(sender.finish, self.engine, outbox_id, self.clock.now(), status=status, error=error,
                      retry_after=retry_after)

    # ----- recovery -----------------------------------------------------------------------------------------

    async def recover_once(self, stale_after: timedelta = STALE_AFTER) -> None:
        """Handle events left pending and deliver messages left unsent (after a crash or an outage)."""
        now = self.clock.now()
        for event_id in await self.db(inbox.pending, self.engine, received_before=now - stale_after):
            await self._process(event_id, None)
        for outbox_id in await self.db(sender.due, self.engine, now):
            await self.deliver(outbox_id)

    async def _recover_safely(self, stale_after: timedelta = STALE_AFTER) -> None:
        try:
            await self.recover_once(stale_after)
        except Exception:
            log.exception("recovery pass failed; trying again at the next run")

    async def start(self) -> None:
        # At start-up nothing is in flight in this process: whatever is pending was left by the last one.
        await self._recover_safely(stale_after=timedelta(0))
        self._scheduler = start_jobs(recover=self._recover_safely, every_seconds=self._recovery_interval,
                                     timezone=self._timezone)

    async def settle(self) -> None:
        """Wait until every event received so far has been handled and its messages sent."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def stop(self) -> None:
        if self._scheduler:
            self._scheduler.shutdown(wait=False)
        await self.settle()
        await self.gateway.close()


