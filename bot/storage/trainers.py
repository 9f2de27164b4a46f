"""Tables for trainers: accounts, sessions, classes, class members and LINE groups, announcements, audit,
assignments.

Learners are never copied here: a class member row links a class to a learner (and the nickname the
learner chose to show their trainer), so erasing a learner erases their memberships by cascade.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Date, ForeignKey, Index, Integer, String, Text
from sqlmodel import Field, SQLModel

from bot.storage.models import _enum_column, _utc_column


class Role(StrEnum):
    ADMIN = "admin"  # sees and messages every class; manages trainer accounts
    TRAINER = "trainer"  # sees and messages only their own classes


class Trainer(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    # Lowercase, compared case-insensitively; what the trainer types to sign in.
    username: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    display_name: str = Field(max_length=80)
    # argon2id, with its parameters and salt (argon2-cffi's encoded form).
    password_hash: str = Field(sa_column=Column(Text, nullable=False))
    role: Role = Field(default=Role.TRAINER, sa_column=_enum_column(Role))
    active: bool = True
    failed_logins: int = 0  # wrong passwords in a row; reset by a good one or by a lock-out
    locked_until: datetime | None = Field(default=None, sa_column=_utc_column())
    created_at: datetime = Field(sa_column=_utc_column(nullable=False))
    last_login_at: datetime | None = Field(default=None, sa_column=_utc_column())
    # The trainer's own LINE account (issue 18): lets them run class games in their classes' LINE groups.
    # Linked by typing the one-time `line_code` (shown in /admin, valid until `line_code_expires_at`).
    line_user_id: str | None = Field(default=None, sa_column=Column(String(64), unique=True, nullable=True))
    line_code: str | None = Field(default=None, sa_column=Column(String(12), unique=True, nullable=True))
    line_code_expires_at: datetime | None = Field(default=None, sa_column=_utc_column())


class TrainerSession(SQLModel, table=True):
    """A signed-in browser or API client. Only the token's SHA-256 is kept: a leaked table signs no one in."""

    __tablename__ = "trainer_session"

    token_hash: str = Field(sa_column=Column(String(64), primary_key=True))
    trainer_id: int = Field(
        sa_column=Column(Integer, ForeignKey("trainer.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    # Sent back with every form and API write made with the cookie (not with a bearer token).
    csrf_token: str = Field(max_length=64)
    created_at: datetime = Field(sa_column=_utc_column(nullable=False))
    last_seen_at: datetime = Field(sa_column=_utc_column(nullable=False))
    expires_at: datetime = Field(sa_column=_utc_column(nullable=False))


class LoginFailure(SQLModel, table=True):
    """A wrong password (or unknown name), by source address: too many soon make that source wait."""

    __tablename__ = "login_failure"
    __table_args__ = (Index("ix_login_failure_source_at", "source", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=64)
    at: datetime = Field(sa_column=_utc_column(nullable=False))


class Classroom(SQLModel, table=True):
    """A class (cohort): a trainer's group of learners, joined by typing its short code to the bot."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80)
    code: str = Field(sa_column=Column(String(8), unique=True, nullable=False))
    owner_id: int = Field(
        sa_column=Column(Integer, ForeignKey("trainer.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    created_at: datetime = Field(sa_column=_utc_column(nullable=False))
    archived: bool = False


class ClassMember(SQLModel, table=True):
    __tablename__ = "class_member"
    __table_args__ = (Index("ix_class_member_class_learner", "class_id", "learner_id", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    class_id: int = Field(
        sa_column=Column(Integer, ForeignKey("classroom.id", ondelete="CASCADE"), nullable=False)
    )
    learner_id: int = Field(
        sa_column=Column(Integer, ForeignKey("learner.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    # What the learner typed after the code ("เข้าห้อง 4K7Q ต้น"): the only name a trainer ever sees.
    nickname: str | None = Field(default=None, max_length=40)
    joined_at: datetime = Field(sa_column=_utc_column(nullable=False))


class ClassGroup(SQLModel, table=True):
    """A LINE group (or room) asking to be, or linked to a class. Someone in the group typed
    "เชื่อมห้อง 4K7Q" (a pending link); once the class's trainer approves it, announcements go there too."""

    __tablename__ = "class_group"
    __table_args__ = (Index("ix_class_group_class_group", "class_id", "group_id", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    class_id: int = Field(
        sa_column=Column(Integer, ForeignKey("classroom.id", ondelete="CASCADE"), nullable=False)
    )
    group_id: str = Field(max_length=64, index=True)
    registered_at: datetime = Field(sa_column=_utc_column(nullable=False))  # when the link was asked for
    # None while the link waits for the trainer: a pending group gets no announcements.
    approved_at: datetime | None = Field(default=None, sa_column=_utc_column())
    # When a member who is not the trainer last typed "เริ่มเกม" here and was told who can start a game:
    # at most one such reply every few minutes, never a flood.
    game_hint_at: datetime | None = Field(default=None, sa_column=_utc_column())


class CodeFailure(SQLModel, table=True):
    """A class code typed that matched no class, by who typed it: too many soon make them wait.

    `source` is the SHA-256 of "user:<LINE user ID>" or "group:<LINE group ID>", so this table holds no LINE
    IDs; rows older than the window are deleted as new failures come in.
    """

    __tablename__ = "code_failure"
    __table_args__ = (Index("ix_code_failure_source_at", "source", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=64)
    at: datetime = Field(sa_column=_utc_column(nullable=False))


class AuditEntry(SQLModel, table=True):
    """Who did what, when, to how many: every sending action, and account and class changes."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_at", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    trainer_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("trainer.id", ondelete="SET NULL"), nullable=True, index=True),
    )
    # Kept as text too, so the log still reads after an account is deleted ("LINE group" for group events).
    actor: str = Field(max_length=80)
    action: str = Field(max_length=40)
    summary: str = Field(sa_column=Column(Text, nullable=False))
    recipients: int | None = None
    detail: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    at: datetime = Field(sa_column=_utc_column(nullable=False))


class AnnouncementStatus(StrEnum):
    SCHEDULED = "scheduled"  # waiting for its time; may still be edited or cancelled
    QUEUED = "queued"  # written to the outbox (one row per learner and group): it is going, or gone
    CANCELLED = "cancelled"


class Announcement(SQLModel, table=True):
    """A trainer's message to one or more classes (and their LINE groups), now or at a set time."""

    __table_args__ = (Index("ix_announcement_due", "status", "send_at"),)

    id: int | None = Field(default=None, primary_key=True)
    author_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("trainer.id", ondelete="SET NULL"), nullable=True, index=True),
    )
    title: str | None = Field(default=None, max_length=80)
    body: str = Field(sa_column=Column(Text, nullable=False))
    image_url: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # "text": a plain LINE text message; "card": a Flex card with large type (easier for elderly eyes).
    style: str = Field(default="text", max_length=10)
    status: AnnouncementStatus = Field(
        default=AnnouncementStatus.SCHEDULED, sa_column=_enum_column(AnnouncementStatus)
    )
    send_at: datetime = Field(sa_column=_utc_column(nullable=False))
    created_at: datetime = Field(sa_column=_utc_column(nullable=False))
    updated_at: datetime = Field(sa_column=_utc_column(nullable=False))
    queued_at: datetime | None = Field(default=None, sa_column=_utc_column())
    # Counted when queued: learners (one-to-one chats) and LINE groups written to the outbox.
    users: int | None = None
    groups: int | None = None


class AnnouncementClass(SQLModel, table=True):
    __tablename__ = "announcement_class"

    announcement_id: int = Field(
        sa_column=Column(Integer, ForeignKey("announcement.id", ondelete="CASCADE"), primary_key=True)
    )
    class_id: int = Field(
        sa_column=Column(Integer, ForeignKey("classroom.id", ondelete="CASCADE"), primary_key=True)
    )


class AssignmentKind(StrEnum):
    MODULE = "module"  # done when the learner has passed the module's quiz (by any path)
    DRILLS = "drills"  # the module's drills ("จริงหรือหลอก?"): done when the learner has judged each of them


class Assignment(SQLModel, table=True):
    """A trainer's "please study this by then" for a class: a module (or a module's drills) of one track, with
    a due date. Learners of that track see it first in "เรียนต่อ" and in their reminder; who has done it is
    read from their learning records, never copied here. Rules: bot/learning/assignments.py (the learner's
    side) and bot/trainers/assignments.py (the trainer's)."""

    __table_args__ = (Index("ix_assignment_class_due", "class_id", "due_on"),)

    id: int | None = Field(default=None, primary_key=True)
    class_id: int = Field(
        sa_column=Column(Integer, ForeignKey("classroom.id", ondelete="CASCADE"), nullable=False)
    )
    kind: AssignmentKind = Field(default=AssignmentKind.MODULE, sa_column=_enum_column(AssignmentKind))
    track_id: str = Field(max_length=48)
    module_id: str = Field(max_length=48)
    due_on: date = Field(sa_column=Column(Date, nullable=False))  # a local (Asia/Bangkok) day, inclusive
    created_by: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("trainer.id", ondelete="SET NULL"), nullable=True),
    )
    created_at: datetime = Field(sa_column=_utc_column(nullable=False))
    # The one nudge ("ส่งข้อความเตือน"): when it was written to the outbox and for how many learners.
    nudged_at: datetime | None = Field(default=None, sa_column=_utc_column())
    nudged: int | None = None
