"""The running bot: inbox, handlers and sender wired together, with the loops that recover after a crash.

The webhook and `ruthan chat` both feed events in through `Runtime.receive`; only the gateway differs.
The parts (gateway stack, sender, delivery worker, database threads) are built once by `bot.services`.

The same runtime runs the scheduled work (scheduler/): the reminder sweep and the delivery worker that
drains the outbox, in the web process (`ruthan serve`) or alone (`ruthan worker`).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot import checking, inbox, sender
from bot.clock import Clock
from bot.content import Content
from bot.gateway import LineGateway
from bot.intake import Intake
from bot.learning import marks
from bot.learning import reminders as rules
from bot.learning.certificates import NO_SITE, Site
from bot.metrics import Metrics
from bot.sender import Sender
from bot.storage import checks, outbox
from bot.storage.db import Database
from bot.storage.models import OutboxStatus
from scheduler import retention, start_jobs
from scheduler.jobs import Job
from scheduler.sweep import SweepReport, close_batches, gather, read_chunk, write_batches
from scheduler.worker import DeliveryWorker, DrainReport

log = logging.getLogger(__name__)

# An event still pending this long after it arrived was dropped by a crash (or its handler failed): retry it.
STALE_AFTER = timedelta(seconds=10)
# At shutdown, how long running jobs may take to finish what they hold (a lease covers anything cut short).
STOP_GRACE_SECONDS = 10.0


_heap_frozen = False


def freeze_heap_once() -> None:
    """Once per process, after start-up: move everything alive (modules, the SDK's models, the content) out
    of the garbage collector's sight. A full collection otherwise walks all of it, a pause of 100-150 ms
    seen in the middle of a reminder fan-out; the objects stay alive anyway."""
    global _heap_frozen
    if not _heap_frozen:
        _heap_frozen = True
        gc.collect()
        gc.freeze()


class Runtime:
    """Connects the parts `Services` built: events in through the intake, answers out through the sender,
    and the scheduled work (recovery, the reminder sweep, delivery, pruning, and any `also` job)."""

    def __init__(
        self,
        *,
        database: Database,
        content: Content,
        clock: Clock,
        metrics: Metrics,
        gateway: LineGateway,
        sender: Sender,
        worker: DeliveryWorker,
        recovery_interval: float = 5.0,
        timezone: str = "Asia/Bangkok",
        sweep_interval: float | None = 60.0,
        outbox_retention: timedelta = retention.DEFAULT_RETENTION,
        check_gather_seconds: float = 3.0,
        site: Site = NO_SITE,
    ):
        self.engine = database.engine
        self.db = database.run
        # The sweep's reads take no write lock (SQLite's WAL lets them run beside its one writer), so they
        # run on a thread of their own rather than queue in front of the worker's claims and writes.
        self.read_db = database.read
        self.content = content
        self.clock = clock
        self.metrics = metrics
        self.gateway = gateway  # closed at `stop`
        self.sender = sender
        self.worker = worker
        self.intake = Intake(
            engine=self.engine,
            content=content,
            clock=clock,
            db=self.db,
            on_handled=self._handled,
            on_round=self.metrics.round_events.observe,
            zone=ZoneInfo(timezone),
            site=site,
        )
        self._chat_locks: dict[str, asyncio.Lock] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._recovery_interval = recovery_interval
        self._sweep_interval = sweep_interval
        self._outbox_retention = outbox_retention
        self._check_gather = check_gather_seconds
        self._timezone = timezone
        self._zone = ZoneInfo(timezone)
        self._scheduler: AsyncIOScheduler | None = None
        self._jobs: set[asyncio.Task[Any]] = set()
        self._wake: asyncio.Task[None] | None = None
        self._stopping = False

    # ----- intake -------------------------------------------------------------------------------------------

    async def receive(self, events: list[dict[str, Any]]) -> int:
        """Store events durably (handling them as soon as there is room) and return how many were new."""
        fresh = set(await self.intake.submit(events))
        for event in events:
            if event["webhookEventId"] in fresh:
                self.metrics.webhook_events.labels(self.metrics.event_kind(event)).inc()
        return len(fresh)

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _handled(self, handled: inbox.Handled, arrived: float | None) -> None:
        if handled.outbox is not None:
            self._spawn(self._answer(handled.outbox, arrived))
        for gathered in handled.checks:
            self._spawn(self._check_when_due(gathered))

    # ----- checks (issue 16): forwarded messages and screenshots, answered outside the round -------------

    async def _check_when_due(self, gathered: checks.Gathered) -> None:
        """Show the loading animation, wait for more forwarded messages, then answer them all at once."""
        if gathered.opened or gathered.images:
            await checking.show_loading(self.gateway, gathered)
        await asyncio.sleep(self._check_gather)
        await self._answer_check(gathered.check_id)

    async def _answer_check(self, check_id: int) -> None:
        try:
            row = await checking.answer(
                check_id,
                engine=self.engine,
                db=self.db,
                content=self.content,
                gateway=self.gateway,
                clock=self.clock,
                zone=self._zone,
            )
        except Exception:
            # The pending check is still in the database; when its lease runs out, recovery answers it.
            log.exception("pending check %s: answering interrupted; left for recovery", check_id)
            return
        if row is not None:
            await self._answer(row, None)

    async def _answer(self, row: outbox.Claimed, arrived: float | None) -> None:
        """Send an event's answer; one chat's answers go out in the order their events arrived."""
        lock = self._chat_locks.setdefault(row.chat_id, asyncio.Lock())
        try:
            async with lock:
                outcome = await self.sender.send(row, push=self.worker.push_allowed)
                if outcome is sender.SENT and row.purpose != outbox.FAREWELL:
                    self.intake.sent(row.id)  # recorded by the next round, with others
                    if arrived is not None:
                        self.metrics.reply_latency.observe(time.perf_counter() - arrived)
                else:  # not sent yet, or a farewell: recorded at once (a farewell sent is deleted)
                    await self.worker.record_row(row, outcome, self.clock.now())
        except Exception:
            # The row is still pending in the database; when its lease runs out, recovery sends it.
            log.exception("outbox row %s: sending interrupted; left for recovery", row.id)
        finally:
            if not lock.locked() and not lock._waiters:  # type: ignore[attr-defined]
                self._chat_locks.pop(row.chat_id, None)

    async def deliver(self, outbox_id: int) -> OutboxStatus | None:
        """Send one outbox row now; None if it is sent already or another worker holds it."""
        row = await self.db(outbox.claim, self.engine, outbox_id, self.clock.now())
        return None if row is None else await self._send(row)

    async def _send(self, row: outbox.Claimed) -> OutboxStatus:
        outcome = await self.sender.send(row, push=self.worker.push_allowed)
        await self.worker.record_row(row, outcome, self.clock.now())
        return outcome.status

    # ----- reminders and delivery ---------------------------------------------------------------------------

    async def sweep_once(self) -> SweepReport:
        """Write the reminders due now to the outbox and send them, sending while the sweep goes on.

        Each chunk of learners is read while the previous chunk's full batches are written; one drain
        follows the sweep, sending each batch as soon as it is written.
        """
        now = self.clock.now()
        report = SweepReport(day=rules.local_date(now, self._zone))
        if not await self.db(marks.fold, self.engine, report.day):
            log.info("sweep: another worker is still folding earlier days' reminders; next sweep goes on")
            return report
        swept = asyncio.Event()
        sending = asyncio.create_task(self.drain(follow=swept))  # full batches go out as they are written

        def read(after: int) -> Any:
            return self.read_db(
                read_chunk, self.engine, self.content, now, after=after, plans=report.plans, zone=self._zone
            )

        reading: asyncio.Future[Any] | None = None
        try:
            chunk = await read(0)
            while chunk is not None:
                last, groups = chunk
                # The next chunk is read while this one's full batches are written.
                reading = asyncio.ensure_future(read(last))
                full = gather(report, groups)
                if full:
                    report.wrote(*await self.db(write_batches, self.engine, full, now, report.day))
                    self.worker.more()
                chunk = await reading
                reading = None
        finally:
            if reading is not None:  # the sweep failed while a read was under way
                reading.cancel()
                await asyncio.gather(reading, return_exceptions=True)
            try:
                await self.db(close_batches, self.engine, report, now)
            finally:
                swept.set()
                self.worker.more()
                await sending  # what was written goes out even if the sweep failed
        self.metrics.reminders_queued.inc(report.queued)
        for reason, count in report.skipped.items():
            self.metrics.reminders_skipped.labels(reason).inc(count)
        if report.queued:
            log.info("sweep: %d reminders queued, skipped %s", report.queued, report.skipped or "none")
        return report

    async def drain(self, *, follow: asyncio.Event | None = None) -> DrainReport:
        """Send everything due now; with `follow`, also what a running sweep writes, until it ends."""
        report = await self.worker.drain(follow=follow)
        self._drain_again_at(report.next_free)
        if report.rows_sent or report.failed or report.expired:
            log.info(
                "delivery: %d sent (%d multicasts), %d failed, %d expired, %d to retry%s",
                report.rows_sent,
                report.batches_sent,
                report.failed,
                report.expired,
                report.retried,
                "; pushing paused" if report.paused else "",
            )
        return report

    def _drain_again_at(self, when: datetime | None) -> None:
        """Drain again when work another worker holds becomes free, if its holder died: within a lease of a
        death, rather than at the next recovery run."""
        if when is None or self._stopping or (self._wake is not None and not self._wake.done()):
            return
        delay = max(0.0, (when - self.clock.now()).total_seconds())
        self._wake = asyncio.create_task(self._drain_after(delay))

    async def _drain_after(self, delay: float) -> None:
        await asyncio.sleep(delay)
        await self._job("delivery", self.drain)

    # ----- recovery -----------------------------------------------------------------------------------------

    async def recover_once(self, stale_after: timedelta = STALE_AFTER) -> None:
        """Handle events left pending and deliver messages left unsent (after a crash or an outage)."""
        now = self.clock.now()
        self.intake.retry(await self.db(inbox.pending, self.engine, received_before=now - stale_after))
        for check_id in await self.db(checks.due, self.engine, now):
            await self._answer_check(check_id)  # left by a crash (or a timer lost with its process)
        await self.drain()

    async def prune_once(self) -> None:
        """Delete finished outbox work older than the retention (README, "Privacy")."""
        pruned = await self.db(retention.prune, self.engine, self.clock.now(), keep=self._outbox_retention)
        if any(pruned.values()):
            log.info("outbox pruned: %s", pruned)

    async def _prune_safely(self) -> None:
        await self._job("outbox pruning", self.prune_once)

    async def _recover_safely(self, stale_after: timedelta = STALE_AFTER) -> None:
        await self._job("recovery", lambda: self.recover_once(stale_after))

    async def _job(self, name: str, work: Callable[[], Any]) -> None:
        """Run a scheduled job: errors are logged (the next run tries again); a shutdown ends it quietly."""
        if self._stopping:
            return
        task = asyncio.current_task()
        if task is not None:
            self._jobs.add(task)
        try:
            await work()
        except asyncio.CancelledError:
            if not self._stopping:
                raise
            log.info("%s stopped by shutdown; leases hand what it held to the next worker", name)
        except Exception:
            log.exception("%s failed; trying again at the next run", name)
        finally:
            self._jobs.discard(task)  # type: ignore[arg-type]

    async def start(self, also: Sequence[tuple[str, Job, float]] = ()) -> None:
        """Recover, then schedule the periodic work; `also`: more jobs (name, job, seconds between runs) on
        the same scheduler, e.g. the announcements' release."""
        # At start-up nothing is in flight in this process: whatever is pending was left by the last one.
        await self._recover_safely(stale_after=timedelta(0))
        if self._sweep_interval:
            # Reminders due while no process ran go out now, in the background: start-up does not wait.
            self._spawn(self._sweep_safely())
        # Pruning too: a process restarted more often than the hourly job runs would otherwise never prune.
        self._spawn(self._prune_safely())
        self._scheduler = start_jobs(
            recover=self._recover_safely,
            every_seconds=self._recovery_interval,
            timezone=self._timezone,
            sweep=self._sweep_safely,
            sweep_seconds=self._sweep_interval,
            prune=self._prune_safely,
            also=[(name, self._guarded(name, job), seconds) for name, job, seconds in also],
        )

    @property
    def scheduled(self) -> dict[str, float]:
        """The periodic jobs now scheduled, by name, with their interval in seconds (none before `start`)."""
        if self._scheduler is None:
            return {}
        return {job.id: job.trigger.interval.total_seconds() for job in self._scheduler.get_jobs()}

    def _guarded(self, name: str, job: Job) -> Job:
        async def run() -> None:
            await self._job(name, job)

        return run

    async def _sweep_safely(self) -> None:
        await self._job("reminder sweep", self.sweep_once)

    async def settle(self) -> None:
        """Wait until every event received so far has been handled and its messages sent."""
        await self.intake.idle()
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
            await self.intake.idle()  # sent answers are recorded by one more round

    async def stop(self) -> None:
        self._stopping = True
        self.worker.stop()
        if self._wake is not None:
            self._wake.cancel()
            await asyncio.gather(self._wake, return_exceptions=True)
        if self._scheduler:
            self._scheduler.shutdown(wait=False)
        if self._jobs:
            _, late = await asyncio.wait(list(self._jobs), timeout=STOP_GRACE_SECONDS)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        await self.settle()
        await self.gateway.close()
