"""A LINE chat in a test: signed webhook JSON in, recorded LINE API calls out.

`BotUnderTest` runs the real FastAPI app (webhook, inbox, handlers, sender, SDK gateway) against the local
LINE stand-in, over HTTP the way LINE and the SDK talk, with a database the test chooses.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from asgi_lifespan import LifespanManager

from bot.app import create_app
from bot.clock import FrozenClock
from bot.content import Content
from bot.runtime import Runtime
from bot.services import Services
from bot.settings import Settings
from devkit.standin import LineStandIn, Recorded

SECRET = "test-channel-secret"
TOKEN = "test-access-token"
METRICS_TOKEN = "test-metrics-token"
FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"
# A guard against a start-up or shut-down that hangs, not a speed limit: asgi-lifespan's default of 5 s was
# exceeded on this shared 2-core machine under load (migrations, content, OCR and link checks at start).
STARTUP_GUARD = 60.0


def sign(body: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def user_id(name: str) -> str:
    """A LINE-shaped user ID (U + 32 hex digits) for a readable test name."""
    return "U" + hashlib.md5(name.encode()).hexdigest()


def event(kind: str, user: str, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": kind,
        "mode": "active",
        "timestamp": 1763600000000,
        "source": {"type": "user", "userId": user},
        "webhookEventId": "01" + uuid.uuid4().hex[:24].upper(),
        "deliveryContext": {"isRedelivery": False},
    }
    if kind not in ("unfollow", "leave"):
        body["replyToken"] = uuid.uuid4().hex
    body.update(fields)
    return body


def text_event(user: str, text: str) -> dict[str, Any]:
    return event(
        "message",
        user,
        message={"type": "text", "id": uuid.uuid4().hex[:18], "text": text, "quoteToken": uuid.uuid4().hex},
    )


def postback_event(user: str, data: str) -> dict[str, Any]:
    return event("postback", user, postback={"data": data})


@dataclass
class Reply:
    """What the learner saw after one action: the messages of every LINE call it caused."""

    calls: list[Recorded]

    @property
    def messages(self) -> list[dict[str, Any]]:
        return [message for call in self.calls for message in call.messages]

    @property
    def texts(self) -> list[str]:
        from bot.gateway.terminal import render

        return ["\n".join(render(message, width=10_000)) for message in self.messages]

    @property
    def text(self) -> str:
        return "\n".join(self.texts)

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """The quick-reply actions on screen (LINE shows only the last message's)."""
        if not self.messages:
            return []
        return [item["action"] for item in (self.messages[-1].get("quickReply") or {}).get("items", [])]

    @property
    def labels(self) -> list[str]:
        return [button["label"] for button in self.buttons]

    def button(self, label: str) -> dict[str, Any]:
        for action in self.buttons:
            if action["label"] == label:
                return action
        raise AssertionError(f"no button {label!r}; on screen: {self.labels}")


class BotUnderTest:
    def __init__(
        self, database_url: str, content: Content, standin: LineStandIn, clock: FrozenClock, **overrides: Any
    ):
        self.database_url = database_url
        self.overrides = overrides  # further settings, e.g. simulator="open"
        self.content = content
        self.line = standin
        self.clock = clock
        self._stack: AsyncExitStack | None = None
        self.app: Any = None
        self.http: httpx.AsyncClient | None = None

    def settings(self) -> Settings:
        chosen: dict[str, Any] = {"metrics_token": METRICS_TOKEN, **self.overrides}
        return Settings(
            line_channel_secret=SECRET,
            line_channel_access_token=TOKEN,
            line_api_base_url=self.line.url,
            line_data_api_base_url=self.line.url,
            database_url=self.database_url,
            line_timeout_seconds=2,
            **chosen,
        )

    async def start(self) -> None:
        self._stack = AsyncExitStack()
        self.app = create_app(self.settings(), content=self.content, clock=self.clock, recovery_interval=3600)
        lifespan = LifespanManager(self.app, startup_timeout=STARTUP_GUARD, shutdown_timeout=STARTUP_GUARD)
        await self._stack.enter_async_context(lifespan)
        transport = httpx.ASGITransport(app=self.app)
        self.http = await self._stack.enter_async_context(
            httpx.AsyncClient(transport=transport, base_url="http://ruthan.test")
        )
        await self.runtime.settle()  # start-up's own work (recovery, the first sweep) is done: no race

    async def stop(self) -> None:
        if self._stack:
            await self._stack.aclose()
            self._stack = None

    async def restart(self) -> None:
        """Stop and start again on the same database, as after a deploy or a crash."""
        await self.stop()
        await self.start()

    @property
    def services(self) -> Services:
        """The app's services (bot/services.py): the same object the routes are given."""
        services: Services = self.app.state.services
        return services

    @property
    def runtime(self) -> Runtime:
        return self.services.runtime

    async def operator_get(self, path: str) -> httpx.Response:
        """GET /metrics or /delivery as Prometheus does, with the metrics token."""
        assert self.http is not None
        return await self.http.get(path, headers={"Authorization": f"Bearer {METRICS_TOKEN}"})

    async def post(self, body: bytes, signature: str | None = "sign", **headers: str) -> httpx.Response:
        assert self.http is not None
        if signature == "sign":
            signature = sign(body)
        if signature is not None:
            headers["X-Line-Signature"] = signature
        return await self.http.post("/callback", content=body, headers=headers)

    async def deliver(self, *events: dict[str, Any]) -> httpx.Response:
        response = await self.post(json.dumps({"destination": "Ubot", "events": list(events)}).encode())
        await self.runtime.settle()
        return response

    async def send(self, *events: dict[str, Any]) -> Reply:
        self.line.take()
        self.clock.advance(seconds=1)
        response = await self.deliver(*events)
        assert response.status_code == 200, response.text
        return Reply(self.line.take())

    # A learner's actions, as LINE would report them.
    async def follow(self, user: str) -> Reply:
        return await self.send(event("follow", user, follow={"isUnblocked": False}))

    async def unfollow(self, user: str) -> Reply:
        return await self.send(event("unfollow", user))

    async def say(self, user: str, text: str) -> Reply:
        return await self.send(text_event(user, text))

    async def press(self, user: str, action: dict[str, Any]) -> Reply:
        if action["type"] == "postback":
            return await self.send(postback_event(user, action["data"]))
        return await self.say(user, action["text"])

    async def tap(self, user: str, reply: Reply, label: str) -> Reply:
        """Press the quick-reply button labelled `label` on the screen `reply` left."""
        return await self.press(user, reply.button(label))

    async def sticker(self, user: str) -> Reply:
        return await self.send(
            event(
                "message",
                user,
                message={
                    "type": "sticker",
                    "id": "1",
                    "packageId": "446",
                    "stickerId": "1988",
                    "stickerResourceType": "STATIC",
                    "quoteToken": "q",
                },
            )
        )
