"""A trainer's assignments from the learner's side: which are still open for a learner, and who has done one.

Completion is read from the learning records, whatever the path: a module assignment is done once the
learner has a result for the module's quiz (assigned, in normal order, or before the assignment was made);
a drills assignment once they have judged every practice drill of the module in their track ("the set").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from bot.content import Content, Lesson
from bot.storage.models import DrillAnswer, Learner, ModuleResult
from bot.storage.trainers import Assignment, AssignmentKind, ClassMember


@dataclass(frozen=True)
class OpenAssignment:
    """An assignment a learner has not done yet, with the module it names."""

    id: int
    kind: AssignmentKind
    lesson: Lesson
    due_on: date
    drill_ids: tuple[str, ...] = ()  # a drills assignment: the drills of the set not judged yet

    @property
    def drills(self) -> bool:
        return self.kind is AssignmentKind.DRILLS


def drill_set(content: Content, track_id: str, module_id: str) -> tuple[str, ...]:
    """The drills a drills assignment asks for: the module's practice drills in the track."""
    return tuple(d.id for d in content.drills.in_module(module_id, track=track_id))


def lesson_in_track(content: Content, track_id: str, module_id: str) -> Lesson | None:
    """The module, if the track still contains it (content may change after an assignment is made)."""
    track = content.track(track_id)
    if track is None or module_id not in track.modules:
        return None
    return content.lessons.get(module_id)


def open_for(session: Session, content: Content, learner: Learner) -> list[OpenAssignment]:
    """The assignments of the learner's classes, on their track, that they have not done: soonest due first.
    Assignments whose module left the track (or whose drill set is empty) are left out."""
    if learner.id is None or learner.track_id is None:
        return []
    rows = session.exec(
        select(Assignment)
        .join(ClassMember, col(ClassMember.class_id) == Assignment.class_id)
        .where(ClassMember.learner_id == learner.id, Assignment.track_id == learner.track_id)
        .order_by(col(Assignment.due_on), col(Assignment.id))
    ).all()
    if not rows:
        return []
    found: list[OpenAssignment] = []
    seen: set[tuple[AssignmentKind, str]] = set()  # the same module assigned by two classes: once
    for row in rows:
        lesson = lesson_in_track(content, row.track_id, row.module_id)
        drills = drill_set(content, row.track_id, row.module_id) if row.kind is AssignmentKind.DRILLS else ()
        if lesson is None or (row.kind is AssignmentKind.DRILLS and not drills):
            continue
        if (row.kind, row.module_id) in seen:
            continue
        seen.add((row.kind, row.module_id))
        found.append(OpenAssignment(row.id or 0, row.kind, lesson, row.due_on, drills))
    done_modules = set(
        session.exec(select(ModuleResult.module_id).where(ModuleResult.learner_id == learner.id))
    )
    judged: set[str] = set()
    if any(item.drills for item in found):
        judged = set(
            session.exec(select(DrillAnswer.drill_id).where(DrillAnswer.learner_id == learner.id).distinct())
        )
    still: list[OpenAssignment] = []
    for item in found:
        if not item.drills:
            if item.lesson.id not in done_modules:
                still.append(item)
            continue
        left = tuple(drill_id for drill_id in item.drill_ids if drill_id not in judged)
        if left:  # only the drills not judged yet are asked for
            still.append(OpenAssignment(item.id, item.kind, item.lesson, item.due_on, left))
    return still


def done_by(
    session: Session, content: Content, assignment: Assignment, learner_ids: Iterable[int]
) -> set[int]:
    """Which of these learners have done the assignment."""
    ids = list(learner_ids)
    if not ids:
        return set()
    if assignment.kind is AssignmentKind.MODULE:
        return set(
            session.exec(
                select(ModuleResult.learner_id).where(
                    ModuleResult.module_id == assignment.module_id, col(ModuleResult.learner_id).in_(ids)
                )
            )
        )
    wanted = drill_set(content, assignment.track_id, assignment.module_id)
    if not wanted:
        return set()
    judged: dict[int, set[str]] = defaultdict(set)
    for learner_id, drill_id in session.exec(
        select(DrillAnswer.learner_id, DrillAnswer.drill_id)
        .where(col(DrillAnswer.learner_id).in_(ids), col(DrillAnswer.drill_id).in_(wanted))
        .distinct()
    ):
        judged[learner_id].add(drill_id)
    return {learner_id for learner_id, drills in judged.items() if len(drills) == len(wanted)}
