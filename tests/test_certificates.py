"""Certificates (issue 18), in conversation: a learner finishes the track, gives the name to print, gets the
certificate's image in LINE; the image is served, /verify/<code> confirms it and shows nothing else, and
erasing the learner's data makes it unknown. A very long name and a sticker at the name prompt get kind
replies; a replayed answer issues nothing twice.

Every conversation runs on SQLite and on PostgreSQL, through the real webhook, the outbox and the LINE
stand-in. The fixture curriculum's elderly track has one module: three cards, then three questions.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from bot.clock import FrozenClock
from bot.content import Content
from bot.learning import certificates
from bot.settings import SettingsError, load_settings
from bot.storage.models import Certificate, Phase
from bot.voice import certificates as c
from devkit.standin import LineStandIn
from tests import contract
from tests.harness import BotUnderTest, Reply, text_event, user_id
from tests.test_drills_flow import drill_content, drill_on_screen, is_genuine, through_module
from tests.test_drills_flow import onboard as drills_onboard
from tests.test_learning_loop import learner, onboard, rows

__all__ = ["drill_content"]  # a fixture, used by name

PUBLIC = "https://ruthan.test"
ORG = "โรงเรียนบ้านหนองน้ำใส"


@pytest.fixture
async def bot(
    database_url: str, fixture_content: Content, line: LineStandIn, clock: FrozenClock
) -> AsyncIterator[BotUnderTest]:
    """The bot with certificates on (a public address and an organisation), on SQLite and PostgreSQL."""
    running = BotUnderTest(
        database_url, fixture_content, line, clock, public_base_url=PUBLIC, ruthan_org_name=ORG
    )
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


async def finish_elderly_track(bot: BotUnderTest, user: str) -> Reply:
    """Onboard on the elderly track and finish its one module; the last screen."""
    screen = await onboard(bot, user, "ผู้สูงอายุ")
    for _ in range(3):
        screen = await bot.tap(user, screen, "ต่อไป")
    await bot.say(user, "ถามลูก")
    await bot.say(user, "ใช่")
    return await bot.say(user, "2")


def path_of(url: str) -> str:
    assert url.startswith(PUBLIC + "/"), url
    return url[len(PUBLIC) :]


async def get(bot: BotUnderTest, url: str):
    assert bot.http is not None
    return await bot.http.get(path_of(url))


async def test_finishing_the_track_gives_a_certificate_that_verify_confirms(bot: BotUnderTest) -> None:
    user = user_id("somsri")
    done = await finish_elderly_track(bot, user)
    assert "เรียนครบทุกบทแล้ว" in done.texts[-2]
    assert done.texts[-1] == c.ASK_NAME and "ลบไปด้วยเมื่อคุณลบข้อมูล" in done.texts[-1]  # why the name is asked
    assert done.labels == [c.NO_NAME]
    assert learner(bot, user).phase is Phase.CERT_NAME

    issued = await bot.say(user, "  คุณยาย สมศรี ใจดี 🌸🌸🌸 ")
    picture, words = issued.messages
    assert picture["type"] == "image"
    original, preview = picture["originalContentUrl"], picture["previewImageUrl"]
    assert original.startswith(f"{PUBLIC}/certificates/") and preview.startswith(f"{PUBLIC}/certificates/")
    [row] = rows(bot, Certificate)
    assert row.name == "คุณยาย สมศรี ใจดี"  # emoji and extra spaces gone
    assert (row.track_title, row.org_name, row.issued_on) == ("ผู้สูงอายุ", ORG, date(2026, 11, 20))
    assert certificates.is_code(row.code) and row.code in words["text"] and row.code in original
    assert learner(bot, user).phase is Phase.TRACK_DONE
    for call in issued.calls:  # the image message is a request LINE takes
        if contract.available():
            assert contract.problems(call.method, call.path, call.body) == [], call.body

    # The image URLs serve PNGs: the certificate (A4 landscape at 150 dpi), and a small preview.
    for url, width in ((original, 1754), (preview, 700)):
        served = await get(bot, url)
        assert served.status_code == 200 and served.headers["content-type"] == "image/png"
        assert Image.open(io.BytesIO(served.content)).width == width
    assert len((await get(bot, preview)).content) < 1_000_000  # LINE's limit for a preview

    # /verify/<code> confirms it: the name as printed, the track, the Thai date, the organisation; no more.
    page = await get(bot, f"{PUBLIC}/verify/{row.code}")
    assert page.status_code == 200
    html = page.text
    for shown in (c.VERIFY_GENUINE, "คุณยาย สมศรี ใจดี", "ผู้สูงอายุ", "20 พฤศจิกายน พ.ศ. 2569", ORG):
        assert shown in html
    me = learner(bot, user)
    assert me is not None
    for hidden in (user, "คะแนน", "ห้อง", str(me.id) + "<"):
        assert hidden not in html
    # Typed from paper in lower case, it is found too.
    assert (await get(bot, f"{PUBLIC}/verify/{row.code.lower()}")).status_code == 200

    # A replayed answer (LINE redelivers the event) and a second name issue nothing new.
    await bot.say(user, "อีกชื่อหนึ่ง")
    assert [r.code for r in rows(bot, Certificate)] == [row.code]

    # Erasing the learner's data erases the certificate: verify then knows no such certificate.
    ask = await bot.say(user, "ลบข้อมูลของฉัน")
    await bot.tap(user, ask, "ลบเลย")
    assert rows(bot, Certificate) == []
    gone = await get(bot, f"{PUBLIC}/verify/{row.code}")
    assert gone.status_code == 404 and c.VERIFY_NOT_FOUND in gone.text and "คุณยาย" not in gone.text
    assert (await get(bot, original)).status_code == 404


async def test_no_name_prints_none_and_old_buttons_do_nothing_twice(bot: BotUnderTest) -> None:
    user = user_id("anonymous")
    done = await finish_elderly_track(bot, user)
    no_name = done.button(c.NO_NAME)
    issued = await bot.press(user, no_name)
    assert issued.messages[0]["type"] == "image"
    [row] = rows(bot, Certificate)
    assert row.name is None
    page = await get(bot, f"{PUBLIC}/verify/{row.code}")
    assert c.NO_NAME_LINE in page.text
    again = await bot.press(user, no_name)  # the old button, pressed again
    assert all(message["type"] != "image" for message in again.messages)
    assert len(rows(bot, Certificate)) == 1


async def test_a_very_long_name_and_a_sticker_get_kind_replies(bot: BotUnderTest) -> None:
    user = user_id("long-name")
    await finish_elderly_track(bot, user)
    refused = await bot.say(user, "ก" * 5000)
    assert refused.text == c.NAME_TOO_LONG.format(limit=certificates.MAX_NAME)
    assert refused.labels == [c.NO_NAME]
    emoji = await bot.say(user, "🌸🌸🌸🌸🌸🌸🌸🌸")
    assert emoji.text == c.NAME_EMPTY
    sticker = await bot.sticker(user)
    assert sticker.text == c.NAME_MEDIA and sticker.labels == [c.NO_NAME]
    assert rows(bot, Certificate) == [] and learner(bot, user).phase is Phase.CERT_NAME
    # A name that reads like a command ("ต่อ" is a nickname too) is a name here.
    named = await bot.say(user, "ต่อ")
    assert named.messages[0]["type"] == "image"
    assert [r.name for r in rows(bot, Certificate)] == ["ต่อ"]


async def test_a_restart_at_the_name_prompt_asks_again(bot: BotUnderTest) -> None:
    user = user_id("restart")
    await finish_elderly_track(bot, user)
    await bot.restart()
    again = await bot.tap(user, await bot.say(user, "เมนู"), "เรียนต่อ")
    assert again.texts[-1] == c.ASK_NAME and again.labels == [c.NO_NAME]


async def test_a_replayed_name_event_issues_one_certificate(bot: BotUnderTest) -> None:
    user = user_id("replay")
    await finish_elderly_track(bot, user)
    named = text_event(user, "สมชาย")
    first = await bot.send(named)
    assert first.messages[0]["type"] == "image"
    replay = await bot.send(named)  # the same webhookEventId: dropped
    assert replay.calls == []
    assert len(rows(bot, Certificate)) == 1


async def test_unknown_codes_are_a_kind_not_found(bot: BotUnderTest) -> None:
    for code in ("AAAAAAAAAAAA", "not-a-code", "x" * 300):
        page = await get(bot, f"{PUBLIC}/verify/{code}")
        assert page.status_code == 404 and c.VERIFY_NOT_FOUND in page.text
    assert (await get(bot, f"{PUBLIC}/certificates/AAAAAAAAAAAA.png")).status_code == 404


async def test_without_a_public_address_no_certificate_is_offered(
    sqlite_url: str, fixture_content: Content, line: LineStandIn, clock: FrozenClock
) -> None:
    plain = BotUnderTest(sqlite_url, fixture_content, line, clock)
    await plain.start()
    try:
        user = user_id("no-site")
        done = await finish_elderly_track(plain, user)
        assert "เรียนครบทุกบทแล้ว" in done.text and c.ASK_NAME not in done.texts
        assert learner(plain, user).phase is Phase.TRACK_DONE
    finally:
        await plain.stop()


def test_names_are_cleaned_and_limited() -> None:
    assert certificates.clean_name("สมศรี\u200b\x00 ใจดี\n").name == "สมศรี ใจดี"
    assert certificates.clean_name("ผู้สูงอายุ ที่นี้").name == "ผู้สูงอายุ ที่นี้"  # marks are kept
    assert certificates.clean_name("x" * (certificates.MAX_NAME + 1)).too_long
    assert certificates.clean_name("😀😀").empty
    assert not set("0125 8OILZSB") & set(certificates.CODE_ALPHABET)  # no sign read two ways


def test_settings_want_an_https_address_and_a_real_logo(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"PUBLIC_BASE_URL.*https://"):
        load_settings(_env_file=None, public_base_url="http://ruthan.example.org")
    assert (
        load_settings(_env_file=None, public_base_url="https://r.example/").public_base_url
        == "https://r.example"
    )
    not_a_picture = tmp_path / "logo.png"
    not_a_picture.write_text("hello")
    with pytest.raises(SettingsError, match=r"RUTHAN_ORG_LOGO.*picture"):
        load_settings(_env_file=None, ruthan_org_logo=not_a_picture)


@pytest.fixture
async def drill_bot(
    database_url: str, drill_content: Content, line: LineStandIn, clock: FrozenClock
) -> AsyncIterator[BotUnderTest]:
    """Certificates on, with the drill bank of tests/test_drills_flow.py (placement and final checks)."""
    running = BotUnderTest(database_url, drill_content, line, clock, public_base_url=PUBLIC)
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


async def to_the_final_check(bot: BotUnderTest, user: str) -> Reply:
    """Skip the placement check, do the module and its drills: the final check is offered."""
    screen = await bot.tap(user, await drills_onboard(bot, user, "ผู้สูงอายุ"), "ข้ามไปก่อน")
    screen = await through_module(bot, user, screen)
    while "จริง" in screen.labels:
        drill_id = drill_on_screen(screen)
        screen = await bot.tap(user, screen, "จริง" if is_genuine(bot.content, drill_id) else "หลอก")
    assert learner(bot, user).phase is Phase.CHECK_OFFER
    return screen


async def test_the_name_is_asked_after_the_final_check_taken_or_skipped(drill_bot: BotUnderTest) -> None:
    taker, skipper = user_id("takes-final"), user_id("skips-final")
    screen = await drill_bot.tap(taker, await to_the_final_check(drill_bot, taker), "ลองดูเลย")
    assert c.ASK_NAME not in screen.texts  # not in the middle of the check
    while "จริง" in screen.labels:
        drill_id = drill_on_screen(screen)
        screen = await drill_bot.tap(
            taker, screen, "จริง" if is_genuine(drill_bot.content, drill_id) else "หลอก"
        )
    assert "ผลหลังเรียน" in screen.text and screen.texts[-1] == c.ASK_NAME
    assert learner(drill_bot, taker).phase is Phase.CERT_NAME

    skipped = await drill_bot.tap(skipper, await to_the_final_check(drill_bot, skipper), "ข้ามไปก่อน")
    assert skipped.texts[-1] == c.ASK_NAME and skipped.labels == [c.NO_NAME]
    issued = await drill_bot.tap(skipper, skipped, c.NO_NAME)
    assert issued.messages[0]["type"] == "image"
