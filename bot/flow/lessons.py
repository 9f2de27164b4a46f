"""Lessons: cards, questions, answers, the end of a module and practice rounds."""

from __future__ import annotations

import secrets

from bot import answers
from bot.content import Audience, Lesson, Track
from bot.drills.content import CheckKind
from bot.flow import drills, reviewing, views
from bot.flow.turn import Params, Step, Turn, resuming, say
from bot.learning import progress as records
from bot.learning import review
from bot.storage.models import Attempt, Phase
from bot.voice import texts as t
from bot.voice.ui import text


def start_lesson(turn: Turn, lesson: Lesson) -> Step:
    learner = turn.learner
    learner.module_id, learner.step, learner.module_correct = lesson.id, 0, 0
    return say(views.show_card(turn), to=Phase.CARD)


def begin_track(turn: Turn, track: Track | None) -> Step:
    if track is None:
        return say(*views.ask_track(turn), to=Phase.TRACK)
    lesson = records.next_lesson(turn.session, turn.content, turn.learner, track)
    if lesson is None:
        return drills.track_done(turn)
    # Drills (issue 14): a track with a placement check offers it first, once; skipping it is fine.
    offer = drills.offer_check(turn, CheckKind.PLACEMENT)
    if offer is not None:
        return offer
    intro = text(t.TRACK_CHOSEN.format(count=len(turn.content.lessons_of(track))))
    return say(intro) + start_lesson(turn, lesson)


def next_card(turn: Turn) -> Step:
    learner = turn.learner
    lesson = turn.lesson()
    if learner.phase is not Phase.CARD or lesson is None:
        return resuming()
    learner.step += 1
    cheer = views.record_study(turn)
    shown = [text(cheer)] if cheer else []
    if learner.step < len(lesson.module.cards):
        return say(*shown, views.show_card(turn))
    learner.step = 0
    return say(*shown, views.show_question(turn, phase=Phase.QUESTION), to=Phase.QUESTION)


def again(turn: Turn) -> Step:
    if turn.learner.phase is Phase.CARD and turn.lesson() is not None:
        return say(views.show_card(turn))
    if turn.learner.phase in views.ANSWERING and views.current_question(turn) is not None:
        return say(views.show_question(turn))
    return resuming()


def typed_on_card(turn: Turn, message: str) -> Step:
    """Typed under a card: "ok" goes on, "I don't get it" offers to read again, an answer is too early."""
    if answers.read_yes_no(message) or answers.is_acknowledgement(message):
        return next_card(turn)
    if answers.is_unsure(message) and turn.lesson() is not None:
        return say(text(t.CARD_UNCLEAR, views.card_help_buttons()))
    if answer_too_early(turn, message):
        return say(text(t.READING_CARD, views.card_buttons(turn)))
    return views.not_understood(turn)


def answer_too_early(turn: Turn, message: str) -> bool:
    """A reply that reads as an answer to the lesson's first question ("ข", "2"), typed on a card."""
    lesson = turn.lesson()
    if lesson is None or not lesson.questions:
        return False
    options = [option.text for option in lesson.questions[0].options]
    return answers.classify(message, options).kind in ("choice", "ambiguous")


# ----- questions ----------------------------------------------------------------------------------------


def answer_button(turn: Turn, params: Params) -> Step:
    current = views.current_question(turn)
    if current is None or params.get("q") != current[1].id:
        # An old button, pressed again: never score twice.
        stale = text(t.STALE_ANSWER)
        return say(stale, views.show_question(turn)) if current else resuming(stale)
    raw = params.get("i", "")
    if raw == "unsure":
        return score(turn, None)
    if not raw.isdecimal() or int(raw) >= len(current[1].options):
        return say(text(t.WHICH_ONE), views.show_question(turn, header=False))
    return score(turn, int(raw))


def _reading(turn: Turn, message: str) -> tuple[answers.Reading, list[int]] | None:
    current = views.current_question(turn)
    if current is None:
        return None
    question = current[1]
    # Read against the options as shown ("ข้อ 2" is the second on screen), then score the option itself.
    order = views.option_order(turn, question)
    shown = [question.options[index] for index in order]
    options = [option.text for option in shown]
    # A button's label is what LINE shows as the learner's words, so typing it must count too.
    aliases = [[*option.aliases, *([option.label] if option.label else [])] for option in shown]
    return answers.classify(message, options, aliases), order


