"""Reminder times, snoozing and stopping reminders, and study streaks."""

from __future__ import annotations

from datetime import timedelta

from bot import answers
from bot.flow import texts as t
from bot.flow.base import Messages, TutorState
from bot.flow.ui import Button, button, text
from bot.storage.models import Phase
from scheduler import reminders

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
            if learner.phase not in (Phase.REVIEW, Phase.CONFIRM_DELETE):
                learner.resume_phase = learner.phase
            learner.phase = Phase.REMINDER_TIME
        return [text(t.ASK_REMINDER_TIME, self._reminder_time_buttons())]

    def _typed_reminder_time(self, message: str) -> Messages:
        """A typed time ("18:30") or one of the offered words ("เย็น") sets the reminder."""
        minute = reminders.parse_time(message)
        if minute is None:
            labels = [label for label, _, _ in REMINDER_CHOICES]
            words = [words for _, _, words in REMINDER_CHOICES]
            index = answers.read_choice(message, labels, words)
            minute = REMINDER_CHOICES[index][1] if index is not None else None
        if minute is None:
            return [text(t.ASK_REMINDER_TIME_AGAIN, self._reminder_time_buttons())]
        return self._set_reminder_time(minute)

    def _choose_reminder_time(self, params: dict[str, str]) -> Messages:
        """A reminder-time button was pressed: the time is kept and the learner carries on."""
        raw = params.get("m", "")
        if self.learner.consented_at is None or not raw.isdigit() or int(raw) >= reminders.DAY:
            return self._resume()
        return self._set_reminder_time(int(raw))

    def _set_reminder_time(self, minute: int, *, kept: bool = False) -> Messages:
        learner = self.learner
        learner.remind_minute = minute
        learner.reminders_stopped = False
        said = (t.REMINDER_KEPT if kept else t.REMINDER_SET).format(time=reminders.format_time(minute))
        if learner.phase is not Phase.REMINDER_TIME:
            return [text(said, self._menu_buttons())]
        if learner.resume_phase is None:  # onboarding: the first lesson starts now
            return [text(said), *self._begin_track(self._track())]
        learner.phase, learner.resume_phase = learner.resume_phase, None
        return [text(said, self._menu_buttons())]

    def _snooze(self) -> Messages:
        """ "พรุ่งนี้ค่อยเตือน": no more reminders today; tomorrow as usual."""
        learner = self.learner
        if learner.consented_at is None:
            return self._resume()
        learner.snoozed_until = reminders.local_date(self.now) + timedelta(days=1)
        reminders.answered_reminders(self.session, learner)  # an answer, not silence
        return [text(t.SNOOZED, self._menu_buttons())]

    def _stop_reminders(self) -> Messages:
        """ "หยุดเตือน": no reminders at all until the learner asks for them again."""
        if self.learner.consented_at is None:
            return self._resume()
        self.learner.reminders_stopped = True
        return [text(t.REMINDERS_STOPPED, self._menu_buttons())]

    def _restart_reminders(self) -> Messages:
        """ "เปิดเตือน": daily reminders again, at the time chosen before."""
        learner = self.learner
        if learner.consented_at is None:
            return self._resume()
        learner.reminders_stopped = False
        learner.snoozed_until = None
        reminders.answered_reminders(self.session, learner)
        when = reminders.format_time(learner.remind_minute)
        return [text(t.REMINDERS_RESTARTED.format(time=when), self._menu_buttons())]
