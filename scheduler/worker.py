"""The delivery worker: drains the outbox within LINE's limits; pauses pushing while LINE refuses the channel.

One drain is a small pipeline:
- a claimer leases work ahead of the senders, but only about a second of sending at this worker's rates
  (`CLAIM_AHEAD`): batches (reminders and announcements, the same messages for up to 500 learners, one
  request each) and single rows (replies whose delivery failed, personal pushes). The rest stays in the
  outbox for any other worker, so several workers send in parallel;
- many senders send the units concurrently; the gateway paces each endpoint to its rate limit, so a slow or
  timed-out request holds one sender, not the whole drain;
- a finisher records results, marking accepted rows in bulk;
- a heartbeat renews the short lease (`LEASE`, seconds) of everything claimed and not yet recorded, every
  third of a lease, in one statement.
A process killed anywhere in this loses nothing: its heartbeat stops, its leases run out within one lease,
and the work is sent again under the same retry keys, which LINE answers 409 if it had already accepted it.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from bot.clock import Clock
from bot.learning.reminders import BANGKOK
from bot.metrics import Metrics
from bot.sender import Outcome, Sender
from bot.simulator import is_simulated
from bot.storage import outbox
from bot.storage.models import OutboxStatus
from bot.storage.outbox import FAREWELL, REMINDER, BatchClaim, Claimed

log = logging.getLogger(__name__)
T = TypeVar("T")
DbRunner = Callable[..., Awaitable[Any]]
Unit = BatchClaim | Claimed

# How long claimed work is held without a renewal (`delivery_lease_seconds`). The holder renews it every
# third of this while it lives, so a lease runs out only when its holder died (or stalled for two
# renewals): then another worker takes the work over within seconds, under the same retry keys.
LEASE = timedelta(seconds=3)
# How far ahead a worker claims: about what its share of LINE's rates sends in this long. More would only
# wait in this worker while another could be sending it, and be held up by this worker's death.
CLAIM_AHEAD = 1.0  # seconds


@dataclass
class DrainReport:
    rows_sent: int = 0
    batches_sent: int = 0
    failed: int = 0
    retried: int = 0
    expired: int = 0
    paused: bool = False
    seconds: float = 0.0
    # When work not due at the end (held by another worker, or backing off) becomes due, if within a lease.
    next_free: datetime | None = None


@dataclass
class _Finished:
    unit: Unit
    outcome: Outcome


class _Held:
    """What a drain has claimed and not yet recorded: its leases to renew, and how much more it may claim."""

    def __init__(self, most_batches: int | None, most_rows: int | None):
        self.batches: set[int] = set()
        self.rows: set[int] = set()
        # Sent and waiting to be recorded: still renewed, but no longer counted against the room, so the
        # next claim need not wait for the finisher's next write (up to 0.1 s, a tenth of the room's worth).
        self.sent_batches: set[int] = set()
        self.sent_rows: set[int] = set()
        self.most = (most_batches, most_rows)
        self.reserved = [0, 0]  # room taken by claims under way (two claim loops run at once)
        self.lock = asyncio.Lock()  # a renewal and a release never interleave (see `_record`)
        self._released = asyncio.Event()

    def room(self, batches: int, rows: int, *, idle: bool = False) -> tuple[int, int]:
        """How many of `batches` batches and `rows` rows may be claimed now (`idle`: holding nothing)."""
        taken = (
            (0, 0)
            if idle
            else (
                len(self.batches) - len(self.sent_batches) + self.reserved[0],
                len(self.rows) - len(self.sent_rows) + self.reserved[1],
            )
        )
        wanted = [batches, rows]
        for kind, most in enumerate(self.most):
            if most is not None:
                wanted[kind] = max(0, min(wanted[kind], most - taken[kind]))
        return wanted[0], wanted[1]

    def reserve(self, batches: int, rows: int) -> tuple[int, int]:
        """Take room for up to (batches, rows) more until `claimed` says what the claim got."""
        room = self.room(batches, rows)
        self.reserved = [self.reserved[0] + room[0], self.reserved[1] + room[1]]
        return room

    def claimed(self, reserved: tuple[int, int], units: list[Unit]) -> None:
        """A claim that took `reserved` room got `units`: they are held, the rest of the room is free."""
        self.reserved = [self.reserved[0] - reserved[0], self.reserved[1] - reserved[1]]
        for unit in units:
            (self.batches if isinstance(unit, BatchClaim) else self.rows).add(unit.id)

    def sent(self, unit: Unit) -> None:
        """LINE has answered for this unit: it is renewed until recorded, but makes room for more at once."""
        (self.sent_batches if isinstance(unit, BatchClaim) else self.sent_rows).add(unit.id)
        self._wake()

    def release(self, units: list[Unit]) -> None:
        """Stop renewing these (they are being recorded, or left to their lease); make room for more."""
        for unit in units:
            batch = isinstance(unit, BatchClaim)
            (self.batches if batch else self.rows).discard(unit.id)
            (self.sent_batches if batch else self.sent_rows).discard(unit.id)
        self._wake()

    def _wake(self) -> None:
        self._released.set()
        self._released = asyncio.Event()

    def holds(self) -> bool:
        return bool(self.batches or self.rows)

    def released(self) -> asyncio.Event:
        """Set at the next release (take it before looking at the room)."""
        return self._released


@dataclass
class _State:
    held: _Held
    report: DrainReport = field(default_factory=DrainReport)
    push: bool = True  # False while pushing is paused (LINE's monthly limit, a refused access token)


class DeliveryWorker:
    """Sends what the outbox holds. Any number of these may run, in any number of processes."""

    def __init__(
        self,
        *,
        engine: Engine,
        sender: Sender,
        clock: Clock,
        db: DbRunner,
        metrics: Metrics | None = None,
        lease: timedelta = LEASE,
        claim_size: int = 500,
        batch_claim_size: int = 10,
        concurrency: int = 200,
        rates: dict[str, float] | None = None,
        zone: ZoneInfo = BANGKOK,
    ):
        self.engine = engine
        self.sender = sender
        self.clock = clock
        self.db = db
        self.metrics = metrics
        self.lease = lease
        self.claim_size = claim_size
        self.batch_claim_size = batch_claim_size
        self.concurrency = concurrency
        # At most this many batches (multicasts) and rows (pushes) held at once: `CLAIM_AHEAD` of sending at
        # this worker's `rates` (requests a second by endpoint); without rates, no limit but the queue's.
        self.most_held = (
            (math.ceil(rates["multicast"] * CLAIM_AHEAD), math.ceil(rates["push"] * CLAIM_AHEAD))
            if rates
            else (None, None)
        )
        self.zone = zone  # whose day decides whether a reminder is still due
        # Claims take a while (a batch's learners are looked up): on PostgreSQL two run at once, so that
        # LINE's rate is met while a sweep is still writing. SQLite has one writer: one claim at a time.
        self.claimers = 1 if engine.dialect.name == "sqlite" else 2
        # Known pause (refreshed at each drain) so replies handled meanwhile do not push into the limit.
        self.push_allowed = True
        self._lock = asyncio.Lock()
        self._stopping = False
        # Set (and replaced by a fresh one) when this process has written new work to the outbox: each claim
        # loop waits on the one it saw before claiming, so no loop misses work written meanwhile.
        self._more = asyncio.Event()

    def stop(self) -> None:
        """Claim nothing more: drains finish what they hold and return (for a graceful shutdown)."""
        self._stopping = True
        self.more()  # a drain waiting for a producer's work stops waiting

    def more(self) -> None:
        """Tell a drain that follows a producer (see `drain`) that new work is in the outbox."""
        self._more.set()
        self._more = asyncio.Event()

    async def drain(self, *, follow: asyncio.Event | None = None) -> DrainReport:
        """Send everything due now; return when nothing due is left.

        With `follow`, the drain keeps going while a producer writes work (the reminder sweep): when nothing
        is due it waits for `more()`, and returns only once `follow` is set and nothing is left. A sweep's
        batches then go out as they are written, with no gap between one drain and the next.
        """
        async with self._lock:  # one drain at a time per worker; other workers run their own
            started = time.perf_counter()
            state = _State(_Held(*self.most_held))
            heartbeat = asyncio.create_task(self._keep_leases(state.held))
            try:
                return await self._drain(state, follow, started)
            finally:
                heartbeat.cancel()
                await asyncio.gather(heartbeat, return_exceptions=True)

    async def _drain(self, state: _State, follow: asyncio.Event | None, started: float) -> DrainReport:
        state.push = await self._push_allowed(state)
        queue: asyncio.Queue[Unit | None] = asyncio.Queue(maxsize=max(self.claim_size, self.concurrency) * 2)
        done: asyncio.Queue[_Finished | None] = asyncio.Queue()
        senders = [asyncio.create_task(self._send_loop(queue, done, state)) for _ in range(self.concurrency)]
        finisher = asyncio.create_task(self._finish_loop(done, state))
        self._count_expired(await self.db(outbox.expire, self.engine, self.clock.now()), state)
        claimers = [asyncio.create_task(self._claim_loop(queue, state, follow)) for _ in range(self.claimers)]
        try:
            await asyncio.gather(*claimers)
            for _ in senders:
                await queue.put(None)
            await asyncio.gather(*senders)
            await done.put(None)
            await finisher
        except BaseException:
            # Cancelled (or broken): stop at once, like a killed process; leases cover the rest.
            for task in (*claimers, *senders, finisher):
                task.cancel()
            await asyncio.gather(*claimers, *senders, finisher, return_exceptions=True)
            raise
        if not self._stopping:
            now = self.clock.now()
            state.report.next_free = await self.db(outbox.next_free, self.engine, now, self.lease)
        state.report.seconds = time.perf_counter() - started
        state.report.paused = not state.push
        return state.report

    # ----- claiming ---------------------------------------------------------------------------------------

    async def _push_allowed(self, state: _State) -> bool:
        """Whether to push in this drain. A pause whose time has come is probed with one request."""
        until = await self.db(outbox.push_paused_until, self.engine)
        if until is None:
            self.push_allowed = True
            return True
        now = self.clock.now()
        if until > now:
            self.push_allowed = False
            return False
        probe = await self._claim(state.held, now, batches=1, singles=1, push=True)
        if not probe:
            return True  # nothing to push: the pause stays until the next real push tells
        outcome = await self._send(probe[0], push=True)
        await self._record([_Finished(probe[0], outcome)], state)
        if not (outcome.status is OutboxStatus.SENT and _pushed(probe[0])):
            # Refused again, or nothing learnt (LINE down, a free reply): still paused; the next drain
            # probes again. The other unit claimed is no longer renewed: its lease runs out.
            async with state.held.lock:
                state.held.release(probe[1:])
            self.push_allowed = False
            return False
        for unit in probe[1:]:
            await self._record([_Finished(unit, await self._send(unit, push=True))], state)
        log.warning("LINE accepted a push again: pushing resumes")
        await self.db(outbox.resume_push, self.engine, self.clock.now())
        self.push_allowed = True
        return True

    async def _claim(
        self, held: _Held, now: datetime, *, batches: int, singles: int, push: bool
    ) -> list[Unit]:
        """Lease up to `batches` batches and `singles` rows, as far as `held` has room; they are held (and
        renewed) from here until recorded."""
        room = held.reserve(batches if push else 0, singles)
        units: list[Unit] = []
        try:
            if room[0]:
                claimed, dropped = await self.db(
                    outbox.claim_batches, self.engine, now, lease=self.lease, limit=room[0], zone=self.zone
                )
                units += claimed
                self._count_no_longer_due(dropped)
            if room[1]:
                units += await self.db(
                    outbox.claim_rows, self.engine, now, lease=self.lease, limit=room[1], push=push
                )
        finally:
            held.claimed(room, units)
        return units

    async def _claim_loop(
        self, queue: asyncio.Queue[Unit | None], state: _State, follow: asyncio.Event | None
    ) -> None:
        batches, singles = self.batch_claim_size, self.claim_size
        while not self._stopping:
            producing = follow is not None and not follow.is_set()
            more = self._more  # before claiming: work written from here on sets it
            released = state.held.released()  # likewise: room made from here on sets it
            want = (batches if state.push else 0, singles)
            room = state.held.room(*want)
            units = await self._claim(
                state.held, self.clock.now(), batches=room[0], singles=room[1], push=state.push
            )
            if not units:
                if room != state.held.room(*want, idle=True) and state.held.holds():
                    # This worker holds all it may: what is due waits for room (or for another worker).
                    # (Room a concurrent claim took is not waited for: that claim goes on claiming.)
                    await released.wait()
                    continue
                if not producing:
                    return
                await more.wait()
                continue
            for unit in units:
                await queue.put(unit)

    async def _keep_leases(self, held: _Held) -> None:
        """The heartbeat: every third of a lease, renew the lease of everything held, in one statement."""
        while True:
            await asyncio.sleep(self.lease.total_seconds() / 3)
            async with held.lock:
                if not (held.rows or held.batches):
                    continue
                try:
                    await self.db(
                        outbox.renew,
                        self.engine,
                        self.clock.now() + self.lease,
                        list(held.rows),
                        list(held.batches),
                    )
                except Exception:
                    # The database answered nothing this time: two more tries before the lease runs out.
                    log.warning("renewing the leases of %d units failed", len(held.rows) + len(held.batches))

    # ----- sending ----------------------------------------------------------------------------------------

    async def _send_loop(
        self, queue: asyncio.Queue[Unit | None], done: asyncio.Queue[_Finished | None], state: _State
    ) -> None:
        while (unit := await queue.get()) is not None:
            try:
                outcome = await self._send(unit, push=state.push)
            except Exception as exc:  # a bug must not kill the drain; the row waits for its lease to run out
                # The unit's ID only: its messages and LINE user IDs are personal data.
                log.exception("delivery of %s %s failed unexpectedly", type(unit).__name__, unit.id)
                outcome = Outcome(
                    OutboxStatus.PENDING, f"{type(exc).__name__}: {exc}"[:300], timedelta(minutes=1)
                )
            if outcome.pause and state.push:
                state.push = False
                self.push_allowed = False
            state.held.sent(unit)
            await done.put(_Finished(unit, outcome))

    async def _send(self, unit: Unit, *, push: bool) -> Outcome:
        if isinstance(unit, Claimed):
            return await self.sender.send(unit, push=push)
        if not push:
            return Outcome(OutboxStatus.PENDING, outbox.PAUSED, outbox.PAUSE_PROBE)
        if unit.size == 1:  # nobody to share a request with: a push, under the batch's key
            (to,) = unit.recipients
            alone = Claimed(unit.id, to, None, 0, unit.messages, unit.retry_key, unit.attempts, unit.purpose)
            return await self.sender.send(alone, push=push)
        return await self.sender.send_batch(
            unit.id, list(unit.recipients), unit.messages, unit.retry_key, unit.attempts
        )

    # ----- finishing --------------------------------------------------------------------------------------

    async def _finish_loop(self, done: asyncio.Queue[_Finished | None], state: _State) -> None:
        pending: list[_Finished] = []
        while True:
            try:
                # asyncio.timeout, not wait_for: on Python 3.11 a wait_for cancelled at the wrong moment can
                # hang the cancelling task (seen when a drain is cancelled mid-batch).
                async with asyncio.timeout(0.1):
                    item = await done.get()
            except TimeoutError:
                item = _Tick
            if item is None:
                await self._record(pending, state)
                return
            if item is not _Tick:
                pending.append(item)  # type: ignore[arg-type]
            if pending and (item is _Tick or len(pending) >= 500):
                await self._record(pending, state)
                pending = []

    async def _record(self, finished: list[_Finished], state: _State) -> None:
        """Write results: what LINE accepted in bulk, everything else one by one."""
        # No longer renewed from here: a renewal under way ends first, so none can follow a finish and
        # overwrite the back-off it wrote.
        async with state.held.lock:
            state.held.release([item.unit for item in finished])
        now = self.clock.now()
        report = state.report
        accepted = [item.unit for item in finished if item.outcome.status is OutboxStatus.SENT]
        sent_rows = [unit for unit in accepted if isinstance(unit, Claimed)]
        sent_batches = [unit for unit in accepted if isinstance(unit, BatchClaim)]
        await self.db(
            outbox.mark_sent,
            self.engine,
            now,
            [row.id for row in sent_rows],
            [batch.id for batch in sent_batches],
            farewells=[row.id for row in sent_rows if row.purpose == FAREWELL],
        )
        report.rows_sent += len(sent_rows) + sum(len(batch.recipients) for batch in sent_batches)
        report.batches_sent += len(sent_batches)
        self._count_sent(
            sum(row.purpose == REMINDER for row in sent_rows)
            + sum(len(batch.recipients) for batch in sent_batches if batch.purpose == REMINDER)
        )
        self._count_no_longer_due(sum(batch.left_out for batch in sent_batches))
        for item in finished:
            unit, outcome = item.unit, item.outcome
            if outcome.status is OutboxStatus.SENT:
                continue
            if isinstance(unit, Claimed):
                status = await self.record_row(unit, outcome, now)
                self._count_outcome(unit, outcome, status, 1 if unit.purpose == REMINDER else 0, report)
                continue
            if outcome.pause:
                await self._pause_push(now, outcome.pause)
            status = await self.db(
                outbox.finish_batch,
                self.engine,
                now,
                unit.id,
                status=outcome.status,
                error=outcome.error,
                retry_after=outcome.retry_after,
                attempted=outcome.counts_as_attempt,
            )
            reminders = len(unit.recipients) if unit.purpose == REMINDER else 0
            self._count_outcome(unit, outcome, status, reminders, report)

    async def record_row(self, row: Claimed, outcome: Outcome, now: datetime) -> OutboxStatus | None:
        """Write how one row's delivery went (the status it ended in); LINE's monthly limit, or a refused
        access token, pauses pushing for every process."""
        if outcome.pause:
            await self._pause_push(now, outcome.pause)
        return await self.db(
            outbox.finish,
            self.engine,
            row.id,
            now,
            status=outcome.status,
            error=outcome.error,
            retry_after=outcome.retry_after,
            attempted=outcome.counts_as_attempt,
        )

    async def _pause_push(self, now: datetime, pause: outbox.Pause) -> None:
        self.push_allowed = False
        await self.db(outbox.pause_push, self.engine, now, retry_at=now + pause.probe, reason=pause.reason)

    def _count_outcome(
        self, unit: Unit, outcome: Outcome, status: OutboxStatus | None, reminders: int, report: DrainReport
    ) -> None:
        """Count a unit LINE did not accept this time: failed for good, or to be tried again."""
        if status is not OutboxStatus.FAILED:
            report.retried += int(status is OutboxStatus.PENDING)
            return
        report.failed += 1
        if outcome.status is OutboxStatus.PENDING:  # out of attempts: an operator should hear of it
            log.error(
                "gave up on %s %s after its last attempt: %s", type(unit).__name__, unit.id, outcome.error
            )
        if self.metrics and reminders:
            self.metrics.reminders_skipped.labels("failed").inc(reminders)

    def _count_no_longer_due(self, reminders: int) -> None:
        """Reminders left out when their batch was sent (or dropped, left empty): the learner studied,
        stopped or snoozed reminders, or unfollowed, after the sweep wrote it."""
        if self.metrics and reminders:
            self.metrics.reminders_skipped.labels("no_longer_due").inc(reminders)

    def _count_sent(self, reminders: int) -> None:
        if self.metrics and reminders:
            self.metrics.reminders_sent.inc(reminders)

    def _count_expired(self, expired: dict[str, int], state: _State) -> None:
        state.report.expired += sum(expired.values())
        if self.metrics and expired.get(REMINDER):
            self.metrics.reminders_skipped.labels("expired").inc(expired[REMINDER])


_Tick: Any = object()


def _pushed(unit: Unit) -> bool:
    """Whether a unit goes to LINE by push or multicast (a row with a usable reply token goes by reply;
    simulated learners' messages stop at the simulator, so they tell nothing about LINE)."""
    if isinstance(unit, BatchClaim):
        return not all(is_simulated(user) for user in unit.recipients)
    return unit.reply_token is None and not is_simulated(unit.chat_id)
