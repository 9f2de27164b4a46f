"""Class membership, as the learner meets it: reading "เข้าห้อง 4K7Q", looking a code up (throttled), joining
and leaving, and who counts as a member a trainer sees.

A code is 4 characters from an alphabet without look-alikes (no 0/O, 1/I/L), easy to read aloud and to
type on a phone. Learners type "เข้าห้อง 4K7Q" (optionally followed by the nickname their trainer will
see). Codes are short, so guessing them is throttled: a user or group whose codes matched no class
`CODE_MAX_FAILURES` times within `CODE_FAILURE_WINDOW` waits until the oldest of those leaves the window,
and until then no code is looked up for them, right or wrong.

The learning flow (bot/flow/classroom.py) and the trainers' side (bot/trainers/classes.py: creating
classes, LINE groups, who sees which class) both use it.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, delete, or_
from sqlmodel import Session, col, select

from bot import answers
from bot.storage.models import Learner, Phase
from bot.storage.trainers import ClassMember, Classroom, CodeFailure, Trainer

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 4
MAX_NICKNAME = 40
# 31**4 = 923,521 codes: at 5 wrong codes per 15 minutes, one user or group tries under 0.1% of them a day.
CODE_MAX_FAILURES = 5
CODE_FAILURE_WINDOW = timedelta(minutes=15)

JOIN_WORDS: dict[str, tuple[str, ...]] = {
    "join": ("เข้าห้อง", "เข้ากลุ่ม", "เข้าชั้น", "เข้าคลาส", "ห้อง", "รหัสห้อง", "ลงทะเบียน", "join"),
    "leave": ("ออกจากห้อง", "ออกห้อง", "leave"),
    # Only in LINE groups: ask to link the group to the class (the trainer approves it in /admin).
    "link": ("เชื่อมห้อง", "เชื่อมกลุ่ม", "เชื่อมต่อห้อง", "link"),
}
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# Anything before the code (the keyword), the code itself, and what follows it (a nickname, a particle).
_WITH_CODE = re.compile(
    r"^(?P<keyword>join|leave|[^A-Za-z0-9]*?)\s*[:：]?\s*(?P<code>[A-Za-z0-9]{4})(?![A-Za-z0-9])(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_PARTICLES = re.compile(r"(?:\s*(?:ค่ะ|คะ|ครับ|คับ|จ้า|จ้ะ|นะ|ค่า|ฮะ|na|ka|krub|krab))+$", re.IGNORECASE)
_NAME_LEAD = re.compile(r"^\s*(?:ชื่อเล่น|ชื่อ|name)\s*[:：]?\s*", re.IGNORECASE)


@dataclass(frozen=True)
class JoinRequest:
    kind: str  # "join", "leave", "link" (for groups), or "bare" (only a code: never acted on)
    code: str
    nickname: str | None = None


def read_join(message: str) -> JoinRequest | None:
    """ "เข้าห้อง 4K7Q ต้น" -> join 4K7Q as "ต้น"; "ออกจากห้อง 4K7Q" -> leave; "เชื่อมห้อง 4K7Q" -> link;
    "4K7Q" -> bare; else None."""
    text = unicodedata.normalize("NFC", message).translate(_THAI_DIGITS).strip()
    if len(text) > 80:
        return None
    match = _WITH_CODE.match(text)
    if match is None:
        return None
    keyword = match.group("keyword").strip()
    if keyword:
        kind = answers.read_command(keyword, JOIN_WORDS)
        if kind is None:
            return None
    else:
        kind = "bare"
    code = match.group("code").upper()
    return JoinRequest(kind, code, _nickname(match.group("rest")))


def _nickname(rest: str) -> str | None:
    name = _PARTICLES.sub("", _NAME_LEAD.sub("", rest.strip())).strip(" \t\n\"'“”.,!?()[]")
    name = " ".join(name.split())
    return name[:MAX_NICKNAME] or None


def is_valid_code(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in code)


def find_by_code(session: Session, code: str) -> Classroom | None:
    if not is_valid_code(code):
        return None
    return session.exec(
        select(Classroom).where(Classroom.code == code, col(Classroom.archived).is_(False))
    ).first()


# ----- guessing codes is throttled ---------------------------------------------------------------------


def user_source(line_user_id: str) -> str:
    return _source("user", line_user_id)


def group_source(group_id: str) -> str:
    return _source("group", group_id)


def _source(kind: str, line_id: str) -> str:
    return hashlib.sha256(f"{kind}:{line_id}".encode()).hexdigest()


@dataclass(frozen=True)
class CodeLookup:
    classroom: Classroom | None  # None: no such class (or not looked up while waiting)
    wait: timedelta | None = None  # set: too many wrong codes lately; nothing was looked up

    @property
    def wait_minutes(self) -> int:
        """Whole minutes to wait, rounded up (what the learner is told)."""
        seconds = self.wait.total_seconds() if self.wait else 0
        return max(1, -(-int(seconds) // 60))


def lookup_code(session: Session, code: str, *, sources: list[str], now: datetime) -> CodeLookup:
    """The class with this code, unless one of `sources` typed too many wrong codes lately; a miss counts
    against every source (the user, and the group they typed in)."""
    wait = code_wait(session, sources, now)
    if wait is not None:
        return CodeLookup(None, wait)
    classroom = find_by_code(session, code)
    if classroom is None:
        record_code_failure(session, sources, now)
    return CodeLookup(classroom)


def record_code_failure(session: Session, sources: list[str], now: datetime) -> None:
    """Count a code that matched nothing against every source (also used for family codes)."""
    session.exec(delete(CodeFailure).where(col(CodeFailure.at) <= now - CODE_FAILURE_WINDOW))
    session.add_all(CodeFailure(source=source, at=now) for source in sources)


def code_wait(session: Session, sources: list[str], now: datetime) -> timedelta | None:
    """How long the most throttled of `sources` must wait before a code is looked up again, or None."""
    waits = []
    for source in sources:
        recent = session.exec(
            select(CodeFailure.at)
            .where(CodeFailure.source == source, col(CodeFailure.at) > now - CODE_FAILURE_WINDOW)
            .order_by(col(CodeFailure.at).desc())
            .limit(CODE_MAX_FAILURES)
        ).all()
        if len(recent) >= CODE_MAX_FAILURES:
            waits.append(recent[-1] + CODE_FAILURE_WINDOW - now)
    return max(waits) if waits else None


# ----- who counts as a member --------------------------------------------------------------------------

# A student-track learner who has not said they are 10 or older, or whose parent has not agreed yet.
AWAITING_PARENT = (Phase.AGE, Phase.PARENT)


def seen_by_trainer() -> ColumnElement[bool]:
    """Learners a trainer sees and messages: they agreed to the privacy notice, and they are not a child
    still waiting for a parent's consent (even on a detour from that question, such as the reminder time)."""
    return and_(
        col(Learner.consented_at).is_not(None),
        col(Learner.phase).not_in(AWAITING_PARENT),
        or_(col(Learner.resume_phase).is_(None), col(Learner.resume_phase).not_in(AWAITING_PARENT)),
    )


