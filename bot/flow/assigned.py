"""A trainer's assignments in the conversation: "เรียนต่อ" offers the assigned module (or drill set) before
the normal next module, saying it was the trainer's and when it is due. Rules: bot/learning/assignments.py."""

from __future__ import annotations

from bot.content import Audience, Lesson
from bot.flow import drills, lessons, views
from bot.flow.turn import Step, Turn, say
from bot.learning import assignments
from bot.learning.assignments import OpenAssignment
from bot.storage.models import DrillContext, Phase
from bot.voice import assignments as words
from bot.voice.ui import text


def first_open(turn: Turn) -> OpenAssignment | None:
    """The learner's soonest-due assignment not done yet, if any."""
    if turn.learner.id is None:
        return None
    found = assignments.open_for(turn.session, turn.content, turn.learner)
    return found[0] if found else None


def line(turn: Turn, item: OpenAssignment) -> str:
    elderly = views.audience(turn) is Audience.ELDERLY
    return words.assigned_line(
        item.lesson.module.title, item.due_on, today=turn.today, elderly=elderly, drills=item.drills
    )


def start(turn: Turn, item: OpenAssignment) -> Step:
    """Begin the assignment: the module's first card, or the drill set as a round of its own."""
    said = text(line(turn, item))
    if not item.drills:
        return say(said) + lessons.start_lesson(turn, item.lesson)
    bank = drills.bank(turn)
    chosen = [drill for drill_id in item.drill_ids if (drill := bank.get(drill_id)) is not None]
    resume = turn.learner.phase if turn.learner.phase is not Phase.DRILL else None
    return drills.begin(turn, chosen, DrillContext.DAILY, to=Phase.DRILL, intro=[said], resume=resume)


def instead_of(turn: Turn, lesson: Lesson | None) -> Step | None:
    """Where the learner would start `lesson` (or has only its first card on screen), the assigned module
    instead: nothing read is lost. A drill set waits for the end of the module."""
    item = first_open(turn)
    if item is None or (lesson is not None and (item.drills or item.lesson.id == lesson.id)):
        return None
    return start(turn, item)
