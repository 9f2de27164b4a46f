"""Fan-out of due reminders against a LINE stand-in that enforces LINE's rate limits and fails now and then.

    .venv/bin/python -m benchmarks.fanout --learners 100000
    .venv/bin/python -m benchmarks.fanout --learners 100000 --scenario personal
    .venv/bin/python -m benchmarks.fanout --learners 100000 --database postgresql://postgres@127.0.0.1:5432/test
    .venv/bin/python -m benchmarks.fanout --learners 100000 --scenario kill-worker --database postgresql://...

This process prepares the database (demo learners of the real curriculum, all due now) and runs the LINE
stand-in: push 2,000 and multicast 200 requests a second (token buckets, 429 beyond), a few percent of
requests answered 500 or left hanging past the client's timeout (half of those after LINE accepted them).
The fan-out itself, the production sweep and delivery worker, runs in a process of its own, so its time,
CPU and peak memory are its own. Before the clock starts, that process reads a sweep's chunk of no
learners, as a worker running since the morning has: its statements compiled, its connections open.

Scenarios:
- reminders: the daily reminder as the sweep writes it. Learners at the same point of the same track get the
  same text, so most go by multicast, 500 at a time;
- personal: every message different (a personal note to each learner), so every one is a push;
- kill-worker (PostgreSQL only): the reminders, sent by two worker processes with half of LINE's rates each
  (both sweep at start, as `ruthan worker`s started together do, and look for work every 2 s, as they do);
  one is killed (SIGKILL) once LINE has accepted half the messages (`--kill-after`). The other must take
  over what the dead one held once its lease runs out. Reported beside the rest: when the kill came, and
  the target, 1.25x LINE's bound plus 5 s.

Reported: total time from the sweep's start to the last message LINE accepted (the stand-in and the fan-out
read one machine's monotonic clock), against the lower bound LINE's rate limits set for the same requests
(max over endpoints of requests / rate, push and multicast being separate limits); requests made (with
retries and 409s); duplicates and losses (both must be 0); the fan-out process's peak memory and CPU time
during the fan-out, and the stand-in's CPU time; and, for reminders, how long the next sweep takes with
every learner reminded already (what each sweep costs for the rest of the evening).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from benchmarks import machine

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "benchmark-token"
RATES = {"push": 2000.0, "multicast": 200.0}


# ----- preparing the database ----------------------------------------------------------------------------


def prepare(url: str, learners: int, scenario: str) -> int:
    """A fresh schema with `learners` demo learners due now; for `personal`, one distinct push each."""
    from sqlalchemy import insert
    from sqlmodel import Session, select

    from bot.clock import SystemClock
    from bot.content import load_content
    from bot.storage.db import make_engine, upgrade
    from bot.storage.models import Learner, Outbox
    from bot.storage.outbox import pending_row
    from bot.voice.ui import text
    from scheduler import demo

    upgrade(url)
    engine = make_engine(url)
    try:
        now = SystemClock().now()
        demo.seed(engine, load_content(ROOT), count=learners, now=now, due_now=True)
        if scenario == "personal":
            with Session(engine) as session:
                users = list(session.exec(select(Learner.line_user_id)))
                for start in range(0, len(users), 5000):
                    session.exec(
                        insert(Outbox),
                        params=[
                            pending_row(
                                user, [text(f"สวัสดีค่ะ ข้อความนี้สำหรับคุณ ({user[-8:]})")], now, purpose="personal"
                            )
                            for user in users[start : start + 5000]
                        ],
                    )
                # Reminders go out another day: this scenario measures personal pushes alone.
                session.exec(Learner.__table__.update().values(reminders_stopped=True))  # type: ignore[attr-defined]
                session.commit()
        return learners
    finally:
        engine.dispose()


def fresh_database(base: str | None) -> tuple[str, Any]:
    """(SQLAlchemy URL, clean-up) for an empty database: a temporary SQLite file, or a PostgreSQL schema."""
    from bot.settings import Settings

    if base is None:
        folder = tempfile.mkdtemp(prefix="ruthan-fanout-")
        return f"sqlite:///{folder}/fanout.db", lambda: shutil.rmtree(folder, ignore_errors=True)
    import psycopg

    schema = f"fanout_{uuid.uuid4().hex[:8]}"
    plain = Settings(database_url=base).database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')

    def drop() -> None:
        with psycopg.connect(plain, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')

    return Settings(database_url=f"{base}?options=-csearch_path%3D{schema}").sqlalchemy_url, drop


# ----- the fan-out process ---------------------------------------------------------------------------------


async def fan_out(
    url: str, line_url: str, scenario: str, timeout: float, concurrency: int, share: float = 1.0
) -> dict[str, Any]:
    """Run the production sweep and delivery worker until nothing is left to send; measure it.

    For kill-worker, one of two such processes with `share` of LINE's rates: it says "ready" once warm and
    starts when told "go" on its standard input, so that both start together."""
    from sqlmodel import Session, func, select

    from bot.clock import SystemClock
    from bot.content import load_content
    from bot.gateway import SdkGateway
    from bot.runtime import freeze_heap_once
    from bot.services import Services
    from bot.settings import Settings
    from bot.storage.db import make_engine
    from bot.storage.models import Outbox, OutboxBatch, OutboxStatus
    from scheduler.sweep import read_chunk

    engine = make_engine(url)
    gateway = SdkGateway(access_token=TOKEN, host=line_url, timeout=timeout, max_connections=concurrency)
    # The lease is the settings' default, as in production.
    settings = Settings(database_url=url, line_timeout_seconds=timeout, delivery_concurrency=concurrency)
    runtime = Services.build(
        settings, line=gateway, content=load_content(ROOT), share=share, rates=RATES, sweep_interval=0
    ).runtime
    # A worker process looks for work every 2 s (`ruthan worker`'s recovery loop); a lone fan-out, oftener.
    poll = 2.0 if scenario == "kill-worker" else 0.5

    def left() -> int:
        with Session(engine) as session:
            return sum(
                session.exec(
                    select(func.count()).select_from(table).where(table.status == OutboxStatus.PENDING)
                ).one()
                for table in (Outbox, OutboxBatch)
            )

    # As in a worker that has been running (it sweeps every minute): statements compiled, connections open.
    await runtime.read_db(read_chunk, engine, runtime.content, SystemClock().now(), after=2**31 - 1, plans={})
    freeze_heap_once()  # as `ruthan worker` does once started
    if scenario == "kill-worker":
        print("ready", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    started, cpu_before = time.monotonic(), time.process_time()
    queued = 0
    if scenario != "personal":
        queued = (await runtime.sweep_once()).queued
    swept = time.monotonic() - started
    await runtime.drain()
    # Rows waiting out a back-off after LINE failed them several times in a row; for kill-worker, also
    # the work the other process holds (or held, until its lease runs out).
    while left():
        await asyncio.sleep(poll)
        await runtime.drain()
    seconds, cpu = time.monotonic() - started, time.process_time() - cpu_before
    later_seconds, later_queued = 0.0, 0
    if scenario == "reminders":
        # The next minute's sweep, everyone reminded already: each sweep's cost for the rest of the evening.
        again = time.monotonic()
        later_queued = (await runtime.sweep_once()).queued
        later_seconds = time.monotonic() - again
    with Session(engine) as session:
        # Messages by status: one per single row, one per learner of a batch.
        statuses = dict(session.exec(select(Outbox.status, func.count()).group_by(Outbox.status)).all())
        for status, learners in session.exec(
            select(OutboxBatch.status, func.sum(OutboxBatch.size)).group_by(OutboxBatch.status)
        ):
            statuses[status] = statuses.get(status, 0) + learners
    await gateway.close()
    engine.dispose()
    return {
        "started_at": started,  # time.monotonic(): the same clock as the stand-in's, on one machine
        "seconds": seconds,
        "sweep_seconds": swept if scenario != "personal" else 0.0,
        "queued": queued,
        "outbox": {str(status): count for status, count in statuses.items()},
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "cpu_seconds": cpu,
        "later_sweep_seconds": later_seconds,
        "later_sweep_queued": later_queued,
    }


# ----- the orchestrator -------------------------------------------------------------------------------------


def child_command(url: str, line_url: str, args: argparse.Namespace, share: float = 1.0) -> list[str]:
    return [
        sys.executable,
        "-m",
        "benchmarks.fanout",
        "--child",
        "--url",
        url,
        "--line",
        line_url,
        "--scenario",
        args.scenario,
        "--timeout",
        str(args.timeout),
        "--concurrency",
        str(args.concurrency),
        "--share",
        str(share),
    ]


async def kill_one(url: str, line: Any, args: argparse.Namespace) -> tuple[dict[str, Any], float]:
    """Two fan-out processes with half the rates each; SIGKILL one once `--kill-after` of the messages are
    accepted.
    Returns the survivor's measurements and when the kill came (seconds after the start)."""
    pipe = asyncio.subprocess.PIPE
    children = [
        await asyncio.create_subprocess_exec(
            *child_command(url, line.url, args, share=0.5), cwd=ROOT, stdin=pipe, stdout=pipe
        )
        for _ in range(2)
    ]
    victim, survivor = children
    try:
        for child in children:
            assert child.stdout is not None
            if (await child.stdout.readline()).strip() != b"ready":
                raise SystemExit("a fan-out process failed to start")
        started = time.monotonic()
        for child in children:
            assert child.stdin is not None
            child.stdin.write(b"go\n")
            await child.stdin.drain()
        while line.messages_accepted < args.learners * args.kill_after:
            if victim.returncode is not None or survivor.returncode is not None:
                raise SystemExit("a fan-out process ended before the kill")
            await asyncio.sleep(0.005)
        victim.kill()
        killed = time.monotonic() - started
        await victim.wait()
        output, _ = await survivor.communicate()
        if survivor.returncode != 0:
            raise SystemExit(f"the surviving fan-out process failed ({survivor.returncode})")
        measured = json.loads(output.decode().strip().splitlines()[-1])
        measured["started_at"] = started  # the survivor's own start differs by the time to read "go"
        return measured, killed
    finally:
        for child in children:
            if child.returncode is None:
                child.kill()
                await child.wait()