def awaiting_parent(learner: Learner) -> bool:
    """The Python twin of the last two conditions of `seen_by_trainer`."""
    return learner.phase in AWAITING_PARENT or learner.resume_phase in AWAITING_PARENT


def joined_classes(session: Session, learner_id: int) -> list[tuple[Classroom, str]]:
    """The learner's classes with their trainers' names, oldest membership first."""
    rows = session.exec(
        select(Classroom, Trainer.display_name)
        .join(ClassMember, col(ClassMember.class_id) == Classroom.id)
        .join(Trainer, col(Trainer.id) == Classroom.owner_id)
        .where(ClassMember.learner_id == learner_id, col(Classroom.archived).is_(False))
        .order_by(col(ClassMember.id))
    ).all()
    return [(classroom, name) for classroom, name in rows]


# ----- learners ----------------------------------------------------------------------------------------


def join(
    session: Session, *, learner_id: int, classroom: Classroom, nickname: str | None, now: datetime
) -> bool:
    """Add the learner to the class (or update the nickname); True if they were not in it before."""
    member = session.exec(
        select(ClassMember).where(ClassMember.class_id == classroom.id, ClassMember.learner_id == learner_id)
    ).first()
    if member is not None:
        if nickname:
            member.nickname = nickname
            session.add(member)
        return False
    session.add(
        ClassMember(
            class_id=classroom.id,  # type: ignore[arg-type]  # a class found by code is stored
            learner_id=learner_id,
            nickname=nickname,
            joined_at=now,
        )
    )
    return True


def leave(session: Session, *, learner_id: int, classroom: Classroom) -> bool:
    result = session.exec(
        delete(ClassMember).where(
            col(ClassMember.class_id) == classroom.id, col(ClassMember.learner_id) == learner_id
        )
    )
    return bool(result.rowcount)


def trainer_name(session: Session, classroom: Classroom) -> str:
    owner = session.get(Trainer, classroom.owner_id)
    return owner.display_name if owner else ""
