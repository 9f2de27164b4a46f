"""Announcements: a trainer's message to classes and their LINE groups, now or later, through the outbox.

Life of an announcement:
- created SCHEDULED with a `send_at` (now, or a time the trainer chose); editable and cancellable while
  it stays SCHEDULED;
- released when due: one transaction turns it QUEUED (a conditional UPDATE, so only one process wins) and
  writes the learners (each once, however many of the classes they are in) into batches of up to 500,
  one multicast each (simulated learners in batches of their own), and one outbox row per LINE group
  (push: multicast takes users only), all with unique keys ("announce:<id>:<n>", "announce:<id>:<group>")
  so a second release writes nothing;
- delivered by the delivery worker like reminders, each request with its own retry key.
Every step a trainer takes is written to the audit log in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, update
from sqlmodel import Session, col, select

from bot.gateway import MessageJSON
from bot.limits import fit
from bot.simulator import is_simulated
from bot.storage.db import insert_skipping_known, session_scope
from bot.storage.models import Learner, Outbox, OutboxBatch
from bot.storage.outbox import ANNOUNCEMENT, MULTICAST_MAX, pending_batch, pending_row
from bot.storage.trainers import (
    Announcement,
    AnnouncementClass,
    AnnouncementStatus,
    ClassGroup,
    ClassMember,
    Classroom,
    Trainer,
)
from bot.trainers import audit, classes
from bot.trainers.auth import Principal
from bot.voice import texts as t
from bot.voice.ui import button, with_buttons

PURPOSE = ANNOUNCEMENT
MAX_BODY = 2000
MAX_TITLE = 80
STYLES = ("text", "card")
# A scheduled announcement may be set at most this far ahead.
MAX_AHEAD = timedelta(days=90)


class AnnouncementError(ValueError):
    """Something the trainer must fix; the message names the field."""


class NotAllowed(LookupError):
    """No such announcement for this trainer (or it may not be changed by them)."""


@dataclass(frozen=True)
class Draft:
    class_ids: tuple[int, ...]
    body: str
    title: str | None = None
    image_url: str | None = None
    style: str = "text"
    send_at: datetime | None = None  # None: now

    def checked(self, now: datetime) -> Draft:
        body = self.body.strip()
        title = (self.title or "").strip() or None
        image = (self.image_url or "").strip() or None
        if not self.class_ids:
            raise AnnouncementError("classes: choose at least one class")
        if not body:
            raise AnnouncementError("body: write the message")
        if len(body) > MAX_BODY:
            raise AnnouncementError(f"body: at most {MAX_BODY} characters")
        if title and len(title) > MAX_TITLE:
            raise AnnouncementError(f"title: at most {MAX_TITLE} characters")
        if image and (
            not image.startswith("https://") or len(image) > 2000 or any(c.isspace() for c in image)
        ):
            raise AnnouncementError("image_url: an https:// address of a JPEG or PNG image")
        if self.style not in STYLES:
            raise AnnouncementError("style: text or card")
        send_at = self.send_at
        if send_at is not None:
            if send_at.tzinfo is None:
                raise AnnouncementError("send_at: give a time zone")
            if send_at > now + MAX_AHEAD:
                raise AnnouncementError("send_at: at most 90 days ahead")
            if send_at <= now:
                send_at = None  # a time already past means "now"
        return Draft(tuple(sorted(set(self.class_ids))), body, title, image, self.style, send_at)


# ----- what learners receive --------------------------------------------------------------------------------


def messages(
    *, author: str, title: str | None, body: str, image_url: str | None, style: str
) -> list[MessageJSON]:
    """The LINE messages of an announcement: identical for every recipient, so they can share a multicast."""
    header = f"📢 ประกาศจาก {author}" if author else "📢 ประกาศ"
    if style == "card":
        contents: list[dict[str, Any]] = [
            {"type": "text", "text": header, "size": "md", "color": "#1B5E20", "weight": "bold", "wrap": True}
        ]
        if title:
            contents.append({"type": "text", "text": title, "size": "xl", "weight": "bold", "wrap": True})
        contents.append({"type": "text", "text": body, "size": "lg", "wrap": True})
        bubble = {
            "type": "bubble",
            "size": "giga",
            "body": {"type": "box", "layout": "vertical", "spacing": "md", "contents": contents},
        }
        alt = "\n".join(part for part in (header, title, body) if part)
        result: list[MessageJSON] = [{"type": "flex", "altText": alt[:400], "contents": bubble}]
    else:
        text = "\n".join(part for part in (header, title) if part) + "\n\n" + body
        result = [{"type": "text", "text": text}]
    if image_url:
        result.append({"type": "image", "originalContentUrl": image_url, "previewImageUrl": image_url})
    return fit(result)


def for_learners(sent: list[MessageJSON]) -> list[MessageJSON]:
    """The messages as learners get them: the last one carries a "เรียนต่อ" button. LINE shows only the
    last message's quick replies, so an announcement arriving mid-lesson takes the lesson's buttons away;
    this one tap brings the learner back where they were (the card or question again, with its buttons).
    The same for every learner, so it still goes by multicast."""
    *before, last = sent
    return [*before, with_buttons(dict(last), [button(t.CONTINUE, "continue")])]


@dataclass(frozen=True)
class Recipients:
    users: list[str]  # LINE user IDs (simulated learners included; they cost nothing)
    groups: list[str]  # LINE group and room IDs
    learner_ids: list[int]  # the learners of `users`, in the same order

    @property
    def billable_users(self) -> int:
        return sum(not is_simulated(user) for user in self.users)


def recipients(session: Session, class_ids: tuple[int, ...] | list[int]) -> Recipients:
    """Consenting, following learners of the classes (each once; no child still waiting for a parent's
    consent) and the classes' approved LINE groups."""
    learners = session.exec(
        select(Learner.line_user_id, Learner.id)
        .join(ClassMember, col(ClassMember.learner_id) == Learner.id)
        .where(
            col(ClassMember.class_id).in_(list(class_ids)),
            classes.seen_by_trainer(),
            col(Learner.following).is_(True),
        )
        .distinct()
        .order_by(col(Learner.line_user_id))
    ).all()
    groups = session.exec(
        select(ClassGroup.group_id)
        .where(col(ClassGroup.class_id).in_(list(class_ids)), col(ClassGroup.approved_at).is_not(None))
        .distinct()
        .order_by(col(ClassGroup.group_id))
    ).all()
    return Recipients(
        [user for user, _ in learners],
        list(groups),
        [learner_id for _, learner_id in learners],  # type: ignore[misc]
    )


