"""Classes (cohorts), the trainers' side: new codes, LINE groups, and who may see which class.

Joining and leaving by chat, reading and throttling codes, and who counts as a member live one layer down,
in bot/learning/membership.py (the learning flow uses them too); they are re-exported here for the trainers'
code. In a LINE group, "เชื่อมห้อง 4K7Q" asks to link the group to the class; the class's trainer approves
(or rejects) the link in /admin, and only then do the class's announcements reach the group.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import qrcode
import qrcode.image.svg
from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from bot.learning.certificates import Site
from bot.learning.membership import (
    AWAITING_PARENT,
    CODE_ALPHABET,
    CODE_FAILURE_WINDOW,
    CODE_LENGTH,
    CODE_MAX_FAILURES,
    JOIN_WORDS,
    MAX_NICKNAME,
    CodeLookup,
    JoinRequest,
    awaiting_parent,
    code_wait,
    find_by_code,
    group_source,
    is_valid_code,
    join,
    joined_classes,
    leave,
    lookup_code,
    read_join,
    seen_by_trainer,
    trainer_name,
    user_source,
)
from bot.storage.trainers import ClassGroup, Classroom
from bot.trainers.auth import Principal

# Membership is the learning layer's (bot/learning/membership.py); the trainers' code reads it from here.
__all__ = [
    "AWAITING_PARENT",
    "CODE_ALPHABET",
    "CODE_FAILURE_WINDOW",
    "CODE_LENGTH",
    "CODE_MAX_FAILURES",
    "JOIN_WORDS",
    "MAX_GROUPS_PER_CLASS",
    "MAX_NICKNAME",
    "MAX_PENDING_GROUPS_PER_CLASS",
    "ClassFull",
    "CodeLookup",
    "GroupRequest",
    "JoinLinks",
    "JoinRequest",
    "NotVisible",
    "approve_group",
    "awaiting_parent",
    "code_wait",
    "create",
    "find_by_code",
    "forget_group",
    "get_visible",
    "group_source",
    "groups_of",
    "is_valid_code",
    "join",
    "joined_classes",
    "leave",
    "links",
    "lookup_code",
    "new_code",
    "qr_png",
    "qr_svg",
    "read_join",
    "request_group",
    "seen_by_trainer",
    "trainer_name",
    "user_source",
    "visible_classes",
]

MAX_GROUPS_PER_CLASS = 20  # linked (approved) groups
# Links waiting for the trainer. They take none of the linked places, and there is room for more of them
# than there are places; the trainer rejects strangers' requests on the class page.
MAX_PENDING_GROUPS_PER_CLASS = 50


class NotVisible(LookupError):
    """The class does not exist, or this trainer may not see it (the two look the same from outside)."""


def new_code(session: Session) -> str:
    for _ in range(50):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if session.exec(select(Classroom.id).where(Classroom.code == code)).first() is None:
            return code
    raise RuntimeError("no free class code after 50 tries")


# ----- LINE groups -------------------------------------------------------------------------------------


class GroupRequest(StrEnum):
    """What asking to link a group to a class came to."""

    PENDING = "pending"  # a new request: the trainer will see it in /admin
    STILL_PENDING = "still_pending"  # asked before, not yet approved
    LINKED = "linked"  # already approved
    FULL = "full"  # the class has all the groups it may have
    TOO_MANY_PENDING = "too_many_pending"  # the class has as many waiting requests as it may have


def request_group(session: Session, *, classroom: Classroom, group_id: str, now: datetime) -> GroupRequest:
    """Ask to link a LINE group to the class; nothing is sent to the group until the trainer approves."""
    existing = session.exec(
        select(ClassGroup).where(ClassGroup.class_id == classroom.id, ClassGroup.group_id == group_id)
    ).first()
    if existing is not None:
        return GroupRequest.LINKED if existing.approved_at else GroupRequest.STILL_PENDING
    linked, pending = _group_counts(session, classroom.id or 0)
    if linked >= MAX_GROUPS_PER_CLASS:
        return GroupRequest.FULL
    if pending >= MAX_PENDING_GROUPS_PER_CLASS:
        return GroupRequest.TOO_MANY_PENDING
    session.add(ClassGroup(class_id=classroom.id or 0, group_id=group_id, registered_at=now))
    return GroupRequest.PENDING


def approve_group(session: Session, *, classroom: Classroom, group_row: int, now: datetime) -> ClassGroup:
    """The trainer approves a pending link. LookupError: no such pending link; ClassFull: no room left."""
    row = session.exec(
        select(ClassGroup).where(
            ClassGroup.id == group_row,
            ClassGroup.class_id == classroom.id,
            col(ClassGroup.approved_at).is_(None),
        )
    ).first()
    if row is None:
        raise LookupError(group_row)
    if _group_counts(session, classroom.id or 0)[0] >= MAX_GROUPS_PER_CLASS:
        raise ClassFull(classroom.id)
    row.approved_at = now
    session.add(row)
    return row


class ClassFull(Exception):
    """The class already has `MAX_GROUPS_PER_CLASS` linked groups."""


def _group_counts(session: Session, class_id: int) -> tuple[int, int]:
    """(linked, pending) groups of the class."""
    linked, pending = session.exec(
        select(
            func.count(col(ClassGroup.approved_at)),
            func.count() - func.count(col(ClassGroup.approved_at)),
        ).where(ClassGroup.class_id == class_id)
    ).one()
    return int(linked or 0), int(pending or 0)


def groups_of(session: Session, class_id: int) -> list[ClassGroup]:
    """The class's groups, linked and pending, in the order they asked."""
    return list(
        session.exec(select(ClassGroup).where(ClassGroup.class_id == class_id).order_by(col(ClassGroup.id)))
    )


def forget_group(session: Session, group_id: str) -> int:
    """The bot left (or was removed from) a group: no class sends there any more."""
    return session.exec(delete(ClassGroup).where(col(ClassGroup.group_id) == group_id)).rowcount or 0


# ----- who sees what -----------------------------------------------------------------------------------


def visible_classes(session: Session, principal: Principal, *, archived: bool = False) -> list[Classroom]:
    """An admin sees every class; a trainer only their own."""
    query = select(Classroom).where(col(Classroom.archived).is_(archived)).order_by(col(Classroom.id))
    if not principal.is_admin:
        query = query.where(Classroom.owner_id == principal.trainer_id)
    return list(session.exec(query))


def get_visible(session: Session, principal: Principal, class_id: int) -> Classroom:
    classroom = session.get(Classroom, class_id)
    if classroom is None or not (principal.is_admin or classroom.owner_id == principal.trainer_id):
        raise NotVisible(class_id)
    return classroom


def create(session: Session, principal: Principal, *, name: str, now: datetime) -> Classroom:
    clean = " ".join(name.split())[:80]
    if not clean:
        raise ValueError("name: required")
    classroom = Classroom(name=clean, code=new_code(session), owner_id=principal.trainer_id, created_at=now)
    session.add(classroom)
    session.flush()
    return classroom


# ----- links and QR codes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class JoinLinks:
    message: str  # what the learner types
    chat_url: str | None  # opens the bot's chat with that message ready to send (LINE URL scheme)
    add_friend_url: str | None


def links(basic_id: str | None, code: str) -> JoinLinks:
    message = f"เข้าห้อง {code}"
    site = Site(basic_id=basic_id)
    return JoinLinks(message, site.chat_url(message), site.add_friend_url)


def qr_png(data: str, *, box_size: int = 10) -> bytes:
    image = qrcode.make(data, box_size=box_size, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    return image.to_string(encoding="unicode")
