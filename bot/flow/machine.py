"""The tutor's state machine: the phases, the moves allowed between them, and the tables that route what a
learner did to the part of the flow that answers it. The only module that writes `learner.phase`.

A turn runs in three steps: an entry point (`followed`, `pressed`, `typed`, `sent_media`) picks the part
from a table (`ACTIONS` for buttons and typed commands, `COMMANDS` for the words of the commands,
`IN_PHASE` for a typed reply in a phase); the part, a plain function `(Turn, input) -> Step` in
bot/flow/<part>.py, answers with messages and the phase to move to; `run` checks the move against
`ENTERED_FROM` (and `DETOURS`), makes it, and shows the learner's screen again if the step asks to
resume. Parts call each other by import, downwards only: views <- certificate <- drills <- lessons <-
onboarding, reminding <- menu, classroom <- machine; none imports the machine.

A new kind of interaction (a drill, a check, a live game, emergency help) plugs in as one more part and
one more row per table it uses, e.g. a drill with its own phase::

    # bot/flow/drills.py
    def start(turn: Turn) -> Step:
        return say(text(t.DRILL_START), to=Phase.DRILL, resume=turn.learner.phase)

    def typed(turn: Turn, message: str) -> Step:
        back = turn.learner.resume_phase or Phase.MODULE_DONE
        return say(text(t.DRILL_DONE), to=back, resume=None)

    # here: ACTIONS["drill"] = plain(drills.start); COMMANDS["drill"] = (t.DRILL, "ซ้อม");
    # IN_PHASE[Phase.DRILL] = drills.typed; DETOURS |= {Phase.DRILL} (a detour from anywhere)
    # (and Phase.DRILL in bot/storage/models.py, with a migration).
"""

from __future__ import annotations

from collections.abc import Callable

from bot import answers
from bot.check import CheckResult
from bot.flow import (
    assigned,
    certificate,
    checking,
    classroom,
    drills,
    family,
    helping,
    lessons,
    menu,
    onboarding,
    reminding,
    reviewing,
    views,
)
from bot.flow.turn import KEEP, Messages, Params, Step, Turn, resuming, say
from bot.help import ACTION_BANK, ACTION_EMERGENCY, ACTION_LESSON, is_emergency
from bot.learning import membership
from bot.learning import progress as records
from bot.storage.models import Learner, Phase
from bot.voice import family as family_texts
from bot.voice import texts as t
from bot.voice.ui import text

# Longer messages are not read as answers or commands (a pasted SMS, an emoji storm): they may be checked.
MAX_READ_CHARS = 300

Action = Callable[[Turn, Params], Step]
InPhase = Callable[[Turn, str], Step]

# ----- the phases and their moves ------------------------------------------------------------------------

ANY = frozenset(Phase)
# Detours: entered from (almost) anywhere, and left for the phase they were entered from (`resume_phase`),
# so a detour may move to any phase.
DETOURS = frozenset(
    {Phase.REVIEW, Phase.PRACTICE, Phase.REMINDER_TIME, Phase.CONFIRM_DELETE, Phase.DRILL, Phase.BANK_NAME}
)
# Where each phase may be entered from (besides leaving a detour, and staying).
ENTERED_FROM: dict[Phase, frozenset[Phase]] = {
    Phase.CONSENT: ANY,  # a new friend, one starting again, or one whose consent is missing
    Phase.DECLINED: frozenset({Phase.CONSENT}),
    Phase.TRACK: ANY,  # just agreed, or their track is gone from the content
    Phase.AGE: frozenset({Phase.TRACK, Phase.TRACK_DONE, Phase.MODULE_DONE}),
    Phase.PARENT: frozenset({Phase.AGE}),
    Phase.CARD: ANY,  # a lesson starts (or is picked up again) wherever the learner was
    Phase.QUESTION: frozenset({Phase.CARD}),
    Phase.MODULE_DONE: frozenset({Phase.QUESTION, Phase.MODULE_DRILL}),
    Phase.TRACK_DONE: ANY,
    Phase.REVIEW: ANY,
    Phase.PRACTICE: frozenset({Phase.MODULE_DONE, Phase.TRACK_DONE}),
    Phase.REMINDER_TIME: ANY,
    Phase.CONFIRM_DELETE: ANY,
    # Drills in the conversation (issue 14): bot/flow/drills.py
    Phase.MODULE_DRILL: frozenset({Phase.QUESTION}),  # after the module's quiz
    Phase.DRILL: ANY,  # a detour: the daily set, or drills due for review
    Phase.CHECK_OFFER: ANY,  # a track begins (after its onboarding questions) or ends
    Phase.CHECK: frozenset({Phase.CHECK_OFFER}),
    # Help in the moment (issue 16): "ธนาคารอื่น" under the urgent steps, from wherever the learner was.
    Phase.BANK_NAME: ANY,
    # Certificates (issue 18): the track's end, wherever it was reached (last module, final check or not).
    Phase.CERT_NAME: ANY,
}


