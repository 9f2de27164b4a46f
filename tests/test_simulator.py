"""The learner-view simulator: the same runtime and handlers as the webhook, drawn as LINE would draw them."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.clock import FrozenClock
from bot.content import Content
from bot.gateway import LineApiError, RecordingGateway
from bot.settings import Settings
from bot.simulator import Mailbox, SimulatorRouter, is_simulated, new_user_id
from bot.web.lineview import quick_replies, render_message
from devkit.standin import LineStandIn
from tests.harness import BotUnderTest


@pytest.fixture
async def sim(
    database_url: str, fixture_content: Content, line: LineStandIn, clock: FrozenClock
) -> AsyncIterator[BotUnderTest]:
    bot = BotUnderTest(database_url, fixture_content, line, clock, simulator="open")
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()


class Screen:
    """The simulator page as a learner sees it: the messages so far and the buttons on screen."""

    def __init__(self, bot: BotUnderTest):
        self.bot = bot
        self.user: str | None = None
        self.html: list[str] = []
        self.buttons: list[dict[str, str]] = []

    def _show(self, result: dict[str, Any]) -> dict[str, Any]:
        self.user = result["user"]
        self.html += [message["html"] for message in result["messages"]]
        if result["messages"]:
            self.buttons = result["buttons"]
        return result

    async def start(self) -> dict[str, Any]:
        response = await self.bot.http.post(
            "/simulator/api/start", json={"user": self.user} if self.user else {}
        )
        assert response.status_code == 200, response.text
        return self._show(response.json())

    async def press(self, label: str) -> dict[str, Any]:
        action = next((b for b in self.buttons if b["label"] == label), None)
        assert action is not None, f"no button {label!r} on screen: {[b['label'] for b in self.buttons]}"
        return await self._send({"data": action["data"]})

    async def say(self, text: str) -> dict[str, Any]:
        return await self._send({"text": text})

    async def _send(self, body: dict[str, str]) -> dict[str, Any]:
        response = await self.bot.http.post("/simulator/api/send", json={"user": self.user, **body})
        assert response.status_code == 200, response.text
        return self._show(response.json())

    @property
    def labels(self) -> list[str]:
        return [button["label"] for button in self.buttons]


async def test_simulated_learner_completes_a_lesson_without_any_call_to_line(sim: BotUnderTest) -> None:
    screen = Screen(sim)
    welcome = await screen.start()
    assert is_simulated(screen.user or "")
    assert "ยินดีต้อนรับ" in welcome["messages"][0]["html"]
    assert screen.labels == ["ยินยอม", "ไม่ยินยอม"]
    await screen.press("ยินยอม")
    await screen.press("ผู้สูงอายุ")
    await screen.press("เย็น 19:00")
    # Elderly cards are large-type Flex bubbles, drawn as cards with large text.
    assert 'class="ln-flex"' in screen.html[-1] and "font-size:22px" in screen.html[-1]
    for _ in range(20):
        if any("จบบท" in html for html in screen.html):
            break
        await screen.press(screen.labels[0])
    assert any("จบบท" in html for html in screen.html)
    assert sim.line.calls == []  # nothing went to LINE


async def test_typed_text_reaches_the_same_handlers(sim: BotUnderTest) -> None:
    screen = Screen(sim)
    await screen.start()
    result = await screen.say("ช่วยด้วย")
    assert "วิธีใช้" in result["messages"][0]["html"]


async def test_returning_simulated_learner_sees_recent_messages(sim: BotUnderTest) -> None:
    screen = Screen(sim)
    await screen.start()
    again = Screen(sim)
    again.user = screen.user
    result = await again.start()
    assert result["user"] == screen.user and result["messages"]


async def test_pushes_to_simulated_learners_arrive_by_polling(sim: BotUnderTest) -> None:
    screen = Screen(sim)
    seq = (await screen.start())["seq"]
    await sim.runtime.gateway.push(screen.user, [{"type": "text", "text": "ประกาศทดสอบ"}], "k")
    response = await sim.http.get(
        "/simulator/api/poll", params={"user": screen.user, "after": seq, "wait": 1}
    )
    assert [m["html"] for m in response.json()["messages"]] == [
        '<div class="ln-bubble ln-text">ประกาศทดสอบ</div>'
    ]
    assert sim.line.calls == []


async def test_a_repeated_keyed_request_reaches_a_simulated_learner_once() -> None:
    """The worker repeats a multicast whose LINE part failed, under the same retry key (and may send a
    backup copy of a slow one): its simulated learners get it once, as LINE's own learners do."""
    mailbox = Mailbox()
    router = SimulatorRouter(RecordingGateway(failures=[LineApiError(500)] * 3), mailbox)
    simulated, real = new_user_id(), "U" + "1" * 32
    for _ in range(4):
        with contextlib.suppress(LineApiError):
            await router.multicast([simulated, real], [{"type": "text", "text": "ประกาศ"}], "key-1")
    await router.push(simulated, [{"type": "text", "text": "ประกาศ"}], "key-1")
    await router.multicast([simulated], [{"type": "text", "text": "อีกเรื่อง"}], "key-2")
    assert [item.message["text"] for item in mailbox.after(simulated, 0)] == ["ประกาศ", "อีกเรื่อง"]


