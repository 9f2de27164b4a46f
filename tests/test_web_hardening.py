"""The web side under probing: exported cells that are never formulas, security headers, closed operator
endpoints, a sign-in form that carries its own CSRF token, and odd input answered kindly."""

from __future__ import annotations

import csv
import io
import json
import re

import httpx
import pytest
from starlette.requests import Request

from bot import webhook
from bot.clock import FrozenClock
from bot.content import Content
from bot.storage.trainers import Role
from bot.trainers.dashboard import as_text_cell
from bot.voice import texts
from bot.web import TEMPLATES_DIR
from devkit.standin import LineStandIn
from tests.harness import BotUnderTest, Reply, postback_event, user_id
from tests.test_admin_pages import browser_sign_in, csrf_of
from tests.test_classes import teacher_with_class
from tests.test_learning_loop import onboard
from tests.trainer_support import PASSWORD, make_trainer, sign_in, tbot

__all__ = ["tbot"]


# ----- CSV export -------------------------------------------------------------------------------------------


async def test_a_nickname_written_as_a_formula_is_exported_as_text(tbot: BotUnderTest) -> None:
    headers, classroom = await teacher_with_class(tbot)
    user = user_id("formula")
    await onboard(tbot, user, "บุคคลทั่วไป")
    await tbot.say(user, f'เข้าห้อง {classroom["code"]} =HYPERLINK("http://evil.example/x","ดูคะแนน")')
    exported = await tbot.http.get(f"/api/v1/classes/{classroom['id']}/export.csv", headers=headers)
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    name = rows[1][0]
    assert name.startswith("'=HYPERLINK(") and "evil.example" in name


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_neutralised(start: str) -> None:
    assert as_text_cell(f"{start}1+1") == f"'{start}1+1"


def test_plain_text_and_numbers_are_exported_unchanged() -> None:
    assert as_text_cell("ป้าละไม") == "ป้าละไม"
    assert as_text_cell(-3) == -3
    assert as_text_cell("") == ""


# ----- odd input -------------------------------------------------------------------------------------------


async def at_first_question(bot: BotUnderTest, user: str) -> Reply:
    screen = await onboard(bot, user, "บุคคลทั่วไป")
    screen = await bot.tap(user, screen, "ต่อไป")
    return await bot.tap(user, screen, "ต่อไป")


async def test_an_answer_button_with_a_superscript_digit_asks_which_one(bot: BotUnderTest) -> None:
    user = user_id("superscript")
    question = await at_first_question(bot, user)
    data = question.button("วางสายแล้วโทรถาม")["data"]
    odd = await bot.send(postback_event(user, re.sub(r"i=\d+", "i=²", data)))
    assert odd.texts[0] == texts.WHICH_ONE and "วางสายแล้วโทรถาม" in odd.labels  # the same question again


async def test_a_reminder_button_with_a_superscript_digit_changes_nothing(bot: BotUnderTest) -> None:
    user = user_id("superscript-time")
    await onboard(bot, user, "บุคคลทั่วไป")
    odd = await bot.send(postback_event(user, "a=remind&m=²"))
    assert odd.texts and texts.APOLOGY not in odd.texts


async def test_a_postback_with_many_fields_gets_a_kind_reply(bot: BotUnderTest) -> None:
    user = user_id("many-fields")
    await onboard(bot, user, "บุคคลทั่วไป")
    data = "a=ans&" + "&".join(f"f{n}=1" for n in range(20))
    odd = await bot.send(postback_event(user, data))
    assert odd.texts[0] == texts.NOT_UNDERSTOOD


async def test_deeply_nested_json_is_refused_with_400(lite_bot: BotUnderTest) -> None:
    body = b'{"events": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    response = await lite_bot.post(body)
    assert response.status_code == 400 and response.json() == {"detail": "Body is not valid JSON"}


async def test_announcement_form_with_odd_class_ids_is_shown_again(tbot: BotUnderTest) -> None:
    make_trainer(tbot, "kru")
    csrf = await browser_sign_in(tbot, "kru")
    fields = {"csrf": csrf, "class_ids": ["²", "9" * 5000], "body": "ระวัง SMS ปลอม", "when": "now"}
    previewed = await tbot.http.post("/admin/announcements/preview", data=fields)
    back = await tbot.http.post("/admin/announcements/back", data={**fields, "editing": "²"})
    assert previewed.status_code < 500 and back.status_code == 200
    assert 'id="announcement-form"' in back.text


async def test_a_content_length_that_is_not_a_number_is_read_as_absent() -> None:
    body = json.dumps({"events": []}).encode()
    headers = [(b"content-length", "²".encode("latin-1"))]

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": body, "more_body": False}

    request = Request({"type": "http", "method": "POST", "headers": headers}, receive)
    assert await webhook._read_limited(request, 1024) == body


