"""Certificates for trainers (issue 18): a class's certificates as one PDF (one A4 page each) and the class
invite poster, for the class's trainer and admins only; on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pypdfium2
import pytest

from bot.clock import FrozenClock
from bot.content import Content
from bot.storage.models import Certificate
from bot.storage.trainers import Role
from devkit.standin import LineStandIn
from tests.harness import BotUnderTest, user_id
from tests.test_certificates import ORG, PUBLIC, finish_elderly_track
from tests.test_learning_loop import rows
from tests.trainer_support import FAST_PASSWORDS, make_trainer, new_class, sign_in

A4_POINTS = (595, 842)  # portrait, in PDF points (1/72 inch)


@pytest.fixture
async def tbot(
    database_url: str, fixture_content: Content, line: LineStandIn, clock: FrozenClock
) -> AsyncIterator[BotUnderTest]:
    bot = BotUnderTest(
        database_url,
        fixture_content,
        line,
        clock,
        public_base_url=PUBLIC,
        ruthan_org_name=ORG,
        line_bot_basic_id="@ruthan",
        **FAST_PASSWORDS,
    )
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()


def pages(body: bytes) -> list[tuple[int, int]]:
    """Each page's size in points, rounded."""
    document = pypdfium2.PdfDocument(body)
    try:
        return [(round(page.get_width()), round(page.get_height())) for page in document]
    finally:
        document.close()


async def test_the_class_pdf_has_one_a4_page_per_certificate_for_its_trainer_only(tbot: BotUnderTest) -> None:
    make_trainer(tbot, "somsri")
    make_trainer(tbot, "other")
    make_trainer(tbot, "boss", role=Role.ADMIN)
    mine = await sign_in(tbot, "somsri")
    classroom = await new_class(tbot, mine)
    assert tbot.http is not None
    url = f"/admin/classes/{classroom['id']}/certificates.pdf"

    # No certificate yet: back to the class page, with a note.
    empty = await tbot.http.get(url, headers=mine)
    assert empty.status_code == 303 and empty.headers["location"].startswith(
        f"/admin/classes/{classroom['id']}?ok="
    )

    for name in ("ป้าละไม", "ลุงมี"):
        user = user_id(name)
        await finish_elderly_track(tbot, user)
        await tbot.say(user, f"เข้าห้อง {classroom['code']}")
        await tbot.say(user, name)
    outsider = user_id("not-in-the-class")
    await finish_elderly_track(tbot, outsider)
    await tbot.say(outsider, "คนนอก")
    assert len(rows(tbot, Certificate)) == 3

    got = await tbot.http.get(url, headers=mine)
    assert got.status_code == 200 and got.headers["content-type"] == "application/pdf"
    assert "attachment" in got.headers["content-disposition"]
    assert pages(got.content) == [A4_POINTS[::-1]] * 2  # landscape A4, the class's two learners only

    admin = await sign_in(tbot, "boss")
    assert (await tbot.http.get(url, headers=admin)).status_code == 200
    other = await sign_in(tbot, "other")
    assert (await tbot.http.get(url, headers=other)).status_code == 404
    anonymous = await tbot.http.get(url)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/admin/login")


async def test_the_poster_is_one_a4_page_for_the_class_trainer(tbot: BotUnderTest) -> None:
    make_trainer(tbot, "somsri")
    make_trainer(tbot, "other")
    mine = await sign_in(tbot, "somsri")
    classroom = await new_class(tbot, mine)
    assert tbot.http is not None
    url = f"/admin/classes/{classroom['id']}/poster.pdf"
    got = await tbot.http.get(url, headers=mine)
    assert got.status_code == 200 and got.headers["content-type"] == "application/pdf"
    assert pages(got.content) == [A4_POINTS]
    other = await sign_in(tbot, "other")
    assert (await tbot.http.get(url, headers=other)).status_code == 404
    page = await tbot.http.get(f"/admin/classes/{classroom['id']}", headers=mine)
    assert "ดาวน์โหลดเกียรติบัตรทั้งห้อง (PDF)" in page.text and "โปสเตอร์เชิญเข้าห้อง (A4)" in page.text