class IllegalMove(RuntimeError):
    """A part asked for a move the table does not allow: a bug in the flow, never the learner's doing."""


def allowed(origin: Phase, target: Phase) -> bool:
    return origin is target or origin in DETOURS or origin in ENTERED_FROM[target]


def move(learner: Learner, target: Phase) -> None:
    """The one place a learner's phase is written."""
    if not allowed(learner.phase, target):
        raise IllegalMove(f"{learner.phase} -> {target}")
    learner.phase = target


def run(turn: Turn, step: Step) -> Messages:
    """Make the step's move, then (if it asks) pick up where the learner now is; the messages to send."""
    messages = list(step.messages)
    learner = turn.found
    if learner is not None:  # None: they have just erased their data
        if step.to is not None:
            move(learner, step.to)
        if step.resume is not KEEP:
            learner.resume_phase = step.resume
    if step.then_resume:
        messages += run(turn, resume(turn))
    return messages


def resume(turn: Turn) -> Step:
    """Pick up exactly where the learner was, repairing state the content no longer supports."""
    learner = turn.learner
    if learner.consented_at is None:
        return say(*views.ask_consent(again=True), to=Phase.CONSENT)
    track = turn.track()
    if track is None:
        return say(*views.ask_track(turn), to=Phase.TRACK)
    phase = learner.phase
    if phase in drills.PHASES and drills.current_drill(turn) is not None:
        return say(drills.show(turn))
    if phase is Phase.CHECK_OFFER:
        offer = drills.show_offer(turn)
        if offer:
            return say(*offer)
    if phase is Phase.AGE:
        return say(*views.ask_age())
    if phase is Phase.PARENT:
        return say(views.ask_parent())
    if phase is Phase.CERT_NAME:
        return certificate.resume(turn)
    if phase in (Phase.REVIEW, Phase.PRACTICE) and views.current_question(turn) is not None:
        return say(views.show_question(turn))
    if phase is Phase.REMINDER_TIME:
        # Moving on without choosing keeps the time already set (19:00 unless changed).
        return reminding.set_reminder_time(turn, learner.remind_minute, kept=True)
    now_in: Phase = phase
    repaired = Step()
    if phase is Phase.PRACTICE:  # the module's questions changed under the round: it ends
        now_in = learner.resume_phase or Phase.MODULE_DONE
        repaired = Step(to=now_in, resume=None)
    if phase in (Phase.CONFIRM_DELETE, Phase.BANK_NAME):
        now_in = learner.resume_phase or Phase.MODULE_DONE
        repaired = Step(to=now_in, resume=None if phase is Phase.BANK_NAME else KEEP)
    if phase is Phase.REVIEW:  # the question on screen left the content: the next one due, or back
        remaining = reviewing.due_reviews(turn)
        if remaining:
            learner.review_question_id = remaining[0][1].id
            return say(views.show_question(turn))
        now_in = learner.resume_phase or Phase.MODULE_DONE
        learner.review_question_id = None
        repaired = Step(to=now_in, resume=None)
    if phase is Phase.DRILL:  # the round's drills are gone from the content: the detour ends
        now_in = learner.resume_phase or Phase.MODULE_DONE
        repaired = Step(to=now_in, resume=None)
    if phase in drills.PHASES or phase is Phase.CHECK_OFFER:
        drills.end_round(turn)
    lesson = turn.lesson()
    if now_in in (Phase.CARD, Phase.QUESTION) and lesson is not None:
        if now_in is Phase.CARD and learner.step == 0:  # nothing read yet: the trainer's module first
            first = assigned.instead_of(turn, lesson)
            if first is not None:
                return repaired + first
        if now_in is Phase.CARD and learner.step < len(lesson.module.cards):
            return repaired + say(views.show_card(turn))
        if now_in is Phase.QUESTION and learner.step < len(lesson.questions):
            return repaired + say(views.show_question(turn, phase=now_in))
    first = assigned.instead_of(turn, None)  # a trainer's assignment before the normal next module
    if first is not None:
        return repaired + first
    following = records.next_lesson(turn.session, turn.content, learner, track)
    return repaired + (lessons.start_lesson(turn, following) if following else drills.track_done(turn))


