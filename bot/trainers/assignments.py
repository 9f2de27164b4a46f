"""Assignments from the trainer's side: assign a module (or a module's drills) to a class with a due date,
remove one, see who has done it, and send the one nudge to those who have not.

Every change is written to the audit log in the same transaction. The nudge goes through the outbox like an
announcement (batches of up to 500 learners, one multicast each, simulated learners in batches of their
own), under unique keys ("nudge:<id>:<n>"), and only the process that marks the assignment nudged (a
conditional UPDATE) writes them: a double click or a retry writes nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.content import Audience, Content
from bot.learning import assignments as rules
from bot.limits import fit
from bot.simulator import is_simulated
from bot.storage.db import insert_skipping_known
from bot.storage.models import Learner, OutboxBatch
from bot.storage.outbox import MULTICAST_MAX, pending_batch
from bot.storage.trainers import Assignment, AssignmentKind, ClassMember, Classroom
from bot.trainers import audit, classes
from bot.trainers.auth import Principal
from bot.voice import assignments as words

PURPOSE = "assignment"  # the outbox purpose of nudges
MAX_AHEAD = timedelta(days=366)  # a due date at most a year ahead
MAX_PER_CLASS = 30


class AssignmentError(ValueError):
    """Something the trainer must fix; the message says what, in the trainer's words."""


class NotFound(LookupError):
    """No such assignment in this class."""


class OverQuota(AssignmentError):
    """The nudge needs more messages than this month's LINE quota has left."""


@dataclass(frozen=True)
class Choice:
    """One module a class can be given, as the form and the API offer it."""

    track_id: str
    track: str
    module_id: str
    title: str
    drills: int  # practice drills in the module for this track: a drills assignment needs some


def choices(content: Content) -> list[Choice]:
    """Every module of every track, in content order, with how many drills it has in that track."""
    return [
        Choice(
            track.id,
            track.title,
            lesson.id,
            lesson.module.title,
            len(rules.drill_set(content, track.id, lesson.id)),
        )
        for track in content.tracks.values()
        for lesson in content.lessons_of(track)
    ]


@dataclass
class AssignmentRow:
    """An assignment as the class page shows it: who (of its track's members) has done it, who has not."""

    id: int
    kind: AssignmentKind
    track_id: str
    track: str
    module_id: str
    title: str
    due_on: date
    created_at: datetime
    nudged_at: datetime | None
    nudged: int | None
    done: list[str] = field(default_factory=list)
    not_yet: list[str] = field(default_factory=list)  # not done, due date not passed
    overdue: list[str] = field(default_factory=list)  # not done, due date passed
    # Not done and still reachable (following the bot): who a nudge would go to.
    to_nudge: int = 0

    @property
    def learners(self) -> int:
        return len(self.done) + len(self.not_yet) + len(self.overdue)


def _members(session: Session, class_id: int, track_id: str) -> list[tuple[int, str | None, bool]]:
    """(learner ID, nickname, following) of the class's members on the track the trainer may see."""
    return [
        (learner_id, nickname, following)  # type: ignore[misc]
        for learner_id, nickname, following in session.exec(
            select(Learner.id, ClassMember.nickname, Learner.following)
            .join(ClassMember, col(ClassMember.learner_id) == Learner.id)
            .where(ClassMember.class_id == class_id, classes.seen_by_trainer(), Learner.track_id == track_id)
            .order_by(col(ClassMember.joined_at))
        )
    ]


def rows(session: Session, content: Content, class_id: int, today: date) -> list[AssignmentRow]:
    """The class's assignments, soonest due first, each with its done / not yet / overdue learners."""
    found = []
    for assignment in session.exec(
        select(Assignment)
        .where(Assignment.class_id == class_id)
        .order_by(col(Assignment.due_on), col(Assignment.id))
    ):
        track = content.track(assignment.track_id)
        lesson = content.lessons.get(assignment.module_id)
        row = AssignmentRow(
            assignment.id or 0,
            assignment.kind,
            assignment.track_id,
            track.title if track else assignment.track_id,
            assignment.module_id,
            lesson.module.title if lesson else assignment.module_id,
            assignment.due_on,
            assignment.created_at,
            assignment.nudged_at,
            assignment.nudged,
        )
        members = _members(session, class_id, assignment.track_id)
        done = rules.done_by(session, content, assignment, [m[0] for m in members])
        for learner_id, nickname, following in members:
            label = nickname or f"ผู้เรียน #{learner_id}"
            if learner_id in done:
                row.done.append(label)
                continue
            (row.overdue if today > assignment.due_on else row.not_yet).append(label)
            row.to_nudge += following
        found.append(row)
    return found


