"""What the learner sees, for every part of the flow: buttons, cards, questions and the questions of
onboarding, read from the turn. Nothing here moves the learner (no `Step` with a phase): the parts do.
"""

from __future__ import annotations

import random

from bot.content import Audience, Lesson, Question
from bot.flow.turn import Messages, Step, Turn, say
from bot.gateway import MessageJSON
from bot.learning import membership, reminders
from bot.storage.models import Phase
from bot.voice import texts as t
from bot.voice.ui import Button, button, card, text

# Phases in which a question is on screen and a typed reply is read as its answer.
ANSWERING = (Phase.QUESTION, Phase.REVIEW, Phase.PRACTICE)

# The reminder times offered as buttons: three, for every track (the elderly see at most three choices).
REMINDER_CHOICES: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    (t.REMIND_MORNING, 8 * 60, ("เช้า", "ตอนเช้า")),
    (t.REMIND_NOON, 12 * 60, ("กลางวัน", "ตอนกลางวัน", "เที่ยง", "ตอนเที่ยง")),
    (t.REMIND_EVENING, 19 * 60, ("เย็น", "ตอนเย็น")),
)


# ----- buttons ------------------------------------------------------------------------------------------


def menu_buttons() -> list[Button]:
    return [
        button(t.CONTINUE, "continue"),
        button(t.PROGRESS, "progress"),
        button(t.REVIEW, "review"),
        button(t.DAILY, "daily"),  # drills (issue 14)
        button(t.SET_REMINDER, "set_reminder"),
        button(t.HELP_LABEL, "help"),
        button(t.DELETE_LABEL, "delete"),
    ]


def consent_buttons() -> list[Button]:
    return [button(t.CONSENT_YES, "consent", v="yes"), button(t.CONSENT_NO, "consent", v="no")]


def card_buttons(turn: Turn) -> list[Button]:
    buttons = [button(t.NEXT, "next")]
    if turn.large:
        buttons.append(button(t.READ_AGAIN, "again"))
    return [*buttons, button(t.MENU_LABEL, "menu")]


def card_help_buttons() -> list[Button]:
    """For a learner who says they do not understand a card: read it again first, or go on."""
    return [button(t.READ_AGAIN, "again"), button(t.NEXT, "next"), button(t.MENU_LABEL, "menu")]


def reminder_time_buttons() -> list[Button]:
    return [button(label, "remind", m=minute) for label, minute, _ in REMINDER_CHOICES]


def context_buttons(turn: Turn) -> list[Button]:
    """The buttons that fit where the learner is: the card's, the time question's, consent's, or the menu."""
    phase = turn.found.phase if turn.found else Phase.CONSENT
    if phase is Phase.CARD and turn.lesson() is not None:
        return card_buttons(turn)
    if phase is Phase.REMINDER_TIME:
        return reminder_time_buttons()
    if phase in (Phase.CONSENT, Phase.DECLINED):
        return consent_buttons()
    return menu_buttons()


def not_understood(turn: Turn) -> Step:
    return say(text(t.NOT_UNDERSTOOD, context_buttons(turn)))


def menu() -> Step:
    return say(text(t.MENU, menu_buttons()))


# ----- onboarding's questions ---------------------------------------------------------------------------


def ask_consent(*, again: bool = False) -> Messages:
    if again:
        return [text(t.ASK_CONSENT_AGAIN, consent_buttons())]
    return [text(t.WELCOME), text(t.PRIVACY, consent_buttons())]


def ask_track(turn: Turn, *, again: bool = False) -> Messages:
    buttons = [button(track.title, "track", id=track.id) for track in turn.content.tracks.values()]
    return [text(t.ASK_TRACK_AGAIN if again else t.ASK_TRACK, buttons)]


def ask_age(*, again: bool = False) -> Messages:
    return [
        text(
            t.ASK_AGE_AGAIN if again else t.ASK_AGE,
            [button(t.AGE_10_PLUS, "age", v="over"), button(t.AGE_UNDER_10, "age", v="under")],
        )
    ]


def ask_parent() -> MessageJSON:
    return text(t.ASK_PARENT, [button(t.PARENT_YES, "parent")])


def classes_joined(turn: Turn) -> Messages:
    """Once the learner (or a child's parent) agrees: the classes they asked to join, now named."""
    joined = membership.joined_classes(turn.session, turn.learner.id or 0)
    if not joined:
        return []
    lines = [t.CLASS_NOW_IN.format(name=classroom.name, trainer=trainer) for classroom, trainer in joined]
    return [text("\n".join(lines))]


# ----- cards and questions ------------------------------------------------------------------------------


def show_card(turn: Turn) -> MessageJSON:
    lesson = turn.lesson()
    assert lesson is not None
    cards = lesson.module.cards
    step = min(turn.learner.step, len(cards) - 1)
    title = module_title(turn, lesson) if step == 0 else None
    footer = t.CARD_FOOTER.format(index=step + 1, total=len(cards))
    return card(cards[step].text, title=title, footer=footer, large=turn.large, buttons=card_buttons(turn))


