"""What a trainer sees about a class: who is active, how far they are, scores, weak skills, missed questions.

Only members who agreed to the privacy notice are counted. Everything is read from the learning records
(attempts, module results, the learner row): nothing is copied or kept for the dashboard itself.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from bot.content import Content
from bot.drills import scoring
from bot.drills.answers import Verdict
from bot.drills.content import CheckKind, Drill
from bot.simulator import is_simulated
from bot.storage.models import Attempt, DrillAnswer, DrillContext, Learner, ModuleResult, ReviewCard
from bot.storage.trainers import ClassMember, Classroom
from bot.trainers import classes

ACTIVE_DAYS = 7  # "active this week": studied in the last 7 local days
STOPPED_DAYS = 14  # "stopped": nothing for 14 days (or never started, a week after joining)
ACTIVITY_DAYS = 14  # the activity chart's span
MIN_SKILL_ANSWERS = 3  # fewer answers than this say little about a skill
BEHIND_POINTS = 25  # "behind": this many percentage points of the track below the class's average
# A spreadsheet runs a cell that starts with one of these as a formula ("CSV injection", OWASP): a learner's
# nickname such as =HYPERLINK(...) must reach the trainer's Excel as text, so it gets a leading apostrophe.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# Question tags (quizzes/*.yaml `skill`) as a trainer reads them.
SKILL_NAMES: dict[str, tuple[str, str]] = {
    "cybersecurity": ("ความปลอดภัยออนไลน์ / กลโกง", "Online safety and scams"),
    "digital-literacy": ("รู้เท่าทันข่าวและสื่อ", "Media and news literacy"),
    "digital-rights": ("ข้อมูลส่วนตัวและสิทธิ", "Personal data and rights"),
    "communication": ("การสื่อสารออนไลน์", "Online communication"),
    "cyberbullying": ("การกลั่นแกล้งออนไลน์", "Cyberbullying"),
    "digital-use": ("การใช้อย่างพอดี", "Healthy use"),
}


def skill_name(skill: str, lang: str = "th") -> str:
    pair = SKILL_NAMES.get(skill)
    return (pair[1] if lang == "en" else pair[0]) if pair else skill


class Status:
    ACTIVE = "active"
    IDLE = "idle"  # studied before, but not this week
    NEW = "new"
    STOPPED = "stopped"
    DONE = "done"
    BLOCKED = "blocked"  # unfollowed the bot: nothing reaches them
    WAITING = "waiting_consent"  # a child who joined and waits for a parent's consent: only counted


@dataclass
class LearnerRow:
    learner_id: int
    label: str
    nickname: str | None
    simulated: bool
    track: str
    modules_done: int
    modules_total: int
    answered: int
    correct: int
    last_studied: date | None
    joined_at: datetime
    status: str
    # The placement (before) and final (after) check figures, when the learner took them (issue 14).
    before: dict[str, object] | None = None
    after: dict[str, object] | None = None
    track_id: str | None = None

    @property
    def not_started(self) -> bool:
        return self.modules_done == 0 and self.answered == 0 and self.last_studied is None

    @property
    def percent_done(self) -> int:
        return round(100 * self.modules_done / self.modules_total) if self.modules_total else 0

    @property
    def percent_correct(self) -> int | None:
        return round(100 * self.correct / self.answered) if self.answered else None


@dataclass
class SkillRow:
    skill: str
    answered: int
    missed: int

    @property
    def miss_rate(self) -> int:
        return round(100 * self.missed / self.answered) if self.answered else 0


@dataclass
class QuestionRow:
    question_id: str
    module: str
    skill: str
    prompt: str
    answered: int
    missed: int

    @property
    def miss_rate(self) -> int:
        return round(100 * self.missed / self.answered) if self.answered else 0


@dataclass
class ModuleRow:
    module_id: str
    title: str
    done: int
    learners: int  # members whose track includes the module


@dataclass
class CheckFigures:
    """A class's figures on one check (placement = before, final = after): every answer pooled, the mean and
    median of the learners' own d′ and balanced accuracy, and a score per cue (bot/drills/scoring.py)."""

    learners: int = 0
    pooled: scoring.Score = field(default_factory=lambda: scoring.Score(0, 0, 0, 0, 0))
    d_primes: list[float] = field(default_factory=list)
    accuracies: list[float] = field(default_factory=list)
    cues: dict[str, scoring.Score] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        def r(values: list[float], how: str) -> float | None:
            if not values:
                return None
            return round(statistics.mean(values) if how == "mean" else statistics.median(values), 3)

        return {
            "learners": self.learners,
            "pooled": self.pooled.as_dict(),
            "d_prime_mean": r(self.d_primes, "mean"),
            "d_prime_median": r(self.d_primes, "median"),
            "balanced_accuracy_mean": r(self.accuracies, "mean"),
            "balanced_accuracy_median": r(self.accuracies, "median"),
            "cues": {cue: score.as_dict() for cue, score in self.cues.items()},
        }