# ----- the routing tables --------------------------------------------------------------------------------


def plain(part: Callable[[Turn], Step]) -> Action:
    """An action that reads no parameters."""
    return lambda turn, _params: part(turn)


# Buttons (postback `a=`) and typed commands, by name.
ACTIONS: dict[str, Action] = {
    "consent": onboarding.consent,
    "track": onboarding.choose_track,
    "age": onboarding.age,
    "parent": onboarding.parent,
    "next": plain(lessons.next_card),
    "again": plain(
        lambda turn: drills.again(turn) if turn.learner.phase in drills.PHASES else lessons.again(turn)
    ),
    "ans": lessons.answer_button,
    "continue": plain(lambda _turn: resuming()),
    "progress": plain(menu.progress),
    "review": plain(reviewing.start_review),
    "practice": plain(lessons.start_practice),
    "menu": plain(lambda _turn: views.menu()),
    "help": plain(lambda _turn: menu.help_card()),
    "delete": plain(menu.ask_delete),
    "delete_confirm": menu.confirm_delete,
    "start": plain(onboarding.restart),
    "remind": reminding.choose_reminder_time,
    "set_reminder": plain(reminding.ask_reminder_time),
    "snooze": plain(reminding.snooze),
    "stop_reminders": plain(reminding.stop_reminders),
    "restart_reminders": plain(reminding.restart_reminders),
    # Drills in the conversation (issue 14)
    "drill": drills.answer_button,
    "daily": plain(drills.start_daily),
    "check": drills.check_choice,
    # Help in the moment and checks (issue 16).
    ACTION_EMERGENCY: helping.pressed_emergency,
    ACTION_BANK: helping.pressed_bank,
    ACTION_LESSON: helping.pressed_lesson,
    "check_help": plain(checking.how_to),
    # The family link (issue 16 section 3): the learner's side.
    "family_invite": plain(family.invite),
    "family_accept": family.decide,
    "code_word": plain(family.code_word),
    certificate.ACTION: certificate.pressed,  # "ไม่ใส่ชื่อ" (issue 18)
}

# Buttons anyone may press, learner or not (a relative linked by the family feature): no learner is made
# for them. The family link (issue 16 section 3): the relative's side.
OPEN_ACTIONS: dict[str, Action] = {
    "family_cheer": family.cheer,
    "family_end": family.end_link,
}

# Buttons that work for someone with no learner row yet (or any more), without creating one (PDPA).
WITHOUT_A_ROW = frozenset({ACTION_EMERGENCY, ACTION_BANK, "check_help"})

# Typed commands and the words learners use for them; matching tolerates typos (see bot.answers). Each
# name is an action above.
COMMANDS: dict[str, tuple[str, ...]] = {
    "continue": (t.CONTINUE, "ไปต่อ", "เรียน", "ต่อ"),
    "progress": (t.PROGRESS, "คืบหน้า", "ดูคะแนน", "คะแนน"),
    "review": (t.REVIEW,),
    "practice": (t.PRACTICE, "ฝึก", "ฝึกเลย", "ฝึกตอบ"),
    "menu": (t.MENU_LABEL,),
    "help": (t.HELP_LABEL, "ช่วยด้วย", "ช่วย"),
    "delete": (t.DELETE_LABEL, "ลบข้อมูล"),
    "start": (t.START, "เริ่มใหม่", "เริ่มเรียน"),
    "next": (t.NEXT, "ถัดไป"),
    "again": (t.READ_AGAIN, "อ่านใหม่", "อ่านไม่ทัน", "อ่านอีกที", "ขออ่านอีกที"),
    "set_reminder": (t.SET_REMINDER, "เปลี่ยนเวลาเตือน", "เวลาเตือน", "เปลี่ยนเวลา", "ตั้งเวลา"),
    "snooze": (t.SNOOZE, "เตือนพรุ่งนี้"),
    "stop_reminders": (
        t.STOP_REMINDERS,
        "ปิดเตือน",
        "เลิกเตือน",
        "ไม่ต้องเตือน",
        "ไม่ต้องเตือนแล้ว",
        "ไม่ต้องเตือนอีก",
        "ปิดการเตือน",
        "หยุดการเตือน",
    ),
    "restart_reminders": (t.RESTART_REMINDERS, "เตือนด้วย", "เตือนอีก", "เตือนอีกครั้ง", "เปิดการเตือน"),
    # Help in the moment and checks (issue 16).
    ACTION_EMERGENCY: ("โดนหลอก?", "ขอความช่วยเหลือ"),
    "check_help": (t.CHECK_LABEL, "ตรวจข้อความ", "เช็กข้อความ", "ตรวจลิงก์", "เช็กลิงก์"),
    # The family link (issue 16 section 3); its other words, which anyone may type, are family.OPEN_WORDS.
    "family_invite": (family_texts.INVITE_LABEL, "ชวนครอบครัว", "ชวนลูกหลานมาดู", "เชิญลูกหลาน"),
    "daily": (t.DAILY, "ซ้อม", "จับโกง", "ซ้อมจับผิด", "ฝึกจับโกง"),  # drills (issue 14)
}

