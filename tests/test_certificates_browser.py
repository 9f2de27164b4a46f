"""In a real browser (Debian's Chromium, Playwright): the public /verify page of a certificate, the class
page's certificate and poster buttons, and the two PDFs they download, rendered page by page to PNG
(pypdfium2). Screenshots and rendered pages go to $RUTHAN_SCREENSHOTS when set (to look at them)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pypdfium2
import pytest
from PIL import Image, ImageDraw
from sqlmodel import select

from bot.clock import FrozenClock
from bot.content import Content
from bot.learning import certificates
from bot.storage.db import make_engine, session_scope
from bot.storage.models import Learner, Phase
from bot.storage.trainers import ClassMember, Classroom
from devkit.standin import LineStandIn
from tests.test_browser import (
    LiveApp,
    _make_trainer,
    _missing,
    browser_settings,
    create_class,
    phone,
    sign_in,
)

pytestmark = pytest.mark.skipif(_missing() is not None, reason=_missing() or "")

ORG = "โรงเรียนบ้านหนองน้ำใส"
NAMES = ("คุณยาย สมศรี ผู้สูงอายุ", None)  # one named, one who chose "ไม่ใส่ชื่อ"


def folder(tmp_path: Path) -> Path:
    chosen = Path(os.environ.get("RUTHAN_SCREENSHOTS") or tmp_path)
    chosen.mkdir(parents=True, exist_ok=True)
    return chosen


def logo(tmp_path: Path) -> Path:
    """A made-up school logo: a blue shield-like disc with a gold ring."""
    path = tmp_path / "logo.png"
    picture = Image.new("RGBA", (240, 240), (0, 0, 0, 0))
    pen = ImageDraw.Draw(picture)
    pen.ellipse((8, 8, 232, 232), fill="#1B4F9C", outline="#B8892B", width=14)
    picture.save(path)
    return path


@pytest.fixture
async def live(
    tmp_path: Path, fixture_content: Content, line: LineStandIn, clock: FrozenClock
) -> AsyncIterator[LiveApp]:
    settings = browser_settings(
        tmp_path,
        line,
        line_bot_basic_id="@ruthan",
        public_base_url="https://ruthan.example.org",
        ruthan_org_name=ORG,
        ruthan_org_logo=logo(tmp_path),
    )
    server = LiveApp(settings, fixture_content, clock)
    await server.start()
    _make_trainer(settings, clock)
    try:
        yield server
    finally:
        await server.stop()


def give_certificates(live: LiveApp, code: str) -> list[str]:
    """Learners of the class with code `code` who finished the elderly track and got certificates."""
    settings, now = live.app.state.settings, live.app.state.services.clock.now()
    engine = make_engine(settings.sqlalchemy_url)
    issued = []
    try:
        with session_scope(engine) as session:
            classroom = session.exec(select(Classroom).where(Classroom.code == code)).one()
            for index, name in enumerate(NAMES):
                learner = Learner(
                    line_user_id=f"U{index:032d}",
                    phase=Phase.TRACK_DONE,
                    track_id="elderly",
                    consented_at=now,
                    created_at=now,
                    last_seen_at=now,
                )
                session.add(learner)
                session.flush()
                session.add(
                    ClassMember(
                        class_id=classroom.id or 0, learner_id=learner.id or 0, nickname=name, joined_at=now
                    )
                )
                row = certificates.issue(
                    session,
                    learner,
                    track_id="elderly",
                    track_title="รู้ทันมิจฉาชีพ สำหรับผู้สูงอายุ",
                    name=name,
                    org_name=ORG,
                    today=now.date(),
                    now=now,
                )
                issued.append(row.code)
    finally:
        engine.dispose()
    return issued


def render_pdf(body: bytes, stem: str, where: Path) -> list[Image.Image]:
    """Each page of the PDF as a picture (saved as <stem>-<n>.png)."""
    document = pypdfium2.PdfDocument(body)
    pictures = []
    try:
        for number, page in enumerate(document, start=1):
            picture = page.render(scale=150 / 72).to_pil()  # 150 dpi: the pages' own pixels
            picture.save(where / f"{stem}-{number}.png")
            pictures.append(picture)
    finally:
        document.close()
    return pictures


async def test_verify_page_and_the_class_pdfs_in_a_browser(live: LiveApp, tmp_path: Path) -> None:
    shots = folder(tmp_path)
    async with phone() as context:
        page = await context.new_page()
        await sign_in(page, live)
        code = await create_class(page, "ป.5/2")
        codes = give_certificates(live, code)

        # The public verify page: genuine, with what is printed, and nothing else.
        await page.goto(f"{live.url}/verify/{codes[0]}")
        assert "เป็นของจริง" in await page.inner_text("#verify-result")
        assert await page.inner_text("#verify-name") == NAMES[0]
        assert await page.inner_text("#verify-org") == ORG
        assert "U0000" not in await page.content()
        await page.screenshot(path=str(shots / "verify.png"), full_page=True)
        missing = await page.goto(f"{live.url}/verify/AAAAAAAAAAAA")
        assert missing is not None and missing.status == 404
        assert "ไม่พบเกียรติบัตร" in await page.inner_text("#verify-result")
        await page.screenshot(path=str(shots / "verify-not-found.png"), full_page=True)

        # The class page's buttons download the two PDFs.
        await page.goto(f"{live.url}/admin/classes")
        await page.get_by_role("link", name="ป.5/2").click()
        await page.wait_for_selector("#certificates")
        await page.locator("#certificates").scroll_into_view_if_needed()
        await page.screenshot(path=str(shots / "class-certificates.png"), full_page=True)
        async with page.expect_download() as downloading:
            await page.get_by_role("link", name="ดาวน์โหลดเกียรติบัตรทั้งห้อง (PDF)").click()
        certificates_pdf = Path(await (await downloading.value).path()).read_bytes()
        async with page.expect_download() as downloading:
            await page.get_by_role("link", name="โปสเตอร์เชิญเข้าห้อง (A4)").click()
        poster_pdf = Path(await (await downloading.value).path()).read_bytes()

    pages = render_pdf(certificates_pdf, "certificates", shots)
    assert [_near(picture.size, (1754, 1240)) for picture in pages] == [True] * len(
        NAMES
    )  # A4 landscape, 1 each
    [poster] = render_pdf(poster_pdf, "poster", shots)
    assert _near(poster.size, (1240, 1754))  # A4 portrait
    # Both are drawn, not blank: most of each page is paper, and a good part is ink.
    for picture in [*pages, poster]:
        grey = picture.convert("L")
        dark = sum(grey.histogram()[:128]) / (grey.width * grey.height)
        assert 0.02 < dark < 0.5, dark


def _near(size: tuple[int, int], expected: tuple[int, int]) -> bool:
    return all(abs(got - want) <= 2 for got, want in zip(size, expected, strict=True))
