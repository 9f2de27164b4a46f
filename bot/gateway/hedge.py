"""Backup requests for the calls LINE runs at most once: push and multicast, which carry a retry key.

A fan-out lasts as long as its slowest request. One that hangs until the client gives up (10 s in
production) holds the end of a national reminder run for that long, and a retry only starts then. A keyed
request is safe to send twice: LINE runs it once and answers the copy 409 (already accepted). So a request
with no answer well after the usual time gets a backup copy under the same key (and, if that is silent too,
one more), and whichever answers first settles it ("The Tail at Scale", Dean and Barroso, 2013).

"The usual time" is learned per endpoint: a backup goes out after a few times the 95th percentile of recent
answers (from a call's first copy to its first answer), within bounds. Backups are rare by construction
(only requests slower than nearly all recent ones), and each takes a rate-limit slot of its own.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable

from bot.gateway.base import LineApiError

# Answers remembered per endpoint, and how often the delay is worked out again from them.
WINDOW = 200
REFRESH_EVERY = 20
# Answers needed before the learned delay is trusted; until then a backup waits the longest delay.
MIN_SAMPLES = 20
SLOWER_THAN_P95 = 3.0


class Hedger:
    """Races backup copies of a keyed call that is slow to answer.

    `shortest` and `longest` bound the wait before each backup; keep `longest` well under the client's
    timeout, or the backup comes too late to help. `copies` caps the copies of one call, the first included.
    """

    def __init__(
        self,
        *,
        shortest: float = 0.05,
        longest: float = 2.0,
        copies: int = 3,
        on_backup: Callable[[str], None] | None = None,
    ):
        self.shortest = shortest
        self.longest = longest
        self.copies = copies
        self.on_backup = on_backup  # told the endpoint of each backup copy sent (for metrics)
        self._answers: dict[str, deque[float]] = {}
        self._delays: dict[str, float] = {}
        self._since: dict[str, int] = {}

    def delay(self, endpoint: str) -> float:
        """How long a call to `endpoint` may go unanswered before a backup copy goes out."""
        return self._delays.get(endpoint, self.longest)

    def answered(self, endpoint: str, seconds: float) -> None:
        answers = self._answers.setdefault(endpoint, deque(maxlen=WINDOW))
        answers.append(seconds)
        self._since[endpoint] = since = self._since.get(endpoint, 0) + 1
        if len(answers) >= MIN_SAMPLES and since >= REFRESH_EVERY:
            self._since[endpoint] = 0
            p95 = sorted(answers)[int(len(answers) * 0.95) - 1]
            self._delays[endpoint] = min(self.longest, max(self.shortest, p95 * SLOWER_THAN_P95))

    async def call(
        self,
        endpoint: str,
        send: Callable[[], Awaitable[None]],
        before_backup: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        """`send()`; while no copy has answered, another copy every `delay(endpoint)`, up to `copies` in all
        (after `before_backup`, e.g. a rate-limit slot). The first copy accepted (or told 409) wins and the
        others are abandoned. A copy that fails ends nothing while others are out; once every copy has
        failed, the first's error is raised and the caller retries as usual, under the same key."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        first = asyncio.ensure_future(send())
        pending, sent = {first}, 1
        try:
            while pending:
                done, pending = await asyncio.wait(
                    pending, timeout=self.delay(endpoint), return_when=asyncio.FIRST_COMPLETED
                )
                errors = {task: task.exception() for task in done}  # every copy's answer read, winner or not
                accepted = [task for task, error in errors.items() if error is None]
                told_409 = [
                    task for task, e in errors.items() if isinstance(e, LineApiError) and e.status == 409
                ]
                if accepted or told_409:
                    # Learned from every call, backed up or not: when LINE slows down for everyone, the wait
                    # grows with it instead of every request getting its backups.
                    self.answered(endpoint, loop.time() - started)
                    (accepted or told_409)[0].result()  # None, or the 409 the caller reads as accepted
                    return
                if not done and sent < self.copies:  # silence: one more copy
                    pending.add(asyncio.ensure_future(self._backup(endpoint, send, before_backup)))
                    sent += 1
            first.result()  # every copy failed: the first's error
        finally:
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.gather(*pending, return_exceptions=True)

    async def _backup(
        self,
        endpoint: str,
        send: Callable[[], Awaitable[None]],
        before_backup: Callable[[], Awaitable[None]] | None,
    ) -> None:
        if before_backup is not None:
            await before_backup()
        if self.on_backup is not None:
            self.on_backup(endpoint)
        await send()
