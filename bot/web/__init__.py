"""The web pages served next to the webhook: the learner-view simulator and the trainers' dashboard.

Pages are Jinja2 templates, Thai first with an English toggle (bot/web/i18n.py); static files are served
from bot/web/static, with nothing fetched from a CDN (the pages work on an offline machine).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from bot.web.i18n import LANG_COOKIE, Translator, language_of

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
TEMPLATES_DIR = HERE / "templates"


def _context(request: Request) -> dict[str, Any]:
    lang = language_of(request)
    return {"t": Translator(lang), "lang": lang, "other_lang": "en" if lang == "th" else "th"}


templates = Jinja2Templates(directory=TEMPLATES_DIR, context_processors=[_context])


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
    """A page, in the language the visitor chose (remembered in a cookie when chosen by ?lang=)."""
    response = templates.TemplateResponse(request, name, context, status_code=status_code)
    chosen = request.query_params.get("lang")
    if chosen in ("th", "en"):
        response.set_cookie(LANG_COOKIE, chosen, max_age=365 * 24 * 3600, samesite="lax", httponly=True)
    return response
