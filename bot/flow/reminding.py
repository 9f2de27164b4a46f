"""Reminder times, snoozing and stopping reminders."""

from __future__ import annotations

from datetime import timedelta

from bot import answers, spoken_time
from bot.flow import lessons, views
from bot.flow.turn import Params, Step, Turn, resuming, say
from bot.flow.views import REMINDER_CHOICES
from bot.learning import reminders
from bot.storage.models import Phase
from bot.voice import texts as t
from bot.voice.ui import Button, button, text


def ask_reminder_time(turn: Turn) -> Step:
    """The learner is asked what time of day suits them, with three buttons (or a typed time)."""
    learner = turn.learner
    if learner.consented_at is None or turn.track() is None:
        return resuming()
    asked = text(t.ASK_REMINDER_TIME, views.reminder_time_buttons())
    if learner.phase is Phase.REMINDER_TIME:
        return say(asked)
    # A detour from review or a pending delete ends it; anything else is picked up afterwards.
    if learner.phase not in (Phase.REVIEW, Phase.PRACTICE, Phase.CONFIRM_DELETE):
        return say(asked, to=Phase.REMINDER_TIME, resume=learner.phase)
    return say(asked, to=Phase.REMINDER_TIME)


def typed_reminder_time(turn: Turn, message: str) -> Step:
    """On the time question: a typed time ("18:30", "หกโมงเย็น", "2 ทุ่ม") or one of the offered words
    ("เย็น", a button's number) sets the reminder."""
    times = spoken_time.read_time(message)
    if not times:
        index = time_button_named(message)
        times = [REMINDER_CHOICES[index][1]] if index is not None else []
    if not times:
        return say(text(t.ASK_REMINDER_TIME_AGAIN, views.reminder_time_buttons()))
    return set_typed_time(turn, times)


def typed_time_elsewhere(turn: Turn, message: str) -> Step | None:
    """Away from the time question, a message that names a clock time ("18:30", "เตือน 2 ทุ่ม") changes
    the reminder; a bare part of the day ("เย็น") only with "เตือน" in it (it may be a quiz answer).
    None if the message is no such thing."""
    learner = turn.learner
    if learner.consented_at is None or turn.track() is None:
        return None
    times = spoken_time.read_time(message, day_parts="เตือน" in message)
    return set_typed_time(turn, times) if times else None


def set_typed_time(turn: Turn, times: list[int]) -> Step:
    if len(times) > 1:  # "หกโมง": ask which
        parts = zip(("เช้า", "เย็น"), times, strict=False)
        buttons = [button(f"{part} {reminders.format_time(m)}", "remind", m=m) for part, m in parts]
        return say(text(t.ASK_WHICH_TIME, buttons))
    return set_reminder_time(turn, times[0])


def time_button_named(message: str) -> int | None:
    """The offered time a reply names, typos allowed ("เยน", "2"); never a night word read as a day one
    ("กลางคืน" is not "กลางวัน")."""
    if any(word in message for word in ("คืน", "ดึก", "มืด")):
        return None
    labels = [label for label, _, _ in REMINDER_CHOICES]
    return answers.read_choice(message, labels, [words for _, _, words in REMINDER_CHOICES])


def choose_reminder_time(turn: Turn, params: Params) -> Step:
    """A reminder-time button was pressed: the time is kept and the learner carries on."""
    raw = params.get("m", "")
    if turn.learner.consented_at is None or not raw.isdecimal() or int(raw) >= reminders.DAY:
        return resuming()
    return set_reminder_time(turn, int(raw))


def set_reminder_time(turn: Turn, minute: int, *, kept: bool = False) -> Step:
    """Set the time (a choice also turns reminders back on); `kept`: the learner moved on without
    choosing, so the time and a stop stay as they were."""
    learner = turn.learner
    learner.remind_minute = minute
    said = reminders.format_time(minute)
    if kept:
        stopped = learner.reminders_stopped
        return leave_time_question(
            turn, t.REMINDERS_ALREADY_STOPPED if stopped else t.REMINDER_KEPT.format(time=said)
        )
    learner.reminders_stopped = False
    lines = [(t.REMINDER_SET_TOMORROW if from_tomorrow(turn) else t.REMINDER_SET).format(time=said)]
    if reminders.in_quiet_hours(minute):
        part = next(part for until, part in t.NIGHT_PARTS if minute < until)
        lines.append(t.REMINDER_AT_NIGHT.format(time=said, part=part))
    return leave_time_question(turn, "\n".join(lines))


def from_tomorrow(turn: Turn) -> bool:
    """A time chosen (or reminders restarted) after that time has passed today starts tomorrow: the
    learner is here now, a reminder a minute later would only cost a message. True if so."""
    if turn.learner.remind_minute > turn.minute:
        return False
    turn.learner.snoozed_until = turn.today + timedelta(days=1)
    return True


def leave_time_question(turn: Turn, said: str, buttons: list[Button] | None = None) -> Step:
    """Say `said` (with `buttons`, or the menu's); if the learner was on the time question, go on:
    onboarding starts the first lesson, a detour returns to where they were."""
    learner = turn.learner
    if learner.phase is Phase.REMINDER_TIME:
        if learner.resume_phase is None:  # onboarding: the first lesson starts now
            return say(text(said)) + lessons.begin_track(turn, turn.track())
        shown = text(said, buttons if buttons is not None else views.menu_buttons())
        return say(shown, to=learner.resume_phase, resume=None)
    return say(text(said, buttons if buttons is not None else views.menu_buttons()))


def snooze(turn: Turn) -> Step:
    """ "พรุ่งนี้ค่อยเตือน": no more reminders today; tomorrow as usual."""
    learner = turn.learner
    if learner.consented_at is None:
        return resuming()
    if learner.reminders_stopped:  # nothing to put off: say so, and how to turn them on
        return leave_time_question(
            turn, t.SNOOZE_WHILE_STOPPED, [button(t.RESTART_REMINDERS, "restart_reminders")]
        )
    learner.snoozed_until = turn.today + timedelta(days=1)
    reminders.answered_reminders(turn.session, learner)  # an answer, not silence
    return leave_time_question(turn, t.SNOOZED)


def stop_reminders(turn: Turn) -> Step:
    """ "หยุดเตือน": no reminders at all until the learner asks for them again."""
    learner = turn.learner
    if learner.consented_at is None:
        return resuming()
    said = t.REMINDERS_ALREADY_STOPPED if learner.reminders_stopped else t.REMINDERS_STOPPED
    learner.reminders_stopped = True
    return leave_time_question(turn, said)


def restart_reminders(turn: Turn) -> Step:
    """ "เปิดเตือน": daily reminders again, at the time chosen before."""
    learner = turn.learner
    if learner.consented_at is None:
        return resuming()
    learner.reminders_stopped = False
    learner.snoozed_until = None
    reminders.answered_reminders(turn.session, learner)
    said = t.REMINDERS_RESTARTED_TOMORROW if from_tomorrow(turn) else t.REMINDERS_RESTARTED
    return leave_time_question(turn, said.format(time=reminders.format_time(learner.remind_minute)))
