"""One wiring: everything a running Ruthan is made of, built once from the settings.

`ruthan serve` (bot/app.py), `ruthan worker`, `ruthan chat` (bot/cli.py), the tests (tests/harness.py) and
the benchmarks build their parts here and nowhere else; they differ only in what they pass:

- `line`: the LINE gateway at the bottom of the stack (default: the SDK client when an access token is set,
  else `NotConnected`); the chat passes the terminal, tests may pass a recording fake;
- `simulator`: messages for simulated learners (/simulator) stop in a mailbox (the web service only);
- `share`: this process's share of LINE's rate limits (several workers for one channel);
- `line_account`: quota, group sizes and the rich menu (the web service only).

Every LINE call goes through one stack: metered (bot/metrics.py), paced to LINE's per-endpoint limits with
a backup copy for a slow keyed call (bot/gateway/throttle.py, hedge.py), then the gateway.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine

from bot.clock import Clock, SystemClock
from bot.content import Content, load_content
from bot.gateway import LineGateway, NotConnected, SdkGateway
from bot.gateway.hedge import Hedger
from bot.gateway.throttle import ThrottledGateway
from bot.intake import Intake
from bot.learning.certificates import Site
from bot.metrics import MeteredGateway, Metrics
from bot.runtime import Runtime, freeze_heap_once
from bot.sender import ReplyBook, Sender
from bot.settings import Settings
from bot.simulator import Mailbox, SimulatorRouter
from bot.storage.db import Database, make_engine
from bot.trainers.auth import Passwords
from bot.trainers.jobs import AnnouncementJob
from bot.trainers.line_account import LineAccount
from scheduler import family_notes
from scheduler.worker import DeliveryWorker

# The longest a keyed LINE call goes unanswered before its backup copy (sooner when LINE answers fast).
MAX_BACKUP_WAIT = 2.0
# How often the family link's weekly notes are looked for (each link gets one a week; bot/learning/family.py).
FAMILY_NOTES_SECONDS = 15 * 60


@dataclass
class Services:
    """The parts of one process, built by `build`, started by `start`, stopped by `stop`."""

    settings: Settings
    content: Content
    clock: Clock
    database: Database
    metrics: Metrics
    gateway: MeteredGateway  # the stack every LINE call goes through
    sender: Sender
    worker: DeliveryWorker
    runtime: Runtime
    announcements: AnnouncementJob
    passwords: Passwords
    line_account: LineAccount | None = None
    mailbox: Mailbox | None = None  # simulated learners' messages (with `simulator=True`)

    @property
    def engine(self) -> Engine:
        return self.database.engine

    @property
    def intake(self) -> Intake:
        return self.runtime.intake

    @classmethod
    def build(
        cls,
        settings: Settings,
        *,
        line: LineGateway | None = None,
        content: Content | None = None,
        clock: Clock | None = None,
        metrics: Metrics | None = None,
        simulator: bool = False,
        share: float = 1.0,
        line_account: LineAccount | None = None,
        recovery_interval: float = 5.0,
        sweep_interval: float | None = None,
        rates: dict[str, float] | None = None,
    ) -> Services:
        """Build every part. Call it inside the running event loop: the SDK's HTTP session is made here.

        `rates` replaces the settings' LINE rate limits (before `share` applies); `sweep_interval` the
        settings' reminder sweep interval (0: no sweep)."""
        clock = clock or SystemClock()
        metrics = metrics or Metrics()
        database = Database(make_engine(settings.sqlalchemy_url))
        gateway: LineGateway = line or line_gateway(settings)
        mailbox = None
        if simulator:
            mailbox = Mailbox()
            gateway = SimulatorRouter(gateway, mailbox)
        timeout = settings.line_timeout_seconds
        # Every call is counted, and paced to LINE's per-endpoint limits (a share of them, see the worker).
        # A keyed call slow to answer gets a backup copy well before the client's timeout would end it.
        hedger = Hedger(
            longest=min(MAX_BACKUP_WAIT, timeout / 2) if timeout else MAX_BACKUP_WAIT,
            on_backup=lambda endpoint: metrics.line_backups.labels(endpoint).inc(),
        )
        limits = {name: rate * share for name, rate in (rates or settings.line_rates).items()}
        throttled = ThrottledGateway(gateway, **limits, hedger=hedger)
        stack = MeteredGateway(throttled, metrics)
        sender = Sender(stack, clock, ReplyBook(database.engine, database.run))
        worker = DeliveryWorker(
            engine=database.engine,
            sender=sender,
            clock=clock,
            db=database.run,
            metrics=metrics,
            zone=settings.zone,
            # It claims only about what these rates let it send soon; other workers take the rest.
            rates={endpoint: limit.rate for endpoint, limit in throttled.limits.items()},
            lease=timedelta(seconds=settings.delivery_lease_seconds),
            concurrency=settings.delivery_concurrency,
        )
        content = content or load_content(settings.content_dir)
        runtime = Runtime(
            database=database,
            content=content,
            clock=clock,
            metrics=metrics,
            gateway=stack,
            sender=sender,
            worker=worker,
            recovery_interval=recovery_interval,
            timezone=settings.tz,
            sweep_interval=settings.reminder_sweep_seconds if sweep_interval is None else sweep_interval,
            outbox_retention=timedelta(days=settings.outbox_retention_days),
            check_gather_seconds=settings.check_gather_seconds,
            site=Site(
                public_url=settings.public_base_url,
                org_name=settings.ruthan_org_name,
                basic_id=settings.line_bot_basic_id,
            ),
        )
        return cls(
            settings=settings,
            content=content,
            clock=clock,
            database=database,
            metrics=metrics,
            gateway=stack,
            sender=sender,
            worker=worker,
            runtime=runtime,
            announcements=AnnouncementJob(runtime),
            passwords=Passwords(settings),
            line_account=line_account,
            mailbox=mailbox,
        )

    @property
    def site(self) -> Site:
        """Where the bot is published and whose certificates it prints: built once, from the settings."""
        return self.runtime.intake.site

    async def start(self) -> None:
        """Recover what the last process left, then run the scheduled work (recovery, the reminder sweep,
        delivery, pruning, announcements) on one scheduler."""
        every = self.settings.announcement_check_seconds
        await self.runtime.start(
            also=[
                ("announcements", self._announce, every),
                ("family_notes", self._family_notes, FAMILY_NOTES_SECONDS),
            ]
        )
        freeze_heap_once()

    async def _announce(self) -> None:
        await self.announcements.run_once()

    async def _family_notes(self) -> None:
        await self.family_notes_once()

    async def family_notes_once(self) -> int:
        """Write the family link's weekly notes due now and send them; how many were written."""
        runtime = self.runtime
        written = await runtime.db(
            family_notes.write_notes, self.engine, self.content, self.clock.now(), self.settings.zone
        )
        if written:
            await runtime.drain()
        return written

    async def stop(self) -> None:
        await self.announcements.settle()  # "send now" deliveries under way
        await self.runtime.stop()
        if self.line_account is not None:
            await self.line_account.close()
        self.database.engine.dispose()


def line_gateway(settings: Settings) -> LineGateway:
    """The SDK client when an access token is set; else `NotConnected` (delivery waits for a token, and
    simulated learners are still served)."""
    token = settings.line_channel_access_token
    if token is None:
        return NotConnected()
    return SdkGateway(
        access_token=token.get_secret_value(),
        host=settings.line_api_base_url,
        timeout=settings.line_timeout_seconds,
        max_connections=settings.line_max_connections,
        data_host=settings.line_data_api_base_url,
    )


def line_account(settings: Settings) -> LineAccount | None:
    """Quota, group sizes and the rich menu: only when LINE is configured."""
    token = settings.line_channel_access_token
    if token is None:
        return None
    return LineAccount(
        access_token=token.get_secret_value(),
        host=settings.line_api_base_url,
        data_host=settings.line_data_api_base_url,
        timeout=settings.line_timeout_seconds,
    )
