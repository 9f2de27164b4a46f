"""Group commit for the webhook's hot path: the database work of many events in one transaction.

Every post from LINE joins the next round. A round stores the new events, handles the oldest waiting ones
(at most `limit`, so that a flood cannot delay LINE's 200 past its 2 seconds), and records the answers LINE
has accepted since the last round, all in one transaction (`inbox.run_round`). A post is answered 200 once
the round holding its events has committed: from then on they are durable, handled or waiting. Rounds run
one after another, so events are handled in the order they arrived, and every round takes whatever piled
up while the last one ran: the busier the bot, the more each transaction carries. On PostgreSQL several
processes may run rounds at once; a round holds back the events of a chat another process is handling, and
a later round handles them (bot/inbox.py), so one learner's events are handled one at a time.

Answers go out after their round commits, one chat's in order; an accepted answer is marked sent by the
next round. If the process dies before that, the outbox row's lease runs out and recovery sends it again:
a reply token already used is then refused, which counts as delivered (bot/sender.py).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from bot import inbox
from bot.clock import Clock
from bot.content import Content
from bot.learning.certificates import NO_SITE, Site
from bot.learning.reminders import BANGKOK

log = logging.getLogger(__name__)

# Events handled per round at most: a round of this many takes some tens of milliseconds.
ROUND_LIMIT = 32
# How long to wait before trying again events held back because another process is handling their chat
# (about the time that process's round takes), when nothing else is waiting to be done.
HELD_PAUSE = 0.01

Db = Callable[..., Awaitable[Any]]
OnHandled = Callable[[inbox.Handled, float | None], None]


@dataclass
class _Post:
    events: list[dict[str, Any]]
    stored: asyncio.Future[list[str]]
    arrived: float = field(default_factory=time.perf_counter)


class Intake:
    """The rounds of one process: posts, retried events and sent marks go in; handled events come out."""

    def __init__(
        self,
        *,
        engine: Engine,
        content: Content,
        clock: Clock,
        db: Db,
        on_handled: OnHandled,
        limit: int = ROUND_LIMIT,
        on_round: Callable[[int], None] | None = None,
        zone: ZoneInfo = BANGKOK,
        site: Site = NO_SITE,
    ):
        self.engine = engine
        self.zone = zone  # the settings' TZ: the learners' days and times of day
        self.site = site  # the public address and organisation, for certificates
        self.content = content
        self.clock = clock
        self._db = db
        self._on_handled = on_handled
        self._limit = limit
        self._on_round = on_round  # told how many events each round handled
        self._posts: list[_Post] = []
        self._sent: list[int] = []
        self._waiting: list[str] = []  # stored, not handled yet; oldest first
        self._arrived: dict[str, float] = {}  # when each waiting event reached the webhook
        self._rounds: asyncio.Task[None] | None = None
        self._idle = asyncio.Event()
        self._idle.set()

    async def submit(self, events: list[dict[str, Any]]) -> list[str]:
        """Store the events of one post (handling them if there is room); returns the IDs that were new."""
        post = _Post(events, asyncio.get_running_loop().create_future())
        self._posts.append(post)
        self._start()
        return await post.stored

    def sent(self, outbox_id: int) -> None:
        """LINE accepted this answer; the next round records it."""
        self._sent.append(outbox_id)
        self._start()

    def retry(self, event_ids: list[str]) -> None:
        """Events found pending (after a crash or a failed handler): handle them after those waiting now."""
        known = set(self._waiting)
        fresh = [event_id for event_id in event_ids if event_id not in known]
        if fresh:
            self._waiting.extend(fresh)
            self._start()

    async def idle(self) -> None:
        """Wait until every round so far has run and nothing is waiting."""
        while not self._idle.is_set():
            await self._idle.wait()

    def _start(self) -> None:
        self._idle.clear()
        if self._rounds is None or self._rounds.done():
            self._rounds = asyncio.create_task(self._run())

    async def _run(self) -> None:
        try:
            while self._posts or self._sent or self._waiting:
                held = await self._round()
                if held and not (self._posts or self._sent):
                    await asyncio.sleep(HELD_PAUSE)  # rather than ask for the same locks at once
        finally:
            self._idle.set()

    async def _round(self) -> int:
        """One round; returns how many events it held back because another process has their chat."""
        posts, self._posts = self._posts, []
        sent, self._sent = self._sent, []
        events = [event for post in posts for event in post.events]
        waiting = list(self._waiting)
        for post in posts:
            for event_id in _ids(post.events):
                self._arrived.setdefault(event_id, post.arrived)
        try:
            done = await self._db(
                inbox.run_round,
                self.engine,
                self.content,
                events,
                waiting=waiting,
                sent=sent,
                now=self.clock.now(),
                limit=self._limit,
                zone=self.zone,
                site=self.site,
            )
        except Exception as exc:
            # The database failed us. These posts get a 500 (LINE may redeliver them). Events stored before
            # stay pending in the database, where recovery finds them; answers not marked sent are sent
            # again when their lease runs out, and LINE recognises them (a used token, a known retry key).
            log.exception("a round of %d new events failed", len(events))
            self._waiting.clear()
            self._arrived.clear()
            for post in posts:
                if not post.stored.done():  # a post whose request was cancelled meanwhile waits no more
                    post.stored.set_exception(exc)
            return 0
        self._waiting = done.waiting + self._waiting[len(waiting) :]  # and any retried meanwhile
        fresh = set(done.fresh)
        for post in posts:
            if not post.stored.done():
                post.stored.set_result(list(dict.fromkeys(i for i in _ids(post.events) if i in fresh)))
        if self._on_round is not None and done.handled:
            self._on_round(len(done.handled))
        for handled in done.handled:
            self._on_handled(handled, self._arrived.get(handled.event_id))
        still = set(self._waiting)
        self._arrived = {event_id: at for event_id, at in self._arrived.items() if event_id in still}
        return done.held


def _ids(events: list[dict[str, Any]]) -> list[str]:
    return [str(event["webhookEventId"]) for event in events]
