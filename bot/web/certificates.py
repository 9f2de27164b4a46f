"""Certificates on the web (issue 18): the certificate's image, which LINE fetches for the learner; the public
/verify/<code> page that a certificate's QR code opens; and, for the class's trainer (or an admin), the
class's certificates as one PDF and the printable class invite poster.

The image and the verify page are public by their unguessable code (about 55 bits): the page shows only
what is printed on the certificate (name as printed, track, date, organisation), never a LINE ID, a score
or a class. An unknown (or erased) code is a kind 404.
"""

from __future__ import annotations

import asyncio
import re

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from bot.learning import certificates
from bot.printing import certificate as art
from bot.storage.models import Certificate
from bot.trainers.service import NotFound
from bot.voice import certificates as c
from bot.web import deps, render
from bot.web.admin import back, page
from bot.web.dates import long_day
from bot.web.deps import PageTrainer, TrainersDep
from bot.web.i18n import Translator, language_of

router = APIRouter(include_in_schema=False)
IMAGE = re.compile(r"^(?P<code>[0-9A-Z]{1,16})(?P<preview>-preview)?\.png$")
# The image never changes once issued; a day in caches, then asked again (an erased one is then gone).
IMAGE_CACHE = "public, max-age=86400"


def _site(request: Request) -> certificates.Site:
    return deps.services_of(request).site


def _found(session: Session, code: str) -> Certificate | None:
    row = certificates.by_code(session, code)
    if row is not None:
        session.expunge(row)
    return row


@router.get("/certificates/{file}")
async def certificate_image(request: Request, file: str) -> Response:
    """The certificate as a PNG (`<code>.png`, or the small `<code>-preview.png` LINE shows in the chat)."""
    match = IMAGE.match(file)
    row = await deps.in_session(request, _found, match["code"]) if match else None
    if match is None or row is None:
        return Response("Not found", status_code=404, media_type="text/plain")
    printed = art.Printed.of(row, _site(request))
    logo = deps.settings_of(request).ruthan_org_logo
    # Drawn off the event loop, and off the database's threads (a picture takes a few tenths of a second).
    body = await asyncio.to_thread(art.image_png, printed, logo, preview=bool(match["preview"]))
    return Response(body, media_type="image/png", headers={"Cache-Control": IMAGE_CACHE})


@router.get("/verify/{code}")
async def verify(request: Request, code: str) -> Response:
    """Public: says whether a certificate is genuine, and what is printed on it; nothing else."""
    row = await deps.in_session(request, _found, code.strip().upper())
    headers = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}
    if row is None:
        response = render(request, "verify.html", status_code=404, c=c, found=None)
    else:
        response = render(request, "verify.html", c=c, found=row, when=long_day(row.issued_on))
    response.headers.update(headers)
    return response


@router.get("/admin/classes/{class_id}/certificates.pdf")
async def class_certificates(
    request: Request, principal: PageTrainer, trainers: TrainersDep, class_id: int
) -> Response:
    try:
        body = await trainers.certificates_pdf(principal, class_id)
    except NotFound:
        return page(request, "not_found.html", principal, status_code=404)
    if body is None:
        return back(f"/admin/classes/{class_id}", _none(request))
    return _pdf(body, f"certificates-class-{class_id}.pdf")


@router.get("/admin/classes/{class_id}/poster.pdf")
async def class_poster(
    request: Request, principal: PageTrainer, trainers: TrainersDep, class_id: int
) -> Response:
    try:
        body = await trainers.poster_pdf(principal, class_id)
    except NotFound:
        return page(request, "not_found.html", principal, status_code=404)
    return _pdf(body, f"poster-class-{class_id}.pdf")


def _none(request: Request) -> str:
    return Translator(language_of(request))("cert_none_yet")


def _pdf(body: bytes, filename: str) -> Response:
    return Response(
        body,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )
