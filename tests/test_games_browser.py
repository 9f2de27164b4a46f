"""In a real browser (Debian's Chromium, Playwright), on a phone-sized screen: a trainer links their LINE
account, approves the class's group, prepares a game, and after it is played in the group (signed webhooks
to the served bot) sees it on the class page. The question and the podium are drawn as LINE would show them
(bot/web/lineview.py). Screenshots go to $RUTHAN_SCREENSHOTS when set (to look at them)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.clock import FrozenClock
from bot.content import Content
from bot.web.lineview import render_messages
from devkit.standin import LineStandIn
from tests.harness import postback_event, sign, text_event, user_id
from tests.test_browser import (
    LiveApp,
    _make_trainer,
    _missing,
    browser_settings,
    create_class,
    phone,
    sign_in,
)
from tests.test_class_dashboard_browser import shot
from tests.test_games import GROUP_ID, TEACHER, buttons, in_group

pytestmark = pytest.mark.skipif(_missing() is not None, reason=_missing() or "")


@pytest.fixture
async def live(tmp_path: Path, real_content: Content, line: LineStandIn) -> AsyncIterator[LiveApp]:
    clock = FrozenClock(datetime.now(UTC))
    settings = browser_settings(tmp_path, line)
    server = LiveApp(settings, real_content, clock)
    await server.start()
    _make_trainer(settings, clock)
    try:
        yield server
    finally:
        await server.stop()


async def post(live: LiveApp, line: LineStandIn, body: dict[str, Any]) -> list[dict[str, Any]]:
    """One signed webhook to the served bot; the messages LINE was asked to deliver for it."""
    line.take()
    raw = json.dumps({"destination": "Ubot", "events": [body]}).encode()
    async with httpx.AsyncClient() as client:
        answer = await client.post(
            live.url + "/callback", content=raw, headers={"X-Line-Signature": sign(raw)}
        )
    assert answer.status_code == 200
    await live.app.state.services.runtime.settle()
    return [message for call in line.take() for message in call.messages]


async def test_a_trainer_prepares_a_game_and_sees_it_played(
    live: LiveApp, line: LineStandIn, tmp_path: Path
) -> None:
    async with phone() as context:
        page = await context.new_page()
        await sign_in(page, live)
        code = await create_class(page, "ป.6/1")
        await post(live, line, in_group(text_event(TEACHER, f"เชื่อมห้อง {code}"), TEACHER))
        await page.goto(live.url + "/admin/classes")
        await page.get_by_role("button", name="ขอรหัสผูกบัญชี").click()
        typed = (await page.inner_text("#line-code")).strip()
        assert typed.startswith("รหัสครู ")
        await shot(page, "game-line-code", tmp_path)
        linked = await post(live, line, text_event(TEACHER, typed))
        assert "ผูกบัญชี LINE นี้กับ ครูสมศรี" in linked[0]["text"]
        await page.reload()
        assert "ผูกบัญชี LINE แล้ว" in await page.inner_text("#line-account")

        await page.get_by_role("link", name="ป.6/1").click()
        await page.get_by_role("button", name="อนุมัติ").click()
        await page.wait_for_selector("#game-form")
        await page.select_option("#game-source", "mix")  # a quiz question, then a drill
        await page.fill("#game-count", "2")
        await page.check("input[name=untimed]")
        await page.select_option("#game-teams", "2")
        await page.get_by_role("button", name="เตรียมเกม", exact=True).click()
        await page.wait_for_selector("#game-table")
        assert "รอเริ่มในกลุ่ม" in await page.inner_text("#game-table")
        await shot(page, "game-prepared", tmp_path)
        assert line.take() == []  # preparing pushes nothing

        opening = await post(live, line, in_group(text_event(TEACHER, "ข้อต่อไป"), TEACHER))
        assert [m["type"] for m in opening] == ["text", "flex", "flex"]
        question = buttons(opening[2])
        labels = list(question)
        for member, label in (("a", labels[0]), ("b", labels[1]), ("c", labels[0])):
            await post(live, line, in_group(postback_event("x", question[label]), user_id(member)))
        second = await post(live, line, in_group(text_event(TEACHER, "ข้อต่อไป"), TEACHER))
        assert list(buttons(second[1])) == ["จริง", "หลอก", "ไม่แน่ใจ"]
        podium = await post(live, line, in_group(text_event(TEACHER, "จบเกม"), TEACHER))

        # What the group saw, drawn as LINE draws it.
        chat = "".join(
            f'<div class="ln-row">{html}</div>' for html in render_messages([*opening, *second, *podium])
        )
        await page.evaluate(
            "html => { document.body.innerHTML = html; }", f'<div class="ln-chat">{chat}</div>'
        )
        await page.wait_for_load_state("networkidle")
        await shot(page, "game-in-the-group", tmp_path)
        assert "จบเกมแล้วค่ะ" in await page.inner_text("body")

        await page.reload()
        table = await page.inner_text("#game-table")
        assert "จบแล้ว" in table and "ไม่จับเวลา" in table and "2 ทีม" in table
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= 400, "the class page scrolls sideways on a phone"
        await page.locator("#games").scroll_into_view_if_needed()
        await shot(page, "game-played", tmp_path)
        assert GROUP_ID[:8] in await page.inner_text("#groups")
