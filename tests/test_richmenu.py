"""The rich menu: drawn with correct Thai, installed through the SDK (data host too), buttons understood."""

from __future__ import annotations

import asyncio
import io
from urllib.parse import parse_qsl

import pytest
from PIL import Image, features
from typer.testing import CliRunner

from bot import richmenu
from bot.cli import app
from bot.trainers.line_account import LineAccount
from devkit.standin import LineStandIn
from tests.harness import TOKEN, BotUnderTest, user_id
from tests.test_learning_loop import onboard

runner = CliRunner()
LABELS = ["เรียนต่อ", "ความคืบหน้า", "ทบทวน", "ตั้งเวลาเตือน", "วิธีใช้", "เมนู"]


def test_thai_text_layout_is_available() -> None:
    assert features.check("raqm"), "Pillow needs raqm (FriBiDi: apt-get install libfribidi0) to draw Thai"


def test_the_image_is_the_size_line_wants_and_small_enough() -> None:
    data = richmenu.draw()
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG" and image.size == (2500, 1686)
    assert len(data) < 1024 * 1024


def test_the_seven_areas_tile_the_image_and_send_postbacks_the_tutor_knows() -> None:
    menu = richmenu.definition()
    areas = menu["areas"]
    assert [area["action"]["displayText"] for area in areas] == ["โดนหลอก?", *LABELS]
    assert sum(a["bounds"]["width"] * a["bounds"]["height"] for a in areas) == 2500 * 1686
    actions = [dict(parse_qsl(area["action"]["data"]))["a"] for area in areas]
    assert actions == ["emergency", "continue", "progress", "review", "set_reminder", "help", "menu"]
    assert len(menu["chatBarText"]) <= 14


def test_without_raqm_drawing_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(features, "check", lambda name: False)
    with pytest.raises(richmenu.RichMenuError, match="libfribidi0"):
        richmenu.draw()


async def test_install_uploads_to_the_data_host_and_replaces_the_old_menu(line: LineStandIn) -> None:
    account = LineAccount(access_token=TOKEN, host=line.url, data_host=line.url)
    try:
        first = await richmenu.install(account)
        second = await richmenu.install(account)
    finally:
        await account.close()
    assert line.default_rich_menu == second and list(line.rich_menus) == [second]
    content_type, image = line.rich_menu_images[second]
    assert content_type == "image/png" and image.startswith(b"\x89PNG")
    assert first != second
    uploads = [call for call in line.calls if call.path.endswith("/content")]
    assert len(uploads) == 2


async def test_ruthan_richmenu_install(line: LineStandIn, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINE_CHANNEL_ACCESS_TOKEN", TOKEN)
    monkeypatch.setenv("LINE_API_BASE_URL", line.url)
    monkeypatch.setenv("LINE_DATA_API_BASE_URL", line.url)
    # The command runs its own event loop: give it a thread, while this loop serves the stand-in.
    result = await asyncio.to_thread(runner.invoke, app, ["richmenu", "install"])
    assert result.exit_code == 0, result.output
    assert line.default_rich_menu is not None and line.default_rich_menu in result.output


def test_ruthan_richmenu_install_needs_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LINE_CHANNEL_ACCESS_TOKEN", raising=False)
    result = runner.invoke(app, ["richmenu", "install"])
    assert result.exit_code == 1 and "LINE_CHANNEL_ACCESS_TOKEN" in result.output


async def test_every_rich_menu_button_gets_a_proper_answer(lite_bot: BotUnderTest) -> None:
    user = user_id("menu-presser")
    await onboard(lite_bot, user, "บุคคลทั่วไป")
    for area in richmenu.definition()["areas"]:
        reply = await lite_bot.press(user, area["action"])
        assert reply.messages, area["action"]["displayText"]
        assert "ยังไม่เข้าใจ" not in reply.text, area["action"]["displayText"]


def test_the_emergency_tile_is_a_red_strip_above_the_six() -> None:
    """Issue 16: "โดนหลอก?" in one tap, first in the menu."""
    from bot.help import EMERGENCY_TILE
    from bot.voice.ui import rich_menu_buttons

    buttons = rich_menu_buttons()
    assert buttons[0] == EMERGENCY_TILE and len(buttons) == 7
    menu = richmenu.definition()
    areas = menu["areas"]
    assert [area["action"]["displayText"] for area in areas] == ["โดนหลอก?", *LABELS]
    assert dict(parse_qsl(areas[0]["action"]["data"]))["a"] == "emergency"
    assert areas[0]["bounds"] == {"x": 0, "y": 0, "width": 2500, "height": richmenu.BANNER_HEIGHT}
    assert sum(a["bounds"]["width"] * a["bounds"]["height"] for a in areas) == 2500 * 1686
    image = Image.open(io.BytesIO(richmenu.draw(buttons)))
    assert image.size == (2500, 1686)
    assert image.convert("RGB").getpixel((20, 20)) == (0xC6, 0x28, 0x28)


def test_the_menu_refuses_a_layout_it_cannot_draw() -> None:
    with pytest.raises(richmenu.RichMenuError, match="6 or 7"):
        richmenu.cells(5)
