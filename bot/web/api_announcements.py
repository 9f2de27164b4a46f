"""Announcements in the JSON API (/api/v1/announcements): preview with cost, send or schedule, edit, cancel.

The preview answers what a busy trainer needs before pressing send: what learners will see, how many
learners and LINE groups it reaches, and how many messages that takes from the month's quota.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field
from sqlmodel import Session

from bot.gateway import LineApiError
from bot.learning import reminders as rules
from bot.storage.outbox import pause_of, pause_status
from bot.storage.trainers import Announcement, AnnouncementStatus
from bot.trainers import announcements
from bot.trainers.announcements import AnnouncementError, Draft, NotAllowed
from bot.trainers.auth import Principal
from bot.trainers.line_account import LineAccount, Quota
from bot.web import deps
from bot.web.deps import ApiTrainer, in_session
from bot.web.lineview import render_messages

router = APIRouter(prefix="/api/v1", tags=["announcements"])


class DraftIn(BaseModel):
    class_ids: list[int] = Field(min_length=1, max_length=50)
    body: str = Field(max_length=announcements.MAX_BODY)
    title: str | None = Field(default=None, max_length=announcements.MAX_TITLE)
    image_url: str | None = Field(default=None, max_length=2000)
    style: str = Field(default="text", pattern="^(text|card)$")
    send_at: datetime | None = Field(default=None, description="Omit (or a past time) to send now")

    def draft(self) -> Draft:
        return Draft(tuple(self.class_ids), self.body, self.title, self.image_url, self.style, self.send_at)


class QuotaOut(BaseModel):
    known: bool = Field(description="False when LINE is not configured or did not answer")
    limited: bool | None = None
    limit: int | None = None
    used: int | None = None
    remaining: int | None = None
    push_paused: bool = False
    pause_cause: str | None = Field(
        default=None, description="Why pushing is paused: monthly_limit, or unauthorized (LINE not connected)"
    )


class PreviewOut(BaseModel):
    messages: list[dict[str, Any]] = Field(description="The LINE messages, as sent")
    html: list[str] = Field(description="The messages drawn as LINE shows them")
    learners: int
    groups: int
    group_members: int | None = Field(description="Members of the LINE groups, if LINE told us")
    messages_used: int | None = Field(description="Messages this takes from the monthly quota")
    quota: QuotaOut
    over_quota: bool
    quiet_hours: bool = Field(description="Sends between 21:00 and 08:00 local time")


class AnnouncementOut(BaseModel):
    id: int
    status: AnnouncementStatus
    title: str | None
    body: str
    image_url: str | None
    style: str
    send_at: datetime
    class_ids: list[int]
    learners: int | None
    groups: int | None
    delivery: dict[str, int]
    delivery_state: str = Field(
        description="scheduled, cancelled; once handed to delivery: waiting, line_not_connected (its access "
        "token is missing or refused), paused (monthly quota used up), delivered (see `delivery`), no_one"
    )


@dataclass
class Estimate:
    preview: PreviewOut
    draft: Draft


async def quota_of(request: Request) -> QuotaOut:
    account: LineAccount | None = deps.line_account_of(request)
    runtime = deps.runtime_of(request)
    pause = await runtime.db(pause_status, runtime.engine)
    paused = {"push_paused": pause["push_paused"], "pause_cause": pause.get("cause")}
    if account is None:
        return QuotaOut(known=False, **paused)
    try:
        quota: Quota = await account.quota()
    except LineApiError:
        return QuotaOut(known=False, **paused)
    return QuotaOut(
        known=True,
        limited=quota.limited,
        limit=quota.limit,
        used=quota.used,
        remaining=quota.remaining,
        **paused,
    )


async def estimate(request: Request, principal: Principal, draft: Draft) -> Estimate:
    """Check the draft and work out who gets it and what it costs."""
    runtime = deps.runtime_of(request)
    now = runtime.clock.now()
    try:
        draft = draft.checked(now)
    except AnnouncementError as exc:
        raise HTTPException(422, str(exc)) from None

    def work(session: Session) -> announcements.Recipients:
        announcements._check_classes(session, principal, draft.class_ids)
        return announcements.recipients(session, draft.class_ids)

    try:
        found = await in_session(request, work)
    except NotAllowed:
        raise HTTPException(404, "No such class") from None
    sent = announcements.messages(
        author=principal.display_name,
        title=draft.title,
        body=draft.body,
        image_url=draft.image_url,
        style=draft.style,
    )
    account: LineAccount | None = deps.line_account_of(request)
    sizes: list[int | None] = []
    if account is not None and found.groups:
        sizes = list(await asyncio.gather(*(account.group_size(group) for group in found.groups)))
    members = None if (found.groups and (account is None or None in sizes)) else sum(s or 0 for s in sizes)
    used = None if members is None else len(sent) * (found.billable_users + members)
    quota = await quota_of(request)
    over = bool(quota.known and quota.remaining is not None and used is not None and used > quota.remaining)
    when = draft.send_at or now
    quiet = rules.in_quiet_hours(rules.local_minute(when, deps.settings_of(request).zone))
    preview = PreviewOut(
        messages=sent,
        html=[str(part) for part in render_messages(sent)],
        learners=len(found.users),
        groups=len(found.groups),
        group_members=members,
        messages_used=used,
        quota=quota,
        over_quota=over,
        quiet_hours=quiet,
    )
    return Estimate(preview, draft)


def announcement_out(session: Session, announcement: Announcement) -> AnnouncementOut:
    counts = announcements.delivery(session, announcement.id or 0)
    return AnnouncementOut(
        id=announcement.id or 0,
        status=announcement.status,
        title=announcement.title,
        body=announcement.body,
        image_url=announcement.image_url,
        style=announcement.style,
        send_at=announcement.send_at,
        class_ids=announcements.target_ids(session, announcement.id or 0),
        learners=announcement.users,
        groups=announcement.groups,
        delivery=counts,
        delivery_state=announcements.delivery_state(announcement, counts, pause_of(session)),
    )


@router.get("/quota", response_model=QuotaOut, summary="This month's LINE message quota and use")
async def quota(request: Request, principal: ApiTrainer) -> Any:
    return await quota_of(request)


@router.post(
    "/announcements/preview", response_model=PreviewOut, summary="What it looks like, reaches and costs"
)
async def preview(body: DraftIn, request: Request, principal: ApiTrainer) -> Any:
    return (await estimate(request, principal, body.draft())).preview


async def submit(request: Request, principal: Principal, draft: Draft) -> AnnouncementOut:
    """Send now or schedule; refused when it would go over the month's remaining quota."""
    checked = await estimate(request, principal, draft)
    if checked.preview.over_quota:
        raise HTTPException(409, "Not enough messages left in this month's LINE quota")
    now = deps.runtime_of(request).clock.now()

    def work(session: Session) -> AnnouncementOut:
        created = announcements.create(session, principal, checked.draft, now=now)
        return announcement_out(session, created)

    created = await in_session(request, work)
    if checked.draft.send_at is None:
        account: LineAccount | None = deps.line_account_of(request)
        if account is not None:
            account.forget_quota()
        await deps.announcements_of(request).send_now(created.id)
        return await one(request, principal, created.id)
    return created


