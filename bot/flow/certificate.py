"""Certificates (issue 18): when the track is done, Ruthan asks what name to print, then sends the
certificate's image (drawn by the bot, served under PUBLIC_BASE_URL) with a QR code to /verify/<code>.

Only the name the learner chooses to give is asked for ("ไม่ใส่ชื่อ" prints none); it is kept only to confirm
the certificate, and erased with the learner's data. Rules and storage: bot/learning/certificates.py.
"""

from __future__ import annotations

from bot.flow import views
from bot.flow.turn import Params, Step, Turn, resuming, say
from bot.learning import certificates as rules
from bot.learning import progress as records
from bot.storage.models import Phase
from bot.voice import certificates as c
from bot.voice import texts as t
from bot.voice.ui import Button, button, image, text

ACTION = "cert"


def due(turn: Turn) -> bool:
    """Certificates are on, every module of the learner's track is done, and none was issued for it yet."""
    track = turn.track()
    if not turn.site.certificates_on or track is None:
        return False
    if records.next_lesson(turn.session, turn.content, turn.learner, track) is not None:
        return False
    return rules.of_track(turn.session, turn.learner, track.id) is None


def _no_name() -> list[Button]:
    return [button(c.NO_NAME, ACTION, v="none")]


def ask(turn: Turn) -> Step:
    return say(text(c.ASK_NAME, _no_name()), to=Phase.CERT_NAME)


def track_end(turn: Turn, words: str) -> Step:
    """The track's last words (`words`), then the name for the certificate, when one is due."""
    if due(turn):
        return say(text(words)) + ask(turn)
    return say(text(words, views.menu_buttons()), to=Phase.TRACK_DONE)


def after_final_check(turn: Turn) -> Step:
    return ask(turn) if due(turn) else Step(to=Phase.TRACK_DONE)


def resume(turn: Turn) -> Step:
    """Back to the question, or (the certificate was issued meanwhile, or the track changed) to the end."""
    if due(turn):
        return say(text(c.ASK_NAME, _no_name()))
    return say(text(t.TRACK_DONE, views.menu_buttons()), to=Phase.TRACK_DONE)


def typed_name(turn: Turn, message: str) -> Step:
    """The name to print: cleaned of emoji and control characters; too long or empty is asked again kindly."""
    if turn.learner.phase is not Phase.CERT_NAME:
        return views.not_understood(turn)
    if " ".join(message.split()) in c.NO_NAME_WORDS:
        return _issue(turn, None)
    reading = rules.clean_name(message)
    if reading.too_long:
        return say(text(c.NAME_TOO_LONG.format(limit=rules.MAX_NAME), _no_name()))
    if reading.name is None:
        return say(text(c.NAME_EMPTY, _no_name()))
    return _issue(turn, reading.name)


def pressed(turn: Turn, params: Params) -> Step:
    """ "ไม่ใส่ชื่อ": a certificate with no name. An old button pressed again issues nothing new."""
    if turn.learner.phase is not Phase.CERT_NAME or params.get("v") != "none":
        return resuming()
    return _issue(turn, None)


def media(turn: Turn) -> Step:
    """A sticker or photo when a name was asked for."""
    return say(text(c.NAME_MEDIA, _no_name()))


def _issue(turn: Turn, name: str | None) -> Step:
    track = turn.track()
    if not due(turn) or track is None:
        return Step(to=Phase.TRACK_DONE, then_resume=True)
    certificate = rules.issue(
        turn.session,
        turn.learner,
        track_id=track.id,
        track_title=track.title,
        name=name,
        org_name=turn.site.org_name,
        today=turn.today,
        now=turn.now,
    )
    site = turn.site
    picture = image(site.image_url(certificate.code), site.image_url(certificate.code, preview=True))
    words = text(c.ISSUED.format(code=certificate.code), views.menu_buttons())
    return say(picture, words, to=Phase.TRACK_DONE)
