"""Who has been reminded today: one bit per learner (see `ReminderDay`), and the fold that carries a past
day's marks into each learner's `ReminderState` (last reminded, reminders ignored in a row).

Why bits: the sweep reminds up to hundreds of thousands of learners a minute, and a mark must be written in
the transaction that writes their reminders, so that a reminder is never sent twice in a day nor lost. A row
per learner made that write cost more than LINE's rate limit takes to send the reminders. A bitmap row holds
8,192 learners: a batch of 500 is marked by rewriting a row or two.

The per-learner state that slows reminders down (ignored 3 in a row: weekly; 11: never again) only changes
once a day, so it is brought up to date once a day: the first sweep of a day folds the days before into
`ReminderState`, slice by slice, before it reminds anyone, and deletes their bitmaps.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    Engine,
    Integer,
    bindparam,
    case,
    delete,
    exists,
    func,
    literal,
    or_,
    select,
    tuple_,
    update,
)
from sqlmodel import col

from bot.storage.db import bit_of, dialect_insert, get_bit, session_scope
from bot.storage.models import Learner, ReminderDay, ReminderState
from bot.storage.outbox import among

SLICE = 8192  # learners a bitmap row holds: 1 KiB, small enough to stay in the row
DAY = ReminderDay.__table__  # type: ignore[attr-defined]
STATE = ReminderState.__table__  # type: ignore[attr-defined]


def not_reminded(day: date) -> ColumnElement[bool]:
    """SQL: the learner row's bit is not set in that day's bitmap."""
    return ~exists().where(
        DAY.c.day == day,
        DAY.c.slice == Learner.id // SLICE,
        bit_of(DAY.c.reminded, Learner.id % SLICE) == 1,
    )


def any_after(connection: Connection, day: date, after: int) -> bool:
    """Whether any learner with an ID above `after` may be marked on `day`. A row is made only to mark
    someone, so a row of a later slice answers yes (rarely wrongly: after an erasure cleared its bits);
    only the slice holding `after` is read bit by bit."""
    first = (after + 1) // SLICE
    rows = connection.execute(
        select(DAY.c.slice, DAY.c.reminded)
        .where(DAY.c.day == day, DAY.c.slice >= first)
        .order_by(DAY.c.slice)
        .limit(2)
    ).all()
    for number, bits in rows:
        if number > first:
            return True
        start = after + 1 - number * SLICE  # the first bit that counts: the rest of its byte, then bytes
        if bits[start >> 3] >> (start & 7) or any(bits[(start >> 3) + 1 :]):
            return True
    return False


def marked_in(number: int, bits: bytes) -> list[int]:
    """The IDs of the learners a bitmap row of slice `number` marks."""
    return [number * SLICE + n for n in range(SLICE) if get_bit(bits, n)]


def mark(connection: Connection, day: date, learner_ids: Iterable[int]) -> list[int]:
    """Mark these learners reminded on `day`, in the caller's transaction; returns those not marked before
    (the others were marked by another sweeper, or by this one earlier).

    The slices' rows are created if missing, then locked: a second sweeper marking the same slices waits
    for this transaction to end, then reads its marks. (On SQLite the insert takes the database's write
    lock, which does the same.)
    """
    ids = sorted(learner_ids)
    slices = sorted({learner_id // SLICE for learner_id in ids})
    if not slices:
        return []
    empty = bytes(SLICE // 8)
    connection.execute(
        dialect_insert(connection, DAY).on_conflict_do_nothing(),
        [{"day": day, "slice": number, "reminded": empty} for number in slices],
    )
    rows = connection.execute(
        select(DAY.c.slice, DAY.c.reminded)
        .where(DAY.c.day == day, DAY.c.slice.in_(slices))
        .order_by(DAY.c.slice)
        .with_for_update()
    )
    bitmaps = {number: bytearray(bits) for number, bits in rows}
    won = []
    for learner_id in ids:
        bits, n = bitmaps[learner_id // SLICE], learner_id % SLICE
        if not get_bit(bits, n):
            bits[n >> 3] |= 1 << (n & 7)
            won.append(learner_id)
    if won:
        _rewrite(connection, day, {number: bitmaps[number] for number in {i // SLICE for i in won}})
    return won


def forget(connection: Connection, learner_ids: Iterable[int]) -> None:
    """Clear these learners' marks: they erased their data, or were demo learners cleared away (nothing is
    kept about a learner who is gone)."""
    by_slice: dict[int, list[int]] = {}
    for learner_id in learner_ids:
        by_slice.setdefault(learner_id // SLICE, []).append(learner_id % SLICE)
    if not by_slice:
        return
    rows = connection.execute(
        select(DAY.c.day, DAY.c.slice, DAY.c.reminded)
        .where(DAY.c.slice.in_(sorted(by_slice)))
        .order_by(DAY.c.day, DAY.c.slice)
        .with_for_update()
    ).all()
    for day, number, bits in rows:
        cleared = bytearray(bits)
        for n in by_slice[number]:
            cleared[n >> 3] &= ~(1 << (n & 7)) & 0xFF
        if cleared != bits:
            _rewrite(connection, day, {number: cleared})


def _rewrite(connection: Connection, day: date, bitmaps: dict[int, bytearray]) -> None:
    connection.execute(
        update(DAY)
        .where(DAY.c.day == bindparam("b_day"), DAY.c.slice == bindparam("b_slice"))
        .values(reminded=bindparam("b_bits")),
        [{"b_day": day, "b_slice": number, "b_bits": bytes(bits)} for number, bits in bitmaps.items()],
    )


def fold(engine: Engine, today: date) -> bool:
    """Carry the marks of days before `today` into the learners' reminder states, one slice per
    transaction, oldest day first; True once none is left (False: another sweeper is folding one now).

    For each learner marked on a day: last reminded that day, and one more reminder ignored, unless they
    answered it by studying or snoozing on that day or since (then none: studying resets the count too).
    Several sweepers fold at once without overlap: each takes the slices the others have not locked.
    """
    while True:
        with session_scope(engine) as session:
            if not _fold_one(session.connection(), today):
                break
    with engine.connect() as connection:
        return not connection.execute(select(exists().where(DAY.c.day < today))).scalar()


def _fold_one(connection: Connection, today: date) -> bool:
    """Fold one slice of the oldest day before `today` and delete it; False if none is free to fold."""
    oldest = select(func.min(DAY.c.day)).where(DAY.c.day < today).scalar_subquery()
    pick = (
        select(DAY.c.day, DAY.c.slice)
        .where(DAY.c.day == oldest)
        .order_by(DAY.c.slice)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    taken = connection.execute(
        delete(DAY)
        .where(tuple_(DAY.c.day, DAY.c.slice).in_(pick))
        .returning(DAY.c.day, DAY.c.slice, DAY.c.reminded)
    ).first()
    if taken is None:
        return False
    day, number, bits = taken
    ids = marked_in(number, bits)
    if not ids:
        return True
    answered = or_(col(Learner.last_studied_on) >= day, col(Learner.snoozed_until) > day)
    last, ignored = STATE.c.last_reminded_on, STATE.c.ignored_reminders
    insert = dialect_insert(connection, STATE).from_select(
        [STATE.c.learner_id, last, ignored],
        select(Learner.id, literal(day, Date), case((answered, 0), else_=literal(1, Integer)))
        .where(among(connection, Learner.id, ids))
        .order_by(col(Learner.id)),
    )
    connection.execute(
        insert.on_conflict_do_update(
            index_elements=[STATE.c.learner_id],
            set_={
                last: insert.excluded.last_reminded_on,
                ignored: case((insert.excluded.ignored_reminders == 0, 0), else_=ignored + 1),
            },
            where=or_(last.is_(None), last < insert.excluded.last_reminded_on),
        )
    )
    return True
