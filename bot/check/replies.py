"""reply_messages: the Thai answer to a check, as LINE message JSON built with bot.voice.ui's builders."""

from __future__ import annotations

from typing import Literal

from bot.check import texts as t
from bot.check.catalogue import Catalogue, default_catalogue
from bot.check.engine import CheckResult
from bot.gateway import MessageJSON
from bot.voice import ui

Audience = Literal["student", "elderly", "general"]

# Elderly learners get the first three signs only (large type, one screen); everyone else up to six.
MAX_SIGNS = {"elderly": 3}
DEFAULT_MAX_SIGNS = 6


def lesson_for(result: CheckResult, audience: str, catalogue: Catalogue | None = None) -> str | None:
    """The module to offer after this answer: the elderly track has its own modules."""
    if result.module is None:
        return None
    if audience != "elderly":
        return result.module
    catalogue = catalogue or default_catalogue()
    if result.signs:
        return catalogue.sign(result.signs[0].id).elderly_module
    return "elderly-stop-think"


def reply_messages(result: CheckResult, audience: str) -> list[MessageJSON]:
    """What the learner reads: each sign in one sentence with the words that show it, then what to do now."""
    elderly = audience == "elderly"
    if result.verdict == "not_a_message":
        return [ui.card(t.NOT_A_MESSAGE_ELDERLY if elderly else t.NOT_A_MESSAGE, large=elderly)]
    if result.verdict == "no_signs_found":
        return [ui.card(t.NO_SIGNS_ELDERLY if elderly else t.NO_SIGNS, title=t.NO_SIGNS_TITLE, large=elderly)]
    limit = MAX_SIGNS.get(audience, DEFAULT_MAX_SIGNS)
    shown = result.signs[:limit]
    lines = [
        t.SIGN_LINE.format(number=number, text=sign.text_th, evidence=sign.evidence)
        for number, sign in enumerate(shown, start=1)
    ]
    if len(result.signs) > limit:
        lines.append(t.MORE_SIGNS.format(count=len(result.signs) - limit))
    title = (t.WARNING_TITLE_ELDERLY if elderly else t.WARNING_TITLE).format(count=len(result.signs))
    return [
        ui.card("\n\n".join(lines), title=title, large=elderly),
        ui.card(t.WHAT_TO_DO_ELDERLY if elderly else t.WHAT_TO_DO, title=t.WHAT_TO_DO_TITLE, large=elderly),
    ]