def module_title(turn: Turn, lesson: Lesson) -> str:
    track = turn.track()
    number = track.modules.index(lesson.id) + 1 if track and lesson.id in track.modules else 1
    return t.MODULE_TITLE.format(number=number, title=lesson.module.title)


def shown_order(seed: int, question_id: str, count: int) -> list[int]:
    """The options' content indices in the order a practice round shows them: the same for the same seed and
    question (every screen of the round, and after a restart), a new order for each round's new seed."""
    order = list(range(count))
    random.Random(f"{seed}:{question_id}").shuffle(order)
    return order


def current_question(turn: Turn, phase: Phase | None = None) -> tuple[Lesson, Question] | None:
    """The question on screen in `phase` (the learner's own by default)."""
    phase = phase or turn.learner.phase
    if phase is Phase.REVIEW:
        return turn.content.questions.get(turn.learner.review_question_id or "")
    lesson = turn.lesson()
    if (
        phase not in (Phase.QUESTION, Phase.PRACTICE)
        or lesson is None
        or turn.learner.step >= len(lesson.questions)
    ):
        return None
    return lesson, lesson.questions[turn.learner.step]


def option_order(turn: Turn, question: Question, phase: Phase | None = None) -> list[int]:
    """Content indices of the options in the order shown: shuffled in practice (not yes/no pairs)."""
    seed = turn.learner.shuffle_seed
    if (phase or turn.learner.phase) is not Phase.PRACTICE or seed is None or question.kind == "true_false":
        return list(range(len(question.options)))
    return shown_order(seed, question.id, len(question.options))


def question_buttons(turn: Turn, question: Question, phase: Phase | None = None) -> list[Button]:
    # A button carries the option's content index, whatever its place on screen: scoring is by identity.
    buttons = [
        button(question.options[index].button, "ans", q=question.id, i=index)
        for index in option_order(turn, question, phase)
    ]
    buttons.append(button("ไม่แน่ใจ", "ans", q=question.id, i="unsure"))
    if turn.large:
        buttons.append(button(t.READ_AGAIN, "again"))
    return buttons


def show_question(turn: Turn, *, header: bool = True, phase: Phase | None = None) -> MessageJSON:
    """The question on screen in `phase` (the learner's own by default: a part that is moving the learner
    passes the phase it moves them to)."""
    phase = phase or turn.learner.phase
    current = current_question(turn, phase)
    assert current is not None
    lesson, question = current
    if phase is Phase.REVIEW:
        title = f"🔁 {lesson.module.title}"
    elif phase is Phase.PRACTICE:
        title = t.PRACTICE_HEADER.format(index=turn.learner.step + 1, total=len(lesson.questions))
    else:
        title = t.QUESTION_HEADER.format(index=turn.learner.step + 1, total=len(lesson.questions))
    choices = "\n".join(
        f"{place}. {question.options[index].text}"
        for place, index in enumerate(option_order(turn, question, phase), start=1)
    )
    body = f"{question.prompt}\n\n{choices}"
    return card(
        body,
        title=title if header else None,
        large=turn.large,
        buttons=question_buttons(turn, question, phase),
    )


def practice_lesson(turn: Turn) -> Lesson | None:
    """The module just finished, if the learner is between modules and it has questions to practise."""
    if turn.learner.phase not in (Phase.MODULE_DONE, Phase.TRACK_DONE):
        return None
    lesson = turn.lesson()
    finished = (turn.learner.finished_modules or "").split(",")
    return lesson if lesson is not None and lesson.id in finished and lesson.questions else None


# ----- study days ---------------------------------------------------------------------------------------


def record_study(turn: Turn) -> str | None:
    """Count today as a study day; a gentle cheer when the streak reaches 3, 7 or 30 days."""
    learner = turn.learner
    first_today = learner.last_studied_on != turn.today
    milestone = reminders.record_study(learner, turn.now, turn.zone)
    if first_today:
        reminders.answered_reminders(turn.session, learner)
    return t.STREAK_CHEERS.get(milestone) if milestone else None


def audience(turn: Turn) -> Audience:
    """Who the learner's track is written for (general when the track is gone)."""
    track = turn.track()
    return track.audience if track is not None else Audience.GENERAL


def summary(title: str, correct: int, total: int, audience: Audience) -> list[str]:
    """The module's result, praise matching the score: 🎉 only for all right, "เก่งมาก" only to children."""
    if correct >= total:
        praise = t.MODULE_DONE_PRAISE if audience is Audience.STUDENT else t.MODULE_DONE_PRAISE_ADULT
        return [t.MODULE_DONE.format(title=title, correct=correct, total=total), praise]
    if correct * 5 >= total * 3:  # at least 60%: 3 of 5, 2 of 3
        heading, praise = t.MODULE_DONE_MOST, t.MODULE_DONE_MOST_PRAISE
    else:
        heading, praise = t.MODULE_DONE_SOME, t.MODULE_DONE_SOME_PRAISE
    return [heading.format(title=title, correct=correct, total=total), praise, t.MODULE_DONE_REVIEW]
