"""Thai web fonts for the pages, served from the installed Sarabun package (SIL Open Font License).

Phones and desktops without a Thai font still draw Thai correctly, and nothing is fetched from a CDN.
"""

from __future__ import annotations

import fontpkg
from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

router = APIRouter(include_in_schema=False)
FONTS = {"Sarabun-Regular.ttf": 400, "Sarabun-Bold.ttf": 700}


@router.get("/fonts/{name}")
async def font(name: str) -> FileResponse:
    weight = FONTS.get(name)
    if weight is None:
        raise HTTPException(404, "No such font")
    return FileResponse(
        fontpkg.path("Sarabun", weight=weight),
        media_type="font/ttf",
        headers={"Cache-Control": "public, max-age=604800"},
    )