async def run(args: argparse.Namespace) -> dict[str, Any]:
    from devkit.standin import LineStandIn, RandomFaults

    if args.scenario == "kill-worker" and not args.database:
        raise SystemExit("kill-worker needs --database (PostgreSQL): several workers share one database")
    url, drop = fresh_database(args.database)
    try:
        print(
            f"preparing {args.learners:,} demo learners ({args.scenario}) in {url.split('?')[0]} ...",
            flush=True,
        )
        began = time.perf_counter()
        prepare(url, args.learners, args.scenario)
        print(f"  ready in {time.perf_counter() - began:.1f} s", flush=True)
        line = LineStandIn(
            access_token=TOKEN,
            rate_limits=dict(RATES),
            keep_bodies=False,
            random_faults=RandomFaults(rate=args.fault_rate, hang=args.timeout * 2, seed=args.seed),
        )
        await line.start()
        try:
            cpu_before = time.process_time()
            killed = None
            if args.scenario == "kill-worker":
                measured, killed = await kill_one(url, line, args)
            else:
                child = await asyncio.create_subprocess_exec(
                    *child_command(url, line.url, args), cwd=ROOT, stdout=asyncio.subprocess.PIPE
                )
                output, _ = await child.communicate()
                if child.returncode != 0:
                    raise SystemExit(f"the fan-out process failed ({child.returncode})")
                measured = json.loads(output.decode().strip().splitlines()[-1])
            stats = line.stats()
            standin_cpu = time.process_time() - cpu_before
        finally:
            await line.stop()
    finally:
        drop()
    accepted = stats["accepted"]
    delivered = (stats["last_accepted_at"] or measured["started_at"]) - measured["started_at"]
    bound = max(accepted.get(endpoint, 0) / rate for endpoint, rate in RATES.items())
    made = stats["requests"]
    return {
        "learners": args.learners,
        "scenario": args.scenario,
        "database": "PostgreSQL" if args.database else "SQLite",
        "seconds": round(delivered, 2),
        "worker_seconds": round(measured["seconds"], 2),
        "sweep_seconds": round(measured["sweep_seconds"], 2),
        "bound_seconds": round(bound, 2),
        "ratio": round(delivered / bound, 2) if bound else None,
        "killed_at_seconds": round(killed, 2) if killed is not None else None,
        "target_seconds": round(1.25 * bound + 5, 2) if killed is not None else None,
        "accepted_requests": accepted,
        "requests_by_status": made,
        "requests_total": sum(made.values()),
        "recipients": stats["recipients"],
        "duplicates": stats["duplicates"],
        "losses": args.learners - stats["recipients"],
        "outbox": measured["outbox"],
        "peak_rss_mb": round(measured["peak_rss_mb"], 1),
        "cpu_seconds": round(measured["cpu_seconds"], 1),
        "standin_cpu_seconds": round(standin_cpu, 1),
        "later_sweep_seconds": round(measured["later_sweep_seconds"], 2),
        "later_sweep_queued": measured["later_sweep_queued"],
        "fault_rate": args.fault_rate,
        "machine": machine(),
    }


