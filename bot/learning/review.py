"""Spaced review: every missed or hesitant answer becomes an FSRS card that comes back by the day.

FSRS (the `fsrs` package) keeps each card's memory state and picks the next interval in whole days: no
learning steps, so a mistake is never asked again minutes later. The row's `due` is the start of the local
day FSRS chose, so the evening reminder can count a question missed yesterday evening; but never sooner
than MIN_GAP after the answer (a mistake at 23:30 is not due at midnight).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from fsrs import Card, Rating, Scheduler
from sqlalchemy import bindparam
from sqlmodel import Session, col, func, select

from bot.learning.reminders import BANGKOK, at_local, local_date
from bot.storage.db import find
from bot.storage.models import ReviewCard

MIN_GAP = timedelta(hours=8)


def make_scheduler(*, fuzz: bool = True) -> Scheduler:
    """Day-level FSRS. Fuzz spreads a big cohort's reviews over neighbouring days instead of one."""
    return Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=fuzz)


def offered_at(fsrs_due: datetime, answered_at: datetime, zone: ZoneInfo = BANGKOK) -> datetime:
    """When the card is offered: the start of its local due day, and at least MIN_GAP after the answer."""
    return max(at_local(local_date(fsrs_due, zone), 0, zone), answered_at + MIN_GAP)


CARD = select(ReviewCard).where(
    ReviewCard.learner_id == bindparam("learner_id"), ReviewCard.question_id == bindparam("question_id")
)


def record_answer(
    session: Session,
    *,
    learner_id: int,
    question_id: str,
    correct: bool,
    now: datetime,
    scheduler: Scheduler,
    zone: ZoneInfo = BANGKOK,
) -> ReviewCard | None:
    """Schedule the question after an answer: a miss (or "not sure") makes or resets a card; a right answer
    to a question that has a card stretches its interval. Right answers without a card need nothing."""
    row = find(session, ReviewCard, CARD, learner_id=learner_id, question_id=question_id)
    if row is None and correct:
        return None
    # The row is the card's identity; an explicit card_id also spares py-fsrs's 1 ms sleep per new card.
    card = Card.from_json(row.card) if row else Card(card_id=0, due=now)
    # Day-level: answering on the due day counts as on time, even a few hours before FSRS's exact instant
    # (FSRS counts whole elapsed days, and would otherwise see a same-day review).
    on_due_day = row is not None and now < card.due and local_date(now, zone) >= local_date(card.due, zone)
    reviewed_at = card.due if on_due_day else now
    card, _ = scheduler.review_card(card, Rating.Good if correct else Rating.Again, reviewed_at)
    due = offered_at(card.due, now, zone)
    if row is None:
        row = ReviewCard(
            learner_id=learner_id, question_id=question_id, card=card.to_json(), due=due, updated_at=now
        )
    else:
        row.card, row.due, row.updated_at = card.to_json(), due, now
    session.add(row)
    return row


def due_question_ids(session: Session, learner_id: int, now: datetime) -> list[str]:
    """Questions due for review now, the longest-waiting first."""
    return list(
        session.exec(
            select(ReviewCard.question_id)
            .where(ReviewCard.learner_id == learner_id, col(ReviewCard.due) <= now)
            .order_by(col(ReviewCard.due), col(ReviewCard.id))
        )
    )


def next_due(session: Session, learner_id: int) -> datetime | None:
    """When the next review card comes due, if the learner has any."""
    return session.exec(select(func.min(ReviewCard.due)).where(ReviewCard.learner_id == learner_id)).one()


def bring_forward(session: Session, *, learner_id: int, question_ids: list[str], now: datetime) -> str | None:
    """Make one of these questions due now (a forwarded scam of that kind was just checked): the first one
    without a card gets a new card, else the first card is brought forward. Returns its question ID."""
    if not question_ids:
        return None
    cards = {
        row.question_id: row
        for row in session.exec(
            select(ReviewCard).where(
                ReviewCard.learner_id == learner_id, col(ReviewCard.question_id).in_(question_ids)
            )
        )
    }
    fresh = next((qid for qid in question_ids if qid not in cards), None)
    if fresh is not None:
        card = Card(card_id=0, due=now)
        session.add(
            ReviewCard(learner_id=learner_id, question_id=fresh, card=card.to_json(), due=now, updated_at=now)
        )
        return fresh
    row = cards[question_ids[0]]
    row.due, row.updated_at = min(row.due, now), now
    session.add(row)
    return row.question_id
