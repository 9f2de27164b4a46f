"""In a real browser (Debian's Chromium, Playwright), on a phone-sized screen: the demo class's dashboard,
its filters and one learner's page. Screenshots go to $RUTHAN_SCREENSHOTS when set (to look at them)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.clock import FrozenClock
from bot.content import Content
from bot.storage.db import make_engine, session_scope
from bot.trainers import demo_class
from devkit.standin import LineStandIn
from tests.test_browser import LiveApp, _make_trainer, _missing, browser_settings, phone, sign_in

pytestmark = pytest.mark.skipif(_missing() is not None, reason=_missing() or "")

# Every label of every chart lies inside its chart (the first skill label used to start off its left edge).
LABELS_OUTSIDE = """() => {
  const out = [];
  for (const svg of document.querySelectorAll('svg.chart')) {
    const width = svg.viewBox.baseVal.width;
    for (const text of svg.querySelectorAll('text')) {
      const box = text.getBBox();
      if (box.x < 0 || box.x + box.width > width + 0.5) {
        out.push(`${text.textContent} (x ${box.x}, width ${box.width} of ${width})`);
      }
    }
  }
  return out;
}"""


@pytest.fixture
async def live(tmp_path: Path, real_content: Content, line: LineStandIn) -> AsyncIterator[LiveApp]:
    clock = FrozenClock(datetime.now(UTC))
    settings = browser_settings(tmp_path, line)
    server = LiveApp(settings, real_content, clock)
    await server.start()
    _make_trainer(settings, clock)
    engine = make_engine(settings.sqlalchemy_url)
    try:
        with session_scope(engine) as session:
            trainer = demo_class.trainer_named(session, "somsri")
            assert trainer is not None
            demo_class.create(session, real_content, trainer=trainer, now=clock.now(), zone=settings.zone)
    finally:
        engine.dispose()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
async def page(live: LiveApp) -> AsyncIterator[Any]:
    async with phone() as context:
        yield await context.new_page()


async def shot(page: Any, name: str, tmp_path: Path) -> None:
    folder = Path(os.environ.get("RUTHAN_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


async def test_filters_and_a_learners_page_on_a_phone(page: Any, live: LiveApp, tmp_path: Path) -> None:
    await sign_in(page, live)
    await page.get_by_role("link", name="ห้องตัวอย่าง").click()
    await page.wait_for_selector("#learner-table")
    assert await page.evaluate(LABELS_OUTSIDE) == []
    assert "รอผู้ปกครองยินยอม" in await page.inner_text("#awaiting-parent")
    await shot(page, "class", tmp_path)

    await page.click("#filter-stopped")
    await page.wait_for_url("**show=stopped*")
    rows = await page.locator("#learner-table tbody tr").all_inner_texts()
    assert len(rows) == 3 and all(("หยุดเรียน" in r or "บล็อกบอต" in r) for r in rows)
    await shot(page, "filter-stopped", tmp_path)

    await page.click("#filter-not_started")
    await page.wait_for_url("**show=not_started*")
    assert await page.locator("#learner-table tbody tr").count() == 2

    await page.click("#filter-behind")
    await page.wait_for_url("**show=behind*")
    behind = await page.locator("#learner-table tbody tr").all_inner_texts()
    assert behind and all("ตามหลังเพื่อน" in r for r in behind)

    await page.get_by_role("link", name="ทั้งหมด (9)").click()
    await page.get_by_role("link", name="ฝน", exact=True).click()
    await page.wait_for_selector("#learner-name")
    assert (await page.inner_text("#learner-name")).split() == ["ฝน", "จำลอง"]  # a demo learner is simulated
    assert "เรียนครบ" in await page.inner_text("#learner-status")
    drills = await page.inner_text("#learner-drills")
    assert "ยังไม่ได้ทำ" not in drills and "d′" in drills
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, "the learner page scrolls sideways on a phone"
    await shot(page, "learner", tmp_path)
