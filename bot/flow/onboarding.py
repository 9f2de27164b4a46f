"""Consent, track choice, the age check and a parent's consent: everything before the first lesson."""

from __future__ import annotations

from bot import answers
from bot.content import Audience, Track
from bot.flow import lessons, views
from bot.flow.turn import Params, Step, Turn, resuming, say
from bot.storage.models import Phase
from bot.voice import texts as t
from bot.voice.ui import button, text

# A typed age: below PARENT_AGE a parent must agree (PDPA); outside MIN_AGE-MAX_AGE it is no age ("0",
# "555" laughing): the question is asked again.
PARENT_AGE = 10
MIN_AGE, MAX_AGE = 1, 120


def welcome() -> Step:
    """A new friend (or someone starting again): welcome and the privacy notice, to agree to."""
    return say(*views.ask_consent(), to=Phase.CONSENT)


def restart(turn: Turn) -> Step:
    if turn.learner.consented_at is None:
        return welcome()
    return resuming()


def consent(turn: Turn, params: Params) -> Step:
    learner = turn.learner
    if learner.consented_at is not None:
        return resuming()
    if params.get("v") != "yes":
        return say(text(t.DECLINED), to=Phase.DECLINED)
    learner.consented_at = turn.now
    return say(*views.classes_joined(turn), *views.ask_track(turn), to=Phase.TRACK)


def typed_before_consent(turn: Turn, message: str, command: str | None) -> Step:
    """Before consent, only consent's words (and help, and "start") mean something; `command` is the
    typed command the message reads as, if any."""
    phase = turn.learner.phase
    normalized = answers.normalize(message)
    if normalized.startswith(answers.normalize(t.CONSENT_NO)):
        return consent(turn, {"v": "no"})
    if normalized.startswith(answers.normalize(t.CONSENT_YES)):
        return consent(turn, {"v": "yes"})
    if command == "help":
        return say(text(t.HELP))
    if command == "start" or phase is Phase.CONSENT:
        decision = answers.read_yes_no(message)
        if decision is not None and phase is Phase.CONSENT:
            return consent(turn, {"v": "yes" if decision else "no"})
        return say(*views.ask_consent(again=command != "start"))
    return say(text(t.DECLINED))


def choose_track(turn: Turn, params: Params) -> Step:
    learner = turn.learner
    track = turn.content.track(params.get("id"))
    if learner.consented_at is None:
        return say(*views.ask_consent(again=True))
    if track is None or learner.phase not in (Phase.TRACK, Phase.TRACK_DONE, Phase.MODULE_DONE):
        return resuming() if learner.track_id else say(*views.ask_track(turn, again=True))
    learner.track_id = track.id
    if track.audience is Audience.STUDENT and not learner.parental_consent:
        return say(*views.ask_age(), to=Phase.AGE)
    return begin_or_ask_time(turn, track)


def typed_track(turn: Turn, message: str) -> Step:
    tracks = list(turn.content.tracks.values())
    index = answers.read_choice(message, [track.title for track in tracks])
    if index is None:
        return say(*views.ask_track(turn, again=True))
    return choose_track(turn, {"id": tracks[index].id})


def age(turn: Turn, params: Params) -> Step:
    if turn.learner.phase is not Phase.AGE:
        return resuming()
    if params.get("v") == "under":
        # PDPA guidance: children under 10 need a parent's consent.
        return say(text(t.PRIVACY), views.ask_parent(), to=Phase.PARENT)
    return begin_or_ask_time(turn, turn.track())


def typed_age(turn: Turn, message: str) -> Step:
    years = answers.read_age(message)
    if years is not None:
        if MIN_AGE <= years <= MAX_AGE:
            return age(turn, {"v": "under" if years < PARENT_AGE else "over"})
        return say(*views.ask_age(again=True))
    index = answers.read_choice(message, [t.AGE_10_PLUS, t.AGE_UNDER_10])
    if index is not None:
        return age(turn, {"v": "under" if index else "over"})
    return say(*views.ask_age(again=True))


def parent(turn: Turn, _params: Params) -> Step:
    if turn.learner.phase is not Phase.PARENT:
        return resuming()
    turn.learner.parental_consent = True
    return say(*views.classes_joined(turn)) + begin_or_ask_time(turn, turn.track())


def typed_parent(turn: Turn, message: str) -> Step:
    if answers.read_yes_no(message):
        return parent(turn, {})
    return say(text(t.PARENT_WAITING, [button(t.PARENT_YES, "parent")]))


def begin_or_ask_time(turn: Turn, track: Track | None) -> Step:
    """A first track starts with the reminder-time question; a later one starts at once."""
    if track is None or turn.learner.module_id is not None:
        return lessons.begin_track(turn, track)
    # resume=None: onboarding; the track begins once a time is chosen.
    return say(text(t.ASK_REMINDER_TIME, views.reminder_time_buttons()), to=Phase.REMINDER_TIME, resume=None)
