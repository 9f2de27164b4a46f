"""Printed things (issue 18): the certificate image, a class's certificates as one PDF, the class poster.

Drawn with Pillow and the Sarabun font the project ships (fontpkg-sarabun), shaped by libraqm so that Thai
tone marks sit above their vowels; PDFs are Pillow's, one A4 page per image at 150 dpi (no system packages).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import qrcode
from PIL import Image, ImageDraw, ImageFont

DPI = 150
# A4 at 150 dpi: 210 x 297 mm.
A4_SHORT, A4_LONG = 1240, 1754

INK = "#1F2A44"
BLUE = "#1B4F9C"
GOLD = "#B8892B"
MUTED = "#5B6475"
PAPER = "#FFFDF6"


@lru_cache(maxsize=64)
def font(size: int, weight: int = 400) -> Any:
    import fontpkg

    return ImageFont.truetype(
        str(fontpkg.path("Sarabun", weight=weight)), size, layout_engine=ImageFont.Layout.RAQM
    )


def fitted(pen: ImageDraw.ImageDraw, words: str, size: int, weight: int, width: int) -> Any:
    """The largest font at most `size` in which `words` fit in `width` pixels (at least a third of size)."""
    while size > 12:
        chosen = font(size, weight)
        if pen.textlength(words, font=chosen) <= width or size <= 0:
            return chosen
        size = int(size * 0.92)
    return font(12, weight)


def centred(pen: ImageDraw.ImageDraw, y: int, words: str, chosen: Any, fill: str, width: int) -> None:
    pen.text((width // 2, y), words, font=chosen, fill=fill, anchor="ms")


def qr_image(data: str, size: int) -> Image.Image:
    code = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(data)
    picture = code.make_image(fill_color="black", back_color="white").get_image().convert("RGB")
    return picture.resize((size, size), Image.Resampling.NEAREST)


def png(picture: Image.Image) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def pdf(pages: Sequence[Image.Image], *, title: str) -> bytes:
    """One PDF page per image, each the image's size at `DPI` (an A4 image makes an A4 page)."""
    buffer = io.BytesIO()
    first, *rest = [page.convert("RGB") for page in pages]
    first.save(buffer, format="PDF", save_all=True, append_images=rest, resolution=DPI, title=title)
    return buffer.getvalue()