def reads_as_answer(turn: Turn, message: str) -> bool:
    """Whether a message typed while a question is on screen answers it (a choice, "not sure", or one of
    two options): then it is an answer, whatever else it might look like."""
    read = _reading(turn, message)
    return read is not None and read[0].kind in ("choice", "unsure", "ambiguous")


def typed_answer(turn: Turn, message: str) -> Step:
    read = _reading(turn, message)
    if read is None:
        return resuming()
    reading, order = read
    if reading.kind == "choice" and reading.index is not None:
        return score(turn, order[reading.index])
    if reading.kind == "unsure":
        return score(turn, None)
    if reading.kind == "ambiguous":
        return say(text(t.WHICH_ONE), views.show_question(turn, header=False))
    return say(text(t.NOT_AN_ANSWER), views.show_question(turn, header=False))


def score(turn: Turn, choice: int | None) -> Step:
    """Record the answer, say right or not and why, then move on."""
    learner = turn.learner
    current = views.current_question(turn)
    assert current is not None
    lesson, question = current
    correct = choice == question.answer
    in_review = learner.phase is Phase.REVIEW
    in_practice = learner.phase is Phase.PRACTICE
    turn.session.add(
        Attempt(
            learner_id=learner.id,  # type: ignore[arg-type]  # a learner who answers is stored
            module_id=lesson.id,
            question_id=question.id,
            choice=-1 if choice is None else choice,
            correct=correct,
            review=in_review or in_practice,  # a second try: not part of the module's score
            answered_at=turn.now,
        )
    )
    # Practice minutes after the lesson says little about memory: a right answer there does not push a
    # due review further away, but a miss still makes (or resets) a review card.
    if not (in_practice and correct):
        review.record_answer(
            turn.session,
            learner_id=learner.id or 0,
            question_id=question.id,
            correct=correct,
            now=turn.now,
            scheduler=reviewing.REVIEW_SCHEDULER,
            zone=turn.zone,
        )
    right_answer = question.options[question.answer].text
    if correct:
        verdict = t.RIGHT_STUDENT if views.audience(turn) is Audience.STUDENT else t.RIGHT
    elif choice is None:
        verdict = t.UNSURE.format(answer=right_answer)
    else:
        verdict = t.WRONG.format(answer=right_answer)
    cheer = views.record_study(turn)
    feedback = say(text(f"{verdict}\n{question.explanation}" + (f"\n\n{cheer}" if cheer else "")))
    if in_review:
        return feedback + reviewing.next_review(turn)
    if in_practice:
        learner.step += 1
        if learner.step < len(lesson.questions):
            return feedback + say(views.show_question(turn))
        learner.shuffle_seed = None
        back = learner.resume_phase or Phase.MODULE_DONE
        return feedback + say(text(t.PRACTICE_DONE, views.menu_buttons()), to=back, resume=None)
    learner.module_correct += int(correct)
    learner.step += 1
    if learner.step < len(lesson.questions):
        return feedback + say(views.show_question(turn))
    return feedback + finish_lesson(turn, lesson)


def finish_lesson(turn: Turn, lesson: Lesson) -> Step:
    """The quiz is done: record the module's result, then its drills (if any) and its summary."""
    learner = turn.learner
    total = len(lesson.questions)
    turn.session.flush()  # the answer just given counts in the result below
    records.record_result(turn.session, learner, lesson.id, learner.module_correct, total, turn.now)
    turn.session.flush()
    return drills.after_quiz(turn, lesson)


# ----- practice -----------------------------------------------------------------------------------------


def start_practice(turn: Turn) -> Step:
    """ "ฝึกตอนนี้": the module just finished, question by question, each with its options in a new order."""
    learner = turn.learner
    lesson = views.practice_lesson(turn)
    if lesson is None:
        return resuming() if learner.phase is Phase.PRACTICE else reviewing.start_review(turn)
    resume = learner.phase
    learner.step = 0
    learner.shuffle_seed = secrets.randbelow(2**31)
    start = t.PRACTICE_START.format(title=lesson.module.title, count=len(lesson.questions))
    return say(text(start), views.show_question(turn, phase=Phase.PRACTICE), to=Phase.PRACTICE, resume=resume)
