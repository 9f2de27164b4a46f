"""Issue 18, items 2 and 5: a page per learner, filters, children waiting for a parent, the demo class.

The demo class is made the way a trainer makes it, with `ruthan demo class`, and then read on the pages."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.clock import FrozenClock
from bot.content import Content
from bot.storage.trainers import ClassMember, Classroom
from bot.trainers import demo_class
from bot.web import charts, dates
from devkit.standin import LineStandIn
from tests.harness import BotUnderTest, user_id
from tests.test_admin_pages import browser_sign_in
from tests.test_assignments import join
from tests.test_classes import teacher_with_class
from tests.test_learning_loop import rows
from tests.trainer_support import FAST_PASSWORDS, make_trainer, new_class, sign_in, tbot

__all__ = ["tbot"]
runner = CliRunner()


def names_in(html: str) -> set[str]:
    """The learners' names listed in the class page's learner table."""
    table = html.split('id="learner-table"', 1)
    if len(table) < 2:
        return set()
    body = table[1].split("</table>", 1)[0]
    return set(re.findall(r'/learners/\d+">([^<]+)</a>', body))


def stat(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}"><div class="value[^"]*">([^<]*)<', html)
    assert found, f"no {element_id} on the page"
    return found.group(1)


@pytest.fixture
async def demo_bot(
    database_url: str, real_content: Content, line: LineStandIn, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[BotUnderTest]:
    """The bot on the real curriculum, its clock at the wall clock's time (the command uses the wall
    clock), with a trainer "kru" who ran `ruthan demo class`."""
    clock = FrozenClock(datetime.now(UTC))
    bot = BotUnderTest(database_url, real_content, line, clock, **FAST_PASSWORDS)
    await bot.start()
    try:
        make_trainer(bot, "kru", name="ครูวิไล")
        monkeypatch.setenv("DATABASE_URL", database_url)
        result = runner.invoke(app, ["demo", "class", "--trainer", "kru"])
        assert result.exit_code == 0, result.output
        assert "ห้องตัวอย่าง" in result.output and "10 demo learners" in result.output
        yield bot
    finally:
        await bot.stop()


async def class_url(bot: BotUnderTest) -> str:
    await browser_sign_in(bot, "kru")
    listing = await bot.http.get("/admin/classes")
    found = re.search(r'href="(/admin/classes/\d+)">ห้องตัวอย่าง<', listing.text)
    assert found, listing.text
    return found.group(1)


async def test_demo_clear_removes_the_demo_class_and_keeps_real_ones(demo_bot: BotUnderTest) -> None:
    """`ruthan demo clear` leaves no empty "ห้องตัวอย่าง" behind; a class with a real learner stays."""
    real_class = await new_class(demo_bot, await sign_in(demo_bot, "kru"), "ป.5/1")
    await join(demo_bot, "ต้น", real_class["code"])
    assert sorted(row.name for row in rows(demo_bot, Classroom)) == ["ป.5/1", demo_class.DEMO_CLASS_NAME]
    result = runner.invoke(app, ["demo", "clear"])
    assert result.exit_code == 0, result.output
    assert "Removed 10 demo learners and 1 demo class" in result.output
    assert [row.name for row in rows(demo_bot, Classroom)] == ["ป.5/1"]
    assert len(rows(demo_bot, ClassMember)) == 1  # the real learner's membership


def test_demo_class_needs_an_existing_trainer(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'ruthan.db'}")
    result = runner.invoke(app, ["demo", "class", "--trainer", "nobody"])
    assert result.exit_code != 0 and "ruthan admin create" in result.output


async def test_the_demo_class_fills_the_dashboard_in_every_state(demo_bot: BotUnderTest) -> None:
    url = await class_url(demo_bot)
    page = (await demo_bot.http.get(url)).text
    # Nine learners are shown; the child waiting for a parent is counted, never named.
    assert names_in(page) == {"ต้น", "ฝน", "บีม", "มด", "เก่ง", "นุ่น", "โอ๊ต", "แพร", "ปอ"}
    assert stat(page, "awaiting-parent") == "1" and "น้องจิ๋ว" not in page
    assert "มีเด็ก 1 คนเข้าห้องแล้ว แต่ยังรอผู้ปกครองยินยอม" in page
    for status in ("เรียนอยู่", "เรียนครบ", "เพิ่งเข้าห้อง", "หยุดเรียน", "ไม่ได้เรียนสัปดาห์นี้", "บล็อกบอต"):
        assert status in page, status
    # The drill checks' before/after figures come from the seeded answers.
    assert 'id="drill-checks"' in page and "ยังไม่มีใครทำแบบวัดจับโกง" not in page
    # The modules chart is split by track, each counting that track's members only (the demo learners are
    # dealt to the tracks in turn; the child waiting for a parent is not counted).
    tracks = [t for t in demo_bot.content.tracks.values() if demo_bot.content.lessons_of(t)]
    shown = [p for p in demo_class.PERSONAS if not p.awaiting_parent]
    section = page.split('id="modules-chart"', 1)[1].split("</section>", 1)[0]
    for number, track in enumerate(tracks):
        members = sum(1 for i, _ in enumerate(shown) if i % len(tracks) == number)
        chart = section.split(f"ชุดบทเรียน: {track.title}</h3>", 1)[1].split("</svg>", 1)[0]
        captions = re.findall(r">(\d+)/(\d+)</text>", chart)
        assert captions and {total for _, total in captions} == {str(members)}, track.title
    # Dates in the Buddhist era; the overview across the trainer's classes.
    assert f"{date.today().year + 543}" in page
    listing = (await demo_bot.http.get("/admin/classes")).text
    assert stat(listing, "overview-classes") == "1" and stat(listing, "overview-members") == "9"


async def test_filters_keep_not_started_stopped_and_behind(demo_bot: BotUnderTest) -> None:
    url = await class_url(demo_bot)
    not_started = (await demo_bot.http.get(url + "?show=not_started")).text
    assert names_in(not_started) == {"เก่ง", "นุ่น"}
    assert 'aria-current="page">ยังไม่เริ่ม (2)' in not_started
    stopped = (await demo_bot.http.get(url + "?show=stopped")).text
    assert names_in(stopped) == {"นุ่น", "โอ๊ต", "ปอ"}
    behind = names_in((await demo_bot.http.get(url + "?show=behind")).text)
    assert {"เก่ง", "นุ่น"} <= behind and not behind & {"ฝน", "บีม"}
    assert (await demo_bot.http.get(url + "?show=everyone")).status_code == 422


async def test_a_learners_page_shows_modules_scores_drills_and_reviews(demo_bot: BotUnderTest) -> None:
    url = await class_url(demo_bot)
    page = (await demo_bot.http.get(url)).text
    link = re.search(r'href="(/admin/classes/\d+/learners/\d+)">ต้น<', page).group(1)
    learner = (await demo_bot.http.get(link)).text
    assert 'id="learner-name">ต้น' in learner
    assert learner.count("✓ จบแล้ว") == 2 and "กำลังเรียน" in learner
    assert re.search(r'id="reviews-due">2<', learner)
    drills = learner.split('id="learner-drills"', 1)[1]
    assert "ยังไม่ได้ทำ" in drills  # the final check not taken yet; the placement check was
    assert re.search(r"<td>\d+/\d+</td>", drills)
    finished = re.search(r'href="(/admin/classes/\d+/learners/\d+)">ฝน<', page).group(1)
    both = (await demo_bot.http.get(finished)).text.split('id="learner-drills"', 1)[1]
    assert "ยังไม่ได้ทำ" not in both


async def test_the_api_filters_learners_and_shows_one_as_the_pages_do(demo_bot: BotUnderTest) -> None:
    headers = await sign_in(demo_bot, "kru")
    [classroom] = (await demo_bot.http.get("/api/v1/classes", headers=headers)).json()
    base = f"/api/v1/classes/{classroom['id']}/learners"

    async def names(status: str) -> set[str]:
        response = await demo_bot.http.get(base, params={"status": status}, headers=headers)
        assert response.status_code == 200, response.text
        return {row["name"] for row in response.json()}

    assert await names("not_started") == {"เก่ง", "นุ่น"}
    assert await names("stopped") == {"นุ่น", "โอ๊ต", "ปอ"}
    behind = await names("behind")
    assert {"เก่ง", "นุ่น"} <= behind and not behind & {"ฝน", "บีม"}
    # The child waiting for a parent: a number and a state, never the nickname.
    waiting = (await demo_bot.http.get(base, params={"status": "waiting_consent"}, headers=headers)).json()
    assert [(row["status"], row["track"], row["modules_done"]) for row in waiting] == [
        ("waiting_consent", "-", 0)
    ]
    assert "น้องจิ๋ว" not in str(waiting) and waiting[0]["name"].startswith("ผู้เรียน #")
    assert (await demo_bot.http.get(base, params={"status": "everyone"}, headers=headers)).status_code == 422
    everyone = (await demo_bot.http.get(base, headers=headers)).json()
    assert len(everyone) == 9
    ton = next(row for row in everyone if row["name"] == "ต้น")

    detail = await demo_bot.http.get(f"{base}/{ton['learner_id']}", headers=headers)
    assert detail.status_code == 200, detail.text
    shown = detail.json()
    assert shown["learner"]["name"] == "ต้น" and shown["reviews_due"] == 2
    assert sum(line["done"] for line in shown["modules"]) == 2
    assert sum(line["current"] for line in shown["modules"]) == 1
    assert shown["learner"]["before"] is not None and shown["learner"]["after"] is None
    # A child waiting for a parent has no page; another trainer's class is "not found".
    assert (await demo_bot.http.get(f"{base}/{waiting[0]['learner_id']}", headers=headers)).status_code == 404
    make_trainer(demo_bot, "other")
    theirs = await sign_in(demo_bot, "other")
    assert (await demo_bot.http.get(f"{base}/{ton['learner_id']}", headers=theirs)).status_code == 404
    assert (await demo_bot.http.get(base, params={"status": "stopped"}, headers=theirs)).status_code == 404


async def test_audit_log_names_actions_in_thai(demo_bot: BotUnderTest) -> None:
    await class_url(demo_bot)
    audit = (await demo_bot.http.get("/admin/audit")).text
    assert "สร้างห้องเรียนตัวอย่าง" in audit and 'title="demo.class"' in audit
    english = (await demo_bot.http.get("/admin/audit?lang=en")).text
    assert "Demo class created" in english


async def test_another_trainer_cannot_open_my_learners(demo_bot: BotUnderTest) -> None:
    url = await class_url(demo_bot)
    page = (await demo_bot.http.get(url)).text
    link = re.search(r'href="(/admin/classes/\d+/learners/\d+)">ต้น<', page).group(1)
    make_trainer(demo_bot, "other")
    demo_bot.http.cookies.clear()
    await browser_sign_in(demo_bot, "other")
    assert (await demo_bot.http.get(link)).status_code == 404
    # Nor under a class of their own: the learner is not a member there.
    created = await demo_bot.http.post("/admin/classes", data={"name": "ของฉัน", "csrf": await csrf(demo_bot)})
    mine = created.headers["location"].split("?")[0]
    learner_id = link.rsplit("/", 1)[1]
    assert (await demo_bot.http.get(f"{mine}/learners/{learner_id}")).status_code == 404


async def csrf(bot: BotUnderTest) -> str:
    page = (await bot.http.get("/admin/classes")).text
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


async def test_a_child_waiting_for_a_parent_is_counted_until_the_parent_agrees(tbot: BotUnderTest) -> None:
    _, classroom = await teacher_with_class(tbot)
    child = user_id("child")
    welcome = await tbot.follow(child)
    track = await tbot.tap(child, await tbot.tap(child, welcome, "ยินยอม"), "นักเรียน")
    asked = await tbot.tap(child, track, "ต่ำกว่า 10 ปี")
    await tbot.say(child, f"เข้าห้อง {classroom['code']} น้องเอ")
    await browser_sign_in(tbot, "somsri")
    waiting = (await tbot.http.get(f"/admin/classes/{classroom['id']}")).text
    assert stat(waiting, "awaiting-parent") == "1" and "น้องเอ" not in waiting
    await tbot.press(child, asked.button("ผู้ปกครองยินยอม"))
    agreed = (await tbot.http.get(f"/admin/classes/{classroom['id']}")).text
    assert stat(agreed, "awaiting-parent") == "0" and names_in(agreed) == {"น้องเอ"}


def test_bar_labels_are_whole_however_long() -> None:
    title = "รู้ทันมิจฉาชีพทางโทรศัพท์และข้อความ SMS ปลอมจากธนาคาร"
    svg = charts.bars([charts.Bar(title, 1, 2, "1/2")], title="modules")
    shown = " ".join(re.findall(r">([^<>]+)</text>", svg))
    assert "…" not in svg and all(word in shown for word in title.split())
    assert 'text-anchor="end"' not in svg  # labels start at the left edge: nothing falls off it


def test_thai_dates_are_in_the_buddhist_era() -> None:
    assert dates.day(date(2026, 12, 4)) == "4 ธ.ค. 2569"
    assert dates.day(date(2026, 12, 4), "en") == "04/12/2026"
    assert dates.short_day(date(2026, 1, 31)) == "31 ม.ค."
