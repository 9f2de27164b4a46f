"""One wiring: every process builds its parts once from the settings (bot/services.py), and the
announcements run on the same scheduler as the other periodic jobs."""

from __future__ import annotations

from pathlib import Path

from bot.clock import FrozenClock
from bot.content import Content
from bot.gateway import RecordingGateway
from bot.services import Services
from bot.settings import Settings
from devkit.standin import LineStandIn
from tests.harness import BotUnderTest


async def test_announcements_are_released_by_the_same_scheduler_as_recovery_and_reminders(
    database_url: str, fixture_content: Content, line: LineStandIn, clock: FrozenClock
) -> None:
    bot = BotUnderTest(database_url, fixture_content, line, clock, announcement_check_seconds=7)
    await bot.start()
    try:
        scheduled = bot.runtime.scheduled
        assert scheduled["announcements"] == 7
        assert {"recover", "sweep", "prune"} <= set(scheduled)
    finally:
        await bot.stop()
    assert bot.runtime.scheduled == {}  # stopping the runtime stops them all


async def test_a_process_has_one_sender_one_gateway_stack_and_its_share_of_lines_limits(
    tmp_path: Path, fixture_content: Content
) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'ruthan.db'}", line_push_rate=2000)
    services = Services.build(settings, line=RecordingGateway(), content=fixture_content, share=0.25)
    try:
        assert services.runtime.sender is services.sender is services.worker.sender
        assert services.sender.gateway is services.gateway is services.runtime.gateway
        assert services.worker.most_held[1] == 500  # a quarter of 2,000 pushes a second, one second ahead
        assert services.intake is services.runtime.intake
        assert services.mailbox is None and services.line_account is None  # the web service's parts only
    finally:
        services.engine.dispose()
