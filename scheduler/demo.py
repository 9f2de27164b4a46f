"""Demo learners for trials and load tests (`ruthan demo seed`).

Seeded learners are in the "demo" cohort: consented, on a track, somewhere in its modules, some with reviews
due, none reminded or studied today. Their reminders are due at 19:00, or at once with `due_now` (and
quiet hours never apply to them), so a trial or a load test can run at any hour.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from fsrs import Card
from sqlalchemy import Engine, delete, insert
from sqlmodel import col, select

from bot.content import Content
from bot.learning import marks
from bot.learning import reminders as rules
from bot.storage.db import session_scope
from bot.storage.models import Learner, ModuleResult, Outbox, Phase, ReviewCard
from bot.storage.trainers import ClassMember, Classroom

CHUNK = 5000


def seed(
    engine: Engine,
    content: Content,
    *,
    count: int,
    now: datetime,
    due_now: bool = False,
    zone: ZoneInfo = rules.BANGKOK,
    reviews_every: int = 4,
) -> int:
    """Create `count` demo learners spread over every track and module; returns how many were made.

    Every `reviews_every`-th learner has one review due (0: none), so reminders come in a few variants.
    """
    positions = [
        (track.id, index)
        for track in content.tracks.values()
        for index in range(len(content.lessons_of(track)))
    ]
    if not positions:
        raise ValueError("the content has no modules to put demo learners in")
    yesterday = rules.local_date(now, zone) - timedelta(days=1)
    card = Card(card_id=0, due=now).to_json()
    made = 0
    for start in range(0, count, CHUNK):
        size = min(CHUNK, count - start)
        learners = []
        for number in range(start, start + size):
            track_id, index = positions[number % len(positions)]
            lessons = content.lessons_of(content.tracks[track_id])
            learners.append(
                {
                    "line_user_id": "U" + uuid.uuid4().hex,
                    "phase": Phase.CARD,
                    "following": True,
                    "consented_at": now,
                    "parental_consent": False,
                    "track_id": track_id,
                    "module_id": lessons[index].id,
                    "finished_modules": ",".join(lesson.id for lesson in lessons[:index]) or None,
                    "step": 0,
                    "module_correct": 0,
                    "created_at": now,
                    "last_seen_at": now,
                    "remind_minute": 0 if due_now else rules.DEFAULT_MINUTE,
                    "reminders_stopped": False,
                    "last_studied_on": yesterday,
                    "streak": 1,
                    "cohort": rules.DEMO_COHORT,
                }
            )
        with session_scope(engine) as session:
            returning = insert(Learner).returning(col(Learner.id), sort_by_parameter_order=True)
            ids = session.execute(returning, learners).scalars().all()
            results, cards = [], []
            for number, learner_id, row in zip(range(start, start + size), ids, learners, strict=True):
                lessons = content.lessons_of(content.tracks[row["track_id"]])  # type: ignore[index]
                for lesson in lessons[: positions[number % len(positions)][1]]:
                    results.append(
                        {
                            "learner_id": learner_id,
                            "module_id": lesson.id,
                            "correct": 1,
                            "total": len(lesson.questions),
                            "completed_at": now,
                        }
                    )
                if reviews_every and number % reviews_every == 0 and lessons[0].questions:
                    cards.append(
                        {
                            "learner_id": learner_id,
                            "question_id": lessons[0].questions[0].id,
                            "card": card,
                            "due": now - timedelta(hours=1),
                            "updated_at": now,
                        }
                    )
            if results:
                session.exec(insert(ModuleResult), params=results)
            if cards:
                session.exec(insert(ReviewCard), params=cards)
        made += size
    if engine.dialect.name == "postgresql":
        # PostgreSQL plans from table statistics, which a bulk load leaves out of date until autovacuum
        # comes by: meanwhile the sweep's queries were planned for a few rows and ran four times slower.
        with engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE learner, moduleresult, review_card, reminder_state")
            connection.commit()
    return made


def clear(engine: Engine) -> tuple[int, int]:
    """Remove every demo learner (and, by cascade, their answers, results, cards and reminder state), their
    messages and reminder marks, and the classes that only demo learners were in (`ruthan demo class`: by
    cascade their groups, assignments and games). A class with any real learner stays.

    Returns (learners removed, classes removed)."""
    with session_scope(engine) as session:
        cohort = session.exec(
            select(Learner.id, Learner.line_user_id).where(Learner.cohort == rules.DEMO_COHORT)
        ).all()
        members = session.exec(
            select(ClassMember.class_id, Learner.cohort).join(
                Learner, col(Learner.id) == col(ClassMember.learner_id)
            )
        ).all()
        real = {class_id for class_id, kind in members if kind != rules.DEMO_COHORT}
        demo_only = {class_id for class_id, kind in members if kind == rules.DEMO_COHORT} - real
        if demo_only:
            session.exec(delete(Classroom).where(col(Classroom.id).in_(sorted(demo_only))))
        users = [user for _, user in cohort]
        for start in range(0, len(users), CHUNK):
            part = users[start : start + CHUNK]
            session.exec(delete(Outbox).where(col(Outbox.chat_id).in_(part)))
        marks.forget(session.connection(), [learner_id for learner_id, _ in cohort])  # type: ignore[misc]
        session.exec(delete(Learner).where(col(Learner.cohort) == rules.DEMO_COHORT))
        return len(users), len(demo_only)
