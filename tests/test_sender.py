"""The sender alone, with the recording gateway: reply first, push as fallback, no duplicates."""

from __future__ import annotations

from bot.clock import FrozenClock
from bot.flow.ui import text
from bot.gateway import LineApiError, RecordingGateway
from bot.sender import Claimed, Sender
from bot.storage.models import OutboxStatus


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
    gateway = RecordingGateway(failures=[LineApiError(403, "Forbidden")])
    outcome = await Sender(gateway, FrozenClock()).send(row(token=None, reply_attempts=0))
    assert outcome.status is OutboxStatus.FAILED and "Forbidden" in (outcome.error or "")
