"""Drills in a real browser at phone width: the simulator's Flex renderer (bot/web/lineview.py) with the
pages' own CSS and Sarabun font, in Debian's Chromium at 360 px, one screenshot per drill under tmp_path.

The screenshots are for a person to look at (Thai vowels and tone marks in place, nothing cut off); the test
itself checks what a machine can: nothing wider than the phone, no text box overflowing its bubble, every
line of the message on the page, and the address bar and buttons present.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import fontpkg
import pytest

from bot.content import Audience, load_content
from bot.drills.render import drill_message
from bot.web.lineview import quick_replies, render_message
from tests.test_browser import CHROMIUM, FLAGS, _missing

pytestmark = pytest.mark.skipif(_missing() is not None, reason=_missing() or "")

ROOT = Path(__file__).resolve().parents[1]
PHONE = 360
SHOWN = [
    ("g-sms-kbank-fbs-freeze", Audience.GENERAL),  # an SMS scam with a forged sender name
    ("e-bank-transfer-in-pension", Audience.ELDERLY),  # a genuine bank notice, large type
    ("g-web-revenue-refund-fake", Audience.GENERAL),  # a web page with its address bar
    ("e-lineoa-pea-bill", Audience.ELDERLY),  # a genuine official LINE account with its badge
    ("e-call-police", Audience.ELDERLY),  # a call transcript
    ("e-otp-kbank", Audience.ELDERLY),  # a genuine OTP, with what the learner just did above it
]


def _page(message: dict[str, Any]) -> str:
    css = (ROOT / "bot" / "web" / "static" / "app.css").read_text(encoding="utf-8")
    for name, weight in (("Sarabun-Regular.ttf", 400), ("Sarabun-Bold.ttf", 700)):
        css = css.replace(f"/fonts/{name}", Path(fontpkg.path("Sarabun", weight=weight)).as_uri())
    buttons = "".join(
        f'<span class="quick-button">{html.escape(b["label"])}</span>' for b in quick_replies([message])
    )
    return (
        '<!doctype html><html lang="th"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width={PHONE}"><style>{css}'
        ".quick-button{display:inline-block;border:1px solid #06c755;border-radius:16px;padding:2px 12px;"
        "margin:4px;background:#fff}</style></head>"
        f'<body><div class="ln-chat" id="chat">{render_message(message)}</div>'
        f'<div id="quick">{buttons}</div></body></html>'
    )


async def test_drills_render_at_phone_width_without_overflow(tmp_path: Path) -> None:
    from playwright.async_api import async_playwright

    content = load_content(ROOT)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=[*FLAGS, "--allow-file-access-from-files"], headless=True
        )
        try:
            page = await browser.new_page(viewport={"width": PHONE, "height": 800}, locale="th-TH")
            for drill_id, audience in SHOWN:
                drill = content.drills.drills[drill_id]
                message = drill_message(drill, audience)
                file = tmp_path / f"{drill_id}.html"
                file.write_text(_page(message), encoding="utf-8")
                await page.goto(file.as_uri())
                await page.evaluate("document.fonts.ready")
                assert await page.evaluate("document.fonts.check('16px Sarabun', 'ก่')"), "Sarabun not loaded"
                # Nothing wider than the phone, and no text box wider than its bubble.
                assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE
                overflowing = await page.evaluate(
                    """() => [...document.querySelectorAll('.ln-flex-text')]
                        .filter(e => e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1)
                        .map(e => e.textContent)"""
                )
                assert overflowing == [], (drill_id, overflowing)
                shown = await page.inner_text("#chat")
                for bubble in drill.messages:
                    assert bubble.text in shown
                if drill.address:
                    assert drill.address in shown
                assert await page.locator(".quick-button").all_inner_texts() == ["จริง", "หลอก", "ไม่แน่ใจ"]
                await page.locator("#chat").screenshot(path=str(tmp_path / f"{drill_id}.png"))
                assert (tmp_path / f"{drill_id}.png").stat().st_size > 5_000
        finally:
            await browser.close()