@dataclass
class ClassReport:
    class_id: int
    name: str
    code: str
    learners: list[LearnerRow] = field(default_factory=list)
    modules: list[ModuleRow] = field(default_factory=list)
    skills: list[SkillRow] = field(default_factory=list)
    questions: list[QuestionRow] = field(default_factory=list)
    activity: list[tuple[date, int]] = field(default_factory=list)
    before: CheckFigures = field(default_factory=CheckFigures)
    after: CheckFigures = field(default_factory=CheckFigures)
    cue_names: dict[str, str] = field(default_factory=dict)
    # The modules chart split by track title, in content order: each module counts that track's members only.
    modules_by_track: dict[str, list[ModuleRow]] = field(default_factory=dict)
    # Children who joined and wait for a parent's consent: counted only, nothing else is shown (PDPA).
    awaiting_parent: int = 0
    # The same children as rows that say no more than a number, when they joined and that they wait (the
    # API's "waiting_consent" filter): no nickname, track or progress.
    waiting: list[LearnerRow] = field(default_factory=list)

    @property
    def drill_checks(self) -> dict[str, object]:
        """Before/after figures of the class's placement and final checks, for the API."""
        return {"before": self.before.as_dict(), "after": self.after.as_dict()}

    @property
    def members(self) -> int:
        return len(self.learners)

    def count(self, status: str) -> int:
        return sum(row.status == status for row in self.learners)

    active_since: date | None = None  # first local day of "this week" (the last 7 days)

    @property
    def active_this_week(self) -> int:
        """Learners who studied in the last 7 days, whether or not they have finished their track."""
        since = self.active_since
        return sum(bool(since and row.last_studied and row.last_studied >= since) for row in self.learners)

    @property
    def stopped(self) -> list[LearnerRow]:
        return [row for row in self.learners if row.status in (Status.STOPPED, Status.BLOCKED)]

    @property
    def completion(self) -> int:
        """Average share of their track's modules the members have finished, in percent."""
        if not self.learners:
            return 0
        return round(sum(row.percent_done for row in self.learners) / len(self.learners))

    @property
    def average_score(self) -> int | None:
        answered = sum(row.answered for row in self.learners)
        return round(100 * sum(row.correct for row in self.learners) / answered) if answered else None

    def behind(self, row: LearnerRow) -> bool:
        """Not finished, and well below the class's average share of the track done."""
        return row.status != Status.DONE and row.percent_done <= self.completion - BEHIND_POINTS

    def filtered(self, show: str | None) -> list[LearnerRow]:
        """The learners a filter keeps: not started, stopped (or blocked the bot), behind; else all."""
        if show == FILTER_NOT_STARTED:
            return [row for row in self.learners if row.not_started]
        if show == FILTER_STOPPED:
            return self.stopped
        if show == FILTER_BEHIND:
            return [row for row in self.learners if self.behind(row)]
        if show == FILTER_WAITING:
            return list(self.waiting)
        return list(self.learners)

    @property
    def weakest_skills(self) -> list[SkillRow]:
        ranked = [row for row in self.skills if row.answered >= MIN_SKILL_ANSWERS and row.missed]
        return sorted(ranked, key=lambda row: (-row.miss_rate, -row.answered))[:3]


FILTER_NOT_STARTED = "not_started"
FILTER_STOPPED = "stopped"
FILTER_BEHIND = "behind"
FILTER_WAITING = "waiting_consent"
FILTERS = (FILTER_NOT_STARTED, FILTER_STOPPED, FILTER_BEHIND)
# The JSON API also lists the children waiting for a parent (as bare rows; the page shows their count).
API_FILTERS = (*FILTERS, FILTER_WAITING)