async def test_bad_simulated_ids_are_refused(sim: BotUnderTest) -> None:
    response = await sim.http.post("/simulator/api/send", json={"user": "U" + "0" * 32, "text": "hi"})
    assert response.status_code == 422


async def test_simulator_page_is_served_with_the_rich_menu(sim: BotUnderTest) -> None:
    response = await sim.http.get("/simulator")
    assert response.status_code == 200
    for label in ("เรียนต่อ", "ความคืบหน้า", "ทบทวน", "ตั้งเวลาเตือน", "วิธีใช้", "เมนู"):
        assert label in response.text
    english = await sim.http.get("/simulator?lang=en")
    assert "Try Ruthan" in english.text and english.cookies.get("lang") == "en"


async def test_simulator_needs_a_trainer_once_line_is_configured(lite_bot: BotUnderTest) -> None:
    # LINE is configured in the harness, and SIMULATOR is left on "auto".
    assert (await lite_bot.http.get("/simulator")).status_code == 401


def test_serve_without_line_points_to_the_simulator() -> None:
    from bot.cli import serve_without_line_notice

    notice = serve_without_line_notice("0.0.0.0", 8123, Settings(_env_file=None))
    assert "http://127.0.0.1:8123/simulator" in notice


# ----- drawing LINE messages -------------------------------------------------------------------------


def test_text_is_escaped_and_keeps_line_breaks() -> None:
    html = str(render_message({"type": "text", "text": "<script>x</script>\nบรรทัดสอง"}))
    assert "<script>" not in html and "&lt;script&gt;" in html and "\nบรรทัดสอง" in html


def test_flex_styles_accept_only_safe_values() -> None:
    bubble = {
        "type": "bubble",
        "body": {
            "type": "box",
            "layout": "vertical",
            "backgroundColor": "red;background:url(x)",
            "contents": [{"type": "text", "text": "ใหญ่", "size": "xl", "color": "#1B5E20", "weight": "bold"}],
        },
    }
    html = str(render_message({"type": "flex", "altText": "x", "contents": bubble}))
    assert "url(x)" not in html
    assert "font-size:22px" in html and "color:#1B5E20" in html and "ใหญ่" in html


def test_images_must_be_https() -> None:
    assert "img" not in str(
        render_message(
            {"type": "image", "originalContentUrl": "javascript:alert(1)", "previewImageUrl": "http://x"}
        )
    )
    assert 'src="https://example.org/a.jpg"' in str(
        render_message(
            {
                "type": "image",
                "originalContentUrl": "https://example.org/a.jpg",
                "previewImageUrl": "https://example.org/a.jpg",
            }
        )
    )


def test_quick_replies_are_the_last_messages() -> None:
    messages = [
        {
            "type": "text",
            "text": "a",
            "quickReply": {
                "items": [{"type": "action", "action": {"type": "postback", "label": "x", "data": "a=x"}}]
            },
        },
        {
            "type": "text",
            "text": "b",
            "quickReply": {
                "items": [
                    {
                        "type": "action",
                        "action": {
                            "type": "postback",
                            "label": "ต่อไป",
                            "data": "a=next",
                            "displayText": "ต่อไป",
                        },
                    }
                ]
            },
        },
    ]
    assert quick_replies(messages) == [
        {"type": "postback", "label": "ต่อไป", "data": "a=next", "text": "ต่อไป"}
    ]


def test_simulated_ids_look_like_line_ids_but_never_collide() -> None:
    user = new_user_id()
    assert is_simulated(user) and len(user) == 32
    assert not is_simulated("U" + "a" * 32)
