"""The announcement job: queue the announcements that are due, then deliver.

It is scheduled every few seconds on the runtime's scheduler (`Services.start`), in every process that runs
the bot (`serve` and `worker`); releasing is a conditional UPDATE, so however many processes run it, each
announcement is queued once. Nothing is kept in memory: a restart picks up whatever is due from the database.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from bot.trainers import announcements

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)


class AnnouncementJob:
    def __init__(self, runtime: Runtime):
        self.runtime = runtime
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
        self.deliver_soon()

    def deliver_soon(self) -> None:
        """Deliver what was just written to the outbox (an announcement, an assignment's nudge) in the
        background; should this fail, the recovery loop delivers it later."""
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
