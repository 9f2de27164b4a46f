"""The sender with the recording gateway: reply first, push as fallback, no duplicates; alone, then with an
outbox in the database, where what one holder of a row learns about its reply every holder acts on."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import insert
from sqlmodel import Session, select

from bot.clock import FrozenClock
from bot.gateway import LineApiError, RecordingGateway
from bot.sender import ReplyBook, Sender
from bot.storage.db import make_engine, upgrade
from bot.storage.models import Outbox, OutboxStatus
from bot.storage.outbox import Claimed, claimed, pause_push, pending_row
from bot.voice.ui import text
from scheduler.worker import DeliveryWorker

T = TypeVar("T")


def row(messages: int = 1, *, token: str | None = "token-1", reply_attempts: int = 1) -> Claimed:
    return Claimed(
        id=1,
        chat_id="U1",
        reply_token=token,
        reply_attempts=reply_attempts,
        messages=[text(f"ข้อความ {n}") for n in range(messages)],
        retry_key="9a5b3a4e-2f1c-4a43-9a9e-2f5b8f1c0d11",
        attempts=0,
    )


async def test_more_than_five_messages_reply_five_and_push_the_rest() -> None:
    gateway = RecordingGateway()
    status = (await Sender(gateway, FrozenClock()).send(row(7))).status
    assert status is OutboxStatus.SENT
    assert [(call.endpoint, len(call.messages)) for call in gateway.calls] == [("reply", 5), ("push", 2)]


async def test_an_expired_reply_token_falls_back_to_push_with_a_retry_key() -> None:
    gateway = RecordingGateway(failures=[LineApiError(400, "Invalid reply token")])
    status = (await Sender(gateway, FrozenClock()).send(row())).status
    assert status is OutboxStatus.SENT
    assert [call.endpoint for call in gateway.calls] == ["push"]
    assert gateway.calls[0].retry_key == "9a5b3a4e-2f1c-4a43-9a9e-2f5b8f1c0d11"


async def test_a_reply_retried_after_an_unknown_outcome_is_not_pushed_again() -> None:
    gateway = RecordingGateway(
        failures=[LineApiError(None, "timeout"), LineApiError(400, "Invalid reply token")]
    )
    status = (await Sender(gateway, FrozenClock()).send(row())).status
    assert status is OutboxStatus.SENT
    assert gateway.calls == []  # the first try landed (as far as LINE is concerned); nothing is pushed


async def test_a_push_answered_409_was_already_accepted() -> None:
    gateway = RecordingGateway(failures=[LineApiError(409, "The retry key is already accepted")])
    status = (await Sender(gateway, FrozenClock()).send(row(token=None, reply_attempts=0))).status
    assert status is OutboxStatus.SENT and gateway.calls == []


async def test_other_client_errors_are_recorded_as_failed_with_the_reason() -> None:
    gateway = RecordingGateway(
        failures=[LineApiError(400, "The property, 'to', in the request body is invalid")]
    )
    outcome = await Sender(gateway, FrozenClock()).send(row(token=None, reply_attempts=0))
    assert outcome.status is OutboxStatus.FAILED and "invalid" in (outcome.error or "")


@pytest.mark.parametrize("status", [401, 403])
async def test_a_refused_access_token_pauses_the_channel_instead_of_failing_the_message(status: int) -> None:
    gateway = RecordingGateway(failures=[LineApiError(status, "Authentication failed")])
    outcome = await Sender(gateway, FrozenClock()).send(row(token=None, reply_attempts=0))
    assert outcome.status is OutboxStatus.PENDING and not outcome.counts_as_attempt
    assert outcome.pause is not None and outcome.pause.cause == "unauthorized"


# ----- with the database: what one holder learns about a reply, every holder acts on -------------------


class Outboxed:
    """A SQLite outbox, a delivery worker and a recording gateway on one frozen clock."""

    def __init__(self, tmp_path: Path, gateway: RecordingGateway | None = None):
        url = f"sqlite:///{tmp_path / 'outbox.db'}"
        upgrade(url)
        self.engine = make_engine(url)
        self.clock = FrozenClock()
        self.gateway = gateway or RecordingGateway()

        async def db(function: Callable[..., T], *args: object, **kwargs: object) -> T:
            return function(*args, **kwargs)

        sender = Sender(self.gateway, self.clock, ReplyBook(self.engine, db))
        self.worker = DeliveryWorker(engine=self.engine, sender=sender, clock=self.clock, db=db)

    def add(self, messages: int, *, token: str | None) -> None:
        now = self.clock.now()
        values = pending_row(
            "U" + "a" * 32,
            [text(f"ข้อความ {n}") for n in range(messages)],
            now,
            purpose="reply",
            reply_token=token,
            reply_deadline=now + timedelta(seconds=50) if token else None,
        )
        with Session(self.engine) as session:
            session.exec(insert(Outbox).values(values))  # type: ignore[call-overload]
            session.commit()

    def delivered(self) -> list[str]:
        return [message["text"] for call in self.gateway.calls for message in call.messages]


async def test_a_reply_that_landed_is_not_pushed_again_when_the_rest_waits(tmp_path: Path) -> None:
    box = Outboxed(tmp_path)
    pause_push(box.engine, box.clock.now(), retry_at=box.clock.now() + timedelta(hours=1), reason="monthly")
    box.add(7, token="token-7")
    await box.worker.drain()  # the reply is free: five go; pushing is paused, so two wait
    assert [(call.endpoint, len(call.messages)) for call in box.gateway.calls] == [("reply", 5)]
    box.clock.advance(hours=1, minutes=1)  # the token is long gone; LINE takes pushes again
    await box.worker.drain()
    assert sorted(box.delivered()) == sorted(f"ข้อความ {n}" for n in range(7))  # each exactly once
    assert [call.endpoint for call in box.gateway.calls] == ["reply", "push"]


async def test_a_token_refused_then_a_push_failing_is_pushed_later_not_presumed_sent(tmp_path: Path) -> None:
    box = Outboxed(
        tmp_path,
        RecordingGateway(
            failures=[LineApiError(400, "Invalid reply token")] + [LineApiError(500, "down")] * 3
        ),
    )
    box.add(1, token="token-dead")
    await box.worker.drain()  # the token is refused, then the push fails three times: the row waits
    box.clock.advance(seconds=6)  # the row's back-off is over, the token's 50 s are not
    await box.worker.drain()
    assert [call.endpoint for call in box.gateway.calls] == ["push"]  # not presumed delivered by a reply
    (row,) = rows_of(box)
    assert row.status is OutboxStatus.SENT


async def test_an_answer_that_waited_past_its_lease_is_not_pushed_after_recovery_replied(
    tmp_path: Path,
) -> None:
    """The row was claimed again (by recovery, which replied) while its first holder waited: the first
    holder's try is refused, and since another claim tried the token, it pushes nothing."""
    box = Outboxed(tmp_path)
    box.add(1, token="token-1")  # born leased to its first holder, as answers to events are
    (first,) = rows_of(box)
    held = claimed(first)
    box.clock.advance(seconds=31)  # the lease ran out while the first holder waited
    await box.worker.drain()  # recovery: claims the row and replies
    outcome = await box.worker.sender.send(held)  # the first holder, at last
    assert outcome.status is OutboxStatus.SENT
    assert [call.endpoint for call in box.gateway.calls] == ["reply"]


def rows_of(box: Outboxed) -> list[Outbox]:
    with Session(box.engine) as session:
        return list(session.exec(select(Outbox)))


async def test_an_unexpected_error_logs_the_row_not_its_messages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    box = Outboxed(tmp_path)
    box.add(1, token=None)

    async def broken(row: Claimed, *, push: bool = True) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(box.worker.sender, "send", broken)
    await box.worker.drain()
    assert "delivery of Claimed 1 failed unexpectedly" in caplog.text
    assert "ข้อความ" not in caplog.text and "U" + "a" * 32 not in caplog.text  # personal data stays out
    (row,) = rows_of(box)
    assert row.status is OutboxStatus.PENDING  # left for a later try
