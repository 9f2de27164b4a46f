"""Account-level LINE calls the dashboard needs: the month's message quota, group sizes, the rich menu.

These are not deliveries, so they stay out of the gateway (bot/gateway/): they are read-mostly, rare and
never retried behind the trainer's back. Rich menu images go to LINE's data host (api-data.line.me), which
the SDK hard-codes; `data_host` points it elsewhere (the local stand-in in tests and staging).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from linebot.v3.messaging import (
    AsyncApiClient,
    AsyncMessagingApi,
    AsyncMessagingApiBlob,
    Configuration,
    RichMenuRequest,
)

from bot.gateway import LineApiError
from bot.gateway.sdk import line_call

QUOTA_CACHE_SECONDS = 60.0


@dataclass(frozen=True)
class Quota:
    limited: bool  # False: no monthly limit (LINE's type "none")
    limit: int | None
    used: int | None

    @property
    def remaining(self) -> int | None:
        if not self.limited or self.limit is None or self.used is None:
            return None
        return max(0, self.limit - self.used)


class _DataHostClient(AsyncApiClient):
    """An API client that sends the data-host calls (images) to `data_host` instead of api-data.line.me."""

    def __init__(self, configuration: Configuration, data_host: str):
        super().__init__(configuration)
        self._data_host = data_host.rstrip("/")

    def call_api(self, *args: Any, _host: str | None = None, **kwargs: Any) -> Any:  # type: ignore[override]
        return super().call_api(*args, _host=self._data_host if _host else None, **kwargs)


class LineAccount:
    """Create inside the running event loop (the SDK's aiohttp session needs one)."""

    def __init__(self, *, access_token: str, host: str, data_host: str, timeout: float = 10.0):
        configuration = Configuration(access_token=access_token, host=host.rstrip("/"))
        self._client = AsyncApiClient(configuration)
        self._data_client = _DataHostClient(
            Configuration(access_token=access_token, host=host.rstrip("/")), data_host
        )
        self._api = AsyncMessagingApi(self._client)
        self._blob = AsyncMessagingApiBlob(self._data_client)
        self._timeout = timeout
        self._quota: tuple[float, Quota] | None = None

    async def close(self) -> None:
        await self._client.close()
        await self._data_client.close()

    # ----- quota and groups ----------------------------------------------------------------------------

    async def quota(self) -> Quota:
        """This month's limit and use, cached for a minute (the dashboard may ask on every preview)."""
        if self._quota and time.monotonic() - self._quota[0] < QUOTA_CACHE_SECONDS:
            return self._quota[1]
        limit = await line_call(self._api.get_message_quota(_request_timeout=self._timeout))
        used = await line_call(self._api.get_message_quota_consumption(_request_timeout=self._timeout))
        limited = limit.type == "limited"
        quota = Quota(limited, limit.value if limited else None, used.total_usage)
        self._quota = (time.monotonic(), quota)
        return quota

    def forget_quota(self) -> None:
        self._quota = None

    async def group_size(self, group_id: str) -> int | None:
        """How many members a group (or room) has; each of them counts against the quota."""
        try:
            if group_id.startswith("R"):
                found = await line_call(
                    self._api.get_room_member_count(group_id, _request_timeout=self._timeout)
                )
            else:
                found = await line_call(
                    self._api.get_group_member_count(group_id, _request_timeout=self._timeout)
                )
        except LineApiError:
            return None
        return int(found.count)

    # ----- rich menu -----------------------------------------------------------------------------------

    async def rich_menus(self) -> list[tuple[str, str]]:
        found = await line_call(self._api.get_rich_menu_list(_request_timeout=self._timeout))
        return [(menu.rich_menu_id, menu.name) for menu in found.richmenus]

    async def create_rich_menu(self, menu: dict[str, Any]) -> str:
        created = await line_call(
            self._api.create_rich_menu(RichMenuRequest.from_dict(menu), _request_timeout=self._timeout)
        )
        return str(created.rich_menu_id)

    async def upload_rich_menu_image(self, rich_menu_id: str, png: bytes) -> None:
        await line_call(
            self._blob.set_rich_menu_image(
                rich_menu_id, png, _headers={"Content-Type": "image/png"}, _request_timeout=self._timeout * 3
            )
        )

    async def set_default_rich_menu(self, rich_menu_id: str) -> None:
        await line_call(self._api.set_default_rich_menu(rich_menu_id, _request_timeout=self._timeout))

    async def delete_rich_menu(self, rich_menu_id: str) -> None:
        await line_call(self._api.delete_rich_menu(rich_menu_id, _request_timeout=self._timeout))
