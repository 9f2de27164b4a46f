"""check_image: read a screenshot with Tesseract (Thai + English, offline), then check the text.

Tesseract is a system program (Debian: tesseract-ocr, tesseract-ocr-tha), not a Python package; when it or
its Thai data is missing, OcrUnavailable says which and how to install it, instead of a traceback.
"""

from __future__ import annotations

import io
import re
from functools import lru_cache

import pytesseract
from PIL import Image, ImageOps, UnidentifiedImageError

from bot.check.catalogue import Catalogue
from bot.check.engine import CheckResult, check_text

LANGUAGES = "tha+eng"
INSTALL_HINT = "install the Debian packages tesseract-ocr and tesseract-ocr-tha (apt-get install ...)"
# Phone screenshots are ~1080 px wide; larger images cost time without reading better.
MAX_WIDTH = 1400
MIN_WIDTH = 900  # small crops are enlarged: Tesseract reads Thai marks badly below ~20 px per line
OCR_TIMEOUT_S = 20


class OcrUnavailable(RuntimeError):
    """Tesseract or its Thai data is not installed on this machine."""


class NotAnImage(ValueError):
    """The bytes are not an image Pillow can open."""


@lru_cache(maxsize=1)
def ocr_problem() -> str | None:
    """None when OCR can run here; else one sentence saying what is missing."""
    try:
        pytesseract.get_tesseract_version()
    except pytesseract.TesseractNotFoundError:
        return f"Tesseract is not installed: {INSTALL_HINT}."
    try:
        languages = set(pytesseract.get_languages(config=""))
    except pytesseract.TesseractError as exc:
        return f"Tesseract cannot list its languages ({exc}): {INSTALL_HINT}."
    if "tha" not in languages:
        return f"Tesseract has no Thai data (tha): {INSTALL_HINT}."
    return None


def _prepared(data: bytes) -> Image.Image:
    image: Image.Image
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError) as exc:
        raise NotAnImage("the file is not an image that can be read (PNG, JPEG, WebP...)") from exc
    image = ImageOps.exif_transpose(image).convert("L")
    if image.width > MAX_WIDTH or image.width < MIN_WIDTH:
        scale = (MAX_WIDTH if image.width > MAX_WIDTH else MIN_WIDTH) / image.width
        image = image.resize(
            (round(image.width * scale), round(image.height * scale)), Image.Resampling.LANCZOS
        )
    return image


def read_image(data: bytes) -> str:
    """The text Tesseract reads in the image (Thai and English)."""
    problem = ocr_problem()
    if problem is not None:
        raise OcrUnavailable(problem)
    image = _prepared(data)
    # --psm 3: automatic page layout, the right one for chat bubbles and SMS screens.
    return str(pytesseract.image_to_string(image, lang=LANGUAGES, config="--psm 3", timeout=OCR_TIMEOUT_S))


def check_image(data: bytes, catalogue: Catalogue | None = None) -> CheckResult:
    """The warning signs in a screenshot; an image with no readable text is not a message."""
    text = read_image(data)
    if not text.strip():
        return CheckResult(verdict="not_a_message")
    return check_text(joined_lines(text), catalogue, from_ocr=True)


# A line that ends inside a link: "https://rd-" / "bit.ly/" / "www.kbank-" (the phone wrapped it).
_BROKEN_LINK = re.compile(r"(?:https?://|www\.)[!-~]*[-/.]$|[a-z0-9-]+\.[a-z]{2,}/[!-~]*$", re.IGNORECASE)


def joined_lines(text: str) -> str:
    """Tesseract keeps the screen's line breaks: rejoin a link the phone wrapped, drop empty lines."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    joined: list[str] = []
    for line in lines:
        if joined and _BROKEN_LINK.search(joined[-1]) and re.match(r"[A-Za-z0-9/]", line):
            joined[-1] += line
        else:
            joined.append(line)
    return "\n".join(joined)
