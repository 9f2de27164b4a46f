"""Classes (cohorts): short join codes, joining and leaving by chat, LINE groups, and who may see which class.

A code is 4 characters from an alphabet without look-alikes (no 0/O, 1/I/L), easy to read aloud and to
type on a phone. Learners type "เข้าห้อง 4K7Q" (optionally followed by the nickname their trainer will
see); trainers type the code in a LINE group to have announcements reach that group too.
"""

from __future__ import annotations

import io
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

import qrcode
import qrcode.image.svg
from sqlalchemy import delete
from sqlmodel import Session, col, select

from bot import answers
from bot.storage.trainers import ClassGroup, ClassMember, Classroom, Trainer
from bot.trainers.auth import Principal

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 4
MAX_GROUPS_PER_CLASS = 20
MAX_NICKNAME = 40

JOIN_WORDS: dict[str, tuple[str, ...]] = {
    "join": ("เข้าห้อง", "เข้ากลุ่ม", "เข้าชั้น", "เข้าคลาส", "ห้อง", "รหัสห้อง", "ลงทะเบียน", "join"),
    "leave": ("ออกจากห้อง", "ออกห้อง", "leave"),
}
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# Anything before the code (the keyword), the code itself, and what follows it (a nickname, a particle).
_WITH_CODE = re.compile(
    r"^(?P<keyword>join|leave|[^A-Za-z0-9]*?)\s*[:：]?\s*(?P<code>[A-Za-z0-9]{4})(?![A-Za-z0-9])(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_PARTICLES = re.compile(r"(?:\s*(?:ค่ะ|คะ|ครับ|คับ|จ้า|จ้ะ|นะ|ค่า|ฮะ|na|ka|krub|krab))+$", re.IGNORECASE)
_NAME_LEAD = re.compile(r"^\s*(?:ชื่อเล่น|ชื่อ|name)\s*[:：]?\s*", re.IGNORECASE)


class NotVisible(LookupError):
    """The class does not exist, or this trainer may not see it (the two look the same from outside)."""


@dataclass(frozen=True)
class JoinRequest:
    kind: str  # "join", "leave", or "bare" (only a code, which counts in groups, not in one-to-one chats)
    code: str
    nickname: str | None = None


def read_join(message: str) -> JoinRequest | None:
    """ "เข้าห้อง 4K7Q ต้น" -> join 4K7Q as "ต้น"; "ออกจากห้อง 4K7Q" -> leave; "4K7Q" -> bare; else None."""
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


def new_code(session: Session) -> str:
    for _ in range(50):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if session.exec(select(Classroom.id).where(Classroom.code == code)).first() is None:
            return code
    raise RuntimeError("no free class code after 50 tries")


def find_by_code(session: Session, code: str) -> Classroom | None:
    if not is_valid_code(code):
        return None
    return session.exec(
        select(Classroom).where(Classroom.code == code, col(Classroom.archived).is_(False))
    ).first()


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
    session.add(ClassMember(class_id=classroom.id, learner_id=learner_id, nickname=nickname, joined_at=now))
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


# ----- LINE groups -------------------------------------------------------------------------------------


def register_group(session: Session, *, classroom: Classroom, group_id: str, now: datetime) -> bool | None:
    """Link a LINE group to the class; True if new, False if already linked, None if the class is full."""
    existing = session.exec(
        select(ClassGroup).where(ClassGroup.class_id == classroom.id, ClassGroup.group_id == group_id)
    ).first()
    if existing is not None:
        return False
    count = len(session.exec(select(ClassGroup.id).where(ClassGroup.class_id == classroom.id)).all())
    if count >= MAX_GROUPS_PER_CLASS:
        return None
    session.add(ClassGroup(class_id=classroom.id, group_id=group_id, registered_at=now))
    return True


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
    if not basic_id:
        return JoinLinks(message, None, None)
    account = quote(basic_id if basic_id.startswith("@") else f"@{basic_id}", safe="")
    return JoinLinks(
        message,
        f"https://line.me/R/oaMessage/{account}/?{quote(message, safe='')}",
        f"https://line.me/R/ti/p/{account}",
    )


def qr_png(data: str, *, box_size: int = 10) -> bytes:
    image = qrcode.make(data, box_size=box_size, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    return image.to_string(encoding="unicode")
