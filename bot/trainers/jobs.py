"""The announcement job: every few seconds, queue the announcements that are due, then deliver.

It runs in every process that runs the bot (`serve` and `worker`); releasing is a conditional UPDATE, so
however many processes run it, each announcement is queued once. Nothing is kept in memory: a restart
picks up whatever is due from the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from bot.trainers import announcements

log = logging.getLogger(__name__)


class AnnouncementJob:
    def __init__(self, runtime: Any, *, every_seconds: float = 15.0):
        self.runtime = runtime
        self.every_seconds = every_seconds
        self._loop: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()

    async def run_once(self) -> int:
        """Queue what is due now and send it; returns how many announcements were queued."""
        runtime = self.runtime
        queued = await runtime.db(announcements.release_due, runtime.engine, runtime.clock.now())
        if queued:
            log.info("announcements: %d queued for delivery", queued)
            await runtime.drain()
        return queued

    async def send_now(self, announcement_id: int) -> None:
        """ "Send now": queue it at once (the trainer sees it sent), deliver in the background."""
        runtime = self.runtime
        await runtime.db(announcements.release, runtime.engine, announcement_id, runtime.clock.now())
        task = asyncio.create_task(self._drain())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _drain(self) -> None:
        try:
            await self.runtime.drain()
        except Exception:
            log.exception("announcements: delivery failed; the recovery loop tries again")

    async def settle(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _safely(self) -> None:
        try:
            await self.run_once()
        except Exception:
            log.exception("announcements: release failed; the next run tries again")

    async def _forever(self) -> None:
        while True:
            await asyncio.sleep(self.every_seconds)
            await self._safely()

    def start(self) -> None:
        self._loop = asyncio.create_task(self._forever())

    async def stop(self) -> None:
        if self._loop is not None:
            self._loop.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop
        await self.settle()
