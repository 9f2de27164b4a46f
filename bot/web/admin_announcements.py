"""The announcement pages: write, preview (as LINE shows it, with reach and cost), send or schedule, change.

The form posts to the preview; the preview carries the draft in hidden fields and posts it on to be sent,
so nothing is sent that the trainer has not seen.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from sqlmodel import Session

from bot.trainers import announcements, classes
from bot.trainers.announcements import Draft
from bot.trainers.auth import Principal
from bot.web import api_announcements as service
from bot.web import deps
from bot.web.admin import back, local, page
from bot.web.deps import PageTrainer, in_session
from bot.web.lineview import render_messages

router = APIRouter(prefix="/admin/announcements", include_in_schema=False)


class FormDraft:
    """The form's fields, as typed (kept to show the form again when something must be fixed)."""

    def __init__(
        self,
        class_ids: list[int],
        title: str = "",
        body: str = "",
        image_url: str = "",
        style: str = "text",
        when: str = "now",
        send_at: str = "",
    ):
        self.class_ids = class_ids
        self.title = title
        self.body = body
        self.image_url = image_url
        self.style = style if style in announcements.STYLES else "text"
        self.when = "later" if when == "later" else "now"
        self.send_at = send_at

    def draft(self, request: Request) -> Draft:
        moment = None
        if self.when == "later":
            try:
                moment = datetime.fromisoformat(self.send_at).replace(tzinfo=deps.settings_of(request).zone)
            except ValueError:
                raise HTTPException(422, "send_at: choose a date and time") from None
        return Draft(
            tuple(self.class_ids), self.body, self.title or None, self.image_url or None, self.style, moment
        )


async def _choices(request: Request, principal: Principal) -> list[Any]:
    return await in_session(request, classes.visible_classes, principal)


