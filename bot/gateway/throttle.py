"""Client-side rate limits per LINE endpoint: a fan-out paces itself instead of collecting 429s.

LINE limits each endpoint per channel (about 2,000 requests a second for reply and push, 200 for multicast).
Every process that talks to LINE for the same channel shares those limits, so several workers should each
get a share (`ruthan worker --share`). With a `Hedger`, a keyed call slow to answer gets a backup copy
(bot/gateway/hedge.py), paced like any other call.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from bot.gateway.base import LineGateway, MessageJSON
from bot.gateway.hedge import Hedger


class RateLimiter:
    """At most `rate` calls a second, evenly spaced, with a burst of up to `burst` after a quiet spell.

    Each caller reserves the next free slot and sleeps until it comes (no polling, no stampede); a
    cancelled caller's slot simply goes unused.
    """

    def __init__(
        self,
        rate: float,
        *,
        burst: int = 1,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ):
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self._interval = 1.0 / rate
        self._tolerance = max(0, burst - 1) * self._interval
        self._next = 0.0
        self._clock = clock
        self._sleep = sleep

    async def acquire(self, *, urgent: bool = False) -> None:
        """Wait for the next free slot. An urgent caller (a backup copy racing a hung request) goes at once,
        ahead of those already waiting, and the next free slot moves back by one: the rate holds over time,
        with at most one extra call in flight per urgent caller."""
        now = self._clock()
        slot = max(self._next, now - self._tolerance)
        if urgent and slot > now:
            self._next += self._interval
            return
        self._next = slot + self._interval
        if slot > now:
            await self._sleep(slot - now)


class ThrottledGateway:
    """Wraps a gateway so that each endpoint's calls stay under its own rate."""

    def __init__(
        self,
        inner: LineGateway,
        *,
        reply: float = 2000,
        push: float = 2000,
        multicast: float = 200,
        hedger: Hedger | None = None,
    ):
        self.inner = inner
        self.hedger = hedger
        self.limits = {
            "reply": RateLimiter(reply, burst=max(1, int(reply // 100))),
            "push": RateLimiter(push, burst=max(1, int(push // 100))),
            "multicast": RateLimiter(multicast, burst=max(1, int(multicast // 100))),
        }

    async def reply(self, reply_token: str, messages: list[MessageJSON]) -> None:
        await self.limits["reply"].acquire()
        await self.inner.reply(reply_token, messages)

    async def push(self, to: str, messages: list[MessageJSON], retry_key: str) -> None:
        await self._keyed("push", lambda: self.inner.push(to, messages, retry_key))

    async def multicast(self, to: list[str], messages: list[MessageJSON], retry_key: str) -> None:
        await self._keyed("multicast", lambda: self.inner.multicast(to, messages, retry_key))

    async def _keyed(self, endpoint: str, send: Callable[[], Awaitable[None]]) -> None:
        limiter = self.limits[endpoint]
        await limiter.acquire()
        if self.hedger is None:
            await send()
        else:
            await self.hedger.call(endpoint, send, before_backup=lambda: limiter.acquire(urgent=True))

    async def show_loading(self, chat_id: str, seconds: int) -> None:
        # Not a message: LINE counts it against no quota; its own rate limit is far above ours.
        await self.inner.show_loading(chat_id, seconds)

    async def content(self, message_id: str) -> bytes:
        return await self.inner.content(message_id)

    async def close(self) -> None:
        await self.inner.close()