def report(result: dict[str, Any]) -> str:
    r, accepted = result, result["accepted_requests"]
    return "\n".join(
        [
            f"{r['learners']:,} learners, {r['scenario']}, {r['database']} — {r['machine']}",
            f"  total {r['seconds']} s to the last message accepted (sweep {r['sweep_seconds']} s,"
            f" worker done at {r['worker_seconds']} s{', the survivor' if r['killed_at_seconds'] else ''})",
            f"  vs rate-limit bound {r['bound_seconds']} s: {r['ratio']}x",
        ]
        + (
            [
                f"  one of two workers killed at {r['killed_at_seconds']} s; target (1.25x bound + 5 s)"
                f" {r['target_seconds']} s: {'met' if r['seconds'] <= r['target_seconds'] else 'MISSED'}"
            ]
            if r["killed_at_seconds"] is not None
            else []
        )
        + [
            f"  accepted requests: {accepted.get('multicast', 0):,} multicast,"
            f" {accepted.get('push', 0):,} push; all requests {r['requests_total']:,}",
            f"  by status: {r['requests_by_status']}",
            f"  recipients {r['recipients']:,}, duplicates {r['duplicates']}, losses {r['losses']};"
            f" outbox {r['outbox']}",
            f"  fan-out process: peak memory {r['peak_rss_mb']} MB, CPU {r['cpu_seconds']} s;"
            f" LINE stand-in CPU {r['standin_cpu_seconds']} s",
        ]
        + (
            [
                f"  the next sweep, everyone reminded already: {r['later_sweep_seconds']} s,"
                f" {r['later_sweep_queued']} queued"
            ]
            if r["scenario"] == "reminders"
            else []
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=100_000)
    parser.add_argument("--scenario", choices=["reminders", "personal", "kill-worker"], default="reminders")
    parser.add_argument(
        "--database", help="a PostgreSQL URL (a scratch schema is made and dropped); default SQLite"
    )
    parser.add_argument(
        "--fault-rate", type=float, default=0.03, help="share of requests failed (500 or timeout)"
    )
    parser.add_argument("--timeout", type=float, default=1.0, help="the LINE client's timeout, seconds")
    parser.add_argument("--concurrency", type=int, default=400, help="requests in flight")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--kill-after", type=float, default=0.5, help="kill-worker: share accepted before the kill"
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--line", help=argparse.SUPPRESS)
    parser.add_argument("--share", type=float, default=1.0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(
            json.dumps(
                asyncio.run(
                    fan_out(args.url, args.line, args.scenario, args.timeout, args.concurrency, args.share)
                )
            )
        )
        return
    result = asyncio.run(run(args))
    print(json.dumps(result, ensure_ascii=False) if args.json else report(result))


if __name__ == "__main__":
    main()
