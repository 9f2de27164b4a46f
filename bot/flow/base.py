"""What every part of the tutor shares: the learner being taught and where to read and write."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.content import Content
from bot.gateway import MessageJSON
from bot.storage.models import Learner

Messages = list[MessageJSON]


class TutorState:
    """The state of one turn of the conversation. The parts of the flow (onboarding, lessons, review,
    menu, classes, reminders) are mixins over it, combined into `bot.flow.tutor.Tutor`; they call each
    other through `self`, so each file holds one part of the conversation and every transition stays
    within the Tutor."""

    session: Session
    content: Content
    now: datetime
    user_id: str
    learner: Learner | None
