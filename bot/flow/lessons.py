"""Lessons: cards, questions, answers and the end of a module."""

from __future__ import annotations

import random
import secrets

from bot import answers
from bot.content import Audience, Lesson, Question, Track
from bot.flow.base import Messages, TutorState
from bot.flow.reviewing import REVIEW_SCHEDULER
from bot.gateway import MessageJSON
from bot.learning import progress as records
from bot.learning import review
from bot.storage.models import Attempt, Phase
from bot.voice import texts as t
from bot.voice.ui import Button, button, card, text

# Phases in which a question is on screen and a typed reply is read as its answer.
ANSWERING = (Phase.QUESTION, Phase.REVIEW, Phase.PRACTICE)


def shown_order(seed: int, question_id: str, count: int) -> list[int]:
    """The options' content indices in the order a practice round shows them: the same for the same seed and
    question (every screen of the round, and after a restart), a new order for each round's new seed."""
    order = list(range(count))
    random.Random(f"{seed}:{question_id}").shuffle(order)
    return order


class Lessons(TutorState):
    """Lessons: cards, questions, answers and the end of a module."""

    def _track(self) -> Track | None:
        return self.content.track(self.learner.track_id)

    @property
    def _large(self) -> bool:
        track = self._track()
        return track is not None and track.audience is Audience.ELDERLY

    def _lesson(self) -> Lesson | None:
        """The current module, if it still exists in the content and in the learner's track."""
        track = self._track()
        module_id = self.learner.module_id
        if track is None or module_id not in track.modules:
            return None
        return self.content.lessons.get(module_id or "")

    def _start_lesson(self, lesson: Lesson) -> Messages:
        learner = self.learner
        learner.module_id, learner.step, learner.module_correct = lesson.id, 0, 0
        learner.phase = Phase.CARD
        return [self._show_card()]

    def _resume(self) -> Messages:
        """Pick up exactly where the learner was, repairing state the content no longer supports."""
        learner = self.learner
        if learner.consented_at is None:
            learner.phase = Phase.CONSENT
            return self._ask_consent(again=True)
        track = self._track()
        if track is None:
            learner.phase = Phase.TRACK
            return self._ask_track()
        phase = learner.phase
        if phase is Phase.AGE:
            return self._ask_age()
        if phase is Phase.PARENT:
            return [text(t.ASK_PARENT, [button(t.PARENT_YES, "parent")])]
        if phase in (Phase.REVIEW, Phase.PRACTICE) and self._current_question() is not None:
            return [self._show_question()]
        if phase is Phase.PRACTICE:  # the module's questions changed under the round: it ends
            learner.phase, learner.resume_phase = learner.resume_phase or Phase.MODULE_DONE, None
        if phase is Phase.REMINDER_TIME:
            # Moving on without choosing keeps the time already set (19:00 unless changed).
            return self._set_reminder_time(learner.remind_minute, kept=True)
        if phase is Phase.CONFIRM_DELETE:
            learner.phase = learner.resume_phase or Phase.MODULE_DONE
        lesson = self._lesson()
        if learner.phase in (Phase.CARD, Phase.QUESTION) and lesson is not None:
            if learner.phase is Phase.CARD and learner.step < len(lesson.module.cards):
                return [self._show_card()]
            if learner.phase is Phase.QUESTION and learner.step < len(lesson.questions):
                return [self._show_question()]
        following = records.next_lesson(self.session, self.content, learner, track)
        return self._start_lesson(following) if following else self._track_done()

    def _card_buttons(self) -> list[Button]:
        buttons = [button(t.NEXT, "next")]
        if self._large:
            buttons.append(button(t.READ_AGAIN, "again"))
        return [*buttons, button(t.MENU_LABEL, "menu")]

    def _card_help_buttons(self) -> list[Button]:
        """For a learner who says they do not understand a card: read it again first, or go on."""
        return [button(t.READ_AGAIN, "again"), button(t.NEXT, "next"), button(t.MENU_LABEL, "menu")]

    def _show_card(self) -> MessageJSON:
        lesson = self._lesson()
        assert lesson is not None
        cards = lesson.module.cards
        step = min(self.learner.step, len(cards) - 1)
        title = self._module_title(lesson) if step == 0 else None
        footer = t.CARD_FOOTER.format(index=step + 1, total=len(cards))
        return card(
            cards[step].text, title=title, footer=footer, large=self._large, buttons=self._card_buttons()
        )

    def _module_title(self, lesson: Lesson) -> str:
        track = self._track()
        number = track.modules.index(lesson.id) + 1 if track and lesson.id in track.modules else 1
        return t.MODULE_TITLE.format(number=number, title=lesson.module.title)

    def _next(self) -> Messages:
        learner = self.learner
        lesson = self._lesson()
        if learner.phase is not Phase.CARD or lesson is None:
            return self._resume()
        learner.step += 1
        cheer = self._record_study()
        shown = [text(cheer)] if cheer else []
        if learner.step < len(lesson.module.cards):
            return [*shown, self._show_card()]
        learner.phase, learner.step = Phase.QUESTION, 0
        return [*shown, self._show_question()]

    def _again(self) -> Messages:
        if self.learner.phase is Phase.CARD and self._lesson() is not None:
            return [self._show_card()]
        if self.learner.phase in ANSWERING and self._current_question() is not None:
            return [self._show_question()]
        return self._resume()

    # ----- questions ----------------------------------------------------------------------------------------

    def _review_question(self) -> tuple[Lesson, Question] | None:
        return self.content.questions.get(self.learner.review_question_id or "")

    def _current_question(self) -> tuple[Lesson, Question] | None:
        if self.learner.phase is Phase.REVIEW:
            return self._review_question()
        lesson = self._lesson()
        if (
            self.learner.phase not in (Phase.QUESTION, Phase.PRACTICE)
            or lesson is None
            or self.learner.step >= len(lesson.questions)
        ):
            return None
        return lesson, lesson.questions[self.learner.step]

    def _option_order(self, question: Question) -> list[int]:
        """Content indices of the options in the order shown: shuffled in practice (not yes/no pairs)."""
        seed = self.learner.shuffle_seed
        if self.learner.phase is not Phase.PRACTICE or seed is None or question.kind == "true_false":
            return list(range(len(question.options)))
        return shown_order(seed, question.id, len(question.options))

    def _question_buttons(self, question: Question) -> list[Button]:
        # A button carries the option's content index, whatever its place on screen: scoring is by identity.
        buttons = [
            button(question.options[index].button, "ans", q=question.id, i=index)
            for index in self._option_order(question)
        ]
        buttons.append(button("ไม่แน่ใจ", "ans", q=question.id, i="unsure"))
        if self._large:
            buttons.append(button(t.READ_AGAIN, "again"))
        return buttons

    def _show_question(self, *, header: bool = True) -> MessageJSON:
        current = self._current_question()
        assert current is not None
        lesson, question = current
        if self.learner.phase is Phase.REVIEW:
            title = f"🔁 {lesson.module.title}"
        elif self.learner.phase is Phase.PRACTICE:
            title = t.PRACTICE_HEADER.format(index=self.learner.step + 1, total=len(lesson.questions))
        else:
            title = t.QUESTION_HEADER.format(index=self.learner.step + 1, total=len(lesson.questions))
        choices = "\n".join(
            f"{place}. {question.options[index].text}"
            for place, index in enumerate(self._option_order(question), start=1)
        )
        body = f"{question.prompt}\n\n{choices}"
        return card(
            body, title=title if header else None, large=self._large, buttons=self._question_buttons(question)
        )

    def _answer_button(self, params: dict[str, str]) -> Messages:
        current = self._current_question()
        if current is None or params.get("q") != current[1].id:
            # An old button, pressed again: never score twice.
            shown = [self._show_question()] if current else self._resume()
            return [text(t.STALE_ANSWER), *shown]
        raw = params.get("i", "")
        if raw == "unsure":
            return self._score(None)
        if not raw.isdecimal() or int(raw) >= len(current[1].options):
            return [text(t.WHICH_ONE), self._show_question(header=False)]
        return self._score(int(raw))

    def _typed_answer(self, message: str) -> Messages:
        current = self._current_question()
        if current is None:
            return self._resume()
        question = current[1]
        # Read against the options as shown ("ข้อ 2" is the second on screen), then score the option itself.
        order = self._option_order(question)
        shown = [question.options[index] for index in order]
        options = [option.text for option in shown]
        # A button's label is what LINE shows as the learner's words, so typing it must count too.
        aliases = [[*option.aliases, *([option.label] if option.label else [])] for option in shown]
        reading = answers.classify(message, options, aliases)
        if reading.kind == "choice" and reading.index is not None:
            return self._score(order[reading.index])
        if reading.kind == "unsure":
            return self._score(None)
        if reading.kind == "ambiguous":
            return [text(t.WHICH_ONE), self._show_question(header=False)]
        return [text(t.NOT_AN_ANSWER), self._show_question(header=False)]

    def _score(self, choice: int | None) -> Messages:
        """Record the answer, say right or not and why, then move on."""
        learner = self.learner
        lesson, question = self._current_question()  # type: ignore[misc]
        correct = choice == question.answer
        in_review = learner.phase is Phase.REVIEW
        in_practice = learner.phase is Phase.PRACTICE
        self.session.add(
            Attempt(
                learner_id=learner.id,
                module_id=lesson.id,
                question_id=question.id,
                choice=-1 if choice is None else choice,
                correct=correct,
                review=in_review or in_practice,  # a second try: not part of the module's score
                answered_at=self.now,
            )
        )
        # Practice minutes after the lesson says little about memory: a right answer there does not push a
        # due review further away, but a miss still makes (or resets) a review card.
        if not (in_practice and correct):
            review.record_answer(
                self.session,
                learner_id=learner.id,
                question_id=question.id,
                correct=correct,
                now=self.now,
                scheduler=REVIEW_SCHEDULER,
            )
        right_answer = question.options[question.answer].text
        if correct:
            verdict = t.RIGHT
        elif choice is None:
            verdict = t.UNSURE.format(answer=right_answer)
        else:
            verdict = t.WRONG.format(answer=right_answer)
        cheer = self._record_study()
        feedback = text(f"{verdict}\n{question.explanation}" + (f"\n\n{cheer}" if cheer else ""))
        if in_review:
            return [feedback, *self._next_review()]
        if in_practice:
            learner.step += 1
            if learner.step < len(lesson.questions):
                return [feedback, self._show_question()]
            learner.phase, learner.resume_phase = learner.resume_phase or Phase.MODULE_DONE, None
            learner.shuffle_seed = None
            return [feedback, text(t.PRACTICE_DONE, self._menu_buttons())]
        learner.module_correct += int(correct)
        learner.step += 1
        if learner.step < len(lesson.questions):
            return [feedback, self._show_question()]
        return [feedback, *self._finish_lesson(lesson)]

    def _finish_lesson(self, lesson: Lesson) -> Messages:
        learner = self.learner
        total = len(lesson.questions)
        self.session.flush()  # the answer just given counts in the result below
        records.record_result(self.session, learner, lesson.id, learner.module_correct, total, self.now)
        self.session.flush()
        track = self._track()
        following = records.next_lesson(self.session, self.content, learner, track) if track else None
        lines = [t.MODULE_DONE.format(title=lesson.module.title, correct=learner.module_correct, total=total)]
        lines.append(t.MODULE_DONE_PRAISE if learner.module_correct == total else t.MODULE_DONE_REVIEW)
        if self._large:
            lines.append(t.HABIT)
        if following is None:
            learner.phase = Phase.TRACK_DONE
            return [text("\n".join(lines)), text(t.TRACK_DONE, self._menu_buttons())]
        learner.phase = Phase.MODULE_DONE
        lines.append(t.NEXT_MODULE.format(title=following.module.title))
        return [text("\n".join(lines), self._menu_buttons())]

    # ----- practice -----------------------------------------------------------------------------------------

    def _practice_lesson(self) -> Lesson | None:
        """The module just finished, if the learner is between modules and it has questions to practise."""
        if self.learner.phase not in (Phase.MODULE_DONE, Phase.TRACK_DONE):
            return None
        lesson = self._lesson()
        finished = (self.learner.finished_modules or "").split(",")
        return lesson if lesson is not None and lesson.id in finished and lesson.questions else None

    def _start_practice(self) -> Messages:
        """ "ฝึกตอนนี้": the module just finished, question by question, each with its options in a new order."""
        learner = self.learner
        lesson = self._practice_lesson()
        if lesson is None:
            return self._resume() if learner.phase is Phase.PRACTICE else self._start_review()
        learner.resume_phase, learner.phase, learner.step = learner.phase, Phase.PRACTICE, 0
        learner.shuffle_seed = secrets.randbelow(2**31)
        start = t.PRACTICE_START.format(title=lesson.module.title, count=len(lesson.questions))
        return [text(start), self._show_question()]

    def _track_done(self) -> Messages:
        self.learner.phase = Phase.TRACK_DONE
        return [text(t.TRACK_DONE, self._menu_buttons())]
