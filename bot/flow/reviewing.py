"""Spaced review: bringing back the questions a learner missed, when FSRS says they are due."""

from __future__ import annotations

from bot.content import Lesson, Question
from bot.flow.base import Messages, TutorState
from bot.learning import reminders, review
from bot.storage.models import Phase
from bot.voice import texts as t
from bot.voice.ui import button, text

# Day-level FSRS for review cards (an immutable configuration, shared).
REVIEW_SCHEDULER = review.make_scheduler()


class Reviewing(TutorState):
    """Spaced review: bringing back the questions a learner missed, when FSRS says they are due."""

    def _start_review(self) -> Messages:
        """ "ทบทวน": the questions due today, one by one; if none are due yet, when they will be."""
        learner = self.learner
        if learner.consented_at is None or self._track() is None:
            return self._resume()
        due = self._due_reviews()
        if not due:
            upcoming = review.next_due(self.session, learner.id)
            if upcoming is None:
                said = t.REVIEW_EMPTY
            else:
                days = (reminders.local_date(upcoming) - reminders.local_date(self.now)).days
                when = t.REVIEW_TOMORROW if days <= 1 else t.REVIEW_IN_DAYS.format(days=days)
                said = t.REVIEW_NOT_YET.format(when=when)
            finished = self._practice_lesson()
            if finished is None:
                return [text(said, self._menu_buttons())]
            # Nothing due, a module just finished: practise it now (it does not move the reviews).
            offer = t.PRACTICE_OFFER.format(title=finished.module.title)
            return [text(f"{said}\n\n{offer}", [button(t.PRACTICE, "practice"), *self._menu_buttons()])]
        if learner.phase is not Phase.REVIEW:
            learner.resume_phase = learner.phase
        learner.phase = Phase.REVIEW
        learner.review_question_id = due[0][1].id
        return [text(t.REVIEW_START.format(count=len(due))), self._show_question()]

    def _due_reviews(self) -> list[tuple[Lesson, Question]]:
        """Review cards due now whose question still exists in the content."""
        ids = review.due_question_ids(self.session, self.learner.id, self.now)
        return [self.content.questions[qid] for qid in ids if qid in self.content.questions]

    def _next_review(self) -> Messages:
        """The next question due; the menu when this round is done (answered cards move to a later day)."""
        learner = self.learner
        self.session.flush()
        remaining = self._due_reviews()
        if remaining:
            learner.review_question_id = remaining[0][1].id
            return [self._show_question()]
        learner.phase = learner.resume_phase or Phase.MODULE_DONE
        learner.resume_phase = learner.review_question_id = None
        return [text(t.REVIEW_DONE, self._menu_buttons())]