async def _form(
    request: Request,
    principal: Principal,
    fields: FormDraft,
    *,
    editing: int | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    return page(
        request,
        "announcement_form.html",
        principal,
        status_code=status_code,
        fields=fields,
        choices=await _choices(request, principal),
        editing=editing,
        error=error,
    )


@router.get("")
async def announcement_list(request: Request, principal: PageTrainer) -> Response:
    found = await service.list_announcements(request, principal)
    names = {c.id: c.name for c in await _choices(request, principal)}
    return page(
        request,
        "announcements.html",
        principal,
        announcements=found,
        names=names,
        local=lambda m: local(request, m),
    )


@router.get("/new")
async def new(request: Request, principal: PageTrainer, class_id: int | None = None) -> Response:
    return await _form(request, principal, FormDraft([class_id] if class_id else []))


async def _preview(
    request: Request, principal: Principal, fields: FormDraft, editing: int | None
) -> Response:
    try:
        checked = await service.estimate(request, principal, fields.draft(request))
    except HTTPException as exc:
        return await _form(
            request, principal, fields, editing=editing, error=str(exc.detail), status_code=422
        )
    names = [c.name for c in await _choices(request, principal) if c.id in checked.draft.class_ids]
    return page(
        request,
        "announcement_preview.html",
        principal,
        fields=fields,
        preview=checked.preview,
        when=local(request, checked.draft.send_at) if checked.draft.send_at else None,
        class_names=names,
        editing=editing,
    )


@router.post("/preview")
async def preview(request: Request, principal: PageTrainer) -> Response:
    return await _preview(request, principal, await _fields(request), None)


def _id(value: object) -> int | None:
    """A row ID from a form field; None for anything else ("", "²", a number no table reaches)."""
    digits = str(value or "")
    return int(digits) if digits.isascii() and digits.isdecimal() and len(digits) <= 9 else None


async def _fields(request: Request) -> FormDraft:
    form = await request.form()
    return FormDraft(
        [number for value in form.getlist("class_ids") if (number := _id(value)) is not None],
        str(form.get("title") or "")[: announcements.MAX_TITLE],
        str(form.get("body") or "")[: announcements.MAX_BODY + 1],
        str(form.get("image_url") or "")[:2000],
        str(form.get("style") or "text"),
        str(form.get("when") or "now"),
        str(form.get("send_at") or ""),
    )


@router.post("/back")
async def back_to_form(request: Request, principal: PageTrainer) -> Response:
    """ "แก้ไข" on the preview: the form again, as it was filled."""
    form = await request.form()
    editing = _id(form.get("editing"))
    return await _form(request, principal, await _fields(request), editing=editing)


@router.post("")
async def send(request: Request, principal: PageTrainer) -> Response:
    fields = await _fields(request)
    try:
        created = await service.submit(request, principal, fields.draft(request))
    except HTTPException as exc:
        return await _form(request, principal, fields, error=str(exc.detail), status_code=exc.status_code)
    message = "announcement_sent" if fields.when == "now" else "announcement_scheduled"
    return back(f"/admin/announcements/{created.id}", message)


@router.get("/{announcement_id}")
async def detail(request: Request, principal: PageTrainer, announcement_id: int) -> Response:
    try:
        shown = await service.one(request, principal, announcement_id)
    except HTTPException:
        return page(request, "not_found.html", principal, status_code=404)
    names = {c.id: c.name for c in await _choices(request, principal)}

    def author_name(session: Session) -> str:
        from bot.storage.trainers import Announcement, Trainer

        found = session.get(Announcement, announcement_id)
        author = session.get(Trainer, found.author_id) if found and found.author_id else None
        return author.display_name if author else ""

    author = await in_session(request, author_name)
    sent = announcements.messages(
        author=author, title=shown.title, body=shown.body, image_url=shown.image_url, style=shown.style
    )
    return page(
        request,
        "announcement.html",
        principal,
        shown=shown,
        html=render_messages(sent),
        names=names,
        local=lambda m: local(request, m),
        can_change=principal.is_admin or await in_session(request, _is_author, principal, announcement_id),
    )


def _is_author(session: Session, principal: Principal, announcement_id: int) -> bool:
    from bot.storage.trainers import Announcement

    found = session.get(Announcement, announcement_id)
    return bool(found and found.author_id == principal.trainer_id)


@router.get("/{announcement_id}/edit")
async def edit_form(request: Request, principal: PageTrainer, announcement_id: int) -> Response:
    try:
        shown = await service.one(request, principal, announcement_id)
    except HTTPException:
        return page(request, "not_found.html", principal, status_code=404)
    zone = deps.settings_of(request).zone
    fields = FormDraft(
        shown.class_ids,
        shown.title or "",
        shown.body,
        shown.image_url or "",
        shown.style,
        "later",
        shown.send_at.astimezone(zone).strftime("%Y-%m-%dT%H:%M"),
    )
    return await _form(request, principal, fields, editing=announcement_id)


@router.post("/{announcement_id}/preview")
async def edit_preview(request: Request, principal: PageTrainer, announcement_id: int) -> Response:
    return await _preview(request, principal, await _fields(request), announcement_id)


@router.post("/{announcement_id}/edit")
async def edit(request: Request, principal: PageTrainer, announcement_id: int) -> Response:
    fields = await _fields(request)
    try:
        await service.change(request, principal, announcement_id, fields.draft(request))
    except HTTPException as exc:
        return await _form(
            request,
            principal,
            fields,
            editing=announcement_id,
            error=str(exc.detail),
            status_code=exc.status_code,
        )
    return back(f"/admin/announcements/{announcement_id}", "announcement_changed")


@router.post("/{announcement_id}/cancel")
async def cancel(request: Request, principal: PageTrainer, announcement_id: int) -> Response:
    try:
        await service.withdraw(request, principal, announcement_id)
    except HTTPException as exc:
        if exc.status_code == 404:
            return page(request, "not_found.html", principal, status_code=404)
        return back(f"/admin/announcements/{announcement_id}", "announcement_not_cancelled")
    return back(f"/admin/announcements/{announcement_id}", "announcement_cancelled")
