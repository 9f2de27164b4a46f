"""A local stand-in for the LINE Messaging API, for tests, benchmarks and staging.

It answers the endpoints Ruthan uses the way LINE does (single-use reply tokens, retry keys that answer
409 when repeated, 400 for malformed requests) and records every request. Point the SDK at it with
`LINE_API_BASE_URL=http://127.0.0.1:<port>`. Faults can be injected to test the sender.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    at: float = field(default_factory=time.monotonic)

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages", [])) if isinstance(self.body, dict) else []


@dataclass
class Fault:
    """Answer the next matching request with `status` (or hang for `delay` seconds first)."""

    status: int
    message: str = "Injected fault"
    delay: float = 0.0
    path: str | None = None
    # When True the request is processed (recorded) before the fault is returned, like a timeout
    # after LINE already accepted the message.
    after_accepting: bool = False


class LineStandIn:
    def __init__(self, *, access_token: str | None = None):
        self.access_token = access_token
        self.calls: list[Recorded] = []
        self.faults: deque[Fault] = deque()
        self._used_tokens: set[str] = set()
        self._retry_keys: set[str] = set()
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.changed = asyncio.Event()

    # ----- life cycle ---------------------------------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application(client_max_size=2 * 1024 * 1024)
        app.router.add_post("/v2/bot/message/reply", self._reply)
        app.router.add_post("/v2/bot/message/push", self._push)
        app.router.add_get("/v2/bot/message/quota", self._quota)
        app.router.add_get("/v2/bot/message/quota/consumption", self._consumption)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        self._runner = web.AppRunner(self.app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self.url

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    # ----- what tests read ----------------------------------------------------------------------------------

    def sent(self, path: str | None = None) -> list[Recorded]:
        return [call for call in self.calls if path is None or call.path.endswith(path)]

    def take(self) -> list[Recorded]:
        calls, self.calls = self.calls, []
        return calls

    async def wait_for(self, count: int, timeout: float = 5.0) -> list[Recorded]:
        deadline = time.monotonic() + timeout
        while len(self.calls) < count:
            self.changed.clear()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                await asyncio.wait_for(self.changed.wait(), remaining)
            except TimeoutError:
                break
        return self.calls

    # ----- endpoints ----------------------------------------------------------------------------------------

    async def _common(self, request: web.Request) -> tuple[Any, Fault | None] | web.Response:
        if self.access_token is not None and request.headers.get("Authorization") != f"Bearer {self.access_token}":
            return _error(401, "Authentication failed. Confirm that the access token in the authorization header is valid.")
        try:
            body = await request.json()
        except (ValueError, UnicodeDecodeError):
            return _error(400, "The request body has 1 error(s)")
        fault = None
        if self.faults and self.faults[0].path in (None, request.path):
            fault = self.faults.popleft()
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if not fault.after_accepting:
                return _error(fault.status, fault.message)
        return body, fault

    def _record(self, request: web.Request, body: Any) -> None:
        headers = {key: value for key, value in request.headers.items() if key.lower() != "authorization"}
        self.calls.append(Recorded(request.method, request.path, headers, body))
        self.changed.set()

    async def _reply(self, request: web.Request) -> web.Response:
        checked = await self._common(request)
        if isinstance(checked, web.Response):
            return checked
        body, fault = checked
        problem = _check_messages(body)
        if problem:
            return _error(400, problem)
        token = body.get("replyToken")
        if not token or token in self._used_tokens:
            return _error(400, "Invalid reply token")
        self._used_tokens.add(token)
        self._record(request, body)
        return _error(fault.status, fault.message) if fault else _sent(body)

    async def _push(self, request: web.Request) -> web.Response:
        checked = await self._common(request)
        if isinstance(checked, web.Response):
            return checked
        body, fault = checked
        problem = _check_messages(body) or (None if body.get("to") else "The property, 'to', in the request body is invalid")
        if problem:
            return _error(400, problem)
        key = request.headers.get("X-Line-Retry-Key")
        if key and key in self._retry_keys:
            return web.json_response(
                {"message": "The retry key is already accepted", "sentMessages": [{"id": "0", "quoteToken": "q"}]},
                status=409,
                headers={"x-line-accepted-request-id": key},
            )
        if key:
            self._retry_keys.add(key)
        self._record(request, body)
        return _error(fault.status, fault.message) if fault else _sent(body)

    async def _quota(self, request: web.Request) -> web.Response:
        return web.json_response({"type": "limited", "value": 15000})

    async def _consumption(self, request: web.Request) -> web.Response:
        return web.json_response({"totalUsage": len(self.sent("/push"))})


def _sent(body: dict[str, Any]) -> web.Response:
    sent = [{"id": str(time.monotonic_ns() + index), "quoteToken": "q"} for index, _ in enumerate(body["messages"])]
    return web.json_response({"sentMessages": sent})


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"message": message}, status=status)


def _check_messages(body: Any) -> str | None:
    messages = body.get("messages") if isinstance(body, dict) else None
    if not isinstance(messages, list) or not 1 <= len(messages) <= 5:
        return "Size must be between 1 and 5"
    for message in messages:
        if message.get("type") == "text":
            if len(message.get("text", "").encode("utf-16-le")) // 2 > 5000:
                return "Length must be between 0 and 5000"
        items = (message.get("quickReply") or {}).get("items", [])
        if len(items) > 13:
            return "Size must be between 0 and 13"
        if message.get("type") == "flex" and len(json.dumps(message.get("contents")).encode()) > 30 * 1024:
            return "Flex message is too large"
    return None
