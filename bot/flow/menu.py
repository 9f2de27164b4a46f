"""The menu, help, the progress card and "delete my data"."""

from __future__ import annotations

from bot.flow import family, views
from bot.flow.turn import KEEP, Params, Step, Turn, resuming, say
from bot.learning import erasure, reminders
from bot.learning import progress as records
from bot.storage.models import Phase
from bot.voice import texts as t
from bot.voice.ui import button, progress_card, text


def help_card() -> Step:
    return say(text(t.HELP, views.menu_buttons()))


def progress(turn: Turn) -> Step:
    track = turn.track()
    if turn.learner.consented_at is None or track is None:
        return resuming(text(t.NOT_STARTED))
    report = records.progress(turn.session, turn.content, turn.learner, track)
    lines = [t.PROGRESS_MODULES.format(done=report.done, total=report.total)]
    if report.answered:
        lines.append(t.PROGRESS_SCORE.format(percent=report.percent_correct))
    if report.to_review:
        lines.append(t.PROGRESS_REVIEW.format(count=report.to_review))
    if report.next_lesson:
        lines.append(t.PROGRESS_NEXT.format(title=report.next_lesson.module.title))
    else:
        lines.append(t.PROGRESS_FINISHED)
    streak = reminders.current_streak(turn.learner, turn.now, turn.zone)
    if streak:
        lines.append(t.PROGRESS_STREAK.format(days=streak))
    title = f"{t.PROGRESS_TITLE} · {track.title}"
    return say(
        progress_card(title=title, lines=lines, percent=report.percent_done, buttons=views.menu_buttons())
    )


def ask_delete(turn: Turn) -> Step:
    learner = turn.learner
    buttons = [
        button(t.DELETE_YES, "delete_confirm", v="yes"),
        button(t.DELETE_NO, "delete_confirm", v="no"),
    ]
    resume = learner.phase if learner.phase is not Phase.CONFIRM_DELETE else KEEP
    return say(text(t.CONFIRM_DELETE, buttons), to=Phase.CONFIRM_DELETE, resume=resume)


def confirm_delete(turn: Turn, params: Params) -> Step:
    learner = turn.learner
    if learner.phase is not Phase.CONFIRM_DELETE:
        return resuming()
    if params.get("v") == "yes":
        family.learner_erased(turn)  # each linked relative is told once; the erasure deletes the links
        erasure.erase(turn.session, learner)
        turn.found = None
        return say(text(t.DELETED))
    back = learner.resume_phase or Phase.MODULE_DONE
    return say(text(t.DELETE_CANCELLED, views.menu_buttons()), to=back, resume=None)
