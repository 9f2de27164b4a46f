"""The real LINE Messaging API, through line-bot-sdk v3's async client."""

from __future__ import annotations

import asyncio
import json

from linebot.v3.messaging import (
    ApiException,
    AsyncApiClient,
    AsyncMessagingApi,
    Configuration,
    MulticastRequest,
    PushMessageRequest,
    ReplyMessageRequest,
)

from bot.gateway.base import LineApiError, MessageJSON


class SdkGateway:
    """Create inside the running event loop (the SDK's aiohttp session needs one)."""

    def __init__(self, *, access_token: str, host: str, timeout: float, max_connections: int = 100):
        configuration = Configuration(access_token=access_token, host=host.rstrip("/"))
        # The SDK's default pool is 5 per CPU: a fan-out at LINE's rate limits needs more requests in flight
        # (and a request that times out holds its connection until then).
        configuration.connection_pool_maxsize = max_connections
        self._client = AsyncApiClient(configuration)
        self._api = AsyncMessagingApi(self._client)
        # The SDK's default is 300 s; a stuck call must not hold a learner's reply hostage.
        self._timeout = timeout

    async def reply(self, reply_token: str, messages: list[MessageJSON]) -> None:
        request = ReplyMessageRequest.from_dict({"replyToken": reply_token, "messages": messages})
        await self._call(self._api.reply_message_with_http_info(request, _request_timeout=self._timeout))

    async def push(self, to: str, messages: list[MessageJSON], retry_key: str) -> None:
        request = PushMessageRequest.from_dict({"to": to, "messages": messages})
        await self._call(
            self._api.push_message_with_http_info(
                request, x_line_retry_key=retry_key, _request_timeout=self._timeout
            )
        )

    async def multicast(self, to: list[str], messages: list[MessageJSON], retry_key: str) -> None:
        request = MulticastRequest.from_dict({"to": to, "messages": messages})
        await self._call(
            self._api.multicast_with_http_info(
                request, x_line_retry_key=retry_key, _request_timeout=self._timeout
            )
        )

    async def close(self) -> None:
        await self._client.close()

    @staticmethod
    async def _call(call: object) -> None:
        try:
            await call  # type: ignore[misc]
        except ApiException as exc:
            raise LineApiError(exc.status, _error_message(exc.body), _retry_after(exc.headers)) from None
        except (TimeoutError, asyncio.TimeoutError, OSError) as exc:
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
