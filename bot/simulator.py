"""The learner-view simulator: try Ruthan in a browser, without LINE, through the very same runtime.

A simulated learner is an ordinary learner whose LINE user ID starts with `Usim` (real IDs are `U` and 32
hexadecimal digits, so the two never meet). The simulator page posts synthetic webhook events for them into
`Runtime.receive`, exactly as the webhook does; `SimulatorRouter` sits in front of the real gateway and
delivers anything addressed to a simulated learner (replies, pushes, reminders, trainers' announcements)
into an in-memory mailbox the page reads, and everything else to LINE. Like LINE, it delivers a request
with a retry key once: the worker repeats a multicast whose LINE part failed (or sends a backup copy of a
slow one) under the same key, and the simulated learners in it must not get it again each time.

The mailbox is per process and kept only for the page on screen: the learner's state itself is in the
database like any other learner's, so a restart loses the chat transcript, never the progress.
"""

from __future__ import annotations

import asyncio
import secrets
import time
import uuid
from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Any

from bot.gateway import LineGateway, MessageJSON

SIM_PREFIX = "Usim"
SIM_TOKEN_PREFIX = "sim:"
MAILBOX_SIZE = 200  # messages kept per simulated learner
KEYS_KEPT = 200  # retry keys remembered per simulated learner (LINE keeps its own for a day)


def new_user_id() -> str:
    """A fresh simulated learner: same length as a real LINE user ID."""
    return SIM_PREFIX + secrets.token_hex(14)


def is_simulated(chat_id: str) -> bool:
    return chat_id.startswith(SIM_PREFIX) and len(chat_id) == 32 and chat_id[4:].isalnum()


def reply_token_for(user_id: str) -> str:
    return f"{SIM_TOKEN_PREFIX}{user_id}:{uuid.uuid4().hex}"


@dataclass(frozen=True)
class Delivered:
    seq: int
    message: MessageJSON
    at: float


class Mailbox:
    """What was sent to each simulated learner, numbered so the page can ask for "anything after N"."""

    def __init__(self) -> None:
        self._boxes: dict[str, deque[Delivered]] = defaultdict(lambda: deque(maxlen=MAILBOX_SIZE))
        self._keys: dict[str, deque[str]] = defaultdict(lambda: deque(maxlen=KEYS_KEPT))
        self._seq = 0
        self._changed = asyncio.Event()

    def put(self, user_id: str, messages: list[MessageJSON], retry_key: str | None = None) -> None:
        """Deliver `messages`; a request whose `retry_key` this learner has had already is not delivered
        again (LINE answers such a repeat 409 and delivers nothing)."""
        if retry_key is not None:
            if retry_key in self._keys[user_id]:
                return
            self._keys[user_id].append(retry_key)
        for message in messages:
            self._seq += 1
            self._boxes[user_id].append(Delivered(self._seq, message, time.time()))
        self._changed.set()

    def after(self, user_id: str, seq: int) -> list[Delivered]:
        return [item for item in self._boxes.get(user_id, ()) if item.seq > seq]

    @property
    def last_seq(self) -> int:
        return self._seq

    async def wait(self, user_id: str, seq: int, timeout: float) -> list[Delivered]:
        """Messages after `seq`, waiting up to `timeout` seconds for the first one (long polling)."""
        deadline = time.monotonic() + timeout
        while not (found := self.after(user_id, seq)):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                return []
        return found


class SimulatorRouter:
    """A gateway: simulated learners' messages go to the mailbox, everyone else's to `inner` (LINE)."""

    def __init__(self, inner: LineGateway, mailbox: Mailbox):
        self.inner = inner
        self.mailbox = mailbox

    async def reply(self, reply_token: str, messages: list[MessageJSON]) -> None:
        if reply_token.startswith(SIM_TOKEN_PREFIX):
            user_id = reply_token[len(SIM_TOKEN_PREFIX) :].split(":", 1)[0]
            self.mailbox.put(user_id, messages)
            return
        await self.inner.reply(reply_token, messages)

    async def push(self, to: str, messages: list[MessageJSON], retry_key: str) -> None:
        if is_simulated(to):
            self.mailbox.put(to, messages, retry_key)
            return
        await self.inner.push(to, messages, retry_key)

    async def multicast(self, to: list[str], messages: list[MessageJSON], retry_key: str) -> None:
        real = [user for user in to if not is_simulated(user)]
        for user in to:
            if is_simulated(user):
                self.mailbox.put(user, messages, retry_key)
        if real:
            await self.inner.multicast(real, messages, retry_key)

    async def show_loading(self, chat_id: str, seconds: int) -> None:
        if not is_simulated(chat_id):
            await self.inner.show_loading(chat_id, seconds)

    async def content(self, message_id: str) -> bytes:
        return await self.inner.content(message_id)

    async def close(self) -> None:
        await self.inner.close()


def event(user_id: str, kind: str, **fields: Any) -> dict[str, Any]:
    """A webhook event as LINE would send it for this simulated learner."""
    body: dict[str, Any] = {
        "type": kind,
        "mode": "active",
        "timestamp": int(time.time() * 1000),
        "source": {"type": "user", "userId": user_id},
        "webhookEventId": "sim" + uuid.uuid4().hex,
        "deliveryContext": {"isRedelivery": False},
        "replyToken": reply_token_for(user_id),
    }
    body.update(fields)
    return body


def text_event(user_id: str, text: str) -> dict[str, Any]:
    message = {"type": "text", "id": uuid.uuid4().hex[:18], "text": text, "quoteToken": uuid.uuid4().hex}
    return event(user_id, "message", message=message)


def postback_event(user_id: str, data: str) -> dict[str, Any]:
    return event(user_id, "postback", postback={"data": data})


def follow_event(user_id: str) -> dict[str, Any]:
    return event(user_id, "follow", follow={"isUnblocked": False})
