"""APScheduler drives the clock for the in-process jobs.

Jobs take no arguments and keep no state: each run reads what is due from the database. So "rebuilding the
schedule" at start-up is just starting these jobs again; nothing is stored in APScheduler itself.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from apscheduler.schedulers.asyncio import AsyncIOScheduler

Job = Callable[[], Awaitable[None]]


def start_jobs(
    *,
    recover: Job,
    every_seconds: float,
    timezone: str,
    sweep: Job | None = None,
    sweep_seconds: float | None = None,
    prune: Job | None = None,
    prune_seconds: float = 3600,
    also: Sequence[tuple[str, Job, float]] = (),
) -> AsyncIOScheduler:
    """Start the scheduler in the running event loop: recovery and delivery, the reminder sweep, the
    pruning of finished outbox work, and `also` (name, job, seconds between runs), e.g. announcements."""
    scheduler = AsyncIOScheduler(timezone=timezone)
    # One run at a time; runs missed while the machine was busy collapse into one.
    scheduler.add_job(
        recover, "interval", seconds=every_seconds, id="recover", max_instances=1, coalesce=True
    )
    if sweep is not None and sweep_seconds:
        # (The runtime runs the first sweep itself at start-up.)
        scheduler.add_job(
            sweep, "interval", seconds=sweep_seconds, id="sweep", max_instances=1, coalesce=True
        )
    if prune is not None:
        scheduler.add_job(
            prune, "interval", seconds=prune_seconds, id="prune", max_instances=1, coalesce=True
        )
    for name, job, seconds in also:
        scheduler.add_job(job, "interval", seconds=seconds, id=name, max_instances=1, coalesce=True)
    scheduler.start()
    return scheduler
