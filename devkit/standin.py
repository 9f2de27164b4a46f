"""A local stand-in for the LINE Messaging API, for tests, benchmarks and staging.

It answers the endpoints Ruthan uses the way LINE does (single-use reply tokens, retry keys that answer
409 when repeated, 400 for malformed requests) and records every request. Point the SDK at it with
`LINE_API_BASE_URL=http://127.0.0.1:<port>`. Faults can be injected to test the sender: queued `Fault`s
for exact scenarios, or `RandomFaults` (a few percent of 500s and timeouts) for load tests; `rate_limits`
enforce per-endpoint limits with a token bucket (429 when exceeded); `monthly_limit` answers LINE's
"monthly limit" 429 once that many messages have been accepted.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections import Counter, deque
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


@dataclass
class RandomFaults:
    """Fail a share of push and multicast requests at random: half with 500 before accepting them, half by
    hanging for `hang` seconds (longer than the client waits), of which half after accepting."""

    rate: float = 0.03
    hang: float = 3.0
    seed: int | None = None

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def draw(self) -> Fault | None:
        roll = self._random.random()
        if roll >= self.rate:
            return None
        kind = roll / self.rate
        if kind < 0.5:
            return Fault(500, "Injected internal error")
        return Fault(500, "Injected timeout", delay=self.hang, after_accepting=kind >= 0.75)


class TokenBucket:
    """LINE-style per-endpoint limit: `rate` requests a second, bursts up to `capacity`."""

    def __init__(self, rate: float, capacity: float | None = None):
        self.rate = rate
        self.capacity = capacity if capacity is not None else rate
        self._tokens = self.capacity
        self._at = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self._tokens = min(self.capacity, self._tokens + (now - self._at) * self.rate)
        self._at = now
        if self._tokens >= 1:
            self._tokens -= 1
            return True
        return False


class LineStandIn:
    def __init__(
        self,
        *,
        access_token: str | None = None,
        rate_limits: dict[str, float] | None = None,
        random_faults: RandomFaults | None = None,
        monthly_limit: int | None = None,
        keep_bodies: bool = True,
    ):
        self.access_token = access_token
        self.calls: list[Recorded] = []
        self.faults: deque[Fault] = deque()
        self.random_faults = random_faults
        # Endpoint name ("push", "multicast", "reply") -> requests per second.
        self.buckets = {name: TokenBucket(rate) for name, rate in (rate_limits or {}).items()}
        self.monthly_limit = monthly_limit
        # Load tests count instead of keeping every request.
        self.keep_bodies = keep_bodies
        # Messages accepted per recipient (push and multicast): a duplicate shows up as a count above one.
        self.deliveries: Counter[str] = Counter()
        self.requests: Counter[tuple[str, int]] = Counter()  # (endpoint, status) -> count
        self.accepted: Counter[str] = Counter()  # endpoint -> requests accepted (each retry key once)
        self.messages_accepted = 0
        self.last_accepted_at: float | None = None  # time.monotonic() of the last push or multicast accepted
        self._used_tokens: set[str] = set()
        self._retry_keys: set[str] = set()
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.changed = asyncio.Event()
        # Account-level state for the dashboard and the rich menu.
        self.quota_limit: int | None = 15000  # None: no monthly limit (LINE's quota type "none")
        self.group_sizes: dict[str, int] = {}  # group or room ID -> members (unknown IDs answer 404)
        self.rich_menus: dict[str, dict[str, Any]] = {}
        self.rich_menu_images: dict[str, tuple[str, bytes]] = {}  # ID -> (content type, bytes)
        self.default_rich_menu: str | None = None
        # Images learners sent, by message ID: what GET /v2/bot/message/{id}/content serves.
        self.contents: dict[str, tuple[str, bytes]] = {}

    # ----- life cycle ---------------------------------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application(client_max_size=2 * 1024 * 1024)
        app.router.add_post("/v2/bot/message/reply", self._reply)
        app.router.add_post("/v2/bot/message/push", self._push)
        app.router.add_post("/v2/bot/message/multicast", self._multicast)
        app.router.add_post("/v2/bot/chat/loading/start", self._loading)
        # The api-data host's content endpoint (the harness points both hosts here).
        app.router.add_get("/v2/bot/message/{message_id}/content", self._content)
        app.router.add_get("/stats", self._stats)
        app.router.add_get("/v2/bot/message/quota", self._quota)
        app.router.add_get("/v2/bot/message/quota/consumption", self._consumption)
        app.router.add_get("/v2/bot/group/{group_id}/members/count", self._member_count)
        app.router.add_get("/v2/bot/room/{group_id}/members/count", self._member_count)
        app.router.add_post("/v2/bot/richmenu", self._create_rich_menu)
        app.router.add_get("/v2/bot/richmenu/list", self._list_rich_menus)
        app.router.add_delete("/v2/bot/richmenu/{rich_menu_id}", self._delete_rich_menu)
        # On LINE this one is served by the data host (api-data.line.me).
        app.router.add_post("/v2/bot/richmenu/{rich_menu_id}/content", self._upload_rich_menu_image)
        app.router.add_post("/v2/bot/user/all/richmenu/{rich_menu_id}", self._set_default_rich_menu)
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
        if (
            self.access_token is not None
            and request.headers.get("Authorization") != f"Bearer {self.access_token}"
        ):
            return _error(
                401,
                "Authentication failed. Confirm that the access token in the authorization header is valid.",
            )
        bucket = self.buckets.get(request.path.rsplit("/", 1)[-1])
        if bucket is not None and not bucket.take():
            return _error(429, "Too many requests")
        try:
            body = await request.json()
        except (ValueError, UnicodeDecodeError):
            return _error(400, "The request body has 1 error(s)")
        fault = None
        if self.faults and self.faults[0].path in (None, request.path):
            fault = self.faults.popleft()
        elif self.random_faults is not None and not request.path.endswith("/reply"):
            fault = self.random_faults.draw()
        if fault is not None and not fault.after_accepting:
            if fault.delay:
                await asyncio.sleep(fault.delay)
            return _error(fault.status, fault.message)
        return body, fault

    async def _answer(self, body: dict[str, Any], fault: Fault | None) -> web.Response:
        """The answer for an accepted request: success, or the fault that hides the success."""
        if fault is None:
            return _sent(body)
        if fault.delay:
            await asyncio.sleep(fault.delay)
        return _error(fault.status, fault.message)

    def _record(self, request: web.Request, body: Any) -> None:
        headers = {key: value for key, value in request.headers.items() if key.lower() != "authorization"}
        if self.keep_bodies:
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
        return await self._answer(body, fault)

    async def _push(self, request: web.Request) -> web.Response:
        def recipients(body: dict[str, Any]) -> list[str] | None:
            return [body["to"]] if isinstance(body.get("to"), str) and body["to"] else None

        response = await self._send(request, recipients, "push")
        self.requests["push", response.status] += 1
        return response

    async def _multicast(self, request: web.Request) -> web.Response:
        def recipients(body: dict[str, Any]) -> list[str] | None:
            to = body.get("to")
            ok = isinstance(to, list) and 1 <= len(to) <= 500 and all(isinstance(user, str) for user in to)
            return to if ok else None

        response = await self._send(request, recipients, "multicast")
        self.requests["multicast", response.status] += 1
        return response

    async def _send(self, request: web.Request, recipients_of: Any, endpoint: str) -> web.Response:
        """Push and multicast: one retry key, one acceptance, however many times the request is repeated."""
        checked = await self._common(request)
        if isinstance(checked, web.Response):
            return checked
        body, fault = checked
        recipients = recipients_of(body) if isinstance(body, dict) else None
        invalid_to = "The property, 'to', in the request body is invalid"
        problem = _check_messages(body) or (None if recipients else invalid_to)
        if problem:
            return _error(400, problem)
        key = request.headers.get("X-Line-Retry-Key")
        if key and key in self._retry_keys:
            return web.json_response(
                {
                    "message": "The retry key is already accepted",
                    "sentMessages": [{"id": "0", "quoteToken": "q"}],
                },
                status=409,
                headers={"x-line-accepted-request-id": key},
            )
        count = len(recipients) * len(body["messages"])
        if self.monthly_limit is not None and self.messages_accepted + count > self.monthly_limit:
            return _error(429, "You have reached your monthly limit.")
        if key:
            self._retry_keys.add(key)
        self.messages_accepted += count
        self.accepted[endpoint] += 1
        self.last_accepted_at = time.monotonic()
        self.deliveries.update(recipients)
        self._record(request, body)
        return await self._answer(body, fault)

    async def _stats(self, request: web.Request) -> web.Response:
        """Counts for load tests run in another process."""
        return web.json_response(self.stats())

    def stats(self) -> dict[str, Any]:
        counts = Counter(self.deliveries.values())
        requests = sorted(self.requests.items())
        return {
            "recipients": len(self.deliveries),
            "duplicates": sum(count - 1 for count in self.deliveries.values() if count > 1),
            "deliveries_by_count": {str(times): users for times, users in sorted(counts.items())},
            "requests": {f"{endpoint} {status}": n for (endpoint, status), n in requests},
            "accepted": dict(self.accepted),
            "messages_accepted": self.messages_accepted,
            "last_accepted_at": self.last_accepted_at,
        }

    async def _quota(self, request: web.Request) -> web.Response:
        if self.quota_limit is None:
            return web.json_response({"type": "none"})
        return web.json_response({"type": "limited", "value": self.quota_limit})

    async def _consumption(self, request: web.Request) -> web.Response:
        return web.json_response({"totalUsage": self.messages_accepted})

    # ----- chat: the loading animation and the content users send ------------------------------------------

    async def _loading(self, request: web.Request) -> web.Response:
        checked = await self._common(request)
        if isinstance(checked, web.Response):
            return checked
        body, fault = checked
        chat_id, seconds = body.get("chatId"), body.get("loadingSeconds", 20)
        if not isinstance(chat_id, str) or not chat_id.startswith("U"):
            # LINE shows the animation in one-to-one chats only.
            return _error(400, "The property, 'chatId', in the request body is invalid")
        if not isinstance(seconds, int) or seconds % 5 or not 5 <= seconds <= 60:
            return _error(400, "The property, 'loadingSeconds', in the request body is invalid")
        self._record(request, body)
        if fault is not None:
            return await self._answer(body, fault)
        return web.json_response({}, status=202)

    async def _content(self, request: web.Request) -> web.Response:
        refused = self._authorized(request)
        if refused:
            return refused
        self._record(request, None)
        found = self.contents.get(request.match_info["message_id"])
        if found is None:
            return _error(404, "Not found")
        content_type, data = found
        return web.Response(body=data, content_type=content_type)

    # ----- account: group sizes and the rich menu -----------------------------------------------------------

    def _authorized(self, request: web.Request) -> web.Response | None:
        if (
            self.access_token is not None
            and request.headers.get("Authorization") != f"Bearer {self.access_token}"
        ):
            return _error(401, "Authentication failed.")
        return None

    async def _member_count(self, request: web.Request) -> web.Response:
        refused = self._authorized(request)
        if refused:
            return refused
        size = self.group_sizes.get(request.match_info["group_id"])
        if size is None:
            return _error(404, "Not found")
        return web.json_response({"count": size})

    async def _create_rich_menu(self, request: web.Request) -> web.Response:
        refused = self._authorized(request)
        if refused:
            return refused
        body = await request.json()
        size = body.get("size") or {}
        areas = body.get("areas") or []
        problem = None
        if size.get("width") != 2500 or size.get("height") not in (1686, 843):
            problem = "size must be 2500x1686 or 2500x843"
        elif not 1 <= len(areas) <= 20:
            problem = "areas: 1 to 20"
        elif len(body.get("chatBarText", "")) > 14:
            problem = "chatBarText: at most 14 characters"
        if problem:
            return _error(400, problem)
        rich_menu_id = f"richmenu-{len(self.rich_menus) + 1:032x}"
        self.rich_menus[rich_menu_id] = body
        self._record(request, body)
        return web.json_response({"richMenuId": rich_menu_id})

    async def _list_rich_menus(self, request: web.Request) -> web.Response:
        refused = self._authorized(request)
        if refused:
            return refused
        menus = [{"richMenuId": menu_id, **body} for menu_id, body in self.rich_menus.items()]
        return web.json_response({"richmenus": menus})

    async def _delete_rich_menu(self, request: web.Request) -> web.Response:
        refused = self._authorized(request)
        if refused:
            return refused
        if self.rich_menus.pop(request.match_info["rich_menu_id"], None) is None:
            return _error(404, "Not found")
        return web.json_response({})

    async def _upload_rich_menu_image(self, request: web.Request) -> web.Response:
        refused = self._authorized(request)
        if refused:
            return refused
        rich_menu_id = request.match_info["rich_menu_id"]
        content_type = request.headers.get("Content-Type", "")
        body = await request.read()
        if rich_menu_id not in self.rich_menus:
            return _error(404, "Not found")
        if content_type not in ("image/png", "image/jpeg") or not body or len(body) > 1024 * 1024:
            return _error(400, "An image (JPEG or PNG, at most 1 MB) is required")
        if rich_menu_id in self.rich_menu_images:
            return _error(400, "An image has already been uploaded to the richmenu")
        self.rich_menu_images[rich_menu_id] = (content_type, body)
        self._record(request, {"richMenuId": rich_menu_id, "bytes": len(body)})
        return web.json_response({})

    async def _set_default_rich_menu(self, request: web.Request) -> web.Response:
        refused = self._authorized(request)
        if refused:
            return refused
        rich_menu_id = request.match_info["rich_menu_id"]
        if rich_menu_id not in self.rich_menu_images:
            return _error(400, "must upload richmenu image before applying it to user")
        self.default_rich_menu = rich_menu_id
        self._record(request, {"richMenuId": rich_menu_id})
        return web.json_response({})


def _sent(body: dict[str, Any]) -> web.Response:
    sent = [
        {"id": str(time.monotonic_ns() + index), "quoteToken": "q"}
        for index, _ in enumerate(body["messages"])
    ]
    return web.json_response({"sentMessages": sent})


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"message": message}, status=status)


def _check_messages(body: Any) -> str | None:
    messages = body.get("messages") if isinstance(body, dict) else None
    if not isinstance(messages, list) or not 1 <= len(messages) <= 5:
        return "Size must be between 1 and 5"
    for message in messages:
        if message.get("type") == "text" and len(message.get("text", "").encode("utf-16-le")) // 2 > 5000:
            return "Length must be between 0 and 5000"
        items = (message.get("quickReply") or {}).get("items", [])
        if len(items) > 13:
            return "Size must be between 0 and 13"
        if message.get("type") == "flex" and len(json.dumps(message.get("contents")).encode()) > 30 * 1024:
            return "Flex message is too large"
    return None