# The commands by their buttons' own words (the first of each), as LINE shows them when pressed.
LABELS = {words[0]: name for name, words in COMMANDS.items()}

# A typed reply that is no command, by the phase the learner is in (other phases: "not understood").
IN_PHASE: dict[Phase, InPhase] = {
    Phase.TRACK: onboarding.typed_track,
    Phase.AGE: onboarding.typed_age,
    Phase.PARENT: onboarding.typed_parent,
    Phase.CARD: lessons.typed_on_card,
    Phase.QUESTION: lessons.typed_answer,
    Phase.REVIEW: lessons.typed_answer,
    Phase.PRACTICE: lessons.typed_answer,
    Phase.REMINDER_TIME: reminding.typed_reminder_time,
    # Drills in the conversation (issue 14)
    Phase.MODULE_DRILL: drills.typed,
    Phase.DRILL: drills.typed,
    Phase.CHECK: drills.typed,
    Phase.CHECK_OFFER: drills.typed_offer,
    Phase.BANK_NAME: helping.typed_bank,  # help in the moment (issue 16)
    Phase.CERT_NAME: certificate.typed_name,  # certificates (issue 18)
}
# Phases whose typed reply is read by `IN_PHASE` before anything else but an emergency, a class or family
# code, or a button's own words (`LABELS`): a name may look like a command ("ต่อ" is a nickname too) or be
# long, and is never a forwarded message.
READ_FIRST = frozenset({Phase.CERT_NAME})


# ----- what the learner did (the events; bot/flow/tutor.py is their face for the handlers) --------------


def followed(turn: Turn) -> Messages:
    """A new friend is welcomed and asked for consent; a returning one picks up where they left off."""
    if turn.found is None:
        turn.create()
        return run(turn, onboarding.welcome())
    learner = turn.found
    learner.following = True
    if learner.phase in (Phase.CONSENT, Phase.DECLINED):
        return run(turn, onboarding.welcome())
    return run(turn, resuming(text(t.WELCOME_BACK)))


def unfollowed(turn: Turn) -> Messages:
    """The learner blocked the bot: mark them inactive and send nothing."""
    family.unfollowed(turn)  # a relative who blocks the bot ends their links
    if turn.found is not None:
        turn.found.following = False
    return []


def pressed(turn: Turn, action: str, params: Params) -> Messages:
    """A quick-reply or rich-menu button was pressed (a postback)."""
    opened = OPEN_ACTIONS.get(action)
    if opened is not None:
        return run(turn, opened(turn, params))
    if turn.found is None and action in WITHOUT_A_ROW:
        return run(turn, ACTIONS[action](turn, params))
    if turn.found is None:
        turn.create()
        return run(turn, onboarding.welcome())
    handler = ACTIONS.get(action)
    return run(turn, handler(turn, params) if handler else views.not_understood(turn))