# ----- a trainer's actions ----------------------------------------------------------------------------------


def _check_classes(session: Session, principal: Principal, class_ids: tuple[int, ...]) -> list[Classroom]:
    try:
        return [classes.get_visible(session, principal, class_id) for class_id in class_ids]
    except classes.NotVisible:
        raise NotAllowed("classes") from None


def create(session: Session, principal: Principal, draft: Draft, *, now: datetime) -> Announcement:
    draft = draft.checked(now)
    targets = _check_classes(session, principal, draft.class_ids)
    announcement = Announcement(
        author_id=principal.trainer_id,
        title=draft.title,
        body=draft.body,
        image_url=draft.image_url,
        style=draft.style,
        send_at=draft.send_at or now,
        created_at=now,
        updated_at=now,
    )
    session.add(announcement)
    session.flush()
    for classroom in targets:
        session.add(AnnouncementClass(announcement_id=announcement.id, class_id=classroom.id))  # type: ignore[arg-type]
    found = recipients(session, draft.class_ids)
    action = "announcement.schedule" if draft.send_at else "announcement.send"
    when = f" for {draft.send_at.isoformat(timespec='minutes')}" if draft.send_at else ""
    audit.record(
        session,
        principal,
        action,
        f"Announcement #{announcement.id}{when} to {', '.join(c.name for c in targets)}: "
        f"{_excerpt(draft.body)}",
        now=now,
        recipients=len(found.users) + len(found.groups),
        detail={
            "announcement_id": announcement.id,
            "class_ids": list(draft.class_ids),
            "users": len(found.users),
            "groups": len(found.groups),
        },
    )
    return announcement


