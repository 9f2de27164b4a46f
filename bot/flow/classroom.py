"""Joining and leaving a trainer's class by its code."""

from __future__ import annotations

from bot.flow import views
from bot.flow.turn import Step, Turn, resuming, say
from bot.learning import membership
from bot.storage.models import Phase
from bot.voice import texts as t
from bot.voice.ui import text


def class_request(turn: Turn, request: membership.JoinRequest) -> Step:
    """ "เข้าห้อง 4K7Q" joins a trainer's class (once consent is given); "ออกจากห้อง 4K7Q" leaves it.
    Too many codes that match no class make the learner wait a few minutes."""
    lookup = membership.lookup_code(
        turn.session, request.code, sources=[membership.user_source(turn.user_id)], now=turn.now
    )
    if lookup.wait is not None:
        return say(text(t.CODE_WAIT.format(minutes=lookup.wait_minutes), views.context_buttons(turn)))
    classroom = lookup.classroom
    if classroom is None:
        return say(text(t.CLASS_NOT_FOUND.format(code=request.code), views.context_buttons(turn)))
    if request.kind == "leave":
        if turn.found is None or not membership.leave(
            turn.session, learner_id=turn.found.id or 0, classroom=classroom
        ):
            return say(text(t.CLASS_NOT_MEMBER.format(code=request.code), views.context_buttons(turn)))
        return say(text(t.CLASS_LEFT.format(name=classroom.name), views.context_buttons(turn)))
    new_friend = turn.found is None
    if new_friend:
        turn.create()
        turn.session.flush()
    learner = turn.learner
    added = membership.join(
        turn.session, learner_id=learner.id or 0, classroom=classroom, nickname=request.nickname, now=turn.now
    )
    if learner.consented_at is None:
        # Members who have not agreed yet stay invisible to the trainer until they do; the class and
        # trainer are named once they agree (see `views.classes_joined`).
        pending = text(t.CLASS_AFTER_CONSENT.format(code=classroom.code))
        welcome, privacy = views.ask_consent()
        shown = [welcome, pending, privacy] if new_friend else [pending, privacy]
        return say(*shown, to=Phase.CONSENT)
    if membership.awaiting_parent(learner):
        return carry_on(turn, t.CLASS_AFTER_PARENT.format(code=classroom.code))
    trainer = membership.trainer_name(turn.session, classroom)
    if not added:
        said = (
            t.CLASS_RENAMED.format(name=classroom.name, nickname=request.nickname)
            if request.nickname
            else t.CLASS_ALREADY.format(name=classroom.name)
        )
        return carry_on(turn, said)
    shown_as = (
        t.CLASS_SHOWN_AS.format(nickname=request.nickname)
        if request.nickname
        else t.CLASS_NO_NAME.format(code=classroom.code)
    )
    return carry_on(
        turn, t.CLASS_JOINED.format(name=classroom.name, trainer=trainer, shown=shown_as, code=classroom.code)
    )


def carry_on(turn: Turn, said: str) -> Step:
    """Say something, then show again what the learner was doing (or the menu between lessons)."""
    if turn.learner.phase in (Phase.MODULE_DONE, Phase.TRACK_DONE):
        return say(text(said, views.menu_buttons()))
    return resuming(text(said))
