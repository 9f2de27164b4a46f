"""The daily reminder's words: what is next and how many reviews wait, with buttons to act on it at once.

Written here, below the flow, so that the reminder sweep (scheduler/sweep.py) can say it without importing
the learning flow; the buttons it carries are the flow's own commands (bot/flow/machine.py routes them).
"""

from __future__ import annotations

from datetime import date

from bot.gateway import MessageJSON
from bot.voice import texts as t
from bot.voice.assignments import REMINDER as REMINDER_ASSIGNED
from bot.voice.assignments import assigned_line
from bot.voice.ui import Button, button, text


def reminder_messages(
    next_title: str | None,
    reviews: int,
    *,
    elderly: bool,
    drills: bool = False,
    due: date | None = None,
    today: date | None = None,
) -> list[MessageJSON]:
    """The daily reminder: what is next and how many reviews wait, with buttons to act on it at once; with
    `drills` (the track has drills), a line offering the daily "ซ้อมจับโกง" set, typed (the elderly keep
    their three buttons, and the others' buttons stay the same).

    Identical for every learner at the same point (same track kind, next module and number of reviews), so
    the worker can send it to hundreds at a time with one multicast.
    """
    if next_title is not None:
        if due is not None:  # the next module is the trainer's assignment, due on `due`
            line = assigned_line(next_title, due, today=today or due, elderly=elderly)
            body = REMINDER_ASSIGNED.format(line=line)
        else:
            body = t.REMINDER_NEXT.format(title=next_title)
        if reviews:
            body += "\n" + (t.REMINDER_REVIEWS_TYPED if elderly else t.REMINDER_REVIEWS).format(count=reviews)
        primary = [button(t.CONTINUE, "continue")]
        if reviews and not elderly:
            primary.append(button(t.REVIEW, "review"))
    else:
        body = t.REMINDER_REVIEW_ONLY.format(count=reviews)
        primary = [button(t.REVIEW, "review")]
    if drills:
        body += "\n" + t.REMINDER_DAILY
    # The elderly see at most three choices: what to do now, not today, never.
    buttons: list[Button] = [*primary, button(t.SNOOZE, "snooze"), button(t.STOP_REMINDERS, "stop_reminders")]
    return [text(body, buttons)]
