"""GET /simulator: a LINE chat in the browser, driven by the same runtime and handlers as the webhook."""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from bot import simulator
from bot.runtime import Runtime
from bot.simulator import Delivered, Mailbox
from bot.voice.ui import rich_menu_buttons
from bot.web import deps, render
from bot.web.lineview import quick_replies, render_message

router = APIRouter(prefix="/simulator", tags=["simulator"])
POLL_SECONDS = 20.0


class SimAction(BaseModel):
    """What the simulated learner did: typed `text`, or pressed a button that sends postback `data`."""

    user: str = Field(pattern=r"^Usim[0-9a-f]{28}$")
    text: str | None = Field(default=None, max_length=2000)
    data: str | None = Field(default=None, max_length=300)


class SimStart(BaseModel):
    user: str | None = Field(default=None, pattern=r"^Usim[0-9a-f]{28}$")


def _mailbox(request: Request) -> Mailbox:
    mailbox = deps.services_of(request).mailbox
    if mailbox is None:
        raise HTTPException(404, "The simulator is off")
    return mailbox


async def allowed(request: Request) -> None:
    """Who may use the simulator (setting SIMULATOR): everyone, signed-in trainers, or nobody."""
    access = deps.settings_of(request).simulator_access
    if access == "open":
        return
    if access == "trainers":
        if await deps.current_principal(request) is not None:
            return
        raise HTTPException(401, "Sign in at /admin/login to use the simulator")
    raise HTTPException(404, "The simulator is off")


Allowed = Annotated[None, Depends(allowed)]
RuntimeDep = deps.RuntimeDep
MailboxDep = Annotated[Mailbox, Depends(_mailbox)]


def _shown(items: list[Delivered]) -> dict[str, Any]:
    messages = [item.message for item in items]
    return {
        "seq": items[-1].seq if items else None,
        "messages": [{"seq": item.seq, "html": str(render_message(item.message))} for item in items],
        "buttons": quick_replies(messages),
    }


async def _act(runtime: Runtime, mailbox: Mailbox, user: str, event: dict[str, Any]) -> dict[str, Any]:
    before = mailbox.last_seq
    await runtime.receive([event])
    await runtime.settle()
    return {"user": user, **_shown(mailbox.after(user, before))}


@router.get("", include_in_schema=False)
async def page(request: Request, _: Allowed) -> Response:
    menu = [{"label": b.label, "data": b.data} for b in rich_menu_buttons()]
    return render(request, "simulator.html", menu=menu)


@router.post("/api/start", summary="Start (or resume) a simulated learner")
async def start(body: SimStart, runtime: RuntimeDep, mailbox: MailboxDep, _: Allowed) -> dict[str, Any]:
    """A new simulated learner follows the bot and sees its welcome; a known one sees its recent messages."""
    if body.user and mailbox.after(body.user, 0):
        return {"user": body.user, **_shown(mailbox.after(body.user, 0))}
    user = body.user or simulator.new_user_id()
    return await _act(runtime, mailbox, user, simulator.follow_event(user))


@router.post("/api/send", summary="Type a message or press a button as a simulated learner")
async def send(body: SimAction, runtime: RuntimeDep, mailbox: MailboxDep, _: Allowed) -> dict[str, Any]:
    if body.data:
        event = simulator.postback_event(body.user, body.data)
    elif body.text and body.text.strip():
        event = simulator.text_event(body.user, body.text)
    else:
        raise HTTPException(422, "Send text or postback data")
    return await _act(runtime, mailbox, body.user, event)


@router.get("/api/poll", summary="Messages pushed to a simulated learner (reminders, announcements)")
async def poll(
    request: Request,
    mailbox: MailboxDep,
    _: Allowed,
    user: Annotated[str, Query(pattern=r"^Usim[0-9a-f]{28}$")],
    after: Annotated[int, Query(ge=0)] = 0,
    wait: Annotated[float, Query(ge=0, le=POLL_SECONDS)] = POLL_SECONDS,
) -> dict[str, Any]:
    """Long polling: answers as soon as something arrives, or empty after `wait` seconds."""
    deadline = time.monotonic() + wait
    while True:
        found = await mailbox.wait(user, after, min(1.0, max(0.0, deadline - time.monotonic())))
        # A page closed (or a server shutting down) must not keep this request open for long.
        if found or time.monotonic() >= deadline or await request.is_disconnected():
            return {"user": user, **_shown(found)}
