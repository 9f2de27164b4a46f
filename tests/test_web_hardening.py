"""The web side under probing: exported cells that are never formulas, security headers, closed operator
endpoints, a sign-in form that carries its own CSRF token, and odd input answered kindly."""

from __future__ import annotations

import csv
import io

import pytest

from bot.trainers.dashboard import as_text_cell
from tests.harness import BotUnderTest, user_id
from tests.test_classes import teacher_with_class
from tests.test_learning_loop import onboard
from tests.trainer_support import tbot

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
