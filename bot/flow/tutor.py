"""The tutor: the face the handlers see. Each method is one thing a learner did; each returns the messages
to send in reply. The work is the state machine's (bot/flow/machine.py).

State lives in the `Learner` row (phase, track, module, step), so a restart between any two messages loses
nothing.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam
from sqlmodel import Session, select

from bot.check import CheckResult
from bot.content import Content
from bot.flow import machine
from bot.flow.turn import Messages, Params, Turn
from bot.learning.certificates import NO_SITE, Site
from bot.learning.reminders import BANGKOK
from bot.storage.db import find
from bot.storage.models import Learner

LEARNER = select(Learner).where(Learner.line_user_id == bindparam("line_user_id"))


class Tutor:
    """One learner's conversation, for one event. Create per event with the session it should use;
    `zone` is the settings' time zone (TZ), in which the learner's days and times of day are read."""

    def __init__(
        self,
        *,
        session: Session,
        content: Content,
        now: datetime,
        user_id: str,
        zone: ZoneInfo = BANGKOK,
        reply_token: str | None = None,
        reply_deadline: datetime | None = None,
        quote_token: str | None = None,
        site: Site = NO_SITE,
    ) -> None:
        found = find(session, Learner, LEARNER, line_user_id=user_id)
        self.turn = Turn(
            session=session,
            content=content,
            now=now,
            user_id=user_id,
            found=found,
            zone=zone,
            reply_token=reply_token,
            reply_deadline=reply_deadline,
            quote_token=quote_token,
            site=site,
        )

    @property
    def learner(self) -> Learner | None:
        return self.turn.found

    def followed(self, *, unblocked: bool = False) -> Messages:
        """A new friend is welcomed and asked for consent; a returning one picks up where they left off."""
        return machine.followed(self.turn)

    def unfollowed(self) -> Messages:
        """The learner blocked the bot: mark them inactive and send nothing."""
        return machine.unfollowed(self.turn)

    def pressed(self, action: str, params: Params) -> Messages:
        """A quick-reply or rich-menu button was pressed (a postback)."""
        return machine.pressed(self.turn, action, params)

    def typed(self, message: str) -> Messages:
        """The learner typed something: a command, an answer, or something we kindly do not understand."""
        return machine.typed(self.turn, message)

    def sent_image(self, message_id: str) -> Messages:
        """A picture: read as a screenshot to check, answered a few seconds later (outside the round)."""
        return machine.sent_image(self.turn, message_id)

    def checked(self, results: list[CheckResult], unreadable: int = 0) -> Messages:
        """The answer to what was gathered for a check: the signs found, what to do, one question."""
        return machine.checked(self.turn, results, unreadable)

    def sent_media(self, kind: str) -> Messages:
        """A sticker, photo, voice message or location: a friendly word and the buttons again."""
        return machine.sent_media(self.turn)
