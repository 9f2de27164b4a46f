"""Help in the moment (issue 16, section 1): "โดนหลอกแล้ว" gets the urgent steps first, in any phase.

The steps never move the learner: whatever they were doing (a card, a quiz, the consent question) is still
on hold afterwards, and "เรียนต่อ" picks it up. The one exception is asking for another bank by name
(`Phase.BANK_NAME`), a detour that ends with the next typed text.

PDPA: someone with no learner row (before following, or after erasing their data) gets the steps and the
bank cards without a row being created for them: nothing about them is needed to help, so nothing is kept.
"""

from __future__ import annotations

from bot.content import Audience
from bot.flow import lessons, views
from bot.flow.turn import Messages, Params, Step, Turn, resuming, say
from bot.help import (
    Match,
    Situation,
    bank_card,
    bank_mentioned,
    bank_picker,
    load_help_content,
    other_bank_prompt,
    read_bank,
    urgent_steps,
)
from bot.help.messages import EMERGENCY_BUTTON, OTHER_BANK
from bot.storage.models import Phase
from bot.voice import texts as t
from bot.voice.ui import button, text, with_buttons

# A bank name typed by someone with no learner row is read only when it is this short ("กสิกรค่ะ").
MAX_BANK_NAME = 40


def audience(turn: Turn) -> Audience:
    """The wording to use: the learner's track's, or the general one before they have a track."""
    if turn.found is None:
        return Audience.GENERAL
    track = turn.track()
    return track.audience if track is not None else Audience.GENERAL


def _with_continue(turn: Turn, messages: Messages) -> Messages:
    """Add "เรียนต่อ" to the last message's quick replies, for a learner who has somewhere to go back to."""
    if turn.found is None or not messages:
        return messages
    last = dict(messages[-1])
    items = list((last.get("quickReply") or {}).get("items", []))
    extra = with_buttons({}, [button(t.CONTINUE, "continue")])["quickReply"]["items"]
    last["quickReply"] = {"items": [*items, *extra][:13]}
    return [*messages[:-1], last]


def emergency(turn: Turn, match: Match, message: str) -> Step:
    """The learner says they were scammed: the urgent steps, at once; their place in the course is kept.

    A bank named in the message ("โอนจากกสิกรไปแล้ว") gets its call button first, and the picker stays."""
    bank = bank_mentioned(message)
    steps = urgent_steps(audience(turn), bank=bank, situation=match.situation, picker=True)
    return say(*_with_continue(turn, steps))


def pressed_emergency(turn: Turn, _params: Params) -> Step:
    """The "โดนหลอก?" tile or button: the same steps, with the calmer first line of someone asking."""
    return say(*_with_continue(turn, urgent_steps(audience(turn), situation=Situation.ASKING)))


def pressed_bank(turn: Turn, params: Params) -> Step:
    """A bank from the picker, or "ธนาคารอื่น": then the next typed text is read as the bank's name."""
    choice = params.get("b", "")
    if choice == OTHER_BANK:
        prompt = other_bank_prompt(audience(turn))
        if turn.found is None:
            return say(prompt)  # no row to keep a phase in: a short bank name is read anyway (see `typed`)
        back = turn.learner.phase if turn.learner.phase is not Phase.BANK_NAME else None
        return say(prompt, to=Phase.BANK_NAME, resume=back) if back else say(prompt)
    bank = load_help_content().bank(choice)
    if bank is None:
        return say(bank_picker(audience(turn)))
    return say(*_with_continue(turn, [bank_card(bank, audience(turn))]))


def typed_bank(turn: Turn, message: str) -> Step:
    """The name of the learner's bank, after "ธนาคารอื่น": its card; unsure, the picker again."""
    back = turn.learner.resume_phase or Phase.MODULE_DONE
    bank = read_bank(message)
    if bank is None:
        picker = with_buttons(bank_picker(audience(turn)), [EMERGENCY_BUTTON, button(t.CONTINUE, "continue")])
        return say(text(t.BANK_UNKNOWN), picker, to=back, resume=None)
    return say(*_with_continue(turn, [bank_card(bank, audience(turn))]), to=back, resume=None)


def bank_named_by_a_stranger(turn: Turn, message: str) -> Step | None:
    """Someone with no learner row typed a bank's name (after "ธนาคารอื่น"): its card, storing nothing."""
    if len(message) > MAX_BANK_NAME:
        return None
    bank = read_bank(message)
    return say(bank_card(bank, Audience.GENERAL)) if bank is not None else None


def pressed_lesson(turn: Turn, params: Params) -> Step:
    """ "อ่าน: <lesson>" under the steps or a check: open it when it is on their track, else say so kindly."""
    learner = turn.learner
    if learner.consented_at is None or turn.track() is None:
        return resuming()
    track = turn.track()
    module_id = params.get("m", "")
    lesson = turn.content.lessons.get(module_id)
    if track is None or lesson is None or module_id not in track.modules:
        return say(text(t.LESSON_NOT_ON_TRACK, views.menu_buttons()))
    return lessons.start_lesson(turn, lesson)
