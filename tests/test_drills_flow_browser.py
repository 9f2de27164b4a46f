"""A drill in the simulator (/simulator) at 360 px, in Debian's Chromium: an elderly learner takes the
placement check and sees the first drill as LINE would show it. The screenshot (tmp_path/drill-360.png) is
for a person to look at: Thai vowels and tone marks in place, nothing clipped. The test checks what a machine
can: nothing wider than the phone, no text box overflowing, the drill's words and its answer buttons there.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FrozenClock
from bot.content import Content
from bot.drills.content import CheckKind
from devkit.standin import LineStandIn
from tests.test_browser import LiveApp, _missing, browser_settings, phone

pytestmark = pytest.mark.skipif(_missing() is not None, reason=_missing() or "")
PHONE = 360


@pytest.fixture
async def live(
    tmp_path: Path, real_content: Content, line: LineStandIn, clock: FrozenClock
) -> AsyncIterator[LiveApp]:
    settings = browser_settings(tmp_path, line)
    server = LiveApp(settings, real_content, clock)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


async def test_a_drill_shows_whole_in_the_simulator_at_360_px(
    live: LiveApp, real_content: Content, tmp_path: Path
) -> None:
    first = real_content.drills.check("elderly", CheckKind.PLACEMENT)[0]
    async with phone(PHONE, 1400) as context:
        page = await context.new_page()
        await page.goto(live.url + "/simulator")

        async def tap(label: str) -> None:
            await page.locator(".quick-button", has_text=label).first.click()
            await page.wait_for_selector("body[data-busy='0']", state="attached")

        await page.wait_for_selector(".quick-button")
        for label in ("ยินยอม", "ผู้สูงอายุ", "เย็น 19:00"):
            await tap(label)
        assert "ลองดูก่อนไหมคะ ไม่มีผิด ไม่มีถูก" in await page.inner_text("#chat")
        await tap("ลองดูเลย")
        await page.evaluate("document.fonts.ready")
        chat = await page.inner_text("#chat")
        assert first.sender in chat and "ข้อความนี้ จริง หรือ หลอก?" in chat and "ข้อ 1/8" in chat
        buttons = await page.locator(".quick-button").all_inner_texts()
        assert [b.strip() for b in buttons] == ["จริง", "หลอก", "ไม่แน่ใจ", "อ่านอีกครั้ง"]
        assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE
        overflowing = await page.evaluate(
            """() => [...document.querySelectorAll('.ln-flex-text')]
                .filter(e => e.scrollWidth > e.clientWidth + 1)
                .map(e => e.textContent)"""
        )
        assert overflowing == []
        drill = page.locator(".ln-flex").last
        await drill.scroll_into_view_if_needed()
        await drill.screenshot(path=str(tmp_path / "drill-360.png"))
        await page.screenshot(path=str(tmp_path / "simulator-360.png"))
