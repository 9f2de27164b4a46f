"""Drill answers ("จริงหรือหลอก?") in storage: recording a verdict, the history the daily set reads, the
verdicts of a placement or final check, and the review cards of drills missed in practice.

Drills missed in practice come back in spaced review by the same FSRS cards as questions
(bot/learning/review.py), under the key `drill:<drill id>` (question IDs never hold a colon). Only practice
schedules review (a module's drills, the daily set, review itself): the placement and final checks measure,
and a final-check item is never shown again outside its check.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from fsrs import Scheduler
from sqlmodel import Session, col, select

from bot.drills.answers import Verdict
from bot.drills.selection import Attempt
from bot.learning import review
from bot.learning.reminders import BANGKOK
from bot.storage.models import DrillAnswer, DrillContext, DrillVerdict

REVIEW_PREFIX = "drill:"
PRACTICE = frozenset({DrillContext.MODULE, DrillContext.REVIEW, DrillContext.DAILY, DrillContext.GAME})


def review_key(drill_id: str) -> str:
    return REVIEW_PREFIX + drill_id


def record(
    session: Session,
    *,
    learner_id: int,
    drill_id: str,
    verdict: Verdict,
    correct: bool,
    context: DrillContext,
    now: datetime,
    scheduler: Scheduler,
    zone: ZoneInfo = BANGKOK,
) -> DrillAnswer:
    """Keep the verdict; in practice, a miss (or "ไม่แน่ใจ") makes or resets a review card and a right
    answer stretches an existing one."""
    row = DrillAnswer(
        learner_id=learner_id,
        drill_id=drill_id,
        verdict=DrillVerdict(str(verdict)),
        correct=correct,
        context=context,
        answered_at=now,
    )
    session.add(row)
    if context in PRACTICE:
        review.record_answer(
            session,
            learner_id=learner_id,
            question_id=review_key(drill_id),
            correct=correct,
            now=now,
            scheduler=scheduler,
            zone=zone,
        )
    return row


def history(session: Session, learner_id: int) -> list[Attempt]:
    """Every drill the learner judged, oldest first: what the daily set reads."""
    rows = session.exec(
        select(DrillAnswer.drill_id, DrillAnswer.verdict, DrillAnswer.answered_at)
        .where(DrillAnswer.learner_id == learner_id)
        .order_by(col(DrillAnswer.answered_at), col(DrillAnswer.id))
    )
    return [Attempt(drill_id, Verdict(str(verdict)), at) for drill_id, verdict, at in rows]


def check_verdicts(session: Session, learner_id: int, context: DrillContext) -> dict[str, Verdict]:
    """The learner's latest verdict on each drill of a check (placement or final), by drill ID."""
    rows = session.exec(
        select(DrillAnswer.drill_id, DrillAnswer.verdict)
        .where(DrillAnswer.learner_id == learner_id, DrillAnswer.context == context)
        .order_by(col(DrillAnswer.answered_at), col(DrillAnswer.id))
    )
    return {drill_id: Verdict(str(verdict)) for drill_id, verdict in rows}


def due_drill_ids(session: Session, learner_id: int, now: datetime) -> list[str]:
    """Drills due for review now, the longest-waiting first."""
    keys = review.due_question_ids(session, learner_id, now)
    return [key.removeprefix(REVIEW_PREFIX) for key in keys if key.startswith(REVIEW_PREFIX)]
