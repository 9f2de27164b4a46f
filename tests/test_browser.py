"""In a real browser: headless Chromium (Debian's package) driven by Playwright, against the live app.

What a trainer does (sign in, create a class, write an announcement, check its preview, send it) and what
a newcomer does (finish a lesson in the simulator), clicking the real pages. The app runs in this test's
event loop under uvicorn, talking to the LINE stand-in, on SQLite.

Chromium is not downloaded by Playwright (that needs the network): the tests use /usr/bin/chromium and
skip, saying how to install it, where it is missing. `.ci/run` installs it.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from bot.app import create_app
from bot.clock import FrozenClock
from bot.content import Content
from bot.settings import Settings
from bot.storage.trainers import Role
from devkit.standin import LineStandIn
from tests.harness import SECRET, TOKEN
from tests.trainer_support import FAST_PASSWORDS, PASSWORD

CHROMIUM = os.environ.get("RUTHAN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return (
            f"Chromium not found at {CHROMIUM}: browser tests need Debian's chromium package "
            "(sudo apt-get install -y chromium; .ci/run does this), or set RUTHAN_CHROMIUM to its path"
        )
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "The playwright package is missing: pip install -r requirements.lock"
    return None


pytestmark = pytest.mark.skipif(_missing() is not None, reason=_missing() or "")


class LiveApp:
    """The app under uvicorn on a free port, in this event loop."""

    def __init__(self, settings: Settings, content: Content, clock: FrozenClock):
        self.app = create_app(settings, content=content, clock=clock, recovery_interval=3600)
        config = uvicorn.Config(self.app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self._task: asyncio.Task[Any] | None = None
        self.url = ""

    async def start(self) -> None:
        self._task = asyncio.create_task(self.server.serve())
        while not self.server.started:
            if self._task.done():
                self._task.result()
            await asyncio.sleep(0.02)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        self.server.should_exit = True
        if self._task is not None:
            await self._task


@pytest.fixture
async def live(
    tmp_path: Path, fixture_content: Content, line: LineStandIn, clock: FrozenClock
) -> AsyncIterator[LiveApp]:
    settings = browser_settings(tmp_path, line, line_bot_basic_id="@ruthan")
    server = LiveApp(settings, fixture_content, clock)
    await server.start()
    _make_trainer(settings, clock)
    try:
        yield server
    finally:
        await server.stop()


def _make_trainer(settings: Settings, clock: FrozenClock) -> None:
    from bot.storage.db import make_engine, session_scope
    from bot.trainers import auth

    engine = make_engine(settings.sqlalchemy_url)
    try:
        with session_scope(engine) as session:
            auth.create_trainer(
                session,
                username="somsri",
                password=PASSWORD,
                display_name="ครูสมศรี",
                role=Role.TRAINER,
                now=clock.now(),
                passwords=auth.Passwords(settings),
            )
    finally:
        engine.dispose()


def browser_settings(tmp_path: Path, line: LineStandIn, **extra: Any) -> Settings:
    """A bot served to a real browser: LINE is the stand-in, the database a file, the simulator open."""
    return Settings(
        _env_file=None,
        line_channel_secret=SECRET,
        line_channel_access_token=TOKEN,
        line_api_base_url=line.url,
        line_data_api_base_url=line.url,
        database_url=f"sqlite:///{tmp_path / 'browser.db'}",
        line_timeout_seconds=2,
        simulator="open",
        **FAST_PASSWORDS,
        **extra,
    )


@asynccontextmanager
async def phone(width: int = 400, height: int = 860) -> AsyncIterator[Any]:
    """Debian's Chromium with a phone-sized window and a Thai locale (a browser context, closed on exit)."""
    from playwright.async_api import async_playwright

    with tempfile.TemporaryDirectory() as profile:
        async with async_playwright() as playwright:
            context = await playwright.chromium.launch_persistent_context(
                profile,
                executable_path=CHROMIUM,
                args=FLAGS,
                headless=True,
                viewport={"width": width, "height": height},
                locale="th-TH",
            )
            context.set_default_timeout(10_000)
            try:
                yield context
            finally:
                await context.close()