def typed(turn: Turn, message: str) -> Messages:
    """The learner typed something: "I've been scammed" (answered first, always), a command, an answer, a
    message forwarded to be checked, or something we kindly do not understand."""
    emergency = is_emergency(message)
    if emergency is not None:
        return run(turn, helping.emergency(turn, emergency, message))  # in any phase; it moves nobody
    request = membership.read_join(message)
    if request is not None and request.kind in ("join", "leave"):
        return run(turn, classroom.class_request(turn, request))
    opened = family.typed_by_anyone(turn, message)  # a family code or word, from a learner or a relative
    if opened is not None:
        return run(turn, opened)
    if turn.found is None:
        helped = _without_a_row(turn, message)
        if helped is not None:
            return run(turn, helped)
        turn.create()
        return run(turn, onboarding.welcome())
    short = len(message) <= MAX_READ_CHARS
    phase = turn.learner.phase
    if phase in READ_FIRST:  # only a button's own words are a command there
        label = LABELS.get(" ".join(message.split()))
        return run(turn, ACTIONS[label](turn, {}) if label else IN_PHASE[phase](turn, message))
    if short and phase is Phase.CONFIRM_DELETE:
        decision = answers.read_yes_no(message)
        if decision is not None:
            return run(turn, menu.confirm_delete(turn, {"v": "yes" if decision else "no"}))
    command = answers.read_command(message, COMMANDS) if short else None
    if command is None and not (
        short and phase in views.ANSWERING and lessons.reads_as_answer(turn, message)
    ):
        # Not a command, nor an answer to the question on screen: a message forwarded to be checked?
        check = _check(turn, message)
        if check is not None:
            return run(turn, check)
    if not short:
        return [text(t.TOO_LONG, views.context_buttons(turn))]
    if phase in (Phase.CONSENT, Phase.DECLINED):
        return run(turn, onboarding.typed_before_consent(turn, message, command))
    if command == "continue" and phase is Phase.CARD and message.strip() != t.CONTINUE:
        # "ต่อ", "ไปต่อเลย" typed under a card mean the next card; "เรียนต่อ", the menu's and the
        # announcements' button, resumes: the card again, for a learner who lost sight of it.
        return run(turn, lessons.next_card(turn))
    if command is not None:
        return run(turn, ACTIONS[command](turn, {}))
    if phase is not Phase.REMINDER_TIME:
        changed = reminding.typed_time_elsewhere(turn, message)
        if changed is not None:
            return run(turn, changed)
    handler = IN_PHASE.get(phase)
    return run(turn, handler(turn, message) if handler else views.not_understood(turn))


def _check(turn: Turn, message: str) -> Step | None:
    """A forwarded message, link or paste gets checked; "อันนี้หลอกไหม" alone joins it or asks for it."""
    result = checking.reads_as_forwarded(message)
    if result is not None:
        return checking.forwarded(turn, result)
    if checking.is_asking_alone(message):
        return checking.asked(turn)
    return None


def _without_a_row(turn: Turn, message: str) -> Step | None:
    """Someone with no learner row: a forwarded message is checked and a bank's name gets its card, with no
    row created for them (PDPA); anything else starts the welcome."""
    check = _check(turn, message)
    return check if check is not None else helping.bank_named_by_a_stranger(turn, message)


def sent_image(turn: Turn, message_id: str) -> Messages:
    """A picture, in any phase and from anyone: read as a screenshot to check (decided: an image is never an
    answer, and a screenshot of a suspicious SMS is what a learner most often sends); nothing is created."""
    return run(turn, checking.screenshot(turn, message_id))


def checked(turn: Turn, results: list[CheckResult], unreadable: int) -> Messages:
    """The answer to the messages and screenshots gathered for a check (bot/checking.py)."""
    return run(turn, checking.answer(turn, results, unreadable=unreadable))


def sent_media(turn: Turn) -> Messages:
    """A sticker, photo, voice message or location: a friendly word and the buttons again."""
    if turn.found is None:
        turn.create()
        return run(turn, onboarding.welcome())
    phase = turn.found.phase
    if phase in drills.PHASES and drills.current_drill(turn) is not None:
        return drills.media(turn)
    if phase is Phase.CERT_NAME:
        return run(turn, certificate.media(turn))
    if phase in views.ANSWERING:
        return [text(t.NOT_AN_ANSWER), views.show_question(turn, header=False)]
    if phase is Phase.CARD and turn.lesson() is not None:
        # A sticker cannot say "I have read it", and a skipped card has no way back: point to "ต่อไป".
        return [text(t.CARD_MEDIA, views.card_buttons(turn))]
    return [text(t.MEDIA_REPLY, views.context_buttons(turn))]
