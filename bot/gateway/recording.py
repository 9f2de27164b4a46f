"""A gateway that records every call, for unit tests of the sender and the flow."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.gateway.base import LineApiError, MessageJSON


@dataclass
class Call:
    endpoint: str  # "reply", "push", "multicast" or "loading"
    target: str  # reply token or chat ID ("," between multicast recipients)
    messages: list[MessageJSON]
    retry_key: str | None = None


@dataclass
class RecordingGateway:
    calls: list[Call] = field(default_factory=list)
    # Errors to raise, in order, before calls start succeeding (fault injection).
    failures: list[LineApiError] = field(default_factory=list)
    used_tokens: set[str] = field(default_factory=set)
    # What `content` returns, by message ID (images learners sent).
    contents: dict[str, bytes] = field(default_factory=dict)

    async def reply(self, reply_token: str, messages: list[MessageJSON]) -> None:
        self._maybe_fail()
        if reply_token in self.used_tokens:
            raise LineApiError(400, "Invalid reply token")
        self.used_tokens.add(reply_token)
        self.calls.append(Call("reply", reply_token, messages))

    async def push(self, to: str, messages: list[MessageJSON], retry_key: str) -> None:
        self._maybe_fail()
        if any(call.retry_key == retry_key for call in self.calls):
            raise LineApiError(409, "The retry key is already accepted")
        self.calls.append(Call("push", to, messages, retry_key))

    async def multicast(self, to: list[str], messages: list[MessageJSON], retry_key: str) -> None:
        self._maybe_fail()
        if any(call.retry_key == retry_key for call in self.calls):
            raise LineApiError(409, "The retry key is already accepted")
        if not 1 <= len(to) <= 500:
            raise LineApiError(400, "Size must be between 1 and 500")
        self.calls.append(Call("multicast", ",".join(to), messages, retry_key))

    async def show_loading(self, chat_id: str, seconds: int) -> None:
        self._maybe_fail()
        self.calls.append(Call("loading", chat_id, [], None))

    async def content(self, message_id: str) -> bytes:
        self._maybe_fail()
        if message_id not in self.contents:
            raise LineApiError(404, "Not found")
        return self.contents[message_id]

    async def close(self) -> None:
        return None

    def _maybe_fail(self) -> None:
        if self.failures:
            raise self.failures.pop(0)
