"""What operators see at GET /metrics (Prometheus text format).

Counters and histograms are per process (scrape every web and worker process); the outbox and pause gauges
are read from the database at scrape time, so every process reports the same, shared numbers.
Each app gets its own registry: nothing global, and tests can build as many apps as they like.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from bot.gateway.base import LineApiError, LineGateway, MessageJSON
from bot.storage.models import InboxEvent, InboxStatus, Outbox, OutboxBatch, OutboxStatus, ServiceFlag
from bot.storage.outbox import PAUSES, PUSH_PAUSED, pause_cause

log = logging.getLogger(__name__)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.webhook_events = Counter(
            "ruthan_webhook_events",
            "Webhook events accepted, by kind (message kinds as message:<type>).",
            ["kind"],
            registry=self.registry,
        )
        self.reply_latency = Histogram(
            "ruthan_reply_latency_seconds",
            "From a webhook event's arrival to its answer being accepted by LINE.",
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60),
            registry=self.registry,
        )
        self.round_events = Histogram(
            "ruthan_webhook_round_events",
            "Events handled per round of the webhook's group commit (one transaction each).",
            buckets=(1, 2, 4, 8, 16, 32),
            registry=self.registry,
        )
        self.line_calls = Counter(
            "ruthan_line_api_calls",
            "LINE Messaging API requests, by endpoint and HTTP status ('timeout': none).",
            ["endpoint", "status"],
            registry=self.registry,
        )
        self.line_backups = Counter(
            "ruthan_line_backup_requests",
            "Backup copies of keyed LINE requests that were slow to answer (bot/gateway/hedge.py).",
            ["endpoint"],
            registry=self.registry,
        )
        self.reminders_queued = Counter(
            "ruthan_reminders_queued", "Reminders written to the outbox by the sweep.", registry=self.registry
        )
        self.reminders_sent = Counter(
            "ruthan_reminders_sent", "Reminders accepted by LINE (one per learner).", registry=self.registry
        )
        self.reminders_skipped = Counter(
            "ruthan_reminders_skipped", "Reminders not sent, by reason.", ["reason"], registry=self.registry
        )

    def watch(self, engine: Engine, clock: Callable[[], datetime]) -> None:
        """Report the shared outbox and pause state, read from the database at each scrape."""
        self.registry.register(_DatabaseCollector(engine, clock))

    def render(self) -> bytes:
        return generate_latest(self.registry)

    def event_kind(self, event: dict) -> str:
        kind = str(event.get("type", "unknown"))
        if kind == "message":
            kind += ":" + str((event.get("message") or {}).get("type", "unknown"))
        return kind


class _DatabaseCollector(Collector):
    def __init__(self, engine: Engine, clock: Callable[[], datetime]):
        self.engine = engine
        self.clock = clock

    def collect(self) -> Iterator[GaugeMetricFamily]:
        depth = GaugeMetricFamily(
            "ruthan_outbox_pending",
            "Messages waiting to be sent (one per chat), by purpose.",
            labels=["purpose"],
        )
        age = GaugeMetricFamily(
            "ruthan_outbox_oldest_pending_age_seconds", "Age of the oldest message waiting."
        )
        batches = GaugeMetricFamily("ruthan_outbox_batches_pending", "Multicast requests waiting to be sent.")
        paused = GaugeMetricFamily(
            "ruthan_push_paused", "1 while pushing is paused (LINE's monthly limit, a refused access token)."
        )
        cause = GaugeMetricFamily(
            "ruthan_push_pause_cause",
            "1 for the cause of the push pause: monthly_limit, unauthorized (LINE refused the access token).",
            labels=["cause"],
        )
        inbox = GaugeMetricFamily(
            "ruthan_inbox_pending",
            "Webhook events stored but not handled yet (a flood, or a failing handler).",
        )
        inbox_age = GaugeMetricFamily(
            "ruthan_inbox_oldest_pending_age_seconds", "Age of the oldest webhook event not handled yet."
        )
        try:
            with Session(self.engine) as session:
                oldest = None
                counts = dict.fromkeys(("reply", "reminder"), 0)  # always there, so dashboards see zero
                singles = session.exec(
                    select(Outbox.purpose, func.count(), func.min(Outbox.created_at))
                    .where(Outbox.status == OutboxStatus.PENDING)
                    .group_by(col(Outbox.purpose))
                ).all()
                # A batch waits with every one of its learners' messages (reminders, announcements).
                shared = session.exec(
                    select(
                        OutboxBatch.purpose,
                        func.sum(OutboxBatch.size),
                        func.min(OutboxBatch.created_at),
                        func.count(),
                    )
                    .where(OutboxBatch.status == OutboxStatus.PENDING)
                    .group_by(col(OutboxBatch.purpose))
                ).all()
                rows: list[tuple[Any, ...]] = [*singles, *shared]
                for purpose, count, first, *_ in rows:
                    counts[purpose] = counts.get(purpose, 0) + int(count)
                    oldest = first if oldest is None or (first and first < oldest) else oldest
                pending_batches = sum(requests for *_, requests in shared)
                flag = session.get(ServiceFlag, PUSH_PAUSED)
                waiting, first_waiting = session.exec(
                    select(func.count(), func.min(InboxEvent.received_at)).where(
                        InboxEvent.status == InboxStatus.PENDING
                    )
                ).one()
        except Exception:  # a scrape must not fail because the database is busy or down
            log.exception("metrics: database unavailable")
            return
        for purpose, count in counts.items():
            depth.add_metric([purpose], count)
        now = self.clock()
        age.add_metric([], max(0.0, (now - _aware(oldest)).total_seconds()) if oldest else 0.0)
        batches.add_metric([], pending_batches)
        paused.add_metric([], 1 if flag else 0)
        now_cause = pause_cause(flag.reason) if flag else None
        for name in (*(pause.cause for pause in PAUSES), "other"):
            cause.add_metric([name], 1 if name == now_cause else 0)
        inbox.add_metric([], waiting)
        inbox_age.add_metric(
            [], max(0.0, (now - _aware(first_waiting)).total_seconds()) if first_waiting else 0.0
        )
        yield from (depth, age, batches, paused, cause, inbox, inbox_age)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class MeteredGateway:
    """Counts every LINE call by endpoint and outcome, whatever gateway does the talking."""

    def __init__(self, inner: LineGateway, metrics: Metrics):
        self.inner = inner
        self.metrics = metrics

    async def reply(self, reply_token: str, messages: list[MessageJSON]) -> None:
        await self._count("reply", self.inner.reply(reply_token, messages))

    async def push(self, to: str, messages: list[MessageJSON], retry_key: str) -> None:
        await self._count("push", self.inner.push(to, messages, retry_key))

    async def multicast(self, to: list[str], messages: list[MessageJSON], retry_key: str) -> None:
        await self._count("multicast", self.inner.multicast(to, messages, retry_key))

    async def show_loading(self, chat_id: str, seconds: int) -> None:
        await self._count("loading", self.inner.show_loading(chat_id, seconds))

    async def content(self, message_id: str) -> bytes:
        data: bytes = b""

        async def fetch() -> None:
            nonlocal data
            data = await self.inner.content(message_id)

        await self._count("content", fetch())
        return data

    async def close(self) -> None:
        await self.inner.close()

    async def _count(self, endpoint: str, call: object) -> None:
        try:
            await call  # type: ignore[misc]
        except LineApiError as exc:
            self.metrics.line_calls.labels(endpoint, str(exc.status or "timeout")).inc()
            raise
        self.metrics.line_calls.labels(endpoint, "200").inc()
