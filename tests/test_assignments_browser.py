"""The assignment form on the class page, in a real browser (Debian's Chromium, Playwright) on a phone-sized
screen: pick a module and a due date in the Thai calendar, see who has done it, send the one nudge.
Screenshots go to $RUTHAN_SCREENSHOTS when set (to look at them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.test_browser import LiveApp, _missing, sign_in
from tests.test_class_dashboard_browser import live, page, shot

pytestmark = pytest.mark.skipif(_missing() is not None, reason=_missing() or "")
__all__ = ["live", "page"]


async def test_a_trainer_assigns_a_module_and_nudges_once(page: Any, live: LiveApp, tmp_path: Path) -> None:
    await sign_in(page, live)
    await page.get_by_role("link", name="ห้องตัวอย่าง").click()
    await page.wait_for_selector("#assign-form")
    assert "ยังไม่มีงานที่มอบหมาย" in await page.inner_text("#assignments")
    # The months are Thai names and the years Buddhist-era; a week ahead is chosen already.
    months = await page.locator("#assign-due select[name=due_month] option").all_inner_texts()
    assert months[0] == "มกราคม" and months[11] == "ธันวาคม"
    years = await page.locator("#assign-due select[name=due_year] option").all_inner_texts()
    assert all(int(year) > 2560 for year in years)
    await page.select_option("#assign-choice", "elderly/elderly-call-centre")
    await page.locator("#assign-form").scroll_into_view_if_needed()
    await shot(page, "assign-form", tmp_path)
    await page.get_by_role("button", name="มอบหมาย", exact=True).click()
    await page.wait_for_selector("#assignment-list")
    assert "มอบหมายงานแล้ว" in await page.inner_text(".flash")
    row = page.locator("#assignment-list .assignment")
    assert await row.count() == 1
    text = await row.inner_text()
    assert "แก๊งคอลเซ็นเตอร์" in text and "ผู้สูงอายุ" in text
    not_yet = int(await row.locator(".assign-not-yet .count").inner_text())
    assert not_yet >= 1
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, "the class page scrolls sideways on a phone"
    await page.locator("#assignments").scroll_into_view_if_needed()
    await shot(page, "assign-made", tmp_path)

    asked: list[str] = []

    async def accept(dialog: Any) -> None:
        asked.append(dialog.message)
        await dialog.accept()

    page.on("dialog", accept)
    await page.get_by_role("button", name=f"ส่งข้อความเตือน ({not_yet})").click()
    await page.wait_for_selector(".nudged")
    assert asked and f"{not_yet} คน" in asked[0]
    assert "ส่งข้อความเตือนแล้ว" in await page.inner_text(".flash")
    assert f"ถึง {not_yet} คน" in await page.inner_text(".nudged")
    assert await page.get_by_role("button", name=f"ส่งข้อความเตือน ({not_yet})").count() == 0
    await page.locator("#assignments").scroll_into_view_if_needed()
    await shot(page, "assign-nudged", tmp_path)
