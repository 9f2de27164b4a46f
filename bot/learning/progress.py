"""Queries over a learner's answers: finished modules, missed questions, scores.

What to review *when* is bot/learning/review.py's business; erasing a learner is bot/learning/erasure.py's."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from bot.content import Content, Lesson, Question, Track
from bot.storage.models import Attempt, Learner, ModuleResult


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    answered: int
    correct: int
    to_review: int
    next_lesson: Lesson | None

    @property
    def percent_done(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def percent_correct(self) -> int:
        return round(100 * self.correct / self.answered) if self.answered else 0


def finished_modules(session: Session, learner: Learner) -> set[str]:
    rows = session.exec(select(ModuleResult.module_id).where(ModuleResult.learner_id == learner.id))
    return set(rows)


def next_lesson(session: Session, content: Content, learner: Learner, track: Track) -> Lesson | None:
    """The first module of the track not yet finished; modules removed from the content are skipped."""
    finished = finished_modules(session, learner)
    return next((lesson for lesson in content.lessons_of(track) if lesson.id not in finished), None)


def missed_questions(session: Session, content: Content, learner: Learner) -> list[tuple[Lesson, Question]]:
    """Questions whose latest answer was wrong (or unsure), oldest first; removed questions are dropped.

    What to review *when* is the review cards' business (bot/learning/review.py); this is what is not yet
    known.
    """
    attempts = session.exec(
        select(Attempt.id, Attempt.question_id, Attempt.correct)
        .where(Attempt.learner_id == learner.id)
        .order_by(col(Attempt.id))
    )
    latest: dict[str, tuple[int | None, bool]] = {}
    for attempt_id, question_id, correct in attempts:
        latest.pop(question_id, None)  # keep insertion order = order of the latest answer
        latest[question_id] = (attempt_id, correct)
    return [
        content.questions[qid] for qid, (_, right) in latest.items() if not right and qid in content.questions
    ]


def record_result(session: Session, learner: Learner, module_id: str, correct: int, total: int, now) -> None:
    existing = session.exec(
        select(ModuleResult).where(ModuleResult.learner_id == learner.id, ModuleResult.module_id == module_id)
    ).first()
    if existing:
        existing.correct, existing.total, existing.completed_at = correct, total, now
        session.add(existing)
    else:
        session.add(
            ModuleResult(
                learner_id=learner.id,  # type: ignore[arg-type]  # a learner with results is stored
                module_id=module_id,
                correct=correct,
                total=total,
                completed_at=now,
            )
        )
        learner.finished_modules = ",".join(filter(None, (learner.finished_modules, module_id)))


def progress(session: Session, content: Content, learner: Learner, track: Track) -> Progress:
    finished = finished_modules(session, learner)
    lessons = content.lessons_of(track)
    answered = correct = 0
    for _, is_correct in session.exec(
        select(Attempt.id, Attempt.correct).where(
            Attempt.learner_id == learner.id, col(Attempt.review).is_(False)
        )
    ):
        answered += 1
        correct += int(is_correct)
    return Progress(
        done=sum(lesson.id in finished for lesson in lessons),
        total=len(lessons),
        answered=answered,
        correct=correct,
        to_review=len(missed_questions(session, content, learner)),
        next_lesson=next((lesson for lesson in lessons if lesson.id not in finished), None),
    )
