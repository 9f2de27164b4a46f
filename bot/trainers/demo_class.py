"""A demo class for a new trainer (`ruthan demo class`): a populated dashboard to look at before the first
real learner joins.

Its learners are in the "demo" cohort (so `ruthan demo clear` removes them) and have simulated LINE IDs
(the dashboard tags them "จำลอง"; nothing is ever pushed to them). They are in every state a trainer meets:
active, idle, just joined, never started, stopped, finished, blocked the bot, behind the class, and one
child waiting for a parent's consent; some took the placement and final drill checks (issue 14).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from fsrs import Card
from sqlmodel import Session, col, select

from bot.content import Content
from bot.drills.content import CheckKind
from bot.learning import reminders as rules
from bot.simulator import SIM_PREFIX
from bot.storage.models import (
    Attempt,
    DrillAnswer,
    DrillContext,
    DrillVerdict,
    Learner,
    ModuleResult,
    Phase,
    ReviewCard,
)
from bot.storage.trainers import ClassMember, Classroom, Trainer
from bot.trainers import audit, classes

DEMO_CLASS_NAME = "ห้องตัวอย่าง"


@dataclass(frozen=True)
class Persona:
    nickname: str
    modules: int | str  # modules finished, or "all"
    studied_days_ago: int | None  # None: never studied
    joined_days_ago: int
    following: bool = True
    score: float = 0.75  # share of quiz answers right
    placement: float | None = None  # share of placement-check verdicts right, None: not taken
    final: float | None = None
    reviews_due: int = 0
    awaiting_parent: bool = False


PERSONAS = (
    Persona("ต้น", 2, 0, 20, score=0.8, placement=0.5, final=None, reviews_due=2),
    Persona("ฝน", "all", 1, 30, score=0.9, placement=0.6, final=0.9),
    Persona("บีม", "all", 3, 30, score=0.7, placement=0.4, final=0.8),
    Persona("มด", 1, 2, 25, score=0.6, placement=0.5, reviews_due=1),
    Persona("เก่ง", 0, None, 1),  # just joined
    Persona("นุ่น", 0, None, 12),  # never started: stopped
    Persona("โอ๊ต", 1, 20, 28, score=0.5, placement=0.3),  # stopped after one module
    Persona("แพร", 1, 9, 21, score=0.65),  # idle: not this week
    Persona("ปอ", 1, 25, 30, following=False, score=0.4),  # blocked the bot
    Persona("น้องจิ๋ว", 0, None, 2, awaiting_parent=True),  # a child: counted only
)


def create(
    session: Session, content: Content, *, trainer: Trainer, now: datetime, zone: ZoneInfo
) -> Classroom:
    """The class, its learners and their records, owned by `trainer`; returns the class."""
    tracks = [track for track in content.tracks.values() if content.lessons_of(track)]
    if not tracks:
        raise ValueError("the content has no modules to put demo learners in")
    classroom = Classroom(
        name=DEMO_CLASS_NAME, code=classes.new_code(session), owner_id=trainer.id or 0, created_at=now
    )
    session.add(classroom)
    session.flush()
    today = rules.local_date(now, zone)
    for number, persona in enumerate(PERSONAS):
        track = tracks[number % len(tracks)]
        _learner(session, content, classroom, track.id, persona, now, today)
    audit.record(
        session,
        None,
        "demo.class",
        f"Created demo class {classroom.name} ({classroom.code}) with {len(PERSONAS)} demo learners",
        now=now,
        actor=trainer.username,
        detail={"class_ids": [classroom.id]},
    )
    return classroom


def _learner(
    session: Session,
    content: Content,
    classroom: Classroom,
    track_id: str,
    persona: Persona,
    now: datetime,
    today: date,
) -> None:
    lessons = content.lessons_of(content.tracks[track_id])
    done = len(lessons) if persona.modules == "all" else min(int(persona.modules), len(lessons))
    joined = now - timedelta(days=persona.joined_days_ago)
    studied = None if persona.studied_days_ago is None else today - timedelta(days=persona.studied_days_ago)
    learner = Learner(
        line_user_id=SIM_PREFIX + uuid.uuid4().hex[:28],
        phase=Phase.PARENT
        if persona.awaiting_parent
        else Phase.TRACK_DONE
        if done == len(lessons)
        else Phase.CARD,
        following=persona.following,
        consented_at=joined,
        track_id=None if persona.awaiting_parent else track_id,
        module_id=None if done == len(lessons) or persona.awaiting_parent else lessons[done].id,
        finished_modules=",".join(lesson.id for lesson in lessons[:done]) or None,
        created_at=joined,
        last_seen_at=joined if studied is None else now - timedelta(days=persona.studied_days_ago or 0),
        last_studied_on=studied,
        cohort=rules.DEMO_COHORT,
    )
    session.add(learner)
    session.flush()
    assert learner.id is not None and classroom.id is not None
    session.add(
        ClassMember(class_id=classroom.id, learner_id=learner.id, nickname=persona.nickname, joined_at=joined)
    )
    when = now - timedelta(days=persona.studied_days_ago or 0)
    for index, lesson in enumerate(lessons[:done]):
        right = 0
        for number, question in enumerate(lesson.questions):
            correct = number < round(persona.score * len(lesson.questions) + (index % 2) * 0.4)
            right += correct
            wrong = (question.answer + 1) % len(question.options)
            session.add(
                Attempt(
                    learner_id=learner.id,
                    module_id=lesson.id,
                    question_id=question.id,
                    choice=question.answer if correct else wrong,
                    correct=correct,
                    answered_at=when,
                )
            )
        session.add(
            ModuleResult(
                learner_id=learner.id,
                module_id=lesson.id,
                correct=right,
                total=len(lesson.questions),
                completed_at=when,
            )
        )
    questions = [question for lesson in lessons[:done] for question in lesson.questions]
    for number, question in enumerate(questions[: persona.reviews_due]):
        session.add(
            ReviewCard(
                learner_id=learner.id,
                question_id=question.id,
                card=Card(card_id=number, due=now).to_json(),
                due=now - timedelta(hours=1 + number),
                updated_at=now,
            )
        )
    for share, kind, context, days in (
        (persona.placement, CheckKind.PLACEMENT, DrillContext.PLACEMENT, persona.joined_days_ago),
        (persona.final, CheckKind.FINAL, DrillContext.FINAL, persona.studied_days_ago or 0),
    ):
        if share is None:
            continue
        items = content.drills.check(track_id, kind)
        for number, drill in enumerate(items):
            correct = number < round(share * len(items))
            truth = DrillVerdict.REAL if drill.genuine else DrillVerdict.SCAM
            other = DrillVerdict.SCAM if drill.genuine else DrillVerdict.REAL
            session.add(
                DrillAnswer(
                    learner_id=learner.id,
                    drill_id=drill.id,
                    verdict=truth if correct else other,
                    correct=correct,
                    context=context,
                    answered_at=now - timedelta(days=days),
                )
            )


def trainer_named(session: Session, username: str) -> Trainer | None:
    return session.exec(select(Trainer).where(col(Trainer.username) == username.lower())).first()
