"""The class invite poster: an A4 page to print and pin up, with the bot's name, the class's join QR code, the
join code in large type and the three steps to add the bot and join."""

from __future__ import annotations

from PIL import Image, ImageDraw

from bot.printing import A4_LONG, A4_SHORT, BLUE, GOLD, INK, MUTED, centred, fitted, font, pdf, qr_image
from bot.voice import certificates as c

WIDTH, HEIGHT = A4_SHORT, A4_LONG


def draw(*, bot_name: str, class_name: str, code: str, chat_url: str, basic_id: str) -> Image.Image:
    picture = Image.new("RGB", (WIDTH, HEIGHT), "white")
    pen = ImageDraw.Draw(picture)
    pen.rectangle((0, 0, WIDTH, 260), fill=BLUE)
    centred(pen, 140, bot_name, fitted(pen, bot_name, 120, 800, WIDTH - 160), "white", WIDTH)
    centred(pen, 228, basic_id, font(36, 500), "#DDE6F5", WIDTH)
    centred(pen, 345, c.POSTER_TITLE, fitted(pen, c.POSTER_TITLE, 64, 700, WIDTH - 160), INK, WIDTH)
    room = c.POSTER_CLASS.format(name=class_name)
    centred(pen, 415, room, fitted(pen, room, 46, 500, WIDTH - 160), MUTED, WIDTH)
    size = 520
    picture.paste(qr_image(chat_url, size), ((WIDTH - size) // 2, 455))
    centred(pen, 1040, c.POSTER_CODE, font(44, 500), INK, WIDTH)
    spaced = " ".join(code)
    pen.rounded_rectangle((WIDTH // 2 - 330, 1065, WIDTH // 2 + 330, 1225), radius=24, outline=GOLD, width=6)
    centred(pen, 1190, spaced, font(130, 800), BLUE, WIDTH)
    y = 1330
    for step in c.POSTER_STEPS:
        words = step.format(basic_id=basic_id, code=code)
        pen.text((110, y), words, font=fitted(pen, words, 46, 500, WIDTH - 220), fill=INK, anchor="ls")
        y += 95
    centred(pen, HEIGHT - 70, c.POSTER_FREE, fitted(pen, c.POSTER_FREE, 36, 400, WIDTH - 160), MUTED, WIDTH)
    return picture


def poster_pdf(*, bot_name: str, class_name: str, code: str, chat_url: str, basic_id: str) -> bytes:
    page = draw(bot_name=bot_name, class_name=class_name, code=code, chat_url=chat_url, basic_id=basic_id)
    return pdf([page], title=f"{bot_name} {code}")
