"""The web side under probing: exported cells that are never formulas, security headers, closed operator
endpoints, a sign-in form that carries its own CSRF token, and odd input answered kindly."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from starlette.requests import Request

from bot import webhook
from bot.flow import texts
from bot.trainers.dashboard import as_text_cell
from tests.harness import BotUnderTest, Reply, postback_event, user_id
from tests.test_admin_pages import browser_sign_in
from tests.test_classes import teacher_with_class
from tests.test_learning_loop import onboard
from tests.trainer_support import make_trainer, tbot

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
