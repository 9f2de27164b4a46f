"""End-to-end webhook throughput: Ruthan against a bare echo bot on the same SDK, side by side in one run.

    python3 dev.py bench        (or: .venv/bin/python -m benchmarks.webhook [--events N] [--senders 32])
    .venv/bin/python -m benchmarks.webhook --database postgresql://postgres@127.0.0.1:5432/test

Each bot runs as its own `uvicorn` process. This process plays LINE twice over: it posts signed webhooks
from 32 concurrent learners (each waits for its reply before sending the next message, as people do) and
runs the LINE API stand-in that receives the replies. Latency is from posting the webhook to the stand-in
receiving the reply with that event's token. Ruthan does its full work on the embedded SQLite: durable
inbox, learning flow, answers recorded, outbox, reply (with --database, on PostgreSQL instead: each run in
a fresh schema of that database, dropped afterwards). The two bots run alternately (echo, Ruthan, echo,
Ruthan) and the report gives each run, so noise on a shared machine shows. Each bot's CPU time per event
(its process, user and system) is reported too: it is steadier than events per second when other work
shares the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from aiohttp import web

from benchmarks import machine
from devkit.standin import LineStandIn

ROOT = Path(__file__).resolve().parents[1]
SECRET = "benchmark-secret"
TOKEN = "benchmark-token"
# A learner's loop through the general track: onboarding buttons, then reading and typed answers.
SCRIPT = ["ต่อไป", "ต่อไป", "ต่อไป", "ข้อ 2", "ข", "2", "ค่ะ", "ความคืบหน้า", "เรียนต่อ"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TimedStandIn(LineStandIn):
    """The stand-in, noting when each reply token arrives."""

    def __init__(self) -> None:
        super().__init__(access_token=TOKEN)
        self.arrived: dict[str, asyncio.Future[float]] = {}

    def expect(self, token: str) -> asyncio.Future[float]:
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.arrived[token] = future
        return future

    async def _reply(self, request: web.Request) -> web.Response:
        response = await super()._reply(request)
        self.calls.clear()  # keep memory flat over long runs
        return response

    def _record(self, request: web.Request, body: object) -> None:
        token = body.get("replyToken") if isinstance(body, dict) else None
        future = self.arrived.pop(token, None) if token else None
        if future and not future.done():
            future.set_result(time.perf_counter())


def signed(events: list[dict]) -> tuple[bytes, str]:
    body = json.dumps({"destination": "Ubench", "events": events}).encode()
    return body, base64.b64encode(hmac.new(SECRET.encode(), body, hashlib.sha256).digest()).decode()


def event(user: str, kind: str, **fields: object) -> dict:
    return {
        "type": kind,
        "mode": "active",
        "timestamp": int(time.time() * 1000),
        "source": {"type": "user", "userId": user},
        "webhookEventId": uuid.uuid4().hex.upper()[:26],
        "deliveryContext": {"isRedelivery": False},
        "replyToken": uuid.uuid4().hex,
        **fields,
    }


def learner_events(user: str, count: int) -> list[dict]:
    events = [
        event(user, "follow", follow={"isUnblocked": False}),
        event(user, "postback", postback={"data": "a=consent&v=yes"}),
        event(user, "postback", postback={"data": "a=track&id=general"}),
    ]
    while len(events) < count:
        text = SCRIPT[(len(events) - 3) % len(SCRIPT)]
        events.append(
            event(user, "message", message={"type": "text", "id": "1", "text": text, "quoteToken": "q"})
        )
    return events[:count]


@dataclass
class Result:
    name: str
    events: int
    seconds: float
    latencies: list[float]
    acks: list[float]
    errors: int
    peak_rss_mb: float
    cpu_seconds: float  # the bot's process, user and system, over the timed part

    @property
    def cpu_ms_per_event(self) -> float:
        return 1000 * self.cpu_seconds / self.events

    @property
    def rate(self) -> float:
        return self.events / self.seconds

    def percentile(self, p: float, values: list[float] | None = None) -> float:
        ordered = sorted(self.latencies if values is None else values)
        return 1000 * ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def peak_rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
    except (OSError, StopIteration):
        return float("nan")


@contextmanager
def fresh_database(workdir: str, postgres: str | None) -> Iterator[str]:
    """An empty database for one run: a SQLite file in `workdir`, or a schema of its own in `postgres`."""
    if postgres is None:
        yield f"sqlite:///{workdir}/ruthan.db"
        return
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{postgres}{'&' if '?' in postgres else '?'}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(postgres, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


async def run_bot(
    name: str,
    module_app: list[str],
    standin: TimedStandIn,
    total: int,
    senders: int,
    postgres: str | None = None,
) -> Result:
    workdir = tempfile.mkdtemp(prefix=f"bench-{name}-")
    with fresh_database(workdir, postgres) as database:
        return await _run_bot(name, module_app, standin, total, senders, workdir, database)


async def _run_bot(
    name: str,
    module_app: list[str],
    standin: TimedStandIn,
    total: int,
    senders: int,
    workdir: str,
    database: str,
) -> Result:
    port = free_port()
    env = os.environ | {
        "LINE_CHANNEL_SECRET": SECRET,
        "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
        "LINE_API_BASE_URL": standin.url,
        "DATABASE_URL": database,
        "CONTENT_DIR": str(ROOT),
    }
    prefix = os.environ.get("BENCH_PROFILE_PREFIX", "").split() if name == "Ruthan" else []
    server = subprocess.Popen(
        [
            *prefix,
            sys.executable,
            "-m",
            "uvicorn",
            *module_app,
            "--app-dir",
            str(ROOT),
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=workdir,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(200):
                if server.poll() is not None:
                    raise SystemExit(f"{name} did not start (exit code {server.returncode})")
                try:
                    async with http.get(f"{url}/healthz") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
            per_sender = total // senders
            latencies: list[float] = []
            acks: list[float] = []  # time until the webhook's 200 (LINE gives up after 2 s)
            errors = 0

            async def learner(index: int) -> None:
                nonlocal errors
                for one in learner_events(f"U{index:032x}", per_sender):
                    body, signature = signed([one])
                    arrived = standin.expect(one["replyToken"])
                    started = time.perf_counter()
                    async with http.post(
                        f"{url}/callback",
                        data=body,
                        headers={"X-Line-Signature": signature, "Content-Type": "application/json"},
                    ) as response:
                        acks.append(time.perf_counter() - started)
                        if response.status != 200:
                            errors += 1
                            continue
                    try:
                        latencies.append(await asyncio.wait_for(arrived, 10) - started)
                    except TimeoutError:
                        errors += 1

            started, cpu = time.perf_counter(), cpu_seconds(server.pid)
            await asyncio.gather(*(learner(index) for index in range(senders)))
            seconds, cpu = time.perf_counter() - started, cpu_seconds(server.pid) - cpu
        return Result(
            name, per_sender * senders, seconds, latencies, acks, errors, peak_rss_mb(server.pid), cpu
        )
    finally:
        server.terminate()
        server.wait(10)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far, from /proc (NaN where there is no /proc)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


async def main(total: int, senders: int, rounds: int, postgres: str | None = None) -> None:
    standin = TimedStandIn()
    await standin.start()
    ruthan = ["bot.app:from_environment", "--factory"]
    echo = ["benchmarks.echo_bot:create_app", "--factory"]
    results: list[Result] = []
    try:
        for _ in range(rounds):
            results.append(await run_bot("echo bot", echo, standin, total, senders))
            results.append(await run_bot("Ruthan", ruthan, standin, total, senders, postgres))
    finally:
        await standin.stop()
    where = "PostgreSQL" if postgres else "SQLite"
    print(
        f"\nMachine: {machine()}; {senders} concurrent senders; {total} events per run; Ruthan on {where}\n"
    )
    print(
        "| run | bot | events/s | reply p50 ms | reply p99 ms | 200 p99 ms | errors | peak RSS MB "
        "| bot CPU ms/event |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for number, result in enumerate(results, start=1):
        print(
            f"| {number} | {result.name} | {result.rate:,.0f} | {result.percentile(0.5):.1f} | "
            f"{result.percentile(0.99):.1f} | {result.percentile(0.99, result.acks):.1f} | {result.errors} | "
            f"{result.peak_rss_mb:.0f} | {result.cpu_ms_per_event:.2f} |"
        )
    echo_rates = [r.rate for r in results if r.name == "echo bot"]
    ruthan_rates = [r.rate for r in results if r.name == "Ruthan"]
    ratio = statistics.median(ruthan_rates) / statistics.median(echo_rates)
    print(f"\nRuthan / echo bot throughput (medians): {ratio:.2f}x")
    cpu = statistics.median(r.cpu_ms_per_event for r in results if r.name == "Ruthan") / statistics.median(
        r.cpu_ms_per_event for r in results if r.name == "echo bot"
    )
    print(f"Ruthan / echo bot CPU time per event (medians): {cpu:.2f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=3200, help="webhook events per run")
    parser.add_argument("--senders", type=int, default=32, help="concurrent learners")
    parser.add_argument("--rounds", type=int, default=2, help="alternating runs of each bot")
    parser.add_argument("--database", help="a PostgreSQL URL to run Ruthan on (default: SQLite)")
    args = parser.parse_args()
    asyncio.run(main(args.events, args.senders, args.rounds, args.database))
