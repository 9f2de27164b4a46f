"""Spaced review: bringing back the questions a learner missed, when FSRS says they are due."""

from __future__ import annotations

from bot.content import Lesson, Question
from bot.flow import drills, views
from bot.flow.turn import KEEP, Step, Turn, resuming, say
from bot.learning import reminders, review
from bot.storage.models import Phase
from bot.voice import texts as t
from bot.voice.ui import button, text

# Day-level FSRS for review cards (an immutable configuration, shared).
REVIEW_SCHEDULER = review.make_scheduler()


def start_review(turn: Turn) -> Step:
    """ "ทบทวน": the questions due today, one by one; if none are due yet, when they will be."""
    learner = turn.learner
    if learner.consented_at is None or turn.track() is None:
        return resuming()
    due = due_reviews(turn)
    if not due:
        # No question due: the drills missed earlier, if any are due (issue 14).
        back = learner.phase if learner.phase is not Phase.REVIEW else KEEP
        drill_round = drills.start_review(turn, back=back) or drills.busy(turn)
        if drill_round is not None:
            return drill_round
        upcoming = review.next_due(turn.session, learner.id or 0)
        if upcoming is None:
            said = t.REVIEW_EMPTY
        else:
            days = (reminders.local_date(upcoming, turn.zone) - turn.today).days
            when = t.REVIEW_TOMORROW if days <= 1 else t.REVIEW_IN_DAYS.format(days=days)
            said = t.REVIEW_NOT_YET.format(when=when)
        finished = views.practice_lesson(turn)
        if finished is None:
            return say(text(said, views.menu_buttons()))
        # Nothing due, a module just finished: practise it now (it does not move the reviews).
        offer = t.PRACTICE_OFFER.format(title=finished.module.title)
        return say(text(f"{said}\n\n{offer}", [button(t.PRACTICE, "practice"), *views.menu_buttons()]))
    learner.review_question_id = due[0][1].id
    start = text(t.REVIEW_START.format(count=len(due)))
    resume = learner.phase if learner.phase is not Phase.REVIEW else KEEP
    return say(start, views.show_question(turn, phase=Phase.REVIEW), to=Phase.REVIEW, resume=resume)


def due_reviews(turn: Turn) -> list[tuple[Lesson, Question]]:
    """Review cards due now whose question still exists in the content."""
    ids = review.due_question_ids(turn.session, turn.learner.id or 0, turn.now)
    return [turn.content.questions[qid] for qid in ids if qid in turn.content.questions]


def next_review(turn: Turn) -> Step:
    """The next question due; the menu when this round is done (answered cards move to a later day)."""
    learner = turn.learner
    turn.session.flush()
    remaining = due_reviews(turn)
    if remaining:
        learner.review_question_id = remaining[0][1].id
        return say(views.show_question(turn))
    back = learner.resume_phase or Phase.MODULE_DONE
    learner.review_question_id = None
    done = say(text(t.REVIEW_DONE, views.menu_buttons()), to=back, resume=None)
    drill_round = drills.start_review(turn, back=back)  # then the drills due, if any (issue 14)
    return done + drill_round if drill_round is not None else done
