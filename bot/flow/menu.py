"""The menu, help, the progress card and "delete my data"."""

from __future__ import annotations

from bot.flow.base import Messages, TutorState
from bot.learning import progress as records
from bot.learning import reminders
from bot.storage.models import Phase
from bot.voice import texts as t
from bot.voice.ui import Button, button, progress_card, text


class Menu(TutorState):
    """The menu, help, the progress card and "delete my data"."""

    def _menu_buttons(self) -> list[Button]:
        return [
            button(t.CONTINUE, "continue"),
            button(t.PROGRESS, "progress"),
            button(t.REVIEW, "review"),
            button(t.SET_REMINDER, "set_reminder"),
            button(t.HELP_LABEL, "help"),
            button(t.DELETE_LABEL, "delete"),
        ]

    def _context_buttons(self) -> list[Button]:
        phase = self.learner.phase if self.learner else Phase.CONSENT
        if phase is Phase.CARD and self._lesson() is not None:
            return self._card_buttons()
        if phase is Phase.REMINDER_TIME:
            return self._reminder_time_buttons()
        if phase in (Phase.CONSENT, Phase.DECLINED):
            return [button(t.CONSENT_YES, "consent", v="yes"), button(t.CONSENT_NO, "consent", v="no")]
        return self._menu_buttons()

    def _menu(self) -> Messages:
        return [text(t.MENU, self._menu_buttons())]

    def _not_understood(self) -> Messages:
        return [text(t.NOT_UNDERSTOOD, self._context_buttons())]

    def _progress(self) -> Messages:
        track = self._track()
        if self.learner.consented_at is None or track is None:
            return [text(t.NOT_STARTED), *self._resume()]
        report = records.progress(self.session, self.content, self.learner, track)
        lines = [t.PROGRESS_MODULES.format(done=report.done, total=report.total)]
        if report.answered:
            lines.append(t.PROGRESS_SCORE.format(percent=report.percent_correct))
        if report.to_review:
            lines.append(t.PROGRESS_REVIEW.format(count=report.to_review))
        if report.next_lesson:
            lines.append(t.PROGRESS_NEXT.format(title=report.next_lesson.module.title))
        else:
            lines.append(t.PROGRESS_FINISHED)
        streak = reminders.current_streak(self.learner, self.now)
        if streak:
            lines.append(t.PROGRESS_STREAK.format(days=streak))
        title = f"{t.PROGRESS_TITLE} · {track.title}"
        return [
            progress_card(title=title, lines=lines, percent=report.percent_done, buttons=self._menu_buttons())
        ]

    def _ask_delete(self) -> Messages:
        learner = self.learner
        if learner.phase is not Phase.CONFIRM_DELETE:
            learner.resume_phase = learner.phase
        learner.phase = Phase.CONFIRM_DELETE
        buttons = [
            button(t.DELETE_YES, "delete_confirm", v="yes"),
            button(t.DELETE_NO, "delete_confirm", v="no"),
        ]
        return [text(t.CONFIRM_DELETE, buttons)]

    def _confirm_delete(self, params: dict[str, str]) -> Messages:
        learner = self.learner
        if learner.phase is not Phase.CONFIRM_DELETE:
            return self._resume()
        if params.get("v") == "yes":
            records.erase(self.session, learner)
            self.learner = None
            return [text(t.DELETED)]
        learner.phase = learner.resume_phase or Phase.MODULE_DONE
        learner.resume_phase = None
        return [text(t.DELETE_CANCELLED, self._menu_buttons())]
