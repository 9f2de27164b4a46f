"""A trainer's own LINE account (issue 18): what lets them run class games in their classes' LINE groups.

/admin shows a one-time code; the trainer types "รหัสครู <code>" to the bot from their LINE (one-to-one or in
a group) within LINK_CODE_TTL, and that LINE user ID becomes theirs. Only the user ID is kept; the trainer
can unlink it in /admin. Wrong codes are throttled per LINE account like class codes.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.learning.membership import CODE_ALPHABET, CodeLookup, code_wait, record_code_failure, user_source
from bot.storage.trainers import Trainer

LINK_CODE_TTL = timedelta(minutes=30)
LINK_CODE_LENGTH = 8


def new_link_code(session: Session, trainer: Trainer, now: datetime) -> str:
    """A fresh one-time code for the trainer to type to the bot (any earlier code stops working)."""
    for _ in range(50):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(LINK_CODE_LENGTH))
        if session.exec(select(Trainer.id).where(Trainer.line_code == code)).first() is None:
            break
    trainer.line_code, trainer.line_code_expires_at = code, now + LINK_CODE_TTL
    session.add(trainer)
    return code


@dataclass(frozen=True)
class Linking:
    trainer: Trainer | None  # linked; None: no such code (or expired), or waiting
    wait: timedelta | None = None  # too many wrong codes lately from this LINE account: nothing looked up

    @property
    def wait_minutes(self) -> int:
        return CodeLookup(None, self.wait).wait_minutes


def link_account(session: Session, *, code: str, user_id: str, now: datetime) -> Linking:
    """The LINE user who typed a valid code becomes that trainer's account. A LINE account belongs to one
    trainer: linking it again moves it. Wrong codes are throttled per LINE account, like class codes."""
    sources = [user_source(user_id)]
    if (wait := code_wait(session, sources, now)) is not None:
        return Linking(None, wait)
    trainer = session.exec(select(Trainer).where(Trainer.line_code == code.upper())).first()
    expires = trainer.line_code_expires_at if trainer else None
    if trainer is None or not trainer.active or expires is None or expires < now:
        record_code_failure(session, sources, now)
        return Linking(None)
    session.exec(update(Trainer).where(col(Trainer.line_user_id) == user_id).values(line_user_id=None))
    session.flush()
    trainer.line_user_id, trainer.line_code, trainer.line_code_expires_at = user_id, None, None
    session.add(trainer)
    return Linking(trainer)


def unlink_account(session: Session, trainer: Trainer) -> None:
    trainer.line_user_id, trainer.line_code, trainer.line_code_expires_at = None, None, None
    session.add(trainer)


def trainer_by_line(session: Session, user_id: str | None) -> Trainer | None:
    if not user_id:
        return None
    return session.exec(
        select(Trainer).where(Trainer.line_user_id == user_id, col(Trainer.active).is_(True))
    ).first()


def read_link_code(message: str) -> str | None:
    """ "รหัสครู 4K7QM2XP": the code, upper case; None for anything else."""
    words = message.split()
    if len(words) == 2 and words[0] == "รหัสครู" and len(words[1]) == LINK_CODE_LENGTH:
        return words[1].upper()
    return None
