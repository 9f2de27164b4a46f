"""APScheduler drives the clock for the in-process jobs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler


def start_jobs(*, recover: Callable[[], Awaitable[None]], every_seconds: float, timezone: str) -> AsyncIOScheduler:
    """Start the scheduler in the running event loop with the recovery job."""
    scheduler = AsyncIOScheduler(timezone=timezone)
    # One run at a time; runs missed while the machine was busy collapse into one.
    scheduler.add_job(recover, "interval", seconds=every_seconds, id="recover", max_instances=1, coalesce=True)
    scheduler.start()
    return scheduler
