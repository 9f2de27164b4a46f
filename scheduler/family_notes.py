"""The family link's weekly note (issue 16 section 3): one push per active link per week, to the relative.

A note says how many modules the learner finished (with their titles) and how many questions they
practised since the last note: never their answers, never anything they typed. It goes through the outbox
like every push (purpose "family", its own X-Line-Retry-Key), in the same transaction that moves the link's
`last_note_at`; that move is conditional on the value read, so two workers running the job at once write
one note, and the outbox's `dedupe_key` ("family-note:<link>:<week start>") backs it up.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, update
from sqlmodel import col

from bot.content import Content
from bot.gateway import MessageJSON
from bot.learning import family as rules
from bot.learning.reminders import BANGKOK
from bot.limits import fit
from bot.storage.db import session_scope
from bot.storage.models import FamilyLink, Outbox
from bot.storage.outbox import pending_row
from bot.voice import family as f
from bot.voice.ui import button, text

PURPOSE = "family"


def note_message(content: Content, link: FamilyLink, week: rules.Week) -> MessageJSON:
    lines = [f.NOTE_TITLE.format(code=link.code)]
    if week.modules:
        titles = ", ".join(
            lesson.module.title if (lesson := content.lessons.get(module_id)) else module_id
            for module_id in week.modules
        )
        lines.append(f.NOTE_MODULES.format(count=len(week.modules), titles=titles))
    else:
        lines.append(f.NOTE_NO_MODULES)
    if week.practised:
        lines.append(f.NOTE_PRACTICE.format(count=week.practised))
    lines += [f.NOTE_CHEER, f.NOTE_PRIVACY]
    cheers = [button(label, "family_cheer", l=link.id, c=index) for index, (label, _) in enumerate(f.CHEERS)]
    return text("\n".join(lines), cheers)


def write_notes(engine: Engine, content: Content, now: datetime, zone: ZoneInfo = BANGKOK) -> int:
    """Write the notes due now (a week since the last one, at a decent local hour); how many were written."""
    written = 0
    with session_scope(engine) as session:
        for link in rules.due_notes(session, now, zone):
            if not link.relative_user_id or link.id is None:
                continue
            since = link.last_note_at or link.accepted_at
            week = rules.week_of(session, link, now)  # before the move below, which the session sees
            last = col(FamilyLink.last_note_at)
            same = last == link.last_note_at if link.last_note_at is not None else last.is_(None)
            moved = session.exec(
                update(FamilyLink).where(col(FamilyLink.id) == link.id, same).values(last_note_at=now)
            )
            if not moved.rowcount:
                continue  # another worker wrote this week's note
            key = f"family-note:{link.id}:{since.isoformat() if since else ''}"
            values = pending_row(
                link.relative_user_id,
                fit([note_message(content, link, week)]),
                now,
                purpose=PURPOSE,
                dedupe_key=key[:80],
            )
            session.add(Outbox(**values))
            written += 1
    return written
