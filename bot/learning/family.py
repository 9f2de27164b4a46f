"""The family link's rules (issue 16 section 3): codes, who may use them, the link's life, what a weekly note
counts, and how often encouragement may be sent. Storage only: the conversation is bot/flow/family.py,
the weekly job scheduler/family_notes.py.

A link's life: INVITED (the learner has a code) -> ASKED (a relative typed it) -> ACTIVE (the learner
accepted) -> ENDED (declined, ended by either side, or the relative blocked the bot). Erasing the learner
deletes their links (bot/learning/erasure.py).

Codes are 6 characters from the class codes' alphabet (no look-alikes), with at least one digit and one
letter, so a typed word ("THANKS") is never read as one: 31**6 (about 887 million) codes, single use, valid
for `CODE_TTL`, and wrong codes are throttled per LINE user exactly like class codes
(`membership.code_wait`, `membership.record_code_failure`).
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.learning import membership
from bot.learning.reminders import BANGKOK, local_date
from bot.storage.models import Attempt, FamilyLink, LinkStatus, ModuleResult

CODE_LENGTH = 6
CODE_TTL = timedelta(hours=48)
MAX_LINKS = 3  # relatives asked or linked per learner (the elderly see at most three choices)
NOTE_EVERY = timedelta(days=7)
# Local hours in which a weekly note may go out (a push at 3 a.m. wakes people).
NOTE_HOURS = range(9, 20)
OPEN = (LinkStatus.INVITED, LinkStatus.ASKED, LinkStatus.ACTIVE)
LINKED = (LinkStatus.ASKED, LinkStatus.ACTIVE)

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# An optional lead-in ("รหัส", "ลูกหลาน"), the code, and particles after it.
_CODE = re.compile(
    r"^(?P<lead>[^A-Za-z0-9]*?)\s*[:：]?\s*(?P<code>[A-Za-z0-9]{6})(?![A-Za-z0-9])(?P<rest>[^A-Za-z0-9]*)$"
)
_LEADS = ("รหัส", "ลูกหลาน", "ครอบครัว", "code")


def read_code(message: str) -> str | None:
    """ "รหัส 7KQ2M9", "7kq2m9 ค่ะ", "๗KQ๒M9" -> "7KQ2M9"; anything else (a class code, a word) -> None."""
    text = unicodedata.normalize("NFC", message).translate(_THAI_DIGITS).strip()
    if len(text) > 40:
        return None
    match = _CODE.match(text)
    if match is None:
        return None
    lead = match.group("lead").strip()
    if lead and not any(word in lead.lower() for word in _LEADS):
        return None
    if len(match.group("rest").strip()) > 12:
        return None
    code = match.group("code").upper()
    return code if is_valid_code(code) else None


def is_valid_code(code: str) -> bool:
    return (
        len(code) == CODE_LENGTH
        and all(ch in membership.CODE_ALPHABET for ch in code)
        and any(ch.isdigit() for ch in code)
        and any(ch.isalpha() for ch in code)
    )


def _new_code(session: Session) -> str:
    while True:
        code = "".join(secrets.choice(membership.CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if (
            is_valid_code(code)
            and session.exec(select(FamilyLink.id).where(FamilyLink.code == code)).first() is None
        ):
            return code


# ----- the learner's side ------------------------------------------------------------------------------


def links_of_learner(
    session: Session, learner_id: int, statuses: tuple[LinkStatus, ...] = OPEN
) -> list[FamilyLink]:
    return list(
        session.exec(
            select(FamilyLink)
            .where(FamilyLink.learner_id == learner_id, col(FamilyLink.status).in_(statuses))
            .order_by(col(FamilyLink.id))
        )
    )


def invite(session: Session, learner_id: int, now: datetime) -> FamilyLink | None:
    """A fresh code for the learner (an earlier unused one ends); None with `MAX_LINKS` asked or linked."""
    links = links_of_learner(session, learner_id)
    if sum(link.status in LINKED for link in links) >= MAX_LINKS:
        return None
    for link in links:
        if link.status is LinkStatus.INVITED:
            end(link, now)
            session.add(link)
    link = FamilyLink(
        learner_id=learner_id, code=_new_code(session), created_at=now, expires_at=now + CODE_TTL
    )
    session.add(link)
    session.flush()
    return link


def asked_of(session: Session, learner_id: int) -> FamilyLink | None:
    """The oldest request waiting for the learner's answer."""
    found = links_of_learner(session, learner_id, (LinkStatus.ASKED,))
    return found[0] if found else None


