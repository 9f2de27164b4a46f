"""The certificate: an A4 landscape picture (sent in LINE as an image, printed as a PDF page).

Title, the name as the learner gave it (or a line saying who holds it), the track, the date in the Thai
Buddhist calendar, the organisation's name and logo, and a QR code to the public /verify/<code> page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PIL import Image, ImageDraw

from bot.learning.certificates import Site
from bot.printing import (
    A4_LONG,
    A4_SHORT,
    BLUE,
    GOLD,
    INK,
    MUTED,
    PAPER,
    centred,
    fitted,
    font,
    pdf,
    png,
    qr_image,
)
from bot.storage.models import Certificate
from bot.voice import certificates as c
from bot.voice.calendar import long_day

WIDTH, HEIGHT = A4_LONG, A4_SHORT
PREVIEW_WIDTH = 700  # LINE's preview image: small (at most 1 MB)


@dataclass(frozen=True)
class Printed:
    """What is printed on one certificate."""

    code: str
    name: str | None
    track_title: str
    org_name: str
    issued_on: date
    verify_url: str

    @classmethod
    def of(cls, row: Certificate, site: Site) -> Printed:
        return cls(
            row.code, row.name, row.track_title, row.org_name, row.issued_on, site.verify_url(row.code)
        )


def draw(printed: Printed, logo: Path | None = None) -> Image.Image:
    picture = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    pen = ImageDraw.Draw(picture)
    # Two frames: blue outside, gold inside.
    pen.rectangle((36, 36, WIDTH - 37, HEIGHT - 37), outline=BLUE, width=14)
    pen.rectangle((70, 70, WIDTH - 71, HEIGHT - 71), outline=GOLD, width=4)
    text_width = WIDTH - 400
    shift = 0  # room for the logo, above the title
    if logo is not None:
        mark = Image.open(logo).convert("RGBA")
        mark.thumbnail((120, 120))
        picture.paste(mark, ((WIDTH - mark.width) // 2, 100), mark)
        shift = 110
    centred(pen, shift + 290, c.TITLE, font(120, 700), BLUE, WIDTH)
    centred(pen, shift + 390, c.GIVEN_TO, font(42, 400), INK, WIDTH)
    name = printed.name or c.NO_NAME_LINE
    centred(pen, shift + 505, name, fitted(pen, name, 84, 700, text_width), INK, WIDTH)
    pen.line((WIDTH // 2 - 420, shift + 535, WIDTH // 2 + 420, shift + 535), fill=GOLD, width=3)
    centred(pen, shift + 615, c.COMPLETED, font(42, 400), INK, WIDTH)
    title = printed.track_title
    centred(pen, shift + 705, title, fitted(pen, title, 60, 700, text_width), BLUE, WIDTH)
    when = c.ON_DATE.format(date=long_day(printed.issued_on))
    centred(pen, shift + 790, when, font(40, 400), INK, WIDTH)
    # The organisation, bottom left, as a signature.
    left, base = 150, HEIGHT - 150
    pen.line((left, base - 75, left + 560, base - 75), fill=GOLD, width=3)
    pen.text((left, base - 30), c.BY_ORG, font=font(30, 400), fill=MUTED, anchor="ls")
    pen.text(
        (left, base + 25),
        printed.org_name,
        font=fitted(pen, printed.org_name, 44, 700, 560),
        fill=INK,
        anchor="ls",
    )
    # The QR code to /verify/<code>, bottom right, with the code under it.
    size = 200
    x, y = WIDTH - 110 - size, HEIGHT - 140 - size
    picture.paste(qr_image(printed.verify_url, size), (x, y))
    pen.text((x + size // 2, y - 12), c.SCAN, font=font(26, 500), fill=MUTED, anchor="ms")
    pen.text(
        (x + size // 2, y + size + 34),
        c.CODE_LINE.format(code=printed.code),
        font=font(24),
        fill=MUTED,
        anchor="ms",
    )
    return picture


def image_png(printed: Printed, logo: Path | None = None, *, preview: bool = False) -> bytes:
    picture = draw(printed, logo)
    if preview:
        height = round(HEIGHT * PREVIEW_WIDTH / WIDTH)
        picture = picture.resize((PREVIEW_WIDTH, height), Image.Resampling.LANCZOS)
    return png(picture)


def class_pdf(certificates: list[Printed], logo: Path | None, *, title: str) -> bytes:
    """One A4 landscape page per certificate."""
    return pdf([draw(printed, logo) for printed in certificates], title=title)
