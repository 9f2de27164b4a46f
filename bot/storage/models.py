"""The tables. Personal data is kept to the minimum the learning loop needs (see README, "Privacy").

Progress refers to content by stable IDs (track, module, question), never by position in a file, so that
editing content never breaks it.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    false,
)
from sqlmodel import Field, SQLModel

from bot.storage.columns import UtcDateTime


def _utc_column(*, nullable: bool = True) -> Column:
    return Column(UtcDateTime(), nullable=nullable)


def _enum_type(enum: type[StrEnum]) -> Enum:
    """Stored as its plain string value (no database enum type to migrate), read back as the enum member."""
    return Enum(
        enum, native_enum=False, length=20, values_callable=lambda members: [m.value for m in members]
    )


def _enum_column(enum: type[StrEnum], *, nullable: bool = False) -> Column:
    return Column(_enum_type(enum), nullable=nullable)


class Phase(StrEnum):
    """Where a learner is in the conversation. Every transition lives in bot/flow/."""

    CONSENT = "consent"  # welcomed, asked to agree to the privacy notice
    DECLINED = "declined"  # said no: only the LINE user ID is kept
    TRACK = "track"  # agreed, choosing a track
    AGE = "age"  # student track: asked whether they are under 10
    PARENT = "parent"  # under 10: waiting for a parent to agree
    CARD = "card"  # reading a module's cards
    QUESTION = "question"  # answering a module's quiz
    MODULE_DONE = "module_done"  # finished a module, offered the next one
    TRACK_DONE = "track_done"  # finished every module of the track
    REVIEW = "review"  # answering a missed question again
    PRACTICE = "practice"  # answering a just-finished module's questions again, options shuffled
    REMINDER_TIME = "reminder_time"  # asked what time of day to be reminded
    CONFIRM_DELETE = "confirm_delete"  # asked to confirm erasing everything
    # Drills in the conversation (issue 14): bot/flow/drills.py
    MODULE_DRILL = "module_drill"  # judging a module's drills after its quiz
    DRILL = "drill"  # a detour: the daily "ซ้อมจับโกง" set, or drills due for review
    CHECK_OFFER = "check_offer"  # offered the placement (track start) or final (track end) check
    CHECK = "check"  # judging the items of a placement or final check
    # Help in the moment (issue 16): after "ธนาคารอื่น", the next typed text is read as a bank's name.
    BANK_NAME = "bank_name"
    # Certificates (issue 18): the track is done; asked what name to print on the certificate.
    CERT_NAME = "cert_name"


class Learner(SQLModel, table=True):
    # IDs are never given out twice (PostgreSQL's sequences never reuse; SQLite needs AUTOINCREMENT): work
    # written for a learner who has since erased their data must never reach someone new.
    __table_args__ = {"sqlite_autoincrement": True}

    id: int | None = Field(default=None, primary_key=True)
    line_user_id: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    phase: Phase = Field(default=Phase.CONSENT, sa_column=_enum_column(Phase))
    # The phase to go back to when a detour (review, delete confirmation) ends.
    resume_phase: Phase | None = Field(default=None, sa_column=_enum_column(Phase, nullable=True))
    following: bool = True
    consented_at: datetime | None = Field(default=None, sa_column=_utc_column())
    parental_consent: bool = False
    track_id: str | None = Field(default=None, max_length=48)
    module_id: str | None = Field(default=None, max_length=48)
    # The IDs of the modules finished (comma-separated): a copy of their
    # ModuleResult rows, kept by progress.record_result, so the reminder sweep reads it with the row.
    finished_modules: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # Index of the card (in CARD) or question (in QUESTION) within the current module.
    step: int = 0
    module_correct: int = 0
    review_question_id: str | None = Field(default=None, max_length=48)
    # In PRACTICE: with each question's ID, the order its options are shown in (see lessons.shown_order).
    shuffle_seed: int | None = None
    created_at: datetime = Field(sa_column=_utc_column(nullable=False))
    last_seen_at: datetime = Field(sa_column=_utc_column(nullable=False))
    # Reminders. Dates are local dates (Asia/Bangkok): "today" is the learner's day, not UTC's.
    remind_minute: int = 19 * 60  # minutes after local midnight; 19:00 unless the learner chose
    reminders_stopped: bool = False  # "หยุดเตือน" until "เปิดเตือน"
    snoozed_until: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    # When they were last reminded and how many reminders they have ignored: see ReminderState.
    last_studied_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    streak: int = 0  # days in a row with some study, ending on last_studied_on
    # Drills (issue 14): the round on screen (drill IDs, comma-separated), the index of the one shown, and
    # what the round is for (a DrillContext value). Kept apart from `step`, which a detour must not move.
    drill_ids: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    drill_step: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    drill_context: str | None = Field(default=None, max_length=12)
    # A group of learners (a school, a trial); "demo" learners are seeded for trials and ignore quiet hours.
    cohort: str | None = Field(default=None, max_length=48, index=True)


class ReminderState(SQLModel, table=True):
    """How a learner has answered their reminders so far, kept out of the wide learner row: when they were
    last reminded and how many reminders in a row they have ignored, as of the last day folded in.

    Today's reminders are marked in `ReminderDay`; each earlier day is folded in here by the first sweep of
    the next day (scheduler/sweep.py). A learner without a row was never reminded and has ignored none.
    """

    __tablename__ = "reminder_state"

    learner_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("learner.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        )
    )
    last_reminded_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    # Reminders sent since the learner last studied, snoozed or restarted reminders.
    ignored_reminders: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))


class ReminderDay(SQLModel, table=True):
    """Who has been reminded on a day: one bit per learner, for a slice of 8,192 learner IDs a row.

    The sweep marks a whole batch of learners by rewriting a row or two, where a row per learner cost more
    than the sending itself at national scale. Bit `n` of `reminded` (bit n % 8 of byte n // 8, least
    significant first, as PostgreSQL's get_bit numbers them) is learner `slice * 8192 + n`. A day's rows
    are deleted once folded into `ReminderState`.
    """

    __tablename__ = "reminder_day"

    day: date = Field(sa_column=Column(Date, primary_key=True))
    slice: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    reminded: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class Attempt(SQLModel, table=True):
    """One answer to one quiz question. The source of progress, review and (later) class dashboards."""

    __table_args__ = (Index("ix_attempt_learner_question", "learner_id", "question_id"),)

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(
        sa_column=Column(Integer, ForeignKey("learner.id", ondelete="CASCADE"), nullable=False)
    )
    module_id: str = Field(max_length=48)
    question_id: str = Field(max_length=48)
    choice: int
    correct: bool
    review: bool = False
    answered_at: datetime = Field(sa_column=_utc_column(nullable=False))


class DrillContext(StrEnum):
    """Where a drill was judged: practice (module, review, daily, game) or measurement (placement, final)."""

    MODULE = "module"
    REVIEW = "review"
    DAILY = "daily"
    PLACEMENT = "placement"
    FINAL = "final"
    GAME = "game"


class DrillVerdict(StrEnum):
    """The learner's verdict on a drill (the values of bot.drills.answers.Verdict)."""

    REAL = "real"
    SCAM = "scam"
    UNSURE = "unsure"


class DrillAnswer(SQLModel, table=True):
    """One verdict on one drill ("จริงหรือหลอก?"): the source of the daily set's history, the placement and
    final scores and the trainers' before/after figures. Deleted with the learner (PDPA)."""

    __tablename__ = "drill_answer"
    __table_args__ = (Index("ix_drill_answer_learner", "learner_id", "context", "answered_at"),)

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(
        sa_column=Column(Integer, ForeignKey("learner.id", ondelete="CASCADE"), nullable=False)
    )
    drill_id: str = Field(max_length=48)
    verdict: DrillVerdict = Field(sa_column=_enum_column(DrillVerdict))
    correct: bool
    context: DrillContext = Field(sa_column=_enum_column(DrillContext))
    answered_at: datetime = Field(sa_column=_utc_column(nullable=False))


class ReviewCard(SQLModel, table=True):
    """A question to bring back just before it is forgotten: FSRS memory state and the day it is due."""

    __tablename__ = "review_card"
    __table_args__ = (
        Index("ix_review_card_learner_question", "learner_id", "question_id", unique=True),
        Index("ix_review_card_due", "learner_id", "due"),
    )

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(
        sa_column=Column(Integer, ForeignKey("learner.id", ondelete="CASCADE"), nullable=False)
    )
    question_id: str = Field(max_length=48)
    # fsrs.Card.to_json(): stability, difficulty, state, last review.
    card: str = Field(sa_column=Column(Text, nullable=False))
    # Local midnight of the day FSRS chose: reviews are offered by the day, never minutes after a mistake.
    due: datetime = Field(sa_column=_utc_column(nullable=False))
    updated_at: datetime = Field(sa_column=_utc_column(nullable=False))


class ModuleResult(SQLModel, table=True):
    __table_args__ = (Index("ix_module_result_learner", "learner_id", "module_id", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(
        sa_column=Column(Integer, ForeignKey("learner.id", ondelete="CASCADE"), nullable=False)
    )
    module_id: str = Field(max_length=48)
    correct: int
    total: int
    completed_at: datetime = Field(sa_column=_utc_column(nullable=False))


class InboxStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


class InboxEvent(SQLModel, table=True):
    """A webhook event answered 200: durable until handled, then kept without its body to drop replays."""

    __tablename__ = "inbox_event"
    __table_args__ = (Index("ix_inbox_pending", "status", "received_at"),)

    webhook_event_id: str = Field(sa_column=Column(String(64), primary_key=True))
    # The chat the event came from (user, group or room ID): events of one chat are handled in order.
    chat_id: str | None = Field(default=None, max_length=64)
    # The raw event JSON, erased once handled: message text is personal data.
    payload: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    status: InboxStatus = Field(default=InboxStatus.PENDING, sa_column=_enum_column(InboxStatus))
    attempts: int = 0
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    received_at: datetime = Field(sa_column=_utc_column(nullable=False))
    claimed_until: datetime | None = Field(default=None, sa_column=_utc_column())
    handled_at: datetime | None = Field(default=None, sa_column=_utc_column())


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    EXPIRED = "expired"  # not sent before `expires_at` (a reminder must not arrive in quiet hours)


def _status_type() -> Enum:
    return _enum_type(OutboxStatus)


class _Delivery(SQLModel):
    """The columns every kind of outbox work has: what to send, under which retry key, and how it went.

    Not a table: `OutboxBatch` and `Outbox` each get their own copy of these columns (hence `sa_type`
    rather than a shared `sa_column`)."""

    # "reminder" (the sweep), "announcement", "reply" (answers an event), "personal", "farewell": metrics
    # and rules.
    purpose: str = Field(max_length=20)
    messages: list = Field(sa_type=JSON, nullable=False)
    # Sent as X-Line-Retry-Key on push and multicast, so a retry after a timeout can never deliver twice.
    retry_key: str = Field(max_length=36)
    status: OutboxStatus = Field(default=OutboxStatus.PENDING, sa_type=_status_type(), nullable=False)
    attempts: int = 0
    error: str | None = Field(default=None, sa_type=Text, nullable=True)
    created_at: datetime = Field(sa_type=UtcDateTime, nullable=False)
    not_before: datetime = Field(sa_type=UtcDateTime, nullable=False)
    sent_at: datetime | None = Field(default=None, sa_type=UtcDateTime, nullable=True)
    # Announcements: "announce:<id>:<n>" (batches) or "announce:<id>:<chat>" (rows), so that a second
    # release writes nothing.
    dedupe_key: str | None = Field(default=None, sa_type=String(80), nullable=True)


class OutboxBatch(_Delivery, table=True):
    """One request for many learners: the same messages, written once, for up to 500 of them.

    The sweep (reminders) and announcements write these directly, one row per request, so fan-out costs a
    row per 500 learners, not per learner. The batch is claimed, retried and finished as a whole, so a retry
    repeats exactly the request that may already have been accepted, under the same X-Line-Retry-Key.
    Recipients are kept as learner IDs and looked up when the batch is sent. A learner who erases their data
    is taken out of every batch (scheduler/retention.py), and IDs are never reused, so nothing written for
    them reaches anyone else. Reads and writes: bot/storage/outbox.py.
    """

    __tablename__ = "outbox_batch"
    __table_args__ = (
        Index("ix_outbox_batch_pending", "status", "not_before"),
        Index("ix_outbox_batch_dedupe_key", "dedupe_key", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    learner_ids: list = Field(sa_column=Column(JSON, nullable=False))
    # How many learners it was written for: one goes by push, more by multicast (fixed, so a retry never
    # changes endpoint); the backlog and delivery figures sum it instead of reading the lists.
    size: int
    # A reminder must not arrive in quiet hours: not sent by then, the batch expires.
    expires_at: datetime | None = Field(default=None, sa_column=_utc_column())


class Outbox(_Delivery, table=True):
    """Messages for one chat, decided but not yet delivered. Written in the same transaction as the state
    change: answers to events, personal pushes, announcements to LINE groups. Reads and writes:
    bot/storage/outbox.py."""

    __table_args__ = (
        Index("ix_outbox_pending", "status", "not_before"),
        Index("ix_outbox_dedupe_key", "dedupe_key", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    chat_id: str = Field(max_length=64, index=True)
    # Set when the messages answer an event: a reply is free; push is the fallback.
    reply_token: str | None = Field(default=None, max_length=256)
    reply_deadline: datetime | None = Field(default=None, sa_column=_utc_column())
    reply_attempts: int = 0  # claims that may have used the token (each claim with a fresh token counts)
    # The reply delivered the first request (five messages); pushes start at the second.
    reply_landed: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )
    purpose: str = Field(default="reply", max_length=20)


class ServiceFlag(SQLModel, table=True):
    """Operational switches that every process must see, e.g. pushing paused by LINE's monthly limit; and the
    row the storage check writes (bot/storage/health.py)."""

    __tablename__ = "service_flag"

    name: str = Field(sa_column=Column(String(40), primary_key=True))
    since: datetime = Field(sa_column=_utc_column(nullable=False))
    # When to try again (a monthly limit may be lifted by a plan upgrade at any time).
    until: datetime | None = Field(default=None, sa_column=_utc_column())
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class PendingCheck(SQLModel, table=True):
    """Messages a learner forwarded to be checked ("ส่งมาให้รู้ทันดู"), gathered for a few seconds so that
    several forwarded together get one answer, and screenshots waiting for OCR outside the inbox round.

    Holds no message text (PDPA): only what the check found (verdict, sign IDs and the few words that show
    each sign, as `CheckResult.as_json`) and the IDs of images still to fetch from LINE. Deleted in the
    transaction that writes the answer to the outbox, so an answer is written once. Reads and writes:
    bot/storage/checks.py."""

    __tablename__ = "pending_check"

    id: int | None = Field(default=None, primary_key=True)
    chat_id: str = Field(max_length=64, index=True)
    # "open": still gathering; "busy": taken by a process until `lease_until` (then any process may).
    status: str = Field(default="open", max_length=8)
    results: list = Field(sa_column=Column(JSON, nullable=False))
    image_ids: list = Field(sa_column=Column(JSON, nullable=False))
    # The first forwarded message's reply token (free reply while fresh) and quote token.
    reply_token: str | None = Field(default=None, max_length=256)
    reply_deadline: datetime | None = Field(default=None, sa_column=_utc_column())
    quote_token: str | None = Field(default=None, max_length=256)
    opened_at: datetime = Field(sa_column=_utc_column(nullable=False))
    due_at: datetime = Field(sa_column=_utc_column(nullable=False))
    lease_until: datetime | None = Field(default=None, sa_column=_utc_column())
    attempts: int = 0


# ----- the family link (issue 16 section 3) ----------------------------------------------------------------


class LinkStatus(StrEnum):
    INVITED = "invited"  # the learner has a code to give; no relative yet
    ASKED = "asked"  # a relative typed the code; the learner has not answered yet
    ACTIVE = "active"  # the learner accepted: weekly notes and encouragement flow
    ENDED = "ended"  # declined, ended by either side, expired unused, or the relative blocked the bot


class FamilyLink(SQLModel, table=True):
    """A learner and one trusted person ("ลูกหลาน") who gets a short weekly note of what was learned.

    The relative need not be a learner: only their LINE user ID is kept, to send the notes, and nothing is
    shared until the learner accepts. Rules: bot/learning/family.py; conversation: bot/flow/family.py.
    """

    __tablename__ = "family_link"
    __table_args__ = (
        Index("ix_family_link_code", "code", unique=True),
        Index("ix_family_link_learner", "learner_id", "status"),
        Index("ix_family_link_relative", "relative_user_id", "status"),
        Index("ix_family_link_due", "status", "last_note_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(
        sa_column=Column(Integer, ForeignKey("learner.id", ondelete="CASCADE"), nullable=False)
    )
    # Single use: once a relative has typed it, no one else can (the link has left INVITED).
    code: str = Field(sa_column=Column(String(8), nullable=False))
    relative_user_id: str | None = Field(default=None, sa_column=Column(String(64), nullable=True))
    status: LinkStatus = Field(default=LinkStatus.INVITED, sa_column=_enum_column(LinkStatus))
    created_at: datetime = Field(sa_column=_utc_column(nullable=False))
    expires_at: datetime = Field(sa_column=_utc_column(nullable=False))  # the code, while INVITED
    asked_at: datetime | None = Field(default=None, sa_column=_utc_column())
    accepted_at: datetime | None = Field(default=None, sa_column=_utc_column())
    ended_at: datetime | None = Field(default=None, sa_column=_utc_column())
    last_note_at: datetime | None = Field(default=None, sa_column=_utc_column())
    last_cheer_at: datetime | None = Field(default=None, sa_column=_utc_column())


class Certificate(SQLModel, table=True):
    """A certificate for finishing a track: what was printed on it, kept so /verify/<code> can confirm it.

    The name is the one the learner chose to give (or none); the track title and the organisation are kept
    as printed. Erased with the learner (bot/learning/erasure.py): then /verify says "not found".
    """

    __table_args__ = (
        Index("ix_certificate_code", "code", unique=True),
        Index("ix_certificate_learner_track", "learner_id", "track_id", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(
        sa_column=Column(Integer, ForeignKey("learner.id", ondelete="CASCADE"), nullable=False)
    )
    # Unguessable (bot/learning/certificates.py): the certificate's image and verify page are public by it.
    code: str = Field(sa_column=Column(String(16), nullable=False))
    track_id: str = Field(sa_column=Column(String(64), nullable=False))
    track_title: str = Field(sa_column=Column(String(120), nullable=False))
    name: str | None = Field(default=None, sa_column=Column(String(80), nullable=True))
    org_name: str = Field(sa_column=Column(String(80), nullable=False))
    issued_on: date = Field(sa_column=Column(Date, nullable=False))
    created_at: datetime = Field(sa_column=_utc_column(nullable=False))
