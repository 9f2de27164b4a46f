"""Check a forwarded message, link or screenshot for known warning signs ("ส่งมาให้รู้ทันดู").

    check_text(text) -> CheckResult      signs found in the text, with the words that show them
    check_image(bytes) -> CheckResult    the same, on the text Tesseract reads in a screenshot
    combine([CheckResult]) -> CheckResult   one answer for several messages forwarded together
    reply_messages(result, audience)     the Thai answer, as LINE message JSON

The signs and the official domains are content: curriculum/signs.yaml, curriculum/official-domains.yaml.
"""

from bot.check.catalogue import Catalogue, CatalogueError, default_catalogue, load_catalogue
from bot.check.engine import CheckResult, Sign, check_text, combine
from bot.check.ocr import NotAnImage, OcrUnavailable, check_image, ocr_problem
from bot.check.replies import reply_messages

__all__ = [
    "Catalogue",
    "CatalogueError",
    "CheckResult",
    "NotAnImage",
    "OcrUnavailable",
    "Sign",
    "check_image",
    "check_text",
    "combine",
    "default_catalogue",
    "load_catalogue",
    "ocr_problem",
    "reply_messages",
]