def _label(learner_id: int, nickname: str | None) -> str:
    return nickname or f"ผู้เรียน #{learner_id}"


def class_report(
    session: Session, content: Content, classroom: Classroom, now: datetime, zone: ZoneInfo
) -> ClassReport:
    today = now.astimezone(zone).date()
    report = ClassReport(classroom.id or 0, classroom.name, classroom.code)
    report.active_since = today - timedelta(days=ACTIVE_DAYS - 1)
    members = session.exec(
        select(Learner, ClassMember.nickname, ClassMember.joined_at)
        .join(ClassMember, col(ClassMember.learner_id) == Learner.id)
        .where(ClassMember.class_id == classroom.id, classes.seen_by_trainer())
        .order_by(col(ClassMember.joined_at))
    ).all()
    report.waiting = _awaiting_parent(session, classroom)
    report.awaiting_parent = len(report.waiting)
    if not members:
        return report
    member_ids = (
        select(ClassMember.learner_id)
        .join(Learner, col(Learner.id) == ClassMember.learner_id)
        .where(ClassMember.class_id == classroom.id, classes.seen_by_trainer())
    )
    finished: dict[int, set[str]] = defaultdict(set)
    for learner_id, module_id in session.exec(
        select(ModuleResult.learner_id, ModuleResult.module_id).where(
            col(ModuleResult.learner_id).in_(member_ids)
        )
    ):
        finished[learner_id].add(module_id)
    scores: dict[int, tuple[int, int]] = {}
    for learner_id, answered, correct in session.exec(
        select(Attempt.learner_id, func.count(), func.sum(case((col(Attempt.correct), 1), else_=0)))
        .where(col(Attempt.learner_id).in_(member_ids), col(Attempt.review).is_(False))
        .group_by(col(Attempt.learner_id))
    ):
        scores[learner_id] = (int(answered), int(correct or 0))

    module_learners: dict[str, int] = defaultdict(int)
    module_done: dict[str, int] = defaultdict(int)
    per_track: dict[str, dict[str, list[int]]] = defaultdict(dict)  # track -> module -> [done, learners]
    for learner, nickname, joined_at in members:
        track = content.track(learner.track_id)
        lessons = content.lessons_of(track) if track else []
        done = sum(lesson.id in finished[learner.id] for lesson in lessons)  # type: ignore[index]
        for lesson in lessons:
            module_learners[lesson.id] += 1
            counts = per_track[track.id].setdefault(lesson.id, [0, 0])  # type: ignore[union-attr]
            counts[0] += lesson.id in finished[learner.id]  # type: ignore[index]
            counts[1] += 1
            module_done[lesson.id] += lesson.id in finished[learner.id]  # type: ignore[index]
        answered, correct = scores.get(learner.id, (0, 0))  # type: ignore[arg-type]
        row = LearnerRow(
            learner_id=learner.id,  # type: ignore[arg-type]
            label=_label(learner.id, nickname),  # type: ignore[arg-type]
            nickname=nickname,
            simulated=is_simulated(learner.line_user_id),
            track=track.title if track else "-",
            modules_done=done,
            modules_total=len(lessons),
            answered=answered,
            correct=correct,
            last_studied=learner.last_studied_on,
            joined_at=joined_at,
            status="",
            track_id=track.id if track else None,
        )
        row.status = _status(
            row, following=learner.following, today=today, joined=joined_at.astimezone(zone).date()
        )
        report.learners.append(row)

    for module_id, learners in module_learners.items():
        lesson = content.lessons.get(module_id)  # type: ignore[assignment]
        if lesson is not None:
            report.modules.append(
                ModuleRow(
                    module_id,
                    lesson.module.title,
                    module_done[module_id],
                    learners,
                )
            )
    order = {lesson_id: index for index, lesson_id in enumerate(content.lessons)}
    report.modules.sort(key=lambda row: order.get(row.module_id, 0))
    for track in content.tracks.values():
        if track.id in per_track:
            report.modules_by_track[track.title] = [
                ModuleRow(module_id, content.lessons[module_id].module.title, done, learners)
                for module_id, (done, learners) in per_track[track.id].items()
            ]

    _questions_and_skills(session, content, member_ids, report)
    report.activity = _activity(session, member_ids, now, zone)
    _drill_checks(session, content, {learner.id: learner for learner, _, _ in members}, member_ids, report)
    return report


