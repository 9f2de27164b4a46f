"""Leases on outbox work: a worker still sending keeps what it holds past the lease (its heartbeat renews
it); a worker claims only about what its rates let it send soon, and leaves the rest to other workers.

Both on SQLite and on PostgreSQL. What a killed worker process leaves is in tests/test_workers_postgres.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

import anyio
from sqlalchemy import Engine, func, insert
from sqlmodel import Session, col, select

from bot.clock import FrozenClock
from bot.content import Content
from bot.gateway import MessageJSON, RecordingGateway
from bot.sender import Sender
from bot.settings import Settings
from bot.storage.db import make_engine, upgrade
from bot.storage.models import Outbox, OutboxBatch, OutboxStatus
from bot.storage.outbox import claim_batches, claim_rows, pending_row
from bot.voice.ui import text
from devkit.standin import LineStandIn
from scheduler import demo
from scheduler.sweep import sweep
from scheduler.worker import DeliveryWorker
from tests.harness import BotUnderTest

BANGKOK = ZoneInfo("Asia/Bangkok")


class HeldUp(RecordingGateway):
    """A gateway whose pushes wait until the test lets them go."""

    def __init__(self) -> None:
        super().__init__()
        self.started = asyncio.Event()
        self.go = asyncio.Event()

    async def push(self, to: str, messages: list[MessageJSON], retry_key: str) -> None:
        self.started.set()
        await self.go.wait()
        await super().push(to, messages, retry_key)


async def db(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return await anyio.to_thread.run_sync(partial(function, *args, **kwargs))


async def until(condition: Callable[[], bool], what: str) -> None:
    """Wait (up to a generous bound, on a loaded machine) for something the code under test must do."""
    for _ in range(400):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"never happened: {what}")


def leased_until(engine: Engine) -> datetime:
    with Session(engine) as session:
        return session.exec(select(Outbox.not_before)).one()


async def test_a_worker_still_sending_keeps_its_work_past_its_lease(database_url: str) -> None:
    url = Settings(database_url=database_url).sqlalchemy_url
    upgrade(url)
    engine = make_engine(url)
    clock = FrozenClock()
    with Session(engine) as session:
        values = pending_row("U" + "b" * 32, [text("ข้อความถึงคุณค่ะ")], clock.now(), purpose="personal")
        session.exec(insert(Outbox).values(values))  # type: ignore[call-overload]
        session.commit()
    gateway = HeldUp()
    lease = timedelta(seconds=0.3)  # renewed every 0.1 s of real time, for 0.3 s of the frozen clock
    worker = DeliveryWorker(engine=engine, sender=Sender(gateway, clock), clock=clock, db=db, lease=lease)
    sending = asyncio.create_task(worker.drain())
    try:
        await asyncio.wait_for(gateway.started.wait(), timeout=20)  # the push is on its way to LINE
        first = leased_until(engine)
        assert first == clock.now() + lease
        clock.advance(seconds=0.2)
        await until(lambda: leased_until(engine) > first, "the holder renewed its lease")
        clock.advance(seconds=0.2)  # past the lease it claimed the row with
        # Another worker finds nothing to take: the row's holder is alive and still sending it.
        assert claim_rows(engine, clock.now(), lease=lease, limit=10) == []
        gateway.go.set()
        report = await sending
    finally:
        gateway.go.set()
        await asyncio.gather(sending, return_exceptions=True)
        engine.dispose()
    assert report.rows_sent == 1
    assert [call.endpoint for call in gateway.calls] == ["push"]  # one request: nobody sent it again


def leased_and_due(engine: Engine, now: datetime) -> tuple[int, int]:
    """Pending batches held by a worker (leased into the future), and those due for any worker to claim."""
    with Session(engine) as session:
        batches = select(func.count()).select_from(OutboxBatch)
        pending = batches.where(OutboxBatch.status == OutboxStatus.PENDING)
        leased = session.exec(pending.where(col(OutboxBatch.not_before) > now)).one()
        due = session.exec(pending.where(col(OutboxBatch.not_before) <= now)).one()
        return leased, due


async def test_a_worker_claims_only_what_its_rate_sends_soon_and_leaves_the_rest_to_others(
    database_url: str, fixture_content: Content, line: LineStandIn, clock: FrozenClock
) -> None:
    # Two multicasts a second: the worker holds about a second of them (two), not the whole fan-out.
    bot = BotUnderTest(database_url, fixture_content, line, clock, line_multicast_rate=2)
    await bot.start()
    try:
        engine = make_engine(bot.settings().sqlalchemy_url)
        demo.seed(engine, fixture_content, count=40, now=clock.now(), due_now=True)
        sweep(engine, fixture_content, clock.now())
        batches = leased_and_due(engine, clock.now())[1]
        assert batches >= 5
        sending = asyncio.create_task(bot.runtime.drain())
        await line.wait_for(1, timeout=20)  # the first multicast went out: the worker is under way
        leased, due = leased_and_due(engine, clock.now())
        assert 1 <= leased <= 2
        assert due >= 1  # the rest waits in the outbox, where another worker may claim it
        # ... and another worker does.
        taken, _ = claim_batches(engine, clock.now(), lease=timedelta(seconds=3), limit=1, zone=BANGKOK)
        assert len(taken) == 1
        await sending
        with Session(engine) as session:
            statuses = session.exec(select(OutboxBatch.id, OutboxBatch.status)).all()
        # The worker sent everything but what the other worker took (and holds until it sends it).
        assert {status for batch_id, status in statuses if batch_id != taken[0].id} == {OutboxStatus.SENT}
        engine.dispose()
    finally:
        await bot.stop()


async def test_work_another_worker_held_is_sent_when_its_lease_ends_without_waiting_for_recovery(
    bot: BotUnderTest,
) -> None:
    engine = make_engine(bot.settings().sqlalchemy_url)
    with Session(engine) as session:
        values = pending_row("U" + "c" * 32, [text("ข้อความถึงคุณค่ะ")], bot.clock.now(), purpose="personal")
        session.exec(insert(Outbox).values(values))  # type: ignore[call-overload]
        session.commit()
    # Another worker claims it, then dies: its lease (3 s) is never renewed.
    assert len(claim_rows(engine, bot.clock.now(), lease=timedelta(seconds=3), limit=1)) == 1
    report = await bot.runtime.drain()  # finds nothing due, but knows when that lease ends
    assert report.next_free == bot.clock.now() + timedelta(seconds=3)
    bot.clock.advance(seconds=3)
    # No recovery run comes (the harness runs it hourly): the runtime drains again when the lease ends.
    (push,) = await bot.line.wait_for(1, timeout=20)
    assert push.path.endswith("/push")
    # ... and recorded as sent, once (the test ends only then: a shutdown mid-drain is another test's matter).
    await until(lambda: statuses(engine) == [OutboxStatus.SENT], "the push recorded as sent")
    engine.dispose()


def statuses(engine: Engine) -> list[OutboxStatus]:
    with Session(engine) as session:
        return list(session.exec(select(Outbox.status)))
