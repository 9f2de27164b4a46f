"""Security headers on every response, and the operators' endpoints' gate (a token, or a signed-in trainer).

The pages load scripts, styles, fonts and images from this site only; no inline script runs (the two small
behaviours of the trainers' pages live in static/admin.js). Inline *styles* stay allowed: the LINE previews
(bot/web/lineview.py) draw Flex messages with per-element colours and sizes. Announcement images are
previewed from wherever their https URL points. No other site may frame the pages (clickjacking), browsers
may not guess content types, and HSTS is sent once a request arrived over HTTPS.
"""

from __future__ import annotations

import hmac

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.web import deps

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SWAGGER_CSP = (
    "default-src 'self'; script-src 'self' https://cdn.jsdelivr.net 'unsafe-inline'; "
    "style-src 'self' https://cdn.jsdelivr.net 'unsafe-inline'; img-src 'self' data: https:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]
HSTS = (b"strict-transport-security", b"max-age=31536000")


class SecurityHeaders:
    """ASGI middleware: adds the headers above to each HTTP response that has not set its own."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = [*HEADERS, HSTS] if scope.get("scheme") == "https" else HEADERS

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend(header for header in extra if header[0] not in present)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


async def operator_allowed(request: Request, *, admins_only: bool) -> bool:
    """`/metrics` and `/delivery`: the METRICS_TOKEN as a bearer token (Prometheus), or a signed-in
    trainer (an admin, where `admins_only`)."""
    token = deps.settings_of(request).metrics_token
    sent, _ = deps._token(request)
    if token is not None and sent and hmac.compare_digest(sent.encode(), token.get_secret_value().encode()):
        return True
    principal = await deps.current_principal(request)
    return principal is not None and (principal.is_admin or not admins_only)
