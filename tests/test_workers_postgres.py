"""Several workers on one PostgreSQL database, LINE failing now and then, a worker dying mid-batch:
every recipient still gets their message exactly once.

Only on PostgreSQL (FOR UPDATE SKIP LOCKED is what lets workers on different machines share the work).
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
import uuid
from asyncio.subprocess import Process
from collections.abc import Iterator
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

import anyio
import pytest
from sqlalchemy import Engine, func, insert
from sqlmodel import Session, col, select

from bot.clock import SystemClock
from bot.content import Content
from bot.gateway import SdkGateway
from bot.gateway.throttle import ThrottledGateway
from bot.sender import Sender
from bot.settings import Settings
from bot.storage.db import make_engine, upgrade
from bot.storage.models import Learner, Outbox, OutboxBatch, OutboxStatus
from bot.storage.outbox import pending_row
from bot.voice.ui import text
from devkit.standin import LineStandIn, RandomFaults
from scheduler import demo
from scheduler.sweep import sweep
from scheduler.worker import DeliveryWorker
from tests.conftest import POSTGRES_SKIP, postgres_schema
from tests.harness import FIXTURE_CONTENT, TOKEN

pytestmark = pytest.mark.skipif(POSTGRES_SKIP is not None, reason=POSTGRES_SKIP or "")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    with postgres_schema("w") as url:
        yield url


def prepare(url: str, content: Content, *, learners: int, personal: int) -> set[str]:
    """Due reminders for `learners` demo learners (multicast groups) and `personal` one-off pushes."""
    engine = make_engine(url)
    try:
        now = SystemClock().now()
        demo.seed(engine, content, count=learners, now=now, due_now=True)
        with Session(engine) as session:
            users = {f"U{uuid.uuid4().hex}" for _ in range(personal)}
            session.exec(
                insert(Outbox),
                params=[
                    pending_row(user, [text(f"ข้อความถึงคุณ {user[-6:]}")], now, purpose="personal")
                    for user in users
                ],
            )
            session.commit()
        return users
    finally:
        engine.dispose()


def pending(engine: Engine) -> int:
    with Session(engine) as session:
        return sum(
            session.exec(
                select(func.count()).select_from(table).where(table.status == OutboxStatus.PENDING)
            ).one()
            for table in (Outbox, OutboxBatch)
        )


def everyone(engine: Engine) -> set[str]:
    """Every chat something was written for: single rows, and the learners of every batch."""
    with Session(engine) as session:
        batched = [learner_id for ids in session.exec(select(OutboxBatch.learner_ids)) for learner_id in ids]
        users = set(session.exec(select(Learner.line_user_id).where(col(Learner.id).in_(batched))))
        assert len(users) == len(batched), "a learner is in two batches"
        return set(session.exec(select(Outbox.chat_id))) | users


def worker(url: str, line: LineStandIn) -> DeliveryWorker:
    """A worker of its own: engine, connection pool, LINE client, short lease (as if on another machine)."""
    engine = make_engine(url)
    gateway = ThrottledGateway(
        SdkGateway(access_token=TOKEN, host=line.url, timeout=0.3, max_connections=40), push=400, multicast=40
    )
    limiter = anyio.CapacityLimiter(4)

    async def db(function, *args, **kwargs):  # type: ignore[no-untyped-def]
        return await anyio.to_thread.run_sync(partial(function, *args, **kwargs), limiter=limiter)

    return DeliveryWorker(
        engine=engine,
        sender=Sender(gateway, SystemClock()),
        clock=SystemClock(),
        db=db,
        lease=timedelta(seconds=2),
        claim_size=50,
        batch_claim_size=3,
        concurrency=30,
    )


async def finish_with(survivor: DeliveryWorker, engine: Engine, deadline: float = 40.0) -> None:
    """Keep draining until nothing is pending (leases of the dead worker run out after two seconds)."""
    started = time.monotonic()
    while pending(engine):
        assert time.monotonic() - started < deadline, f"{pending(engine)} rows still pending"
        await survivor.drain()
        await asyncio.sleep(0.3)


def assert_exactly_once(line: LineStandIn, recipients: set[str]) -> None:
    assert set(line.deliveries) == recipients, "someone got nothing"
    assert {count for count in line.deliveries.values()} == {1}, "someone got a message twice"


async def test_two_workers_with_faults_and_one_cancelled_mid_batch_deliver_exactly_once(
    postgres_url: str, fixture_content: Content
) -> None:
    url = Settings(database_url=postgres_url).sqlalchemy_url
    upgrade(url)
    prepare(url, fixture_content, learners=1000, personal=500)
    engine = make_engine(url)
    line = LineStandIn(
        access_token=TOKEN,
        random_faults=RandomFaults(rate=0.08, hang=0.6, seed=5),
        rate_limits={"push": 2000, "multicast": 200},
    )
    await line.start()
    a, b = worker(url, line), worker(url, line)
    try:
        sweep(engine, fixture_content, SystemClock().now())
        recipients = everyone(engine)
        first, second = asyncio.create_task(a.drain()), asyncio.create_task(b.drain())
        started = time.monotonic()
        while line.messages_accepted < 400:
            assert time.monotonic() - started < 30, "the workers never got going"
            assert not (first.done() and second.done()), [task.exception() for task in (first, second)]
            await asyncio.sleep(0.01)
        first.cancel()  # worker A dies in the middle of its batch
        with pytest.raises(asyncio.CancelledError):
            await first
        with Session(engine) as session:
            leased = sum(
                session.exec(
                    select(func.count())
                    .select_from(table)
                    .where(table.status == OutboxStatus.PENDING, col(table.not_before) > SystemClock().now())
                ).one()
                for table in (Outbox, OutboxBatch)
            )
        assert leased > 0  # A held work when it died
        await second
        await finish_with(b, engine)
        assert_exactly_once(line, recipients)
        assert line.requests["push", 500] + line.requests["multicast", 500] > 0  # faults did happen
        assert line.requests["push", 409] + line.requests["multicast", 409] > 0  # and retries met their keys
        with Session(engine) as session:
            assert set(session.exec(select(Outbox.status))) == {OutboxStatus.SENT}
            assert set(session.exec(select(OutboxBatch.status))) == {OutboxStatus.SENT}
    finally:
        for each in (a, b):
            await each.sender.gateway.close()
            each.engine.dispose()
        engine.dispose()
        await line.stop()


async def worker_processes(postgres_url: str, line: LineStandIn, **settings: str) -> list[Process]:
    """Two `ruthan worker` processes on the database, sending to the stand-in slowly enough to be caught
    mid-batch."""
    environment = {
        **os.environ,
        "DATABASE_URL": postgres_url,
        "LINE_API_BASE_URL": line.url,
        "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
        "LINE_CHANNEL_SECRET": "unused",
        "CONTENT_DIR": str(FIXTURE_CONTENT),
        "LINE_TIMEOUT_SECONDS": "0.5",
        "LINE_PUSH_RATE": "300",
        "LINE_MULTICAST_RATE": "20",
        "REMINDER_SWEEP_SECONDS": "3600",
        **settings,
    }
    command = [sys.executable, "-c", "from bot.cli import app; app()", "worker"]
    return [
        await asyncio.create_subprocess_exec(
            *command,
            env=environment,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
            cwd=Path(__file__).parent.parent,
        )
        for _ in range(2)
    ]


async def stop(processes: list[Process]) -> None:
    for process in processes:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            await process.wait()


def leased_until(engine: Engine) -> datetime | None:
    """The furthest lease on pending work: when all of it is free for any worker, if its holders died."""
    with Session(engine) as session:
        ends = [
            session.exec(select(func.max(table.not_before)).where(table.status == OutboxStatus.PENDING)).one()
            for table in (Outbox, OutboxBatch)
        ]
    return max((end for end in ends if end is not None), default=None)


async def test_two_worker_processes_one_killed_deliver_exactly_once(
    postgres_url: str, fixture_content: Content
) -> None:
    """The real thing: two `ruthan worker` processes; one gets SIGKILL while it is sending."""
    url = Settings(database_url=postgres_url).sqlalchemy_url
    upgrade(url)
    personal = prepare(url, fixture_content, learners=1000, personal=500)
    engine = make_engine(url)
    line = LineStandIn(
        access_token=TOKEN,
        random_faults=RandomFaults(rate=0.05, hang=1.0, seed=11),
        rate_limits={"push": 2000, "multicast": 200},
    )
    await line.start()
    processes = await worker_processes(postgres_url, line, DELIVERY_LEASE_SECONDS="2")
    victim = processes[0]  # the other one carries on alone
    try:
        started = time.monotonic()
        while line.messages_accepted < 300:
            assert time.monotonic() - started < 60, "the workers never got going"
            await asyncio.sleep(0.02)
        victim.send_signal(signal.SIGKILL)
        await victim.wait()
        started = time.monotonic()
        while pending(engine) or not everyone(engine) - personal:
            assert time.monotonic() - started < 60, f"{pending(engine)} rows still pending"
            await asyncio.sleep(0.2)
        recipients = everyone(engine)
        assert len(recipients) == 1000 + 500
        assert_exactly_once(line, recipients)
    finally:
        await stop(processes)
        engine.dispose()
        await line.stop()


async def test_a_killed_worker_process_loses_its_work_within_one_short_lease(
    postgres_url: str, fixture_content: Content
) -> None:
    """With the default lease: the work a killed worker held is free for the other within seconds (it was a
    minute), since a live holder renews short leases instead of taking long ones; and nothing goes twice."""
    url = Settings(database_url=postgres_url).sqlalchemy_url
    upgrade(url)
    personal = prepare(url, fixture_content, learners=1000, personal=500)
    engine = make_engine(url)
    line = LineStandIn(access_token=TOKEN, rate_limits={"push": 2000, "multicast": 200})
    await line.start()
    processes = await worker_processes(postgres_url, line)
    victim = processes[0]
    try:
        started = time.monotonic()
        while line.messages_accepted < 300:
            assert time.monotonic() - started < 60, "the workers never got going"
            await asyncio.sleep(0.02)
        victim.send_signal(signal.SIGKILL)
        await victim.wait()
        killed_at = SystemClock().now()
        held = leased_until(engine)
        now = SystemClock().now()
        assert held is not None and held > killed_at  # work was held (by the victim, the survivor or both)
        # No work is leased for more than a few seconds ahead: what the victim held is free within one
        # short lease of its last renewal (it was a minute), while the survivor keeps renewing its own.
        assert held <= now + timedelta(seconds=5)
        started = time.monotonic()
        while pending(engine) or not everyone(engine) - personal:
            assert time.monotonic() - started < 60, f"{pending(engine)} rows still pending"
            await asyncio.sleep(0.2)
        assert_exactly_once(line, everyone(engine))
    finally:
        await stop(processes)
        engine.dispose()
        await line.stop()
