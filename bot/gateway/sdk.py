"""The real LINE Messaging API, through line-bot-sdk v3's async client."""

from __future__ import annotations

import json
import os
from collections.abc import Awaitable
from typing import TypeVar

from linebot.v3.messaging import (
    ApiException,
    AsyncApiClient,
    AsyncMessagingApi,
    AsyncMessagingApiBlob,
    Configuration,
    ShowLoadingAnimationRequest,
)

from bot.gateway.base import LineApiError, MessageJSON

T = TypeVar("T")


class SdkGateway:
    """Create inside the running event loop (the SDK's aiohttp session needs one)."""

    def __init__(
        self,
        *,
        access_token: str,
        host: str,
        timeout: float,
        max_connections: int = 100,
        data_host: str = "https://api-data.line.me",
    ):
        configuration = Configuration(access_token=access_token, host=host.rstrip("/"))
        # The SDK's default pool is 5 per CPU: a fan-out at LINE's rate limits needs more requests in flight
        # (and a request that times out holds its connection until then).
        configuration.connection_pool_maxsize = max_connections
        # The SDK's HTTP session trusts the environment, which makes aiohttp look up proxies and ~/.netrc in
        # a thread on every request: a fifth of a push's cost at fan-out rates. Read the proxy once instead.
        configuration.proxy = os.environ.get("HTTPS_PROXY") or os.environ.get("https_proxy")
        self._client = AsyncApiClient(configuration)
        session = self._client.rest_client.pool_manager
        if hasattr(session, "_trust_env"):
            session._trust_env = False
        # The SDK's default is 300 s; a stuck call must not hold a learner's reply hostage.
        self._timeout = timeout
        self._api = AsyncMessagingApi(self._client)
        # Images learners send are served from another host (api-data); made on first use.
        self._access_token, self._data_host = access_token, data_host.rstrip("/")
        self._data_client: AsyncApiClient | None = None

    async def reply(self, reply_token: str, messages: list[MessageJSON]) -> None:
        # No retry key: the reply endpoint refuses one (the token itself is single use).
        await self._send("/v2/bot/message/reply", {"replyToken": reply_token, "messages": messages}, None)

    async def push(self, to: str, messages: list[MessageJSON], retry_key: str) -> None:
        await self._send("/v2/bot/message/push", {"to": to, "messages": messages}, retry_key)

    async def multicast(self, to: list[str], messages: list[MessageJSON], retry_key: str) -> None:
        await self._send("/v2/bot/message/multicast", {"to": to, "messages": messages}, retry_key)

    async def show_loading(self, chat_id: str, seconds: int) -> None:
        request = ShowLoadingAnimationRequest(chatId=chat_id, loadingSeconds=seconds)
        await line_call(self._api.show_loading_animation(request, _request_timeout=self._timeout))

    async def content(self, message_id: str) -> bytes:
        if self._data_client is None:
            configuration = Configuration(access_token=self._access_token, host=self._data_host)
            configuration.proxy = os.environ.get("HTTPS_PROXY") or os.environ.get("https_proxy")
            self._data_client = AsyncApiClient(configuration)
        blob = AsyncMessagingApiBlob(self._data_client)
        data = await line_call(blob.get_message_content(message_id, _request_timeout=self._timeout))
        return bytes(data)

    async def _send(self, path: str, body: dict[str, object], retry_key: str | None) -> None:
        """Send through the SDK's client (auth, errors, timeout) without its request models.

        A fan-out runs at LINE's 2,000 requests a second; building and re-serialising the pydantic request
        models is a quarter of a push's CPU (0.41 -> 0.32 ms measured). The messages are LINE JSON already
        held to LINE's limits (bot/limits.py); the contract tests check the requests against LINE's OpenAPI.
        """
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if retry_key is not None:
            headers["X-Line-Retry-Key"] = retry_key
        await line_call(
            self._client.call_api(
                path,
                "POST",
                {},
                [],
                headers,
                body=body,
                post_params=[],
                files={},
                response_types_map={},
                auth_settings=["Bearer"],
                _return_http_data_only=True,
                _request_timeout=self._timeout,
                collection_formats={},
            )
        )

    async def close(self) -> None:
        await self._client.close()
        if self._data_client is not None:
            await self._data_client.close()


async def line_call(call: Awaitable[T]) -> T:
    """Await an SDK call, turning every way it can fail into LineApiError (status None: no answer came)."""
    try:
        return await call
    except ApiException as exc:
        raise LineApiError(exc.status, _error_message(exc.body), _retry_after(exc.headers)) from None
    except (TimeoutError, OSError) as exc:
        raise LineApiError(None, type(exc).__name__) from None
    except Exception as exc:  # aiohttp's ClientError and friends: no answer from LINE
        if type(exc).__module__.startswith("aiohttp"):
            raise LineApiError(None, type(exc).__name__) from None
        raise


def _error_message(body: object) -> str:
    if isinstance(body, bytes | bytearray):
        body = body.decode("utf-8", "replace")
    if isinstance(body, str):
        try:
            return str(json.loads(body).get("message", body))
        except (ValueError, AttributeError):
            return body
    return ""


def _retry_after(headers: object) -> float | None:
    value = headers.get("Retry-After") if headers is not None else None  # type: ignore[attr-defined]
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
