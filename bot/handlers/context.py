"""What every handler receives, besides the event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from linebot.v3.webhooks import Event
from sqlmodel import Session

from bot.content import Content
from bot.flow import Tutor
from bot.learning.certificates import NO_SITE, Site
from bot.learning.reminders import BANGKOK


@dataclass(frozen=True)
class HandlerContext:
    session: Session
    content: Content
    now: datetime
    zone: ZoneInfo = BANGKOK  # the settings' TZ: the learner's days and times of day are read in it
    # Until when the event's reply token may be used (an answer given later, e.g. a check, may still reply).
    reply_deadline: datetime | None = None
    site: Site = NO_SITE  # the public address and organisation, for certificates

    def tutor(self, event: Event) -> Tutor:
        """The tutor for the learner who sent `event` (a one-to-one chat always carries a user ID)."""
        return Tutor(
            session=self.session,
            content=self.content,
            now=self.now,
            user_id=event.source.user_id,
            zone=self.zone,
            reply_token=getattr(event, "reply_token", None),
            reply_deadline=self.reply_deadline,
            quote_token=getattr(getattr(event, "message", None), "quote_token", None),
            site=self.site,
        )