def create(
    session: Session,
    content: Content,
    principal: Principal,
    classroom: Classroom,
    *,
    kind: AssignmentKind,
    track_id: str,
    module_id: str,
    due_on: date,
    today: date,
    now: datetime,
) -> Assignment:
    """Assign a module (or its drills) of a track to the class; refused with a clear reason when the track
    does not contain the module, the module has no drills, or the date is past or too far ahead."""
    track = content.track(track_id)
    if track is None:
        raise AssignmentError("ไม่มีชุดบทเรียนนี้ / No such track")
    lesson = rules.lesson_in_track(content, track_id, module_id)
    if lesson is None:
        raise AssignmentError(
            f"ชุดบทเรียน {track.title} ไม่มีบทนี้ ผู้เรียนชุดนี้จึงเรียนไม่ได้ / "
            f"The {track.title} track does not contain this module"
        )
    if kind is AssignmentKind.DRILLS and not rules.drill_set(content, track_id, module_id):
        raise AssignmentError(
            f"บท {lesson.module.title} ยังไม่มีแบบฝึกจับโกง / This module has no drills to assign"
        )
    if due_on < today:
        raise AssignmentError("วันส่งผ่านไปแล้ว / The due date has passed")
    if due_on > today + MAX_AHEAD:
        raise AssignmentError("วันส่งไกลเกินหนึ่งปี / The due date is more than a year ahead")
    existing = session.exec(select(Assignment.id).where(Assignment.class_id == classroom.id)).all()
    if len(existing) >= MAX_PER_CLASS:
        raise AssignmentError(
            f"ห้องนี้มีงาน {MAX_PER_CLASS} ชิ้นแล้ว ลบงานเก่าก่อน / The class has {MAX_PER_CLASS} assignments"
        )
    assignment = Assignment(
        class_id=classroom.id or 0,
        kind=kind,
        track_id=track_id,
        module_id=module_id,
        due_on=due_on,
        created_by=principal.trainer_id,
        created_at=now,
    )
    session.add(assignment)
    session.flush()
    what = "drills of " if kind is AssignmentKind.DRILLS else ""
    audit.record(
        session,
        principal,
        "assignment.create",
        f"Assigned {what}{lesson.module.title} ({track.title}) to {classroom.name}, due {due_on.isoformat()}",
        now=now,
        detail={"class_ids": [classroom.id], "assignment_id": assignment.id, "module_id": module_id},
    )
    return assignment


def get(session: Session, classroom: Classroom, assignment_id: int) -> Assignment:
    assignment = session.get(Assignment, assignment_id)
    if assignment is None or assignment.class_id != classroom.id:
        raise NotFound(assignment_id)
    return assignment


def remove(
    session: Session, principal: Principal, classroom: Classroom, assignment_id: int, *, now: datetime
) -> None:
    assignment = get(session, classroom, assignment_id)
    session.delete(assignment)
    audit.record(
        session,
        principal,
        "assignment.remove",
        f"Removed the assignment of {assignment.module_id} (due {assignment.due_on.isoformat()})"
        f" from {classroom.name}",
        now=now,
        detail={"class_ids": [classroom.id], "assignment_id": assignment_id},
    )


@dataclass(frozen=True)
class Nudged:
    """What pressing "ส่งข้อความเตือน" did: `sent` is False when the nudge had gone already (then `at` and
    `learners` say when, and to how many)."""

    sent: bool
    at: datetime
    learners: int


def nudge(
    session: Session,
    content: Content,
    principal: Principal,
    classroom: Classroom,
    assignment_id: int,
    *,
    now: datetime,
    zone: ZoneInfo,
    remaining: int | None = None,
) -> Nudged:
    """Write the one nudge for the learners who have not done the assignment (and still follow the bot) to
    the outbox; a second press (or a retry racing the first) writes nothing and says when it went. Refused,
    sending nothing, when it needs more messages than the month's quota has left (`remaining`, if known)."""
    assignment = get(session, classroom, assignment_id)
    if assignment.nudged_at is not None:
        return Nudged(False, assignment.nudged_at, assignment.nudged or 0)
    today = now.astimezone(zone).date()
    members = _members(session, classroom.id or 0, assignment.track_id)
    done = rules.done_by(session, content, assignment, [m[0] for m in members])
    waiting = [learner_id for learner_id, _, following in members if following and learner_id not in done]
    users = dict(
        session.exec(select(Learner.id, Learner.line_user_id).where(col(Learner.id).in_(waiting))).all()
    )
    real = [i for i in waiting if not is_simulated(users.get(i, ""))]
    simulated = [i for i in waiting if is_simulated(users.get(i, ""))]
    if remaining is not None and len(real) > remaining:
        raise OverQuota(
            f"โควตาข้อความ LINE เดือนนี้เหลือ {remaining} แต่ต้องส่ง {len(real)} / "
            f"Not enough messages left in this month's LINE quota ({remaining} for {len(real)})"
        )
    won = session.exec(  # type: ignore[call-overload]
        update(Assignment)
        .where(col(Assignment.id) == assignment_id, col(Assignment.nudged_at).is_(None))
        .values(nudged_at=now)
    ).rowcount
    if not won:  # another request (a double click) got there first
        session.refresh(assignment)
        return Nudged(False, assignment.nudged_at or now, assignment.nudged or 0)
    chunks = [
        ids[s : s + MULTICAST_MAX] for ids in (real, simulated) for s in range(0, len(ids), MULTICAST_MAX)
    ]
    track = content.track(assignment.track_id)
    lesson = content.lessons.get(assignment.module_id)
    messages = fit(
        words.nudge_messages(
            lesson.module.title if lesson else assignment.module_id,
            assignment.due_on,
            today=today,
            elderly=track is not None and track.audience is Audience.ELDERLY,
            drills=assignment.kind is AssignmentKind.DRILLS,
        )
    )
    batches = [
        pending_batch(PURPOSE, ids, messages, now, dedupe_key=f"nudge:{assignment_id}:{number}")
        for number, ids in enumerate(chunks)
    ]
    if batches:
        once = insert_skipping_known(session.get_bind(), OutboxBatch.__table__, "dedupe_key")  # type: ignore[attr-defined]
        session.exec(once, params=batches)  # type: ignore[call-overload]
    session.exec(  # type: ignore[call-overload]
        update(Assignment).where(col(Assignment.id) == assignment_id).values(nudged=len(waiting))
    )
    audit.record(
        session,
        principal,
        "assignment.nudge",
        f"Nudged the learners who have not done {assignment.module_id} in {classroom.name}",
        now=now,
        recipients=len(waiting),
        detail={"class_ids": [classroom.id], "assignment_id": assignment_id, "users": len(waiting)},
    )
    return Nudged(True, now, len(waiting))
