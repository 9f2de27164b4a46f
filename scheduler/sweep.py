"""The reminder sweep: who is due a reminder now, and their reminders written to the outbox as batches.

Runs every minute on every worker. It is safe to run anywhere, any number of times at once: a learner is
marked reminded for the day (one bit in a `ReminderDay` row, see bot/learning/marks.py) in the very
transaction that writes their reminder. The bitmap rows are locked while a sweeper marks them, so only one
sweeper marks a learner for a day, and a day never gets a second reminder.

Who is due (all in SQL, so a national roll-out is a few indexed queries a minute):
- following, consented, with a track, not in onboarding or a pending delete;
- reminders not stopped, not snoozed past today, not yet reminded today, not studied today;
- their chosen time has come today, and it is not quiet hours (21:00-08:00) unless they chose a time in
  quiet hours (or are demo learners);
- after 3 reminders in a row without study, only if the last one is a week old; after 11, never (as of the
  days folded into their `ReminderState`: a sweep first folds the days before today, see marks.fold).
Then, in Python: what is next for them. Completed learners get a reminder only when reviews are due.

A reminder depends only on (next module, reviews due, kind of track) and its window, so learners share a
handful of texts. Reminders are written as `OutboxBatch` rows: one per request, the text once and up to 500
learners' IDs. Learners are read in chunks and wait in memory until their text has 500 (a full multicast);
each full batch is written, and its learners marked, in one transaction, so the worker sends it while the
sweep reads on. What is left is written when the sweep ends (a batch of one goes by push). A sweeper that
dies has marked only the learners of the batches it wrote; the others are still due at the next sweep.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Engine,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    cast,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    true,
)
from sqlmodel import col

from bot.content import Audience, Content
from bot.learning import marks
from bot.learning import reminders as rules
from bot.limits import fit
from bot.storage.columns import UtcDateTime
from bot.storage.db import session_scope
from bot.storage.models import (
    Learner,
    ModuleResult,
    OutboxBatch,
    Phase,
    ReminderState,
    ReviewCard,
)
from bot.storage.outbox import MULTICAST_MAX, REMINDER, pending_batch, retry_keys
from bot.storage.trainers import Assignment, AssignmentKind, ClassMember
from bot.voice.reminders import reminder_messages

# Phases in which a nudge would be out of place: before consent, waiting for a parent, deciding to delete.
QUIET_PHASES = (Phase.CONSENT, Phase.DECLINED, Phase.AGE, Phase.PARENT, Phase.CONFIRM_DELETE)
STATE = ReminderState.__table__  # type: ignore[attr-defined]

# (next module's title or None, reviews due, elderly, end of the window, whether the track has drills to
# practise, the due date when the next module is a trainer's assignment): one reminder text and expiry.
Variant = tuple[str | None, int, bool, datetime, bool, date | None]


@dataclass
class SweepReport:
    """What one sweep did; it also carries the learners read but not yet written (their batch not full)."""

    queued: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    day: date | None = None
    waiting: dict[Variant, list[int]] = field(default_factory=dict, repr=False)
    # (track, modules finished, reviews due, chosen minute, cohort) -> the reminder, or why none (a str).
    plans: dict[tuple[Any, ...], Variant | str] = field(default_factory=dict, repr=False)

    def skip(self, reason: str, count: int = 1) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + count

    def wrote(self, queued: int, taken: int) -> None:
        """Count a write: learners queued, and learners another sweeper had marked first."""
        self.queued += queued
        if taken:
            self.skip("taken_by_another_sweep", taken)


def due_filter(
    today: date, minute: int, *, after: int | BindParameter[int] = 0, marked: bool = True
) -> ColumnElement[bool]:
    """The SQL condition for "due a reminder now" (see the module docstring), on the learner row and, by
    NOT EXISTS, on their reminder state (a learner without one was never reminded), for learners with IDs
    above `after`. (Said of both tables: PostgreSQL then reads each chunk's states from `after` on, rather
    than every state marked so far today, chunk after chunk.)"""
    return and_(
        col(Learner.id) > after,
        col(Learner.consented_at).is_not(None),
        col(Learner.track_id).is_not(None),
        col(Learner.phase).not_in(QUIET_PHASES),
        # (Checked again when the reminder is sent: see outbox._STILL_DUE.)
        col(Learner.following).is_(True),
        col(Learner.reminders_stopped).is_(False),
        or_(col(Learner.last_studied_on).is_(None), col(Learner.last_studied_on) < today),
        or_(col(Learner.snoozed_until).is_(None), col(Learner.snoozed_until) <= today),
        col(Learner.remind_minute) <= minute,
        or_(
            literal(minute < rules.QUIET_START),
            col(Learner.remind_minute) >= rules.QUIET_START,
            col(Learner.cohort) == rules.DEMO_COHORT,
        ),
        ~exists().where(STATE.c.learner_id == Learner.id, STATE.c.learner_id > after, held_back(today)),
        marks.not_reminded(today) if marked else true(),
    )


def held_back(today: date) -> ColumnElement[bool]:
    """A reminder state that rules out a reminder today: after BACKOFF_AFTER reminders in a row without
    study, reminded less than BACKOFF_DAYS ago; after GIVE_UP_AFTER, for good; reminded today already (a
    mark from before today's marks moved to `ReminderDay`, by an upgrade during the day)."""
    last, ignored = STATE.c.last_reminded_on, STATE.c.ignored_reminders
    return or_(
        last >= today,
        and_(
            ignored >= rules.BACKOFF_AFTER,
            or_(last.is_(None), last > today - timedelta(days=rules.BACKOFF_DAYS)),
        ),
        ignored >= rules.GIVE_UP_AFTER,
    )


def sweep(
    engine: Engine, content: Content, now: datetime, *, zone: ZoneInfo = rules.BANGKOK, chunk: int = 5000
) -> SweepReport:
    """Write today's due reminders to the outbox, reading `chunk` learners per transaction. (Nothing, if
    another sweeper is still folding the days before today: the next sweep goes on.)"""
    report = SweepReport()
    if not marks.fold(engine, rules.local_date(now, zone)):
        return report
    after: int | None = 0
    try:
        while after is not None:
            after = sweep_chunk(engine, content, now, after=after, report=report, zone=zone, chunk=chunk)
    finally:
        close_batches(engine, report, now)
    return report


def sweep_chunk(
    engine: Engine,
    content: Content,
    now: datetime,
    *,
    after: int,
    report: SweepReport,
    zone: ZoneInfo = rules.BANGKOK,
    chunk: int = 5000,
) -> int | None:
    """One step of the sweep: read the due learners with IDs above `after`, write the batches that are
    full. Returns the next `after`, or None when every due learner has been read. (The runtime does the
    same steps, reading the next chunk while it writes: see `Runtime.sweep_once`.)"""
    read = read_chunk(engine, content, now, after=after, plans=report.plans, zone=zone, chunk=chunk)
    if read is None:
        return None
    last, groups = read
    report.day = rules.local_date(now, zone)
    full = gather(report, groups)
    if full:
        report.wrote(*write_batches(engine, full, now, report.day))
    return last


Groups = list[tuple[Variant | str, list[int]]]


def read_chunk(
    engine: Engine,
    content: Content,
    now: datetime,
    *,
    after: int,
    plans: dict[tuple[Any, ...], Variant | str],
    zone: ZoneInfo = rules.BANGKOK,
    chunk: int = 5000,
) -> tuple[int, Groups] | None:
    """The due learners with IDs above `after`, at most `chunk` of them, grouped by their reminder (or by
    why they get none), with the last ID read; None when none is left. Only reads: whoever is marked
    meanwhile is left out when their batch is written. `plans` caches each reminder worked out."""
    today, minute = rules.local_date(now, zone), rules.local_minute(now, zone)
    with session_scope(engine) as session:
        _by_key(session)
        connection = session.connection()
        # Learner by learner, today's marks are checked only if some learner after `after` has one (the
        # first sweep of an evening finds none): marking is what keeps a second reminder out, this only
        # spares reading those already reminded.
        grouped, reviewed = _chunk_statements(today, minute, chunk, marks.any_after(connection, today, after))
        # The chunk's learners come back grouped by what decides their reminder, each group's IDs as one
        # string: a handful of rows instead of one per learner, so the sweep's Python work per learner is
        # splitting a string, and its thread hardly competes with the sending for the interpreter.
        result = connection.execute(grouped, {"after": after})
        rows = result.cursor.fetchall()
        result.close()
        if not rows:
            return None
        last = max(row[-1] for row in rows)
        # Reviews due, for the chunk's ID range at once: one range of the index, not a look-up per learner.
        reviews: dict[int, int] = dict(
            connection.execute(reviewed, {"after": after, "last": last, "now": now}).all()
        )
        assigned = _assigned(connection, after, last)
    groups: Groups = []
    for track_id, finished, remind_minute, cohort, ids, _ in rows:
        by_reviews: dict[tuple[int, tuple[str, date] | None], list[int]] = {}
        for learner_id in map(int, ids.split(",")):
            by_reviews.setdefault((reviews.get(learner_id, 0), assigned.get(learner_id)), []).append(
                learner_id
            )
        for (count, assignment), members in by_reviews.items():
            plan = plans.get(plan_key := (track_id, finished, count, remind_minute, cohort, assignment))
            if plan is None:
                plan = plans[plan_key] = _plan(content, today, zone, *plan_key)
            groups.append((plan, members))
    return last, groups


def _assigned(connection: Any, after: int, last: int) -> dict[int, tuple[str, date]]:
    """Learner ID -> (module, due date) of their soonest-due module assignment not done yet (on their track,
    in any of their classes), for the chunk's ID range at once. (A drill-set assignment is named by
    "เรียนต่อ", not by the reminder.)"""
    member, task = ClassMember.__table__, Assignment.__table__  # type: ignore[attr-defined]
    result = ModuleResult.__table__  # type: ignore[attr-defined]
    learner = Learner.__table__  # type: ignore[attr-defined]
    query = (
        select(member.c.learner_id, task.c.module_id, task.c.due_on)
        .join(task, task.c.class_id == member.c.class_id)
        .join(learner, learner.c.id == member.c.learner_id)
        .where(
            member.c.learner_id > after,
            member.c.learner_id <= last,
            learner.c.track_id == task.c.track_id,
            task.c.kind == AssignmentKind.MODULE.value,
            ~exists().where(
                result.c.learner_id == member.c.learner_id, result.c.module_id == task.c.module_id
            ),
        )
        .order_by(member.c.learner_id, task.c.due_on, task.c.id)
    )
    found: dict[int, tuple[str, date]] = {}
    for learner_id, module_id, due_on in connection.execute(query):
        found.setdefault(learner_id, (module_id, due_on))
    return found


@functools.lru_cache(maxsize=8)
def _chunk_statements(
    today: date, minute: int, chunk: int, marked: bool
) -> tuple[Select[*tuple[Any, ...]], Select[int, int]]:
    """The statements that read a chunk (see `read_chunk`), built once per sweep: only the bounds change
    from chunk to chunk, and building the due filter anew for each cost more than running it."""
    after = bindparam("after", type_=Integer)
    due = (
        select(
            col(Learner.id),
            col(Learner.track_id),
            col(Learner.finished_modules),
            col(Learner.remind_minute),
            col(Learner.cohort),
        )
        .where(due_filter(today, minute, after=after, marked=marked))
        .order_by(col(Learner.id))
        .limit(chunk)
        .subquery()
    )
    key = (due.c.track_id, due.c.finished_modules, due.c.remind_minute, due.c.cohort)
    grouped = select(*key, func.aggregate_strings(cast(due.c.id, String), ","), func.max(due.c.id)).group_by(
        *key
    )
    reviewed = (
        select(col(ReviewCard.learner_id), func.count())
        .where(
            col(ReviewCard.learner_id) > bindparam("after", type_=Integer),
            col(ReviewCard.learner_id) <= bindparam("last", type_=Integer),
            col(ReviewCard.due) <= bindparam("now", type_=UtcDateTime()),
        )
        .group_by(col(ReviewCard.learner_id))
    )
    return grouped, reviewed


def gather(report: SweepReport, groups: Groups) -> list[tuple[Variant, list[int]]]:
    """Add a chunk's learners to those waiting for their reminder's batch (counting those who get none);
    take out the batches that are full, to be written."""
    waiting = report.waiting
    for plan, members in groups:
        if isinstance(plan, str):
            report.skip(plan, len(members))
        else:
            waiting.setdefault(plan, []).extend(members)
    full = []
    for variant, group in waiting.items():
        while len(group) >= MULTICAST_MAX:
            full.append((variant, group[:MULTICAST_MAX]))
            del group[:MULTICAST_MAX]
    return full


def write_batches(
    engine: Engine, groups: list[tuple[Variant, list[int]]], now: datetime, today: date
) -> tuple[int, int]:
    """Mark these learners reminded and write their batches, in one transaction: (learners queued, learners
    another sweeper had marked already)."""
    with session_scope(engine) as session:
        return _write(session, groups, now, today)


def _by_key(session: Any) -> None:
    """PostgreSQL: plan this transaction's statements for what they are, a few thousand rows by key.

    On a freshly loaded table the planner's guesses were wild enough to JIT-compile each chunk's query (185
    of its 216 ms), or to read whole tables for a chunk rather than ranges of their primary keys.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.connection().exec_driver_sql("SET LOCAL jit = off; SET LOCAL enable_seqscan = off")


def close_batches(engine: Engine, report: SweepReport, now: datetime) -> None:
    """At the end of a sweep (or when it stops): write the learners still waiting, in batches not full."""
    groups = [(variant, group) for variant, group in report.waiting.items() if group]
    report.waiting.clear()
    if groups and report.day is not None:
        report.wrote(*write_batches(engine, groups, now, report.day))


def _plan(
    content: Content,
    today: date,
    zone: ZoneInfo,
    track_id: str,
    finished: str | None,
    reviews: int,
    remind_minute: int,
    cohort: str | None,
    assigned: tuple[str, date] | None = None,
) -> Variant | str:
    """The reminder for a learner at this point, or why there is none. A trainer's assignment (a module of
    the track not finished yet) is named before the normal next module, with its due date."""
    track = content.track(track_id)
    if track is None:
        return "no_track"
    done = set(finished.split(",")) if finished else set()
    following = next((lesson for lesson in content.lessons_of(track) if lesson.id not in done), None)
    due: date | None = None
    if assigned is not None and assigned[0] in track.modules and assigned[0] not in done:
        chosen = content.lessons.get(assigned[0])
        if chosen is not None:
            following, due = chosen, assigned[1]
    if following is None and not reviews:
        return "nothing_due"  # completed learners get spaced review only
    expires = rules.at_local(today, rules.window_end(remind_minute, demo=cohort == rules.DEMO_COHORT), zone)
    title = following.module.title if following else None
    drills = bool(content.drills.in_track(track.id, practice=True))
    return (title, reviews, track.audience is Audience.ELDERLY, expires, drills, due)


def _write(
    session: Any, groups: list[tuple[Variant, list[int]]], now: datetime, today: date
) -> tuple[int, int]:
    """Mark the learners reminded today and write their batches, in the caller's transaction.

    Only the learners not marked today already are marked, and only they get the reminder: another sweeper
    may have marked some meanwhile (see marks.mark). Whether each is still due (they may study before it
    is sent, or stop reminders) is checked when the batch is sent: see outbox.claim_batches.
    """
    if not groups:
        return 0, 0
    ids = [learner_id for _, group in groups for learner_id in group]
    connection = session.connection()
    won = set(marks.mark(connection, today, ids))
    batches = []
    for (title, reviews, elderly, expires, drills, due), group in groups:
        mine = [learner_id for learner_id in group if learner_id in won]
        if mine:
            messages = fit(
                reminder_messages(title, reviews, elderly=elderly, drills=drills, due=due, today=today)
            )
            batches.append((mine, messages, expires))
    if not batches:
        return 0, len(ids)
    connection.execute(
        insert(OutboxBatch),
        [
            pending_batch(REMINDER, mine, messages, now, retry_key=key, expires_at=expires)
            for (mine, messages, expires), key in zip(batches, retry_keys(len(batches)), strict=True)
        ],
    )
    return len(won), len(ids) - len(won)