def _awaiting_parent(session: Session, classroom: Classroom) -> list[LearnerRow]:
    """Members who agreed to the notice but are children still waiting for a parent's consent, as rows
    that say nothing but their number and when they joined."""
    return [
        LearnerRow(
            learner_id=learner_id,
            label=_label(learner_id, None),
            nickname=None,
            simulated=False,
            track="-",
            modules_done=0,
            modules_total=0,
            answered=0,
            correct=0,
            last_studied=None,
            joined_at=joined_at,
            status=Status.WAITING,
        )
        for learner_id, joined_at in session.exec(
            select(ClassMember.learner_id, ClassMember.joined_at)
            .join(Learner, col(Learner.id) == ClassMember.learner_id)
            .where(
                ClassMember.class_id == classroom.id,
                col(Learner.consented_at).is_not(None),
                ~classes.seen_by_trainer(),
            )
            .order_by(col(ClassMember.joined_at))
        )
    ]


@dataclass
class ModuleLine:
    module_id: str
    title: str
    done: bool
    correct: int | None  # the module's quiz score when finished
    total: int | None
    completed_at: datetime | None
    current: bool  # the module the learner is in now


@dataclass
class LearnerDetail:
    """One learner of a class as their trainer sees them: the row of the class table and its details."""

    row: LearnerRow
    class_id: int
    class_name: str
    modules: list[ModuleLine]
    last_seen_at: datetime
    reviews_due: int
    next_review: datetime | None
    behind: bool


def learner_detail(
    session: Session, content: Content, classroom: Classroom, learner_id: int, now: datetime, zone: ZoneInfo
) -> LearnerDetail | None:
    """The learner's page, or None when they are not a member this trainer may see."""
    report = class_report(session, content, classroom, now, zone)
    row = next((r for r in report.learners if r.learner_id == learner_id), None)
    learner = session.get(Learner, learner_id)
    if row is None or learner is None:
        return None
    results = {
        result.module_id: result
        for result in session.exec(select(ModuleResult).where(ModuleResult.learner_id == learner_id))
    }
    track = content.track(learner.track_id)
    modules = [
        ModuleLine(
            lesson.id,
            lesson.module.title,
            lesson.id in results,
            results[lesson.id].correct if lesson.id in results else None,
            results[lesson.id].total if lesson.id in results else None,
            results[lesson.id].completed_at if lesson.id in results else None,
            lesson.id == learner.module_id and lesson.id not in results,
        )
        for lesson in (content.lessons_of(track) if track else [])
    ]
    due, soonest = session.exec(
        select(
            func.sum(case((col(ReviewCard.due) <= now, 1), else_=0)),
            func.min(ReviewCard.due),
        ).where(ReviewCard.learner_id == learner_id)
    ).one()
    return LearnerDetail(
        row=row,
        class_id=report.class_id,
        class_name=report.name,
        modules=modules,
        last_seen_at=learner.last_seen_at,
        reviews_due=int(due or 0),
        next_review=soonest,
        behind=report.behind(row),
    )


def _drill_checks(session: Session, content: Content, learners, member_ids, report: ClassReport) -> None:  # type: ignore[no-untyped-def]
    """Each member's placement and final check scores, and the class's before/after figures (issue 14).

    A learner's check is scored against their track's check items, on their latest verdict on each."""
    verdicts: dict[tuple[int, DrillContext], dict[str, Verdict]] = defaultdict(dict)
    for learner_id, drill_id, verdict, context in session.exec(
        select(DrillAnswer.learner_id, DrillAnswer.drill_id, DrillAnswer.verdict, DrillAnswer.context)
        .where(
            col(DrillAnswer.learner_id).in_(member_ids),
            col(DrillAnswer.context).in_([DrillContext.PLACEMENT, DrillContext.FINAL]),
        )
        .order_by(col(DrillAnswer.answered_at), col(DrillAnswer.id))
    ):
        verdicts[(learner_id, DrillContext(context))][drill_id] = Verdict(str(verdict))
    bank = content.drills
    report.cue_names = {cue.id: cue.name for cue in bank.cues.values()}
    judged: dict[str, list[tuple[Drill, Verdict]]] = {"before": [], "after": []}
    for row in report.learners:
        learner = learners.get(row.learner_id)
        track = content.track(learner.track_id) if learner is not None else None
        if track is None:
            continue
        for name, kind, context in (
            ("before", CheckKind.PLACEMENT, DrillContext.PLACEMENT),
            ("after", CheckKind.FINAL, DrillContext.FINAL),
        ):
            given = verdicts.get((row.learner_id, context), {})
            score = scoring.check_score(bank, track.id, kind, given)
            if not score.answered:
                continue
            setattr(row, name, score.as_dict())
            figures: CheckFigures = getattr(report, name)
            figures.learners += 1
            if score.d_prime is not None:
                figures.d_primes.append(score.d_prime)
            if score.balanced_accuracy is not None:
                figures.accuracies.append(score.balanced_accuracy)
            judged[name] += [(d, given[d.id]) for d in bank.check(track.id, kind) if d.id in given]
    for name in ("before", "after"):
        figures = getattr(report, name)
        figures.pooled = scoring.score(scoring.Answer(d.genuine, v) for d, v in judged[name])
        figures.cues = scoring.per_cue(judged[name])


