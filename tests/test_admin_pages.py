"""The /admin pages over plain HTTP: a sign-in cookie, forms with CSRF tokens, the same walls as the API."""

from __future__ import annotations

import re

import httpx

from bot.storage.trainers import Role
from tests.harness import BotUnderTest
from tests.trainer_support import PASSWORD, make_trainer, new_class, sign_in, tbot

__all__ = ["tbot"]


async def post_login(bot: BotUnderTest, **fields: str) -> httpx.Response:
    """Fill in and send the sign-in form, as a browser does (the form carries its own CSRF token)."""
    form = await bot.http.get("/admin/login")
    return await bot.http.post("/admin/login", data={**fields, "csrf": csrf_of(form.text)})


async def browser_sign_in(bot: BotUnderTest, username: str, password: str = PASSWORD) -> str:
    """Sign in with the form, as a browser does; returns the page's CSRF token."""
    response = await post_login(bot, username=username, password=password, next="/admin/classes")
    assert response.status_code == 303 and response.headers["location"] == "/admin/classes", response.text
    bot.http.cookies.set("ruthan_session", response.cookies["ruthan_session"])
    page = await bot.http.get("/admin/classes")
    return csrf_of(page.text)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


async def test_pages_send_visitors_to_the_sign_in_page(tbot: BotUnderTest) -> None:
    response = await tbot.http.get("/admin/classes/3")
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/login?next=%2Fadmin%2Fclasses%2F3"
    login = await tbot.http.get("/admin/login?next=/admin/classes/3")
    assert "เข้าสู่ระบบ" in login.text and 'value="/admin/classes/3"' in login.text


async def test_wrong_password_is_said_in_thai_and_lock_out_says_how_long(tbot: BotUnderTest) -> None:
    make_trainer(tbot, "kru")
    wrong = await post_login(tbot, username="kru", password="nope-nope-nope")
    assert wrong.status_code == 401 and "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in wrong.text
    for _ in range(4):
        locked = await post_login(tbot, username="kru", password="nope-nope-nope")
    assert "ล็อกชั่วคราว" in locked.text and "15 นาที" in locked.text


async def test_sign_in_never_redirects_off_site(tbot: BotUnderTest) -> None:
    make_trainer(tbot, "kru")
    response = await post_login(tbot, username="kru", password=PASSWORD, next="//evil.example/")
    assert response.headers["location"] == "/admin/classes"


async def test_a_trainer_creates_a_class_and_sees_its_code_and_invitation(tbot: BotUnderTest) -> None:
    make_trainer(tbot, "kru", name="ครูวิไล")
    csrf = await browser_sign_in(tbot, "kru")
    created = await tbot.http.post("/admin/classes", data={"name": "ม.2/1", "csrf": csrf})
    assert created.status_code == 303
    page = await tbot.http.get(created.headers["location"])
    code = re.search(r'id="class-code">([A-Z0-9]{4})<', page.text).group(1)
    assert "ม.2/1" in page.text and f"เข้าห้อง {code}" in page.text
    listing = await tbot.http.get("/admin/classes")
    assert code in listing.text
    # The LINE-account card is in the page once, not also inside the window title.
    title = re.search(r"<title>(.*?)</title>", listing.text, re.S).group(1)
    assert "<" not in title and listing.text.count('id="line-account"') == 1


async def test_forms_without_the_csrf_token_are_refused(tbot: BotUnderTest) -> None:
    make_trainer(tbot, "kru")
    await browser_sign_in(tbot, "kru")
    assert (await tbot.http.post("/admin/classes", data={"name": "x"})).status_code == 403
    assert (await tbot.http.post("/admin/classes", data={"name": "x", "csrf": "forged"})).status_code == 403


async def test_another_trainers_class_page_is_not_found(tbot: BotUnderTest) -> None:
    make_trainer(tbot, "kru-a")
    make_trainer(tbot, "kru-b")
    theirs = await new_class(tbot, await sign_in(tbot, "kru-b"))
    await browser_sign_in(tbot, "kru-a")
    assert (await tbot.http.get(f"/admin/classes/{theirs['id']}")).status_code == 404
    assert (await tbot.http.get(f"/admin/classes/{theirs['id']}/export.csv")).status_code == 404


