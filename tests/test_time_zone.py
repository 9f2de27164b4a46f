"""The TZ setting, as a learner near midnight lives it: the flow and the reminder sweep agree on "today".

Bangkok is 7 hours ahead of London in November, so 18:00 in London is already tomorrow in Bangkok. A bot
set to Europe/London must count a lesson at 18:00 as today's study in the conversation (streaks,
snoozes) and in the sweep (who is due a reminder). Runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.clock import FrozenClock
from bot.content import Content
from devkit.standin import LineStandIn
from tests.harness import BotUnderTest, user_id
from tests.test_learning_loop import learner, onboard
from tests.test_reminders import sent_to, sweep

LONDON = ZoneInfo("Europe/London")


def at(bot: BotUnderTest, day: int, hour: int, minute: int = 0) -> None:
    """Move the clock to a London time in November 2026."""
    bot.clock.current = datetime(2026, 11, day, hour, minute, tzinfo=LONDON).astimezone(UTC)


@pytest.fixture
async def london_bot(
    database_url: str, fixture_content: Content, line: LineStandIn, clock: FrozenClock
) -> AsyncIterator[BotUnderTest]:
    bot = BotUnderTest(database_url, fixture_content, line, clock, tz="Europe/London")
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()


async def test_an_evening_lesson_counts_for_the_local_day_in_flow_and_sweep(london_bot: BotUnderTest) -> None:
    bot = london_bot
    user = user_id("london-evening")
    at(bot, 20, 18, 0)  # 01:00 on the 21st in Bangkok
    screen = await onboard(bot, user, "บุคคลทั่วไป")  # a 19:00 reminder
    await bot.tap(user, screen, "ต่อไป")  # studied: today, in London
    stored = learner(bot, user)
    assert stored is not None and stored.last_studied_on == date(2026, 11, 20)
    at(bot, 20, 19, 5)
    assert not sent_to(await sweep(bot), user)  # studied today: no reminder
    at(bot, 21, 19, 5)
    reminder = await sweep(bot)  # not studied on the 21st (London): reminded
    assert sent_to(reminder, user)
    snoozed = await bot.say(user, "พรุ่งนี้ค่อยเตือนนะคะ")
    assert "พรุ่งนี้" in snoozed.text
    stored = learner(bot, user)
    assert stored is not None and stored.snoozed_until == date(2026, 11, 22)
