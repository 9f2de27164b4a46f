"""What the web routes are given, as FastAPI dependencies: the `Services` (runtime, settings, passwords, the
LINE account, announcements) and the signed-in trainer. Routes declare them as parameters (`ServicesDep`,
`RuntimeDep`, `SettingsDep`, `ApiTrainer`, ...); only this module reads `app.state`.

A trainer is recognised by a session token, from the `ruthan_session` cookie (browsers) or an
`Authorization: Bearer` header (API clients). Writes made with the cookie must also carry the session's
CSRF token (a hidden form field, or the `X-CSRF-Token` header), so another site cannot make a signed-in
trainer's browser send an announcement.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, HTTPException, Request

from bot.runtime import Runtime
from bot.services import Services
from bot.settings import Settings
from bot.storage.db import session_scope
from bot.trainers import auth
from bot.trainers.auth import Principal
from bot.trainers.jobs import AnnouncementJob
from bot.trainers.line_account import LineAccount
from bot.trainers.service import TrainerService

COOKIE = "ruthan_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf"
T = TypeVar("T")


class LoginRequired(Exception):
    """A page needs a signed-in trainer: the app answers with a redirect to the sign-in page."""

    def __init__(self, next_url: str):
        self.next_url = next_url


def services_of(request: Request) -> Services:
    """The process's services, built when the app started (bot/app.py)."""
    services: Services = request.app.state.services
    return services


def runtime_of(request: Request) -> Runtime:
    return services_of(request).runtime


def settings_of(request: Request) -> Settings:
    """The app's settings (known before start-up is done, unlike the other services)."""
    settings: Settings = request.app.state.settings
    return settings


def passwords_of(request: Request) -> auth.Passwords:
    return services_of(request).passwords


def line_account_of(request: Request) -> LineAccount | None:
    return services_of(request).line_account


def announcements_of(request: Request) -> AnnouncementJob:
    return services_of(request).announcements


ServicesDep = Annotated[Services, Depends(services_of)]
RuntimeDep = Annotated[Runtime, Depends(runtime_of)]
SettingsDep = Annotated[Settings, Depends(settings_of)]
PasswordsDep = Annotated[auth.Passwords, Depends(passwords_of)]
LineAccountDep = Annotated[LineAccount | None, Depends(line_account_of)]
AnnouncementsDep = Annotated[AnnouncementJob, Depends(announcements_of)]


def trainer_service(services: ServicesDep) -> TrainerService:
    return TrainerService(services)


TrainersDep = Annotated[TrainerService, Depends(trainer_service)]


async def in_session(request: Request, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run `work(session, *args)` in one transaction, in a worker thread (SQLAlchemy is synchronous)."""
    runtime = runtime_of(request)

    def transaction() -> T:
        with session_scope(runtime.engine) as session:
            return work(session, *args, **kwargs)

    return await runtime.db(transaction)


def _token(request: Request) -> tuple[str | None, bool]:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip(), False
    return request.cookies.get(COOKIE), True


async def current_principal(request: Request) -> Principal | None:
    """The signed-in trainer, or None (no token, expired, signed out, or account disabled)."""
    cached: Principal | bool | None = getattr(request.state, "principal", False)
    if cached is not False:
        return cached if isinstance(cached, Principal) else None
    token, via_cookie = _token(request)
    principal = None
    if token:
        runtime = runtime_of(request)
        principal = await runtime.db(
            auth.authenticate,
            runtime.engine,
            settings_of(request),
            token,
            runtime.clock.now(),
            via_cookie=via_cookie,
        )
    request.state.principal = principal
    return principal


async def _check_csrf(request: Request, principal: Principal) -> None:
    if request.method in ("GET", "HEAD", "OPTIONS") or not principal.via_cookie:
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        sent = str((await request.form()).get(CSRF_FIELD) or "")
    if sent != principal.csrf_token:
        raise HTTPException(403, "Missing or wrong CSRF token: reload the page and try again")


async def api_principal(request: Request) -> Principal:
    principal = await current_principal(request)
    if principal is None:
        raise HTTPException(
            401, "Sign in first (POST /api/v1/session)", headers={"WWW-Authenticate": "Bearer"}
        )
    await _check_csrf(request, principal)
    return principal


async def page_principal(request: Request) -> Principal:
    principal = await current_principal(request)
    if principal is None:
        raise LoginRequired(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    await _check_csrf(request, principal)
    return principal


async def api_admin(principal: Annotated[Principal, Depends(api_principal)]) -> Principal:
    if not principal.is_admin:
        raise HTTPException(403, "Only an admin may do this")
    return principal


async def page_admin(principal: Annotated[Principal, Depends(page_principal)]) -> Principal:
    if not principal.is_admin:
        raise HTTPException(403, "Only an admin may do this")
    return principal


ApiTrainer = Annotated[Principal, Depends(api_principal)]
ApiAdmin = Annotated[Principal, Depends(api_admin)]
PageTrainer = Annotated[Principal, Depends(page_principal)]
PageAdmin = Annotated[Principal, Depends(page_admin)]


def client_source(request: Request) -> str:
    """Where a sign-in attempt comes from: the peer's address, or the client's as told by a trusted proxy
    (TRUSTED_PROXIES, see bot/app.py)."""
    return request.client.host if request.client else "unknown"


def cookie_secure(request: Request) -> bool:
    chosen = settings_of(request).secure_cookies
    return request.url.scheme == "https" if chosen is None else chosen
