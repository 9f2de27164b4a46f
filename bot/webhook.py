"""POST /callback: a thin shell. Check the signature on the raw body, parse, store, answer 200 fast."""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from linebot.v3.webhook import SignatureValidator
from sqlalchemy.exc import SQLAlchemyError

from bot.runtime import Runtime

log = logging.getLogger(__name__)
router = APIRouter()


async def _read_limited(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdecimal() and int(declared) > limit:
        raise HTTPException(413, "Request body too large")
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise HTTPException(413, "Request body too large")
    return bytes(body)


def _events(body: bytes) -> list[dict[str, Any]]:
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: nested too deeply
        raise HTTPException(400, "Body is not valid JSON") from None
    events = payload.get("events") if isinstance(payload, dict) else None
    if not isinstance(events, list) or not all(
        isinstance(event, dict) and isinstance(event.get("webhookEventId"), str) and event.get("type")
        for event in events
    ):
        raise HTTPException(400, "Body is not a LINE webhook payload")
    return events


async def callback(request: Request) -> Response:
    """LINE's webhook. A plain Starlette endpoint: nothing for FastAPI to inject or serialise, on the path
    every message takes."""
    validator: SignatureValidator | None = request.app.state.signature_validator
    if validator is None:
        raise HTTPException(503, "Webhook is off: LINE_CHANNEL_SECRET is not set")
    body = await _read_limited(request, request.app.state.settings.max_body_bytes)
    signature = request.headers.get("x-line-signature")
    # hmac.compare_digest inside the SDK's validator: constant time.
    if not signature or not validator.validate(body.decode("utf-8", "replace"), signature):
        log.warning("webhook refused: bad or missing signature")
        raise HTTPException(400, "Invalid signature")
    events = _events(body)
    runtime: Runtime = request.app.state.services.runtime
    try:
        fresh = await runtime.receive(events)
    except SQLAlchemyError:
        # Logged where it failed. Not stored, so not accepted: LINE's redelivery (when the channel has it
        # on) brings the events again.
        raise HTTPException(503, "Events could not be stored; try again") from None
    log.info("webhook: %d events, %d new", len(events), fresh)
    return JSONResponse({"status": "ok"})


router.add_route("/callback", callback, methods=["POST"], include_in_schema=False)