async def test_only_admins_see_the_accounts_page(tbot: BotUnderTest) -> None:
    make_trainer(tbot, "boss", role=Role.ADMIN)
    make_trainer(tbot, "kru")
    await browser_sign_in(tbot, "kru")
    assert (await tbot.http.get("/admin/trainers")).status_code == 403
    tbot.http.cookies.clear()
    csrf = await browser_sign_in(tbot, "boss")
    made = await tbot.http.post(
        "/admin/trainers",
        data={
            "username": "new-kru",
            "display_name": "ครูใหม่",
            "password": "a long password",
            "role": "trainer",
            "csrf": csrf,
        },
    )
    assert made.status_code == 303
    assert "new-kru" in (await tbot.http.get("/admin/trainers")).text


async def test_signing_out_clears_the_session(tbot: BotUnderTest) -> None:
    make_trainer(tbot, "kru")
    csrf = await browser_sign_in(tbot, "kru")
    out = await tbot.http.post("/admin/logout", data={"csrf": csrf})
    assert out.status_code == 303
    assert (await tbot.http.get("/admin/classes")).status_code == 303


async def test_pages_switch_to_english(tbot: BotUnderTest) -> None:
    page = await tbot.http.get("/admin/login?lang=en")
    assert "Trainer sign-in" in page.text
    assert "Trainer sign-in" in (await tbot.http.get("/admin/login")).text  # remembered


async def test_announcement_pages_preview_then_send(tbot: BotUnderTest) -> None:
    make_trainer(tbot, "kru", name="ครูวิไล")
    csrf = await browser_sign_in(tbot, "kru")
    created = await tbot.http.post("/admin/classes", data={"name": "ชมรมวัด", "csrf": csrf})
    class_id = int(created.headers["location"].split("/")[-1].split("?")[0])
    form = await tbot.http.get(f"/admin/announcements/new?class_id={class_id}")
    assert f'value="{class_id}" checked' in form.text
    fields = {
        "csrf": csrf,
        "class_ids": str(class_id),
        "title": "",
        "body": "ระวัง SMS ปลอม <b>",
        "image_url": "",
        "style": "card",
        "when": "now",
        "send_at": "",
    }
    preview = await tbot.http.post("/admin/announcements/preview", data=fields)
    assert preview.status_code == 200
    assert "ประกาศจาก ครูวิไล" in preview.text and "&lt;b&gt;" in preview.text and "<b>" not in preview.text
    assert "ผู้เรียน 0 คน" in preview.text and "0 ข้อความ" in preview.text
    sent = await tbot.http.post("/admin/announcements", data=fields)
    assert sent.status_code == 303
    detail = await tbot.http.get(sent.headers["location"])
    assert "กำลังส่งประกาศ" in detail.text
    assert '<span class="tag" id="status">ไม่มีผู้รับ</span>' in detail.text  # the class has no learners yet


async def test_announcement_pages_schedule_edit_and_cancel(tbot: BotUnderTest) -> None:
    make_trainer(tbot, "kru")
    csrf = await browser_sign_in(tbot, "kru")
    created = await tbot.http.post("/admin/classes", data={"name": "ชมรมวัด", "csrf": csrf})
    class_id = created.headers["location"].split("/")[-1].split("?")[0]
    later = (tbot.clock.now().astimezone(tbot.settings().zone)).replace(tzinfo=None, second=0, microsecond=0)
    fields = {
        "csrf": csrf,
        "class_ids": class_id,
        "body": "พรุ่งนี้ไม่มีเรียน",
        "style": "text",
        "when": "later",
        "send_at": (later.replace(hour=(later.hour + 2) % 24)).strftime("%Y-%m-%dT%H:%M"),
    }
    preview = await tbot.http.post("/admin/announcements/preview", data=fields)
    assert "ตั้งเวลาส่ง" in preview.text
    sent = await tbot.http.post("/admin/announcements", data=fields)
    url = sent.headers["location"].split("?")[0]
    detail = await tbot.http.get(url)
    assert "รอส่ง" in detail.text and "แก้ไขประกาศ" in detail.text
    edit = await tbot.http.get(url + "/edit")
    assert "พรุ่งนี้ไม่มีเรียน" in edit.text
    saved = await tbot.http.post(url + "/edit", data=fields | {"body": "พรุ่งนี้เรียนตามปกติ"})
    assert saved.status_code == 303
    assert "พรุ่งนี้เรียนตามปกติ" in (await tbot.http.get(url)).text
    cancelled = await tbot.http.post(url + "/cancel", data={"csrf": csrf})
    assert cancelled.status_code == 303
    assert "ยกเลิกแล้ว" in (await tbot.http.get(url)).text
    listing = await tbot.http.get("/admin/announcements")
    assert "พรุ่งนี้เรียนตามปกติ" in listing.text
