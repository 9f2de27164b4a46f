"""Certificates for finishing a track (issue 18): the name to print, the unguessable code, issuing one per
learner and track, and finding them again (by code for /verify, by class for the trainer's PDF).

What is stored is only what is printed. The image and the PDF are drawn from it (bot/printing/).
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import quote

from sqlmodel import Session, col, select

from bot.storage.models import Certificate, Learner
from bot.storage.trainers import ClassMember

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: read aloud or typed from paper without doubt. 25 signs, 12 of them: 55 bits.
CODE_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
CODE_LENGTH = 12
MAX_NAME = 60  # characters, after cleaning: a long Thai full name with a title fits
_CODE = re.compile(f"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")


@dataclass(frozen=True)
class Site:
    """Where the bot is published and whose certificates it prints (from the settings).

    `public_url` None: certificates are off (LINE fetches images from HTTPS addresses only)."""

    public_url: str | None = None
    org_name: str = "รู้ทัน"
    basic_id: str | None = None  # the bot's LINE ID (@ruthan): links that open its chat

    def _account(self) -> str | None:
        if not self.basic_id:
            return None
        return quote(self.basic_id if self.basic_id.startswith("@") else f"@{self.basic_id}", safe="")

    def chat_url(self, message: str) -> str | None:
        """A link opening the bot's chat with `message` typed, ready to send; None without the LINE ID."""
        account = self._account()
        return f"https://line.me/R/oaMessage/{account}/?{quote(message, safe='')}" if account else None

    @property
    def add_friend_url(self) -> str | None:
        account = self._account()
        return f"https://line.me/R/ti/p/{account}" if account else None

    @property
    def certificates_on(self) -> bool:
        return self.public_url is not None

    def image_url(self, code: str, *, preview: bool = False) -> str:
        return f"{self.public_url}/certificates/{code}{'-preview' if preview else ''}.png"

    def verify_url(self, code: str) -> str:
        # Without a public address (certificates since turned off) the QR code holds the path alone.
        return f"{self.public_url or ''}/verify/{code}"


NO_SITE = Site()


# ----- the name ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NameReading:
    """What a typed name came to: `name` to print, or why not (`too_long`, `empty`)."""

    name: str | None = None
    too_long: bool = False
    empty: bool = False


def clean_name(raw: str) -> NameReading:
    """Letters, marks, digits, spaces and a little punctuation: emoji, symbols and control characters go
    (the certificate's font has no emoji, and a storm of them is no name); spaces are collapsed."""
    if len(raw) > 4 * MAX_NAME:  # refused before any work on it
        return NameReading(too_long=True)
    kept = []
    for char in unicodedata.normalize("NFC", raw):
        kind = unicodedata.category(char)
        if kind[0] in "LMN" or char in " .-'()/":
            kept.append(char)
        elif kind[0] == "Z" or char in "\t\n\r":
            kept.append(" ")
    name = " ".join("".join(kept).split())
    if not name:
        return NameReading(empty=True)
    if len(name) > MAX_NAME:
        return NameReading(too_long=True)
    return NameReading(name=name)


# ----- issuing and finding -------------------------------------------------------------------------------


def is_code(value: str) -> bool:
    return bool(_CODE.match(value))


def new_code(session: Session) -> str:
    for _ in range(20):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if by_code(session, code) is None:
            return code
    raise RuntimeError("no free certificate code after 20 tries")


def of_track(session: Session, learner: Learner, track_id: str) -> Certificate | None:
    return session.exec(
        select(Certificate).where(Certificate.learner_id == learner.id, Certificate.track_id == track_id)
    ).first()


def issue(
    session: Session,
    learner: Learner,
    *,
    track_id: str,
    track_title: str,
    name: str | None,
    org_name: str,
    today: date,
    now: datetime,
) -> Certificate:
    """The learner's certificate for the track: the one issued before (a replayed answer issues nothing
    new), or a new one."""
    existing = of_track(session, learner, track_id)
    if existing is not None:
        return existing
    certificate = Certificate(
        learner_id=learner.id or 0,
        code=new_code(session),
        track_id=track_id,
        track_title=track_title[:120],
        name=name,
        org_name=org_name[:80],
        issued_on=today,
        created_at=now,
    )
    session.add(certificate)
    session.flush()
    return certificate


def by_code(session: Session, code: str) -> Certificate | None:
    if not is_code(code):
        return None
    return session.exec(select(Certificate).where(Certificate.code == code)).first()


def of_class(session: Session, class_id: int) -> list[Certificate]:
    """The certificates of a class's members, in the order they joined, then by date of issue."""
    return list(
        session.exec(
            select(Certificate)
            .join(ClassMember, col(ClassMember.learner_id) == Certificate.learner_id)
            .where(ClassMember.class_id == class_id)
            .order_by(col(ClassMember.joined_at), col(Certificate.issued_on), col(Certificate.id))
        )
    )