@router.post(
    "/announcements", response_model=AnnouncementOut, status_code=201, summary="Send now or schedule"
)
async def create(body: DraftIn, request: Request, principal: ApiTrainer) -> Any:
    return await submit(request, principal, body.draft())


@router.get(
    "/announcements", response_model=list[AnnouncementOut], summary="Announcements this trainer may see"
)
async def list_announcements(request: Request, principal: ApiTrainer) -> Any:
    def work(session: Session) -> list[AnnouncementOut]:
        return [announcement_out(session, a) for a in announcements.visible(session, principal)]

    return await in_session(request, work)


async def one(request: Request, principal: Principal, announcement_id: int) -> AnnouncementOut:
    def work(session: Session) -> AnnouncementOut:
        return announcement_out(session, announcements.get(session, principal, announcement_id))

    try:
        return await in_session(request, work)
    except NotAllowed:
        raise HTTPException(404, "No such announcement") from None


@router.get("/announcements/{announcement_id}", response_model=AnnouncementOut, summary="One announcement")
async def get_announcement(announcement_id: int, request: Request, principal: ApiTrainer) -> Any:
    return await one(request, principal, announcement_id)


async def change(
    request: Request, principal: Principal, announcement_id: int, draft: Draft
) -> AnnouncementOut:
    checked = await estimate(request, principal, draft)
    now = deps.runtime_of(request).clock.now()

    def work(session: Session) -> AnnouncementOut:
        return announcement_out(
            session, announcements.edit(session, principal, announcement_id, checked.draft, now=now)
        )

    try:
        changed = await in_session(request, work)
    except NotAllowed:
        raise HTTPException(404, "No such announcement") from None
    except AnnouncementError as exc:
        raise HTTPException(409, str(exc)) from None
    if checked.draft.send_at is None:
        await deps.announcements_of(request).send_now(announcement_id)
        return await one(request, principal, announcement_id)
    return changed


@router.put(
    "/announcements/{announcement_id}", response_model=AnnouncementOut, summary="Change a scheduled one"
)
async def edit(announcement_id: int, body: DraftIn, request: Request, principal: ApiTrainer) -> Any:
    return await change(request, principal, announcement_id, body.draft())


async def withdraw(request: Request, principal: Principal, announcement_id: int) -> None:
    now = deps.runtime_of(request).clock.now()
    try:
        await in_session(request, announcements.cancel, principal, announcement_id, now=now)
    except NotAllowed:
        raise HTTPException(404, "No such announcement") from None
    except AnnouncementError as exc:
        raise HTTPException(409, str(exc)) from None


@router.post("/announcements/{announcement_id}/cancel", status_code=204, summary="Cancel before it is sent")
async def cancel(announcement_id: int, request: Request, principal: ApiTrainer) -> None:
    await withdraw(request, principal, announcement_id)
