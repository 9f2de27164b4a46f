"""The rules of reminders, as plain functions: local days, chosen times, quiet hours, streaks.

Times of day are minutes after local midnight (19:00 is 1140). "Today" is the learner's local day in
Asia/Bangkok, so a reminder at 07:00 and a lesson at 06:00 fall on the same day whatever UTC says.
The sweep (scheduler/sweep.py) turns these rules into SQL; the tutor uses them when a learner studies or
changes a preference.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlmodel import Session

from bot.storage.models import Learner, ReminderState

BANGKOK = ZoneInfo("Asia/Bangkok")
DEFAULT_MINUTE = 19 * 60
QUIET_START = 21 * 60  # quiet hours: 21:00 ...
QUIET_END = 8 * 60  # ... to 08:00
DAY = 24 * 60
# After this many reminders in a row without study, remind only once a week ...
BACKOFF_AFTER = 3
BACKOFF_DAYS = 7
# ... and after this many, stop nudging altogether (a learner who never comes back is not chased forever).
GIVE_UP_AFTER = BACKOFF_AFTER + 8
STREAK_MILESTONES = (3, 7, 30)
# Learners seeded for trials and load tests: their reminders ignore quiet hours.
DEMO_COHORT = "demo"


def local_date(now: datetime, zone: ZoneInfo = BANGKOK) -> date:
    return now.astimezone(zone).date()


def local_minute(now: datetime, zone: ZoneInfo = BANGKOK) -> int:
    local = now.astimezone(zone)
    return local.hour * 60 + local.minute


def at_local(day: date, minute: int, zone: ZoneInfo = BANGKOK) -> datetime:
    """The aware instant of `minute` on local `day` (minute may be 1440: the next midnight)."""
    midnight = datetime.combine(day, time(0), tzinfo=zone)
    return midnight + timedelta(minutes=minute)


def in_quiet_hours(minute: int) -> bool:
    return minute >= QUIET_START or minute < QUIET_END


def window_end(remind_minute: int, *, demo: bool = False) -> int:
    """Until when (minutes after midnight) a reminder due at `remind_minute` may still go out today.

    A daytime choice may go out late (a busy sweep, LINE down) but never into quiet hours; a learner who
    chose a time inside quiet hours accepted that hour, until the end of their day.
    """
    if demo or in_quiet_hours(remind_minute):
        return DAY
    return QUIET_START


def format_time(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def record_study(learner: Learner, now: datetime, zone: ZoneInfo = BANGKOK) -> int | None:
    """Count today as a study day. Returns the streak when it has just reached a milestone (3, 7, 30).

    The first study of a day also answers the reminders ignored so far: see `answered_reminders` (later
    ones need not, since no reminder goes to a learner who studied today).
    """
    today = local_date(now, zone)
    if learner.last_studied_on == today:
        return None
    if learner.last_studied_on == today - timedelta(days=1):
        learner.streak += 1
    else:
        learner.streak = 1
    learner.last_studied_on = today
    return learner.streak if learner.streak in STREAK_MILESTONES else None


def answered_reminders(session: Session, learner: Learner) -> None:
    """Studying, snoozing or restarting reminders: no reminder is being ignored any more (the count that
    slows reminders down starts again). Their reminder state is its own row (see ReminderState); a learner
    without one has nothing to reset. A Core statement, so the session is not flushed."""
    if learner.id is None:  # new in this session: never reminded
        return
    state = ReminderState.__table__  # type: ignore[attr-defined]
    session.connection().execute(
        update(state)
        .where(state.c.learner_id == learner.id, state.c.ignored_reminders != 0)
        .values(ignored_reminders=0)
    )


def current_streak(learner: Learner, now: datetime, zone: ZoneInfo = BANGKOK) -> int:
    """The streak as the learner would see it: still alive if they studied today or yesterday."""
    today = local_date(now, zone)
    if learner.last_studied_on is None or learner.last_studied_on < today - timedelta(days=1):
        return 0
    return learner.streak
