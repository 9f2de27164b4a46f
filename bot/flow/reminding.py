"""Reminder times, snoozing and stopping reminders, and study streaks."""

from __future__ import annotations

from datetime import timedelta

from bot import answers, spoken_time
from bot.flow.base import Messages, TutorState
from bot.learning import reminders
from bot.storage.models import Phase
from bot.voice import texts as t
from bot.voice.ui import Button, button, text

# The reminder times offered as buttons: three, for every track (the elderly see at most three choices).
REMINDER_CHOICES: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    (t.REMIND_MORNING, 8 * 60, ("เช้า", "ตอนเช้า")),
    (t.REMIND_NOON, 12 * 60, ("กลางวัน", "ตอนกลางวัน", "เที่ยง", "ตอนเที่ยง")),
    (t.REMIND_EVENING, 19 * 60, ("เย็น", "ตอนเย็น")),
)


class Reminding(TutorState):
    """Reminder times, snoozing and stopping reminders, and study streaks."""

    def _record_study(self) -> str | None:
        """Count today as a study day; a gentle cheer when the streak reaches 3, 7 or 30 days."""
        learner = self.learner
        first_today = learner.last_studied_on != reminders.local_date(self.now)
        milestone = reminders.record_study(learner, self.now)
        if first_today:
            reminders.answered_reminders(self.session, learner)
        return t.STREAK_CHEERS.get(milestone) if milestone else None

    def _reminder_time_buttons(self) -> list[Button]:
        return [button(label, "remind", m=minute) for label, minute, _ in REMINDER_CHOICES]

    def _ask_reminder_time(self) -> Messages:
        """The learner is asked what time of day suits them, with three buttons (or a typed time)."""
        learner = self.learner
        if learner.consented_at is None or self._track() is None:
            return self._resume()
        if learner.phase is not Phase.REMINDER_TIME:
            # A detour from review or a pending delete ends it; anything else is picked up afterwards.
            if learner.phase not in (Phase.REVIEW, Phase.PRACTICE, Phase.CONFIRM_DELETE):
                learner.resume_phase = learner.phase
            learner.phase = Phase.REMINDER_TIME
        return [text(t.ASK_REMINDER_TIME, self._reminder_time_buttons())]

    def _typed_reminder_time(self, message: str) -> Messages:
        """On the time question: a typed time ("18:30", "หกโมงเย็น", "2 ทุ่ม") or one of the offered words
        ("เย็น", a button's number) sets the reminder."""
        times = spoken_time.read_time(message)
        if not times:
            index = self._time_button_named(message)
            times = [REMINDER_CHOICES[index][1]] if index is not None else []
        if not times:
            return [text(t.ASK_REMINDER_TIME_AGAIN, self._reminder_time_buttons())]
        return self._set_typed_time(times)

    def _typed_time_elsewhere(self, message: str) -> Messages | None:
        """Away from the time question, a message that names a clock time ("18:30", "เตือน 2 ทุ่ม") changes
        the reminder; a bare part of the day ("เย็น") only with "เตือน" in it (it may be a quiz answer).
        None if the message is no such thing."""
        learner = self.learner
        if learner.consented_at is None or self._track() is None:
            return None
        times = spoken_time.read_time(message, day_parts="เตือน" in message)
        return self._set_typed_time(times) if times else None

    def _set_typed_time(self, times: list[int]) -> Messages:
        if len(times) > 1:  # "หกโมง": ask which
            parts = zip(("เช้า", "เย็น"), times, strict=False)
            buttons = [button(f"{part} {reminders.format_time(m)}", "remind", m=m) for part, m in parts]
            return [text(t.ASK_WHICH_TIME, buttons)]
        return self._set_reminder_time(times[0])

    @staticmethod
    def _time_button_named(message: str) -> int | None:
        """The offered time a reply names, typos allowed ("เยน", "2"); never a night word read as a day one
        ("กลางคืน" is not "กลางวัน")."""
        if any(word in message for word in ("คืน", "ดึก", "มืด")):
            return None
        labels = [label for label, _, _ in REMINDER_CHOICES]
        return answers.read_choice(message, labels, [words for _, _, words in REMINDER_CHOICES])

    def _choose_reminder_time(self, params: dict[str, str]) -> Messages:
        """A reminder-time button was pressed: the time is kept and the learner carries on."""
        raw = params.get("m", "")
        if self.learner.consented_at is None or not raw.isdecimal() or int(raw) >= reminders.DAY:
            return self._resume()
        return self._set_reminder_time(int(raw))

    def _set_reminder_time(self, minute: int, *, kept: bool = False) -> Messages:
        """Set the time (a choice also turns reminders back on); `kept`: the learner moved on without
        choosing, so the time and a stop stay as they were."""
        learner = self.learner
        learner.remind_minute = minute
        said = reminders.format_time(minute)
        if kept:
            stopped = learner.reminders_stopped
            return self._leave_time_question(
                t.REMINDERS_ALREADY_STOPPED if stopped else t.REMINDER_KEPT.format(time=said)
            )
        learner.reminders_stopped = False
        lines = [(t.REMINDER_SET_TOMORROW if self._from_tomorrow() else t.REMINDER_SET).format(time=said)]
        if reminders.in_quiet_hours(minute):
            part = next(part for until, part in t.NIGHT_PARTS if minute < until)
            lines.append(t.REMINDER_AT_NIGHT.format(time=said, part=part))
        return self._leave_time_question("\n".join(lines))

    def _from_tomorrow(self) -> bool:
        """A time chosen (or reminders restarted) after that time has passed today starts tomorrow: the
        learner is here now, a reminder a minute later would only cost a message. True if so."""
        if self.learner.remind_minute > reminders.local_minute(self.now):
            return False
        self.learner.snoozed_until = reminders.local_date(self.now) + timedelta(days=1)
        return True

    def _leave_time_question(self, said: str, buttons: list[Button] | None = None) -> Messages:
        """Say `said` (with `buttons`, or the menu's); if the learner was on the time question, go on:
        onboarding starts the first lesson, a detour returns to where they were."""
        learner = self.learner
        if learner.phase is Phase.REMINDER_TIME:
            if learner.resume_phase is None:  # onboarding: the first lesson starts now
                return [text(said), *self._begin_track(self._track())]
            learner.phase, learner.resume_phase = learner.resume_phase, None
        return [text(said, buttons if buttons is not None else self._menu_buttons())]

    def _snooze(self) -> Messages:
        """ "พรุ่งนี้ค่อยเตือน": no more reminders today; tomorrow as usual."""
        learner = self.learner
        if learner.consented_at is None:
            return self._resume()
        if learner.reminders_stopped:  # nothing to put off: say so, and how to turn them on
            return self._leave_time_question(
                t.SNOOZE_WHILE_STOPPED, [button(t.RESTART_REMINDERS, "restart_reminders")]
            )
        learner.snoozed_until = reminders.local_date(self.now) + timedelta(days=1)
        reminders.answered_reminders(self.session, learner)  # an answer, not silence
        return self._leave_time_question(t.SNOOZED)

    def _stop_reminders(self) -> Messages:
        """ "หยุดเตือน": no reminders at all until the learner asks for them again."""
        learner = self.learner
        if learner.consented_at is None:
            return self._resume()
        said = t.REMINDERS_ALREADY_STOPPED if learner.reminders_stopped else t.REMINDERS_STOPPED
        learner.reminders_stopped = True
        return self._leave_time_question(said)

    def _restart_reminders(self) -> Messages:
        """ "เปิดเตือน": daily reminders again, at the time chosen before."""
        learner = self.learner
        if learner.consented_at is None:
            return self._resume()
        learner.reminders_stopped = False
        learner.snoozed_until = None
        reminders.answered_reminders(self.session, learner)
        said = t.REMINDERS_RESTARTED_TOMORROW if self._from_tomorrow() else t.REMINDERS_RESTARTED
        return self._leave_time_question(said.format(time=reminders.format_time(learner.remind_minute)))
