"""The learners' rich menu: six big buttons under the chat, the LINE convention older learners find easiest.

`ruthan richmenu install` draws the image (Pillow with raqm, so Thai vowels and tone marks sit where they
belong), creates the menu, uploads the image and makes it every learner's default. Each button sends a
postback the tutor already understands (`a=continue`, `a=progress`, ...), with the label shown in the chat
as the learner's own words, exactly like the quick-reply buttons.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import Any

from bot.voice.ui import Button, rich_menu_buttons

WIDTH, HEIGHT = 2500, 1686  # LINE's large rich menu
COLUMNS, ROWS = 3, 2
MENU_NAME = "ruthan-main"
CHAT_BAR_TEXT = "เมนู รู้ทัน"  # at most 14 characters
MAX_IMAGE_BYTES = 1024 * 1024

# One calm colour per button (background, ink), so learners can find a button by its colour too.
PALETTE = (
    ("#E8F5E9", "#1B5E20"),
    ("#E3F2FD", "#0D47A1"),
    ("#FFF8E1", "#8D5A00"),
    ("#F3E5F5", "#6A1B9A"),
    ("#FFEBEE", "#B71C1C"),
    ("#ECEFF1", "#263238"),
)


class RichMenuError(RuntimeError):
    """The menu cannot be drawn or installed; the message says what to do."""


def check_text_layout() -> None:
    """Thai needs complex text layout (raqm); without it Pillow silently drops or misplaces marks."""
    from PIL import features

    if not features.check("raqm"):
        raise RichMenuError(
            "Pillow has no raqm text layout here, so Thai marks would be drawn wrongly. "
            "Install FriBiDi (Debian/Ubuntu: apt-get install libfribidi0) and try again."
        )


def _font(size: int) -> Any:
    import fontpkg
    from PIL import ImageFont

    return ImageFont.truetype(
        str(fontpkg.path("Sarabun", weight=700)), size, layout_engine=ImageFont.Layout.RAQM
    )


@dataclass(frozen=True)
class Cell:
    x: int
    y: int
    width: int
    height: int


# With a seventh button (the "โดนหลอก?" emergency tile, issue 16), it becomes a full-width strip on top and
# the six usual buttons keep their 3 x 2 grid below it, a little shorter.
BANNER_HEIGHT = 420


def cells(count: int = COLUMNS * ROWS) -> list[Cell]:
    if count not in (COLUMNS * ROWS, COLUMNS * ROWS + 1):
        raise RichMenuError(f"the menu lays out 6 or 7 buttons, not {count}")
    top = BANNER_HEIGHT if count > COLUMNS * ROWS else 0
    found = [Cell(0, 0, WIDTH, top)] if top else []
    width, height = WIDTH // COLUMNS, (HEIGHT - top) // ROWS
    for row in range(ROWS):
        for column in range(COLUMNS):
            x, y = column * width, top + row * height
            # The last column and row take the remainder, so the areas tile the image exactly.
            w = WIDTH - x if column == COLUMNS - 1 else width
            h = HEIGHT - y if row == ROWS - 1 else height
            found.append(Cell(x, y, w, h))
    return found


def draw(buttons: list[Button] | None = None) -> bytes:
    """The menu image as PNG: a 3 x 2 grid, an icon and a large Thai label in each cell."""
    from PIL import Image, ImageDraw

    check_text_layout()
    buttons = buttons or rich_menu_buttons()
    image = Image.new("RGB", (WIDTH, HEIGHT), "#FFFFFF")
    pen = ImageDraw.Draw(image)
    label_font = _font(118)
    layout = cells(len(buttons))
    banner = len(buttons) > COLUMNS * ROWS
    if banner:
        _draw_banner(pen, layout[0], buttons[0])
    for index, (cell, item) in enumerate(zip(layout[banner:], buttons[banner:], strict=True)):
        background, ink = PALETTE[index % len(PALETTE)]
        pen.rectangle((cell.x, cell.y, cell.x + cell.width - 1, cell.y + cell.height - 1), fill=background)
        centre_x = cell.x + cell.width // 2
        ICONS.get(item.action, _menu_icon)(pen, centre_x, cell.y + int(cell.height * 0.36), 150, ink)
        pen.text(
            (centre_x, cell.y + int(cell.height * 0.76)), item.label, font=label_font, fill=ink, anchor="mm"
        )
    # Thin white gutters between the buttons.
    top = layout[1].y if banner else 0
    for column in range(1, COLUMNS):
        x = column * (WIDTH // COLUMNS)
        pen.rectangle((x - 4, top, x + 4, HEIGHT), fill="#FFFFFF")
    middle = top + (HEIGHT - top) // ROWS
    pen.rectangle((0, middle - 4, WIDTH, middle + 4), fill="#FFFFFF")
    if banner:
        pen.rectangle((0, top - 4, WIDTH, top + 4), fill="#FFFFFF")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    data = buffer.getvalue()
    if len(data) > MAX_IMAGE_BYTES:
        raise RichMenuError(f"The menu image is {len(data)} bytes; LINE accepts at most 1 MB")
    return data


def definition(buttons: list[Button] | None = None) -> dict[str, Any]:
    """The rich menu object for LINE: one tappable area per cell, each a postback with its label as text."""
    buttons = buttons or rich_menu_buttons()
    areas = [
        {
            "bounds": {"x": cell.x, "y": cell.y, "width": cell.width, "height": cell.height},
            "action": {
                "type": "postback",
                "label": item.label[:20],
                "data": item.data,
                "displayText": item.label,
            },
        }
        for cell, item in zip(cells(len(buttons)), buttons, strict=True)
    ]
    return {
        "size": {"width": WIDTH, "height": HEIGHT},
        "selected": True,
        "name": MENU_NAME,
        "chatBarText": CHAT_BAR_TEXT,
        "areas": areas,
    }


async def install(account: Any, *, image: bytes | None = None) -> str:
    """Create the menu, upload its image, make it the default, then remove older Ruthan menus."""
    image = image if image is not None else draw()
    older = [menu_id for menu_id, name in await account.rich_menus() if name == MENU_NAME]
    rich_menu_id = await account.create_rich_menu(definition())
    await account.upload_rich_menu_image(rich_menu_id, image)
    await account.set_default_rich_menu(rich_menu_id)
    for menu_id in older:
        await account.delete_rich_menu(menu_id)
    return rich_menu_id


# ----- icons (simple shapes: no emoji font needed) -------------------------------------------------------


def _draw_banner(pen: Any, cell: Cell, item: Button) -> None:
    """The emergency strip: white on red, a phone icon and the label, impossible to miss."""
    pen.rectangle((cell.x, cell.y, cell.x + cell.width - 1, cell.y + cell.height - 1), fill="#C62828")
    centre_y = cell.y + cell.height // 2
    _phone_icon(pen, 330, centre_y, 120, "#FFFFFF")
    pen.text((WIDTH // 2 + 120, centre_y), item.label, font=_font(150), fill="#FFFFFF", anchor="mm")


def _phone_icon(pen: Any, x: int, y: int, size: int, ink: str) -> None:
    """A handset: two rounded ends joined by an arc."""
    pen.arc((x - size, y - size, x + size, y + size), start=200, end=340, fill=ink, width=40)
    for side in (-1, 1):
        cx = x + side * int(size * 0.85)
        pen.rounded_rectangle((cx - 45, y - 40, cx + 45, y + 40), radius=18, fill=ink)


def _play_icon(pen: Any, x: int, y: int, size: int, ink: str) -> None:
    pen.ellipse((x - size, y - size, x + size, y + size), outline=ink, width=18)
    r = size * 0.5
    pen.polygon([(x - r * 0.6, y - r), (x - r * 0.6, y + r), (x + r, y)], fill=ink)


def _progress_icon(pen: Any, x: int, y: int, size: int, ink: str) -> None:
    bar = size // 2
    for offset, height in ((-1, 0.5), (0, 1.0), (1, 1.5)):
        left = x + offset * (bar + 30) - bar // 2
        pen.rounded_rectangle((left, y + size - height * size, left + bar, y + size), radius=14, fill=ink)


def _review_icon(pen: Any, x: int, y: int, size: int, ink: str) -> None:
    """A circular arrow, turning clockwise: "go round again"."""
    start, end = 60, 330  # degrees, clockwise from three o'clock (Pillow's convention)
    pen.arc((x - size, y - size, x + size, y + size), start=start, end=end, fill=ink, width=26)
    theta = math.radians(end)
    at = (x + size * math.cos(theta), y + size * math.sin(theta))
    ahead = (-math.sin(theta), math.cos(theta))  # the direction of travel at the end of the arc
    outward = (math.cos(theta), math.sin(theta))
    tip = (at[0] + ahead[0] * 70, at[1] + ahead[1] * 70)
    wing = 55
    pen.polygon(
        [
            tip,
            (at[0] + outward[0] * wing, at[1] + outward[1] * wing),
            (at[0] - outward[0] * wing, at[1] - outward[1] * wing),
        ],
        fill=ink,
    )


def _clock_icon(pen: Any, x: int, y: int, size: int, ink: str) -> None:
    pen.ellipse((x - size, y - size, x + size, y + size), outline=ink, width=22)
    pen.line((x, y, x, y - size * 0.65), fill=ink, width=22)
    pen.line((x, y, x + size * 0.5, y + size * 0.2), fill=ink, width=22)


def _help_icon(pen: Any, x: int, y: int, size: int, ink: str) -> None:
    pen.ellipse((x - size, y - size, x + size, y + size), outline=ink, width=22)
    pen.text((x, y + 8), "?", font=_font(int(size * 1.5)), fill=ink, anchor="mm")


def _menu_icon(pen: Any, x: int, y: int, size: int, ink: str) -> None:
    for offset in (-0.6, 0, 0.6):
        top = y + offset * size
        pen.rounded_rectangle((x - size, top - 14, x + size, top + 14), radius=14, fill=ink)


ICONS = {
    "continue": _play_icon,
    "progress": _progress_icon,
    "review": _review_icon,
    "set_reminder": _clock_icon,
    "help": _help_icon,
    "menu": _menu_icon,
}