@pytest.fixture
async def page(live: LiveApp) -> AsyncIterator[Any]:
    async with phone() as context:
        opened = await context.new_page()
        # The pages must work under their Content-Security-Policy: anything it blocks fails the test.
        blocked: list[str] = []
        opened.on(
            "console",
            lambda message: (
                blocked.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        yield opened
    assert not blocked, blocked


async def sign_in(page: Any, live: LiveApp) -> None:
    await page.goto(live.url + "/admin")
    await page.fill("#username", "somsri")
    await page.fill("#password", PASSWORD)
    await page.get_by_role("button", name="เข้าสู่ระบบ").click()
    await page.wait_for_url("**/admin/classes")


async def create_class(page: Any, name: str) -> str:
    await page.fill("#class-name", name)
    await page.get_by_role("button", name="สร้างห้อง", exact=True).click()
    await page.wait_for_selector("#class-code")
    return (await page.inner_text("#class-code")).strip()


async def test_trainer_signs_in_and_creates_a_class(page: Any, live: LiveApp) -> None:
    await page.goto(live.url + "/admin/classes")
    assert "/admin/login" in page.url
    await page.fill("#username", "somsri")
    await page.fill("#password", "not the password")
    await page.get_by_role("button", name="เข้าสู่ระบบ").click()
    assert "ไม่ถูกต้อง" in await page.inner_text("#login-error")
    await page.fill("#password", PASSWORD)
    await page.get_by_role("button", name="เข้าสู่ระบบ").click()
    await page.wait_for_url("**/admin/classes")
    code = await create_class(page, "ชมรมผู้สูงอายุวัดใหม่")
    assert len(code) == 4
    assert await page.inner_text("#class-title") == "ชมรมผู้สูงอายุวัดใหม่"
    assert f"เข้าห้อง {code}" in await page.inner_text("#invite")
    assert await page.locator(".qr svg").count() == 1
    await page.goto(live.url + "/admin/classes")
    assert code in await page.inner_text("#class-list")


async def test_trainer_previews_and_sends_an_announcement(page: Any, live: LiveApp) -> None:
    await sign_in(page, live)
    code = await create_class(page, "ห้องประกาศ")
    async with httpx.AsyncClient(base_url=live.url) as http:  # a learner, through the simulator
        user = (await http.post("/simulator/api/start", json={})).json()["user"]
        for data in ("a=consent&v=yes", "a=track&id=general", "a=remind&m=1140"):
            await http.post("/simulator/api/send", json={"user": user, "data": data})
        await http.post("/simulator/api/send", json={"user": user, "text": f"เข้าห้อง {code} ป้าศรี"})
    await page.get_by_role("link", name="ประกาศ", exact=True).click()
    await page.get_by_role("link", name="เขียนประกาศใหม่").click()
    await page.get_by_label("ห้องประกาศ").check()
    await page.fill("#title", "เตือนภัย")
    await page.fill("#body", "ระวัง SMS ปลอมอ้างเป็นไปรษณีย์ ห้ามกดลิงก์นะคะ")
    await page.get_by_label("การ์ดตัวอักษรใหญ่", exact=False).check()
    await page.click("#preview-button")
    preview = await page.inner_text("#line-preview")
    assert "ประกาศจาก ครูสมศรี" in preview and "ห้ามกดลิงก์" in preview
    assert "ผู้เรียน 1 คน" in await page.inner_text("#reach")
    assert await page.inner_text("#cost") == "0 ข้อความ"  # a simulated learner costs nothing
    await page.click("#confirm-send")
    await page.wait_for_selector("#status")
    # Delivery goes on in the background: the page says how far it has got, never just "sent".
    assert await page.inner_text("#status") in ("กำลังส่ง (ถึงแล้ว 0 จาก 1)", "ส่งถึง 1 จาก 1")
    await live.app.state.services.announcements.settle()
    await page.reload()
    assert await page.inner_text("#status") == "ส่งถึง 1 จาก 1"
    async with httpx.AsyncClient(base_url=live.url) as http:
        polled = (await http.get("/simulator/api/poll", params={"user": user, "after": 0, "wait": 0})).json()
    assert any("ห้ามกดลิงก์" in message["html"] for message in polled["messages"])


async def test_newcomer_finishes_a_lesson_in_the_simulator(page: Any, live: LiveApp) -> None:
    await page.goto(live.url + "/simulator")

    async def tap(label: str) -> None:
        await page.locator(".quick-button", has_text=label).first.click()
        await page.wait_for_selector("body[data-busy='0']", state="attached")

    await page.wait_for_selector(".quick-button")
    await tap("ยินยอม")
    await tap("ผู้สูงอายุ")
    await tap("เย็น 19:00")
    assert await page.locator(".ln-flex").count() >= 1  # large-type cards for the elderly track
    for _ in range(12):
        if "จบบท" in await page.inner_text("#chat"):
            break
        first = (await page.locator(".quick-button").all_inner_texts())[0]
        await tap(first)
    assert "จบบท" in await page.inner_text("#chat")
    # The rich menu works too.
    await page.locator(".richmenu-button", has_text="ความคืบหน้า").click()
    await page.wait_for_selector("body[data-busy='0']", state="attached")
    assert "เรียนจบ 1 จาก 1 บท" in await page.inner_text("#chat")
