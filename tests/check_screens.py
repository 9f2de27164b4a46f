"""Phone-like screenshots of an SMS thread, drawn with Pillow and Sarabun, for the OCR tests and benchmark."""

from __future__ import annotations

import io
import textwrap

import fontpkg
from PIL import Image, ImageDraw, ImageFont, features


def raqm_problem() -> str | None:
    """Thai marks are drawn wrongly without raqm (libfribidi0): such a picture would test nothing."""
    return None if features.check("raqm") else "Pillow has no raqm layout (install libfribidi0)"


def sms_screenshot(message: str, *, sender: str = "SMS", width: int = 1080) -> bytes:
    """A PNG like a phone screen: a header with the sender, then the message in a grey bubble."""
    font = ImageFont.truetype(str(fontpkg.path("Sarabun", weight=400)), 44)
    bold = ImageFont.truetype(str(fontpkg.path("Sarabun", weight=700)), 48)
    lines = [line for part in message.split("\n") for line in textwrap.wrap(part, 34) or [""]]
    height = 260 + 70 * len(lines) + 200
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, 150), fill="#F2F2F2")
    draw.text((60, 50), sender, font=bold, fill="black")
    bubble_bottom = 220 + 70 * len(lines) + 40
    draw.rounded_rectangle((40, 200, width - 120, bubble_bottom), radius=36, fill="#E9E9EB")
    for index, line in enumerate(lines):
        draw.text((80, 230 + 70 * index), line, font=font, fill="black")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