def _status(row: LearnerRow, *, following: bool, today: date, joined: date) -> str:
    if not following:
        return Status.BLOCKED
    if row.modules_total and row.modules_done >= row.modules_total:
        return Status.DONE
    last = row.last_studied
    if last is not None and last > today - timedelta(days=ACTIVE_DAYS):
        return Status.ACTIVE
    if last is None:
        return Status.STOPPED if joined <= today - timedelta(days=ACTIVE_DAYS) else Status.NEW
    return Status.STOPPED if last <= today - timedelta(days=STOPPED_DAYS) else Status.IDLE


def _questions_and_skills(session: Session, content: Content, member_ids, report: ClassReport) -> None:  # type: ignore[no-untyped-def]
    skills: dict[str, SkillRow] = {}
    for question_id, answered, correct in session.exec(
        select(Attempt.question_id, func.count(), func.sum(case((col(Attempt.correct), 1), else_=0)))
        .where(col(Attempt.learner_id).in_(member_ids), col(Attempt.review).is_(False))
        .group_by(col(Attempt.question_id))
    ):
        found = content.questions.get(question_id)
        if found is None:
            continue  # removed from the content since
        lesson, question = found
        missed = int(answered) - int(correct or 0)
        report.questions.append(
            QuestionRow(
                question_id, lesson.module.title, question.skill, question.prompt, int(answered), missed
            )
        )
        skill = skills.setdefault(question.skill, SkillRow(question.skill, 0, 0))
        skill.answered += int(answered)
        skill.missed += missed
    report.questions.sort(key=lambda row: (-row.miss_rate, -row.answered))
    report.skills = sorted(skills.values(), key=lambda row: -row.miss_rate)


def _activity(session: Session, member_ids, now: datetime, zone: ZoneInfo) -> list[tuple[date, int]]:  # type: ignore[no-untyped-def]
    """Learners who answered at least one question, per local day, over the last two weeks."""
    today = now.astimezone(zone).date()
    first = today - timedelta(days=ACTIVITY_DAYS - 1)
    since = datetime.combine(first, datetime.min.time(), tzinfo=zone)
    learners_by_day: dict[date, set[int]] = defaultdict(set)
    for learner_id, answered_at in session.exec(
        select(Attempt.learner_id, Attempt.answered_at)
        .where(col(Attempt.learner_id).in_(member_ids), col(Attempt.answered_at) >= since)
        .distinct()
    ):
        learners_by_day[answered_at.astimezone(zone).date()].add(learner_id)
    return [
        (first + timedelta(days=offset), len(learners_by_day[first + timedelta(days=offset)]))
        for offset in range(ACTIVITY_DAYS)
    ]


@dataclass
class ClassSummary:
    class_id: int
    name: str
    code: str
    owner: str
    members: int
    active_this_week: int
    groups: int