def accept(link: FamilyLink, now: datetime) -> None:
    link.status, link.accepted_at = LinkStatus.ACTIVE, now


def end(link: FamilyLink, now: datetime) -> None:
    """The link ends; the relative's LINE user ID is not kept past it."""
    link.status, link.ended_at, link.relative_user_id = LinkStatus.ENDED, now, None


# ----- the relative's side -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CodeUse:
    link: FamilyLink | None  # the invitation the code opens (None: no such code, or not looked up)
    wait: timedelta | None = None  # too many wrong codes lately: nothing was looked up

    @property
    def wait_minutes(self) -> int:
        return membership.CodeLookup(None, self.wait).wait_minutes


def use_code(session: Session, code: str, user_id: str, now: datetime) -> CodeUse:
    """The open invitation with this code, unless this user typed too many wrong codes lately; a miss (no
    such code, used, or expired) counts against them, as a wrong class code does."""
    sources = [membership.user_source(user_id)]
    wait = membership.code_wait(session, sources, now)
    if wait is not None:
        return CodeUse(None, wait)
    link = session.exec(
        select(FamilyLink).where(
            FamilyLink.code == code,
            FamilyLink.status == LinkStatus.INVITED,
            col(FamilyLink.expires_at) > now,
        )
    ).first()
    if link is None:
        membership.record_code_failure(session, sources, now)
    return CodeUse(link)


def ask(link: FamilyLink, relative_user_id: str, now: datetime) -> None:
    link.relative_user_id, link.status, link.asked_at = relative_user_id, LinkStatus.ASKED, now


def links_of_relative(
    session: Session, user_id: str, statuses: tuple[LinkStatus, ...] = LINKED
) -> list[FamilyLink]:
    return list(
        session.exec(
            select(FamilyLink)
            .where(FamilyLink.relative_user_id == user_id, col(FamilyLink.status).in_(statuses))
            .order_by(col(FamilyLink.id))
        )
    )


def may_cheer(link: FamilyLink, now: datetime, zone: ZoneInfo = BANGKOK) -> bool:
    """One encouragement per link per local day: each is a push the learner did not ask for."""
    return link.last_cheer_at is None or local_date(link.last_cheer_at, zone) != local_date(now, zone)


# ----- the weekly note ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Week:
    """What a weekly note counts: module IDs finished and questions practised, never the answers."""

    modules: list[str]
    practised: int


def week_of(session: Session, link: FamilyLink, now: datetime) -> Week:
    since = link.last_note_at or link.accepted_at or now - NOTE_EVERY
    modules = session.exec(
        select(ModuleResult.module_id)
        .where(
            ModuleResult.learner_id == link.learner_id,
            col(ModuleResult.completed_at) >= since,
            col(ModuleResult.completed_at) < now,
        )
        .order_by(col(ModuleResult.completed_at))
    ).all()
    practised = session.exec(
        select(func.count())
        .select_from(Attempt)
        .where(
            Attempt.learner_id == link.learner_id,
            col(Attempt.review).is_(True),
            col(Attempt.answered_at) >= since,
            col(Attempt.answered_at) < now,
        )
    ).one()
    return Week(list(modules), int(practised))


def due_notes(
    session: Session, now: datetime, zone: ZoneInfo = BANGKOK, limit: int = 500
) -> list[FamilyLink]:
    """Active links a week or more past their last note (or acceptance), at a decent local hour."""
    if now.astimezone(zone).hour not in NOTE_HOURS:
        return []
    last = func.coalesce(col(FamilyLink.last_note_at), col(FamilyLink.accepted_at))
    return list(
        session.exec(
            select(FamilyLink)
            .where(FamilyLink.status == LinkStatus.ACTIVE, last <= now - NOTE_EVERY)
            .order_by(col(FamilyLink.id))
            .limit(limit)
        )
    )