# ----- security headers -----------------------------------------------------------------------------------


async def test_pages_carry_security_headers(tbot: BotUnderTest) -> None:
    for path in ("/admin/login", "/simulator", "/healthz", "/static/app.css"):
        headers = (await tbot.http.get(path)).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self';" in csp and "frame-ancestors 'none'" in csp, path
        assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
        assert "strict-transport-security" not in headers  # plain HTTP: HSTS would be ignored anyway


async def test_hsts_is_sent_over_https(tbot: BotUnderTest) -> None:
    transport = httpx.ASGITransport(app=tbot.app)
    async with httpx.AsyncClient(transport=transport, base_url="https://ruthan.test") as https:
        headers = (await https.get("/admin/login")).headers
    assert headers["strict-transport-security"] == "max-age=31536000"


def test_templates_and_scripts_have_no_inline_script() -> None:
    """The Content-Security-Policy runs no inline script: every behaviour lives in static/*.js."""
    for template in sorted(TEMPLATES_DIR.glob("*.html")):
        html = template.read_text(encoding="utf-8")
        assert not re.search(r"\son[a-z]+\s*=", html), f"{template.name}: inline event handler"
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), f"{template.name}: inline <script>"
        assert "javascript:" not in html, template.name


# ----- operators' endpoints and the API description ---------------------------------------------------------


async def test_metrics_and_delivery_need_the_token_or_a_sign_in(tbot: BotUnderTest) -> None:
    for path in ("/metrics", "/delivery"):
        assert (await tbot.http.get(path)).status_code == 401, path
        wrong = await tbot.http.get(path, headers={"Authorization": "Bearer guessed"})
        assert wrong.status_code == 401, path
        assert (await tbot.operator_get(path)).status_code == 200, path
    make_trainer(tbot, "kru")
    make_trainer(tbot, "boss", role=Role.ADMIN)
    trainer = await sign_in(tbot, "kru")
    assert (await tbot.http.get("/delivery", headers=trainer)).json() == {"push_paused": False}
    assert (await tbot.http.get("/metrics", headers=trainer)).status_code == 401  # admins only
    admin = await sign_in(tbot, "boss")
    assert "ruthan_webhook_events" in (await tbot.http.get("/metrics", headers=admin)).text


async def test_without_a_metrics_token_only_admins_see_metrics(
    sqlite_url: str, fixture_content: Content, line: LineStandIn, clock: FrozenClock
) -> None:
    bot = BotUnderTest(sqlite_url, fixture_content, line, clock, metrics_token=None)
    await bot.start()
    try:
        assert (await bot.operator_get("/metrics")).status_code == 401
    finally:
        await bot.stop()


async def test_the_api_description_needs_a_sign_in(tbot: BotUnderTest) -> None:
    docs = await tbot.http.get("/docs")
    assert docs.status_code == 303 and docs.headers["location"] == "/admin/login?next=%2Fdocs"
    assert (await tbot.http.get("/openapi.json")).status_code == 401
    assert (await tbot.http.get("/redoc")).status_code == 404
    make_trainer(tbot, "kru")
    await browser_sign_in(tbot, "kru")
    page = await tbot.http.get("/docs")
    assert page.status_code == 200 and "swagger-ui" in page.text
    assert "https://cdn.jsdelivr.net" in page.headers["content-security-policy"]  # this page's own policy
    assert "/api/v1/classes" in (await tbot.http.get("/openapi.json")).json()["paths"]


# ----- the sign-in form's CSRF token -----------------------------------------------------------------------


async def test_a_sign_in_form_posted_without_its_token_is_refused_kindly(tbot: BotUnderTest) -> None:
    make_trainer(tbot, "kru")
    forged = await tbot.http.post("/admin/login", data={"username": "kru", "password": PASSWORD})
    assert forged.status_code == 403 and "ruthan_session" not in forged.cookies
    assert "หน้าเข้าสู่ระบบนี้หมดอายุแล้ว" in forged.text and 'value="kru"' in forged.text
    # The page it answers with is a fresh form, which works.
    again = await tbot.http.post(
        "/admin/login", data={"username": "kru", "password": PASSWORD, "csrf": csrf_of(forged.text)}
    )
    assert again.status_code == 303 and "ruthan_session" in again.cookies


async def test_a_sign_in_form_token_without_its_cookie_is_refused(tbot: BotUnderTest) -> None:
    """Another site can copy a token from its own visit, but cannot set this site's cookie."""
    make_trainer(tbot, "kru")
    token = csrf_of((await tbot.http.get("/admin/login")).text)
    tbot.http.cookies.clear()
    forged = await tbot.http.post(
        "/admin/login", data={"username": "kru", "password": PASSWORD, "csrf": token}
    )
    assert forged.status_code == 403 and "ruthan_session" not in forged.cookies
