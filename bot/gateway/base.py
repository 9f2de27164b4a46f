"""The gateway interface and the one error type every implementation raises."""

from __future__ import annotations

from typing import Any, Protocol

MessageJSON = dict[str, Any]


class LineApiError(Exception):
    """A LINE call failed. `status` is None when no answer came (timeout, connection refused)."""

    def __init__(self, status: int | None, message: str = "", retry_after: float | None = None):
        self.status = status
        self.message = message
        self.retry_after = retry_after
        super().__init__(f"LINE API {status or 'no answer'}: {message}"[:300])

    @property
    def outcome_unknown(self) -> bool:
        """The request may or may not have reached LINE: timeouts and 5xx."""
        return self.status is None or self.status >= 500

    @property
    def monthly_limit(self) -> bool:
        """429 means either 'slow down' or 'this month's quota is used up'; only the body tells."""
        return self.status == 429 and "monthly limit" in self.message.lower()

    @property
    def unauthorized(self) -> bool:
        """401 or 403: LINE refused the channel's access token (rotated, revoked, expired), so it refuses
        every call alike until an operator fixes it; not a fault of the message."""
        return self.status in (401, 403)


class LineGateway(Protocol):
    async def reply(self, reply_token: str, messages: list[MessageJSON]) -> None:
        """Answer an event with its reply token (free, single use, valid about a minute)."""

    async def push(self, to: str, messages: list[MessageJSON], retry_key: str) -> None:
        """Send to a chat; `retry_key` makes a repeated request a no-op (LINE answers 409)."""

    async def multicast(self, to: list[str], messages: list[MessageJSON], retry_key: str) -> None:
        """Send the same messages to up to 500 users; `retry_key` as for push."""

    async def show_loading(self, chat_id: str, seconds: int) -> None:
        """Show the loading animation in a one-to-one chat for `seconds` (5 to 60, a multiple of 5), or until
        the next message from the bot arrives."""

    async def content(self, message_id: str) -> bytes:
        """The bytes of an image (video, audio, file) a user sent, from the api-data host."""

    async def close(self) -> None:
        """Release connections."""


class NotConnected:
    """The gateway of a bot with no channel access token: every call is refused as LINE refuses a bad token
    (401), so delivery pauses and waits for one, as it would for a revoked token, instead of failing."""

    MESSAGE = "LINE is not connected: LINE_CHANNEL_ACCESS_TOKEN is not set"

    async def reply(self, reply_token: str, messages: list[MessageJSON]) -> None:
        raise LineApiError(401, self.MESSAGE)

    async def push(self, to: str, messages: list[MessageJSON], retry_key: str) -> None:
        raise LineApiError(401, self.MESSAGE)

    async def multicast(self, to: list[str], messages: list[MessageJSON], retry_key: str) -> None:
        raise LineApiError(401, self.MESSAGE)

    async def show_loading(self, chat_id: str, seconds: int) -> None:
        raise LineApiError(401, self.MESSAGE)

    async def content(self, message_id: str) -> bytes:
        raise LineApiError(401, self.MESSAGE)

    async def close(self) -> None:
        return None