def summaries(
    session: Session, classrooms: list[Classroom], owners: dict[int, str], now: datetime, zone: ZoneInfo
) -> list[ClassSummary]:
    """One line per class for the class list: members and how many studied this week."""
    from bot.storage.trainers import ClassGroup

    ids = [c.id for c in classrooms]
    if not ids:
        return []
    since = now.astimezone(zone).date() - timedelta(days=ACTIVE_DAYS - 1)
    members: dict[int, int] = defaultdict(int)
    active: dict[int, int] = defaultdict(int)
    for class_id, studied in session.exec(
        select(ClassMember.class_id, Learner.last_studied_on)  # type: ignore[type-var]
        .join(Learner, col(Learner.id) == ClassMember.learner_id)
        .where(col(ClassMember.class_id).in_(ids), classes.seen_by_trainer())
    ):
        members[class_id] += 1
        active[class_id] += bool(studied and studied >= since)
    groups: dict[int, int] = defaultdict(int)
    # One column selected: sqlmodel yields the values themselves (unpacking them as rows failed as soon as a
    # class had an approved group).
    for class_id in session.exec(
        select(ClassGroup.class_id).where(
            col(ClassGroup.class_id).in_(ids), col(ClassGroup.approved_at).is_not(None)
        )
    ).all():
        groups[class_id] += 1
    return [
        ClassSummary(
            c.id or 0,
            c.name,
            c.code,
            owners.get(c.owner_id, ""),
            members[c.id or 0],
            active[c.id or 0],
            groups[c.id or 0],
        )
        for c in classrooms
    ]


STATUS_NAMES = {
    Status.ACTIVE: ("เรียนอยู่", "Active"),
    Status.IDLE: ("ไม่ได้เรียนสัปดาห์นี้", "Not this week"),
    Status.NEW: ("เพิ่งเข้าห้อง", "Just joined"),
    Status.STOPPED: ("หยุดเรียน", "Stopped"),
    Status.DONE: ("เรียนครบ", "Finished"),
    Status.BLOCKED: ("บล็อกบอต", "Blocked the bot"),
    Status.WAITING: ("รอผู้ปกครองยินยอม", "Waiting for a parent's consent"),
}


def status_name(status: str, lang: str = "th") -> str:
    pair = STATUS_NAMES.get(status, (status, status))
    return pair[1] if lang == "en" else pair[0]


def as_text_cell(value: object) -> object:
    """A text that a spreadsheet would read as a formula, made plain text; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


# Drill checks (issue 14): hit rate, false-alarm rate, d′ and balanced accuracy, before and after.
_CHECK_FIGURES = ("hit_rate", "false_alarm_rate", "d_prime", "balanced_accuracy")
CHECK_COLUMNS_TH = tuple(
    f"{when} {name}" for when in ("ก่อนเรียน", "หลังเรียน") for name in ("H", "F", "d′", "ความแม่นยำสมดุล")
)
CHECK_COLUMNS_EN = tuple(
    f"{when} {name}" for when in ("Before", "After") for name in ("H", "F", "d′", "Balanced accuracy")
)


def _check_cells(figures: dict[str, object] | None) -> list[object]:
    if figures is None:
        return [""] * len(_CHECK_FIGURES)
    return ["" if figures[name] is None else figures[name] for name in _CHECK_FIGURES]


def csv_export(report: ClassReport, lang: str = "th") -> bytes:
    """The class's progress as CSV with a BOM (Excel then reads Thai correctly); no cell is a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    header = (
        [
            "ชื่อ",
            "เลขผู้เรียน",
            "ชุดบทเรียน",
            "บทที่จบ",
            "บททั้งหมด",
            "ตอบถูก (%)",
            "ตอบแล้ว (ข้อ)",
            "เรียนล่าสุด",
            "สถานะ",
            "เข้าห้องเมื่อ",
            *CHECK_COLUMNS_TH,
        ]
        if lang != "en"
        else [
            "Name",
            "Learner no.",
            "Track",
            "Modules done",
            "Modules",
            "Correct (%)",
            "Answered",
            "Last studied",
            "Status",
            "Joined",
            *CHECK_COLUMNS_EN,
        ]
    )
    writer.writerow(header)
    for row in report.learners:
        cells = [
            row.label,
            row.learner_id,
            row.track,
            row.modules_done,
            row.modules_total,
            "" if row.percent_correct is None else row.percent_correct,
            row.answered,
            row.last_studied.isoformat() if row.last_studied else "",
            status_name(row.status, lang),
            row.joined_at.date().isoformat(),
            *_check_cells(row.before),
            *_check_cells(row.after),
        ]
        writer.writerow([as_text_cell(cell) for cell in cells])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
