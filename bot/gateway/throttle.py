"""Client-side rate limits per LINE endpoint: a fan-out paces itself instead of collecting 429s.

LINE limits each endpoint per channel (about 2,000 requests a second for reply and push, 200 for multicast).
Every process that talks to LINE for the same channel shares those limits, so several workers should each
get a share (`ruthan worker --share`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from bot.gateway.base import LineGateway, MessageJSON


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

    async def acquire(self) -> None:
        now = self._clock()
        slot = max(self._next, now - self._tolerance)
        self._next = slot + self._interval
        if slot > now:
            await self._sleep(slot - now)


class ThrottledGateway:
    """Wraps a gateway so that each endpoint's calls stay under its own rate."""

    def __init__(
        self, inner: LineGateway, *, reply: float = 2000, push: float = 2000, multicast: float = 200
    ):
        self.inner = inner
        self.limits = {
            "reply": RateLimiter(reply, burst=max(1, int(reply // 100))),
            "push": RateLimiter(push, burst=max(1, int(push // 100))),
            "multicast": RateLimiter(multicast, burst=max(1, int(multicast // 100))),
        }

    async def reply(self, reply_token: str, messages: list[MessageJSON]) -> None:
        await self.limits["reply"].acquire()
        await self.inner.reply(reply_token, messages)

    async def push(self, to: str, messages: list[MessageJSON], retry_key: str) -> None:
        await self.limits["push"].acquire()
        await self.inner.push(to, messages, retry_key)

    async def multicast(self, to: list[str], messages: list[MessageJSON], retry_key: str) -> None:
        await self.limits["multicast"].acquire()
        await self.inner.multicast(to, messages, retry_key)

    async def close(self) -> None:
        await self.inner.close()
