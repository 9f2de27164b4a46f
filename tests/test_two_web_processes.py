"""Two web processes on one PostgreSQL database: a learner whose taps reach both is still handled as if one
process had had them all, one event after the other (scored once, no step lost).

Only on PostgreSQL: SQLite is for one process.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlmodel import Session, select

from bot import inbox
from bot.clock import FrozenClock
from bot.content import Content
from bot.storage.db import make_engine
from bot.storage.models import Attempt, Learner
from devkit.standin import LineStandIn
from tests.conftest import POSTGRES_SKIP, postgres_schema
from tests.harness import BotUnderTest, Reply, postback_event, user_id
from tests.test_learning_loop import onboard

pytestmark = pytest.mark.skipif(POSTGRES_SKIP is not None, reason=POSTGRES_SKIP or "")


@pytest.fixture
async def two_bots(
    fixture_content: Content, line: LineStandIn, clock: FrozenClock
) -> AsyncIterator[tuple[BotUnderTest, BotUnderTest]]:
    """Two apps on one database, each with its own engine, connections and threads, as two processes."""
    with postgres_schema("p") as url:
        first, second = (
            BotUnderTest(url, fixture_content, line, clock),
            BotUnderTest(url, fixture_content, line, clock),
        )
        await first.start()
        await second.start()
        try:
            yield first, second
        finally:
            await second.stop()
            await first.stop()


def stored(bot: BotUnderTest, user: str) -> tuple[Learner, int]:
    """The learner's row and how many answers are recorded for them."""
    engine = make_engine(bot.settings().sqlalchemy_url)
    try:
        with Session(engine) as session:
            learner = session.exec(select(Learner).where(Learner.line_user_id == user)).one()
            return learner, len(session.exec(select(Attempt).where(Attempt.learner_id == learner.id)).all())
    finally:
        engine.dispose()


async def test_a_double_tap_split_across_two_processes_is_scored_once(
    two_bots: tuple[BotUnderTest, BotUnderTest], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = two_bots
    user = user_id("double-tap-two-processes")
    screen = await onboard(first, user, "บุคคลทั่วไป")
    await first.tap(user, screen, "ต่อไป")
    question = await first.say(user, "ต่อไป")
    before, _ = stored(first, user)
    tap = question.button("วางสายแล้วโทรถาม")

    # Each process's handler waits (a second at most) until the other's has begun too: without a lock per
    # chat, both would then read the learner before either writes, as happens when LINE's two posts land
    # at the same moment. With it, one handles its tap while the other's tap waits for the next round.
    both_handling = threading.Barrier(2, timeout=1.0)
    dispatch = inbox.dispatch

    def meet_then_dispatch(event: Any, context: Any) -> Any:
        with contextlib.suppress(threading.BrokenBarrierError):
            both_handling.wait()
        return dispatch(event, context)

    monkeypatch.setattr(inbox, "dispatch", meet_then_dispatch)
    first.line.take()
    bodies = [
        json.dumps({"destination": "Ubot", "events": [postback_event(user, tap["data"])]}).encode()
        for _ in range(2)
    ]
    responses = await asyncio.gather(first.post(bodies[0]), second.post(bodies[1]))
    assert [response.status_code for response in responses] == [200, 200]
    await asyncio.gather(first.runtime.settle(), second.runtime.settle())

    after, answers = stored(first, user)
    assert answers == 1
    assert after.step == before.step + 1
    screens = sorted(
        (Reply([call]).text for call in first.line.take()), key=lambda shown: "ตอบไปแล้ว" in shown
    )
    assert len(screens) == 2
    assert "ตอบไปแล้ว" not in screens[0] and "ตอบไปแล้ว" in screens[1]
