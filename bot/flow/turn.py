"""One turn of the conversation (`Turn`: who, where to read and write, when) and what a part of the flow
answers (`Step`: the messages, and where the learner goes next).

Parts never write `learner.phase` themselves: they say where to go in the `Step` they return, and
bot/flow/machine.py checks the move against its transition table and makes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.content import Audience, Content, Lesson, Track
from bot.gateway import MessageJSON
from bot.learning import reminders
from bot.learning.certificates import NO_SITE, Site
from bot.storage.models import Learner, Phase

Messages = list[MessageJSON]
Params = dict[str, str]


class Keep(Enum):
    """A `Step` that leaves the learner's resume point as it is."""

    KEEP = "keep"


KEEP = Keep.KEEP


@dataclass(frozen=True)
class Step:
    """What a part of the flow answers: the messages to send, the phase to move to (None: stay), the phase
    to come back to after a detour (`KEEP`: unchanged), and whether to pick up where the learner was
    afterwards (`then_resume`: the machine moves first, then shows the learner's current screen)."""

    messages: Messages = field(default_factory=list)
    to: Phase | None = None
    resume: Phase | Keep | None = KEEP
    then_resume: bool = False

    def __add__(self, other: Step) -> Step:
        """This step, then `other`: messages in order; the later move wins."""
        if self.then_resume:
            raise ValueError("a step that resumes must come last")
        return Step(
            [*self.messages, *other.messages],
            other.to if other.to is not None else self.to,
            other.resume if other.resume is not KEEP else self.resume,
            other.then_resume,
        )


def say(*messages: MessageJSON, to: Phase | None = None, resume: Phase | Keep | None = KEEP) -> Step:
    return Step(list(messages), to, resume)


def resuming(*messages: MessageJSON) -> Step:
    """Say `messages`, then pick up exactly where the learner was (see `machine.resume`)."""
    return Step(list(messages), then_resume=True)


@dataclass
class Turn:
    """One learner's conversation, for one event: where to read and write, and when it is.

    `zone` is the settings' time zone (TZ): the learner's "today" and times of day are read in it, as the
    reminder sweep reads them.
    """

    session: Session
    content: Content
    now: datetime
    user_id: str
    found: Learner | None
    zone: ZoneInfo = reminders.BANGKOK
    # The event's reply token, when it may be answered later (a check gathered for a few seconds), and
    # until when LINE takes it; the learner's message's quote token (a reply may quote it).
    reply_token: str | None = None
    reply_deadline: datetime | None = None
    quote_token: str | None = None
    # Where the bot is published and whose certificates it prints (PUBLIC_BASE_URL, RUTHAN_ORG_NAME).
    site: Site = NO_SITE

    @property
    def learner(self) -> Learner:
        """The learner, once they exist (every entry point creates them first when they do not)."""
        assert self.found is not None, "no learner in this turn"
        return self.found

    def create(self) -> Learner:
        # Only the LINE user ID and where the conversation stands: nothing else before consent.
        self.found = Learner(line_user_id=self.user_id, created_at=self.now, last_seen_at=self.now)
        self.session.add(self.found)
        return self.found

    @property
    def today(self) -> date:
        return reminders.local_date(self.now, self.zone)

    @property
    def minute(self) -> int:
        """Minutes after local midnight, now."""
        return reminders.local_minute(self.now, self.zone)

    def track(self) -> Track | None:
        return self.content.track(self.learner.track_id)

    @property
    def large(self) -> bool:
        """Large type and at most three choices: the elderly track."""
        track = self.track()
        return track is not None and track.audience is Audience.ELDERLY

    def lesson(self) -> Lesson | None:
        """The current module, if it still exists in the content and in the learner's track."""
        track = self.track()
        module_id = self.learner.module_id
        if track is None or module_id not in track.modules:
            return None
        return self.content.lessons.get(module_id or "")