def _excerpt(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def visible(session: Session, principal: Principal) -> list[Announcement]:
    """Newest first: an admin sees all; a trainer those they wrote or that reach one of their classes."""
    query = (
        select(Announcement)
        .order_by(col(Announcement.send_at).desc(), col(Announcement.id).desc())
        .limit(200)
    )
    if not principal.is_admin:
        mine = select(Classroom.id).where(Classroom.owner_id == principal.trainer_id)
        reaching = select(AnnouncementClass.announcement_id).where(col(AnnouncementClass.class_id).in_(mine))
        query = query.where(
            (col(Announcement.author_id) == principal.trainer_id) | col(Announcement.id).in_(reaching)
        )
    return list(session.exec(query))


def get(session: Session, principal: Principal, announcement_id: int) -> Announcement:
    """One announcement, if this trainer may see it (the same rule as `visible`)."""
    announcement = session.get(Announcement, announcement_id)
    if announcement is None:
        raise NotAllowed(announcement_id)
    if principal.is_admin or announcement.author_id == principal.trainer_id:
        return announcement
    owners = session.exec(
        select(Classroom.owner_id)
        .join(AnnouncementClass, col(AnnouncementClass.class_id) == Classroom.id)
        .where(AnnouncementClass.announcement_id == announcement_id)
    ).all()
    if principal.trainer_id not in owners:
        raise NotAllowed(announcement_id)
    return announcement


def target_ids(session: Session, announcement_id: int) -> list[int]:
    return list(
        session.exec(
            select(AnnouncementClass.class_id).where(AnnouncementClass.announcement_id == announcement_id)
        ).all()
    )


def _changeable(session: Session, principal: Principal, announcement_id: int) -> Announcement:
    announcement = session.get(Announcement, announcement_id)
    if announcement is None or not (principal.is_admin or announcement.author_id == principal.trainer_id):
        raise NotAllowed(announcement_id)
    return announcement


def edit(
    session: Session, principal: Principal, announcement_id: int, draft: Draft, *, now: datetime
) -> Announcement:
    """Change a scheduled announcement (text, image, classes, time); refused once it has gone."""
    announcement = _changeable(session, principal, announcement_id)
    draft = draft.checked(now)
    targets = _check_classes(session, principal, draft.class_ids)
    changed = session.exec(
        update(Announcement)
        .where(
            col(Announcement.id) == announcement_id, col(Announcement.status) == AnnouncementStatus.SCHEDULED
        )
        .values(
            title=draft.title,
            body=draft.body,
            image_url=draft.image_url,
            style=draft.style,
            send_at=draft.send_at or now,
            updated_at=now,
        )
    ).rowcount
    if not changed:
        raise AnnouncementError("status: already sent or cancelled; it can no longer be changed")
    session.exec(
        AnnouncementClass.__table__.delete().where(  # type: ignore[attr-defined]
            AnnouncementClass.__table__.c.announcement_id == announcement_id  # type: ignore[attr-defined]
        )
    )
    for classroom in targets:
        session.add(AnnouncementClass(announcement_id=announcement_id, class_id=classroom.id))  # type: ignore[arg-type]
    audit.record(
        session,
        principal,
        "announcement.edit",
        f"Announcement #{announcement_id} changed: {_excerpt(draft.body)}",
        now=now,
        detail={"announcement_id": announcement_id, "class_ids": list(draft.class_ids)},
    )
    session.refresh(announcement)
    return announcement


def cancel(session: Session, principal: Principal, announcement_id: int, *, now: datetime) -> None:
    _changeable(session, principal, announcement_id)
    changed = session.exec(
        update(Announcement)
        .where(
            col(Announcement.id) == announcement_id, col(Announcement.status) == AnnouncementStatus.SCHEDULED
        )
        .values(status=AnnouncementStatus.CANCELLED, updated_at=now)
    ).rowcount
    if not changed:
        raise AnnouncementError("status: already sent or cancelled")
    audit.record(
        session,
        principal,
        "announcement.cancel",
        f"Announcement #{announcement_id} cancelled before it was sent",
        now=now,
        detail={"announcement_id": announcement_id, "class_ids": target_ids(session, announcement_id)},
    )


# ----- release: scheduled -> outbox -------------------------------------------------------------------------


def due(engine: Engine, now: datetime, limit: int = 50) -> list[int]:
    with session_scope(engine) as session:
        return list(
            session.exec(  # type: ignore[arg-type]
                select(Announcement.id)
                .where(Announcement.status == AnnouncementStatus.SCHEDULED, col(Announcement.send_at) <= now)
                .order_by(col(Announcement.send_at))
                .limit(limit)
            ).all()
        )


def release(engine: Engine, announcement_id: int, now: datetime) -> int | None:
    """Queue one due announcement into the outbox; returns rows written, or None if another process did."""
    with session_scope(engine) as session:
        won = session.exec(
            update(Announcement)
            .where(
                col(Announcement.id) == announcement_id,
                col(Announcement.status) == AnnouncementStatus.SCHEDULED,
                col(Announcement.send_at) <= now,
            )
            .values(status=AnnouncementStatus.QUEUED, queued_at=now)
        ).rowcount
        if not won:
            return None
        announcement = session.get(Announcement, announcement_id)
        assert announcement is not None
        author = session.get(Trainer, announcement.author_id) if announcement.author_id else None
        chosen = target_ids(session, announcement_id)
        found = recipients(session, chosen)
        sent = messages(
            author=author.display_name if author else "",
            title=announcement.title,
            body=announcement.body,
            image_url=announcement.image_url,
            style=announcement.style,
        )
        # Simulated learners go in batches of their own: the simulator delivers theirs even while LINE does
        # not, and each batch's status then says truly how many learners have it.
        real = [
            lid for user, lid in zip(found.users, found.learner_ids, strict=True) if not is_simulated(user)
        ]
        simulated = [
            lid for user, lid in zip(found.users, found.learner_ids, strict=True) if is_simulated(user)
        ]
        chunks = [
            ids[start : start + MULTICAST_MAX]
            for ids in (real, simulated)
            for start in range(0, len(ids), MULTICAST_MAX)
        ]
        to_learners = for_learners(sent)
        batches = [
            pending_batch(
                PURPOSE, learner_ids, to_learners, now, dedupe_key=f"announce:{announcement_id}:{number}"
            )
            for number, learner_ids in enumerate(chunks)
        ]
        if batches:
            once = insert_skipping_known(session.get_bind(), OutboxBatch.__table__, "dedupe_key")  # type: ignore[attr-defined]
            session.exec(once, params=batches)  # type: ignore[call-overload]
        rows = [
            pending_row(group, sent, now, purpose=PURPOSE, dedupe_key=f"announce:{announcement_id}:{group}")
            for group in found.groups
        ]
        if rows:
            once = insert_skipping_known(session.get_bind(), Outbox.__table__, "dedupe_key")  # type: ignore[attr-defined]
            session.exec(once, params=rows)  # type: ignore[call-overload]
        announcement.users, announcement.groups = len(found.users), len(found.groups)
        session.add(announcement)
        audit.record(
            session,
            None,
            "announcement.queued",
            f"Announcement #{announcement_id} handed to delivery",
            now=now,
            recipients=len(found.users) + len(found.groups),
            actor="system",
            detail={
                "announcement_id": announcement_id,
                "class_ids": chosen,
                "users": len(found.users),
                "groups": len(found.groups),
            },
        )
        return len(found.users) + len(found.groups)


def release_due(engine: Engine, now: datetime) -> int:
    """Queue every due announcement; returns how many were queued by this call."""
    return sum(release(engine, announcement_id, now) is not None for announcement_id in due(engine, now))


# What a trainer is told about an announcement (`delivery_state`).
DELIVERY_STATES = ("scheduled", "cancelled", "waiting", "line_not_connected", "paused", "delivered", "no_one")


def delivery_state(announcement: Announcement, counts: dict[str, int], pause: dict[str, Any]) -> str:
    """Scheduled or cancelled; once handed to delivery, whether some of it still waits, and why (LINE not
    connected: its access token is missing or refused; paused: the month's quota is used up), or that
    it is done ("delivered": `counts` say to how many of its recipients)."""
    if announcement.status is not AnnouncementStatus.QUEUED:
        return announcement.status.value
    if counts.get("pending"):
        if pause.get("push_paused"):
            return "line_not_connected" if pause.get("cause") == "unauthorized" else "paused"
        return "waiting"
    return "delivered" if (announcement.users or 0) + (announcement.groups or 0) else "no_one"


def delivery(session: Session, announcement_id: int) -> dict[str, int]:
    """How its messages stand: pending, sent, failed (learners and groups together)."""
    key = f"announce:{announcement_id}:%"
    counts: dict[str, int] = {}
    for status, count in [
        *session.exec(
            select(OutboxBatch.status, func.sum(OutboxBatch.size))
            .where(col(OutboxBatch.dedupe_key).like(key))
            .group_by(col(OutboxBatch.status))
        ),
        *session.exec(
            select(Outbox.status, func.count())
            .where(col(Outbox.dedupe_key).like(key))
            .group_by(col(Outbox.status))
        ),
    ]:
        name = str(getattr(status, "value", status))
        counts[name] = counts.get(name, 0) + int(count)
    return counts
