"""Answering a pending check outside the inbox round (issue 16): screenshots read, one answer written.

The round only gathers (bot/flow/checking.py, bot/storage/checks.py): a forwarded message's check takes
milliseconds, but reading a screenshot takes a second or two, and fetching it is a LINE call; neither may
hold the round's transaction. Here, a few seconds later, in three steps:

1. take the pending check under a lease (a short transaction);
2. fetch its screenshots from LINE's content endpoint and read them (OCR on a thread), with no transaction
   open;
3. in one transaction: delete the pending check (only if still ours) and write the answer to the outbox,
   with the first message's reply token while LINE still takes it, else as a push.

A crash before step 3 commits leaves the pending check to recovery once its lease runs out (nothing lost);
step 3 writes the answer once (nothing sent twice: from there the outbox's own rules hold). A screenshot
is fetched and read again after a crash: nothing of it is stored, only what its check found.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from bot.check import CheckResult, NotAnImage, OcrUnavailable, Sign, check_image
from bot.clock import Clock
from bot.content import Content
from bot.flow import Tutor
from bot.gateway import LineApiError, LineGateway
from bot.limits import fit
from bot.storage import checks
from bot.storage.db import session_scope
from bot.storage.outbox import DELIVERY_LEASE, REPLY, Claimed, pending_row, write_answers

log = logging.getLogger(__name__)

Db = Callable[..., Awaitable[Any]]
# The loading animation, in seconds (LINE: 5 to 60, a multiple of 5): a text check is answered when the
# gathering ends; a screenshot also needs fetching and reading. The animation ends when the answer arrives.
LOADING_SECONDS = 5
LOADING_SECONDS_IMAGES = 20


async def show_loading(gateway: LineGateway, gathered: checks.Gathered) -> None:
    """LINE's "…" while the check runs; never worth failing the check for."""
    seconds = LOADING_SECONDS_IMAGES if gathered.images else LOADING_SECONDS
    try:
        await gateway.show_loading(gathered.chat_id, seconds)
    except LineApiError as exc:
        log.info("loading animation not shown (%s)", exc.status)


def result_from(data: dict[str, Any]) -> CheckResult:
    """A check result back from its JSON (`CheckResult.as_json`)."""
    return CheckResult(
        verdict=data["verdict"],
        signs=[Sign(**sign) for sign in data.get("signs", [])],
        module=data.get("module"),
    )


async def read_screenshot(gateway: LineGateway, message_id: str) -> CheckResult | None:
    """The check of a screenshot; None when it cannot be read (gone from LINE, not an image, no OCR here).
    LINE not answering raises: the pending check is tried again later."""
    try:
        data = await gateway.content(message_id)
    except LineApiError as exc:
        if exc.outcome_unknown or exc.status == 429:
            raise
        log.info("screenshot %s could not be fetched (%s)", message_id, exc.status)
        return None
    try:
        return await asyncio.to_thread(check_image, data)  # 1-2 s of OCR: off the event loop
    except (OcrUnavailable, NotAnImage) as exc:
        log.warning("screenshot %s could not be read: %s", message_id, exc)
        return None


async def answer(
    check_id: int,
    *,
    engine: Engine,
    db: Db,
    content: Content,
    gateway: LineGateway,
    clock: Clock,
    zone: ZoneInfo,
) -> Claimed | None:
    """Answer one pending check; the outbox row to send now, or None when it is gone or held elsewhere."""
    taken: checks.Taken | None = await db(checks.take, engine, check_id, clock.now())
    if taken is None:
        return None
    results = [result_from(data) for data in taken.results]
    unreadable = 0
    for image_id in taken.image_ids:
        # After repeated failures, answer with what could be read rather than never.
        read = await read_screenshot(gateway, image_id) if taken.attempts <= checks.MAX_ATTEMPTS else None
        if read is None or read.verdict == "not_a_message":
            unreadable += 1
        else:
            results.append(read)
    claimed: Claimed | None = await db(
        write_answer, engine, content, taken, results, unreadable, clock.now(), zone
    )
    return claimed


def write_answer(
    engine: Engine,
    content: Content,
    taken: checks.Taken,
    results: list[CheckResult],
    unreadable: int,
    now: datetime,
    zone: ZoneInfo,
) -> Claimed | None:
    """Delete the pending check and write its answer, in one transaction; None if it is no longer ours."""
    with session_scope(engine) as session:
        if not checks.finish(session, taken):
            return None
        tutor = Tutor(
            session=session,
            content=content,
            now=now,
            user_id=taken.chat_id,
            zone=zone,
            quote_token=taken.quote_token,
        )
        messages = tutor.checked(results, unreadable)
        if not messages:
            return None
        fresh = (
            taken.reply_token is not None and taken.reply_deadline is not None and now < taken.reply_deadline
        )
        row = pending_row(
            taken.chat_id,
            fit(messages),
            now,
            purpose=REPLY,
            not_before=now + DELIVERY_LEASE,  # born leased to this process, which sends it at once
            reply_token=taken.reply_token if fresh else None,
            reply_deadline=taken.reply_deadline if fresh else None,
            reply_attempts=1 if fresh else 0,
        )
        return write_answers(session, [row])[0]
