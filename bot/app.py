"""The FastAPI application: webhook, health check, metrics, the trainers' web, and the life cycle of the
`Services` (bot/services.py) it is built on."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from linebot.v3.webhook import SignatureValidator
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from bot import services as services_module
from bot import webhook
from bot.clock import Clock
from bot.content import Content
from bot.gateway import LineGateway
from bot.metrics import CONTENT_TYPE, Metrics
from bot.services import Services
from bot.settings import Settings
from bot.storage import health
from bot.storage.db import upgrade
from bot.storage.outbox import pause_status
from bot.trainers.line_account import LineAccount
from bot.trainers.service import TrainerError
from bot.web import STATIC_DIR, admin, admin_announcements, api_announcements, assets, deps, security
from bot.web import api as trainer_api
from bot.web import certificates as certificate_pages
from bot.web import simulator as simulator_pages

log = logging.getLogger(__name__)

# /healthz answers 503 when its write to storage takes longer than this (a load balancer waits a few seconds).
HEALTH_TIMEOUT_SECONDS = 3.0


def create_app(
    settings: Settings,
    *,
    content: Content | None = None,
    gateway: LineGateway | None = None,
    clock: Clock | None = None,
    migrate: bool = True,
    recovery_interval: float = 5.0,
    sweep_interval: float | None = None,
    line_account: LineAccount | None = None,
) -> FastAPI:
    """Build the app. Tests pass their own gateway and clock; `ruthan serve` passes only settings."""
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if migrate:
            upgrade(settings.sqlalchemy_url)
        services = Services.build(
            settings,
            line=gateway,
            content=content,
            clock=clock,
            metrics=metrics,
            # Messages for simulated learners (/simulator) stop here; everyone else's go on to LINE.
            simulator=True,
            line_account=line_account or services_module.line_account(settings),
            recovery_interval=recovery_interval,
            sweep_interval=sweep_interval,
        )
        metrics.watch(services.engine, services.clock.now)
        app.state.services = services
        await services.start()
        app.state.ready = True
        try:
            yield
        finally:
            app.state.ready = False
            await services.stop()

    # The API's description and /docs are served below, to signed-in trainers only.
    app = FastAPI(
        title="Ruthan",
        summary="A LINE bot that teaches cyber-safety in Thai",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = settings
    app.state.ready = False
    secret = settings.line_channel_secret
    app.state.signature_validator = SignatureValidator(secret.get_secret_value()) if secret else None
    app.include_router(webhook.router)
    app.include_router(simulator_pages.router)
    app.include_router(trainer_api.router)
    app.include_router(api_announcements.router)
    app.include_router(admin.router)
    app.include_router(admin_announcements.router)
    app.include_router(assets.router)
    app.include_router(certificate_pages.router)

    @app.exception_handler(TrainerError)
    async def refused(request: Request, exc: TrainerError) -> JSONResponse:
        """The trainer service's refusals (no such class, class full, ...) as HTTPException would say them."""
        return JSONResponse({"detail": exc.detail}, status_code=exc.status)

    @app.exception_handler(deps.LoginRequired)
    async def to_login(request: Request, exc: deps.LoginRequired) -> RedirectResponse:
        return RedirectResponse(f"/admin/login?next={quote(exc.next_url, safe='')}", status_code=303)

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/healthz", summary="Ready to take webhooks: started, and storage takes a write")
    async def healthz(request: Request) -> JSONResponse:
        """503 while starting or while storage cannot take a write. Otherwise 200 (webhooks are stored and
        answered in turn), with status "degraded" and the pause's cause and reason while LINE refuses the
        channel (monthly limit, access token): a monitor should alert on any status but "ok"."""
        webhook_state = "on" if settings.line_enabled else "off"
        if not request.app.state.ready:
            return JSONResponse({"status": "starting", "webhook": webhook_state}, status_code=503)
        runtime = deps.services_of(request).runtime
        try:
            await asyncio.wait_for(
                runtime.db(health.check_writable, runtime.engine, runtime.clock.now()), HEALTH_TIMEOUT_SECONDS
            )
        except TimeoutError:
            problem = f"the database did not answer within {HEALTH_TIMEOUT_SECONDS:g} s"
        except health.STORAGE_ERRORS as exc:
            problem = health.problem(exc)
        else:
            body: dict[str, object] = {"status": "ok", "webhook": webhook_state}
            pause = await runtime.db(pause_status, runtime.engine)
            if pause["push_paused"]:
                body["status"] = "degraded"
                body["delivery"] = pause
            return JSONResponse(body)
        log.warning("health: storage cannot take a write: %s", problem)
        body = {"status": "unavailable", "webhook": webhook_state, "storage": f"cannot write: {problem}"}
        return JSONResponse(body, status_code=503)

    @app.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
    async def prometheus(request: Request) -> Response:
        if not await security.operator_allowed(request, admins_only=True):
            return _operators_only()
        return Response(metrics.render(), media_type=CONTENT_TYPE)

    @app.get("/delivery", summary="Delivery state for the trainers' dashboard (is pushing paused?)")
    async def delivery(request: Request, runtime: deps.RuntimeDep) -> Response:
        if not await security.operator_allowed(request, admins_only=False):
            return _operators_only()
        return JSONResponse(await runtime.db(pause_status, runtime.engine))

    @app.get("/openapi.json", include_in_schema=False)
    async def openapi(principal: deps.ApiTrainer) -> JSONResponse:
        return JSONResponse(app.openapi())

    @app.get("/docs", include_in_schema=False)
    async def docs(principal: deps.PageTrainer) -> HTMLResponse:
        page = get_swagger_ui_html(openapi_url="/openapi.json", title="Ruthan API")
        # Swagger UI comes from its CDN with an inline start-up script: allowed on this page only.
        page.headers["Content-Security-Policy"] = security.SWAGGER_CSP
        return page

    app.add_middleware(security.SecurityHeaders)

    if settings.trusted_proxy_list:
        # Outermost, so that everything inside sees the client's address and scheme. Only these proxies are
        # believed; `ruthan serve` turns uvicorn's own handling (which believes any loopback peer) off.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxy_list)
    return app


def _operators_only() -> Response:
    return JSONResponse(
        {"detail": "Send METRICS_TOKEN as a bearer token, or sign in as a trainer"},
        status_code=401,
        headers={"WWW-Authenticate": "Bearer"},
    )


def from_environment() -> FastAPI:
    """App factory for `uvicorn --factory bot.app:from_environment` (several workers, process managers)."""
    from bot.settings import load_settings

    return create_app(load_settings())
