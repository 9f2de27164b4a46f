"""The urgent steps, the bank picker and the code-word card: built from content, within LINE's limits."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qsl

import pytest

from bot.content import Audience
from bot.help import (
    ACTION_BANK,
    ACTION_LESSON,
    Situation,
    bank_card,
    bank_mentioned,
    bank_picker,
    code_word_card,
    load_help_content,
    read_bank,
    urgent_steps,
)
from bot.limits import MAX_FLEX_BUBBLE_BYTES, MAX_LABEL, MAX_MESSAGES_PER_REQUEST
from tests import contract

ROOT = Path(__file__).resolve().parent.parent


def _actions(node: object) -> list[dict]:
    """Every action object inside a message, wherever it sits."""
    found: list[dict] = []
    if isinstance(node, dict):
        if isinstance(node.get("action"), dict):
            found.append(node["action"])
        for value in node.values():
            found += _actions(value)
    elif isinstance(node, list):
        for value in node:
            found += _actions(value)
    return found


def _tel_numbers(messages: list[dict]) -> list[str]:
    return [
        a["uri"] for m in messages for a in _actions(m) if a["type"] == "uri" and a["uri"].startswith("tel:")
    ]


def _check_limits(messages: list[dict]) -> None:
    assert 1 <= len(messages) <= MAX_MESSAGES_PER_REQUEST
    for message in messages:
        for action in _actions(message):
            assert len(action.get("label", "")) <= MAX_LABEL, action
        if message["type"] == "flex":
            assert len(json.dumps(message["contents"], ensure_ascii=False).encode()) <= MAX_FLEX_BUBBLE_BYTES
            assert len(message["altText"]) <= 400
    if contract.available():
        body = {"replyToken": "r" * 32, "messages": messages}
        assert contract.problems("POST", "/v2/bot/message/reply", body) == []


@pytest.mark.parametrize("audience", list(Audience))
@pytest.mark.parametrize("situation", list(Situation))
def test_urgent_steps_fit_line_and_call_1441(audience: Audience, situation: Situation) -> None:
    messages = urgent_steps(audience, situation=situation)
    _check_limits(messages)
    assert "tel:1441" in _tel_numbers(messages)


def test_the_order_is_bank_first_and_the_lesson_last() -> None:
    kbank = load_help_content().bank("kbank")
    messages = urgent_steps(Audience.GENERAL, bank=kbank, situation=Situation.TRANSFERRED)
    assert _tel_numbers(messages)[:2] == ["tel:028888888", "tel:1441"]
    alt = messages[0]["altText"]
    assert alt.index("ธนาคาร") < alt.index("เลขรับแจ้ง") < alt.index("1441")
    later = messages[-2]["altText"]
    assert later.index("72 ชั่วโมง") < later.index("หลักฐาน") < later.index("ไม่โอนเพิ่ม")
    lesson = messages[-1]["quickReply"]["items"][0]["action"]
    assert dict(parse_qsl(lesson["data"])) == {"a": ACTION_LESSON, "m": "after-scam"}
    assert (ROOT / "curriculum" / "modules" / "after-scam.yaml").exists()


def test_elderly_get_large_type_three_banks_and_other_and_their_lesson() -> None:
    messages = urgent_steps(Audience.ELDERLY)
    assert messages[0]["contents"]["size"] == "giga"
    assert {node["size"] for node in messages[0]["contents"]["body"]["contents"]} == {"xl"}
    picker = [a for a in _actions(messages[1])]
    assert len(picker) == 4
    assert [a["uri"] for a in picker[:3]] == ["tel:021111111", "tel:1115", "tel:028888888"]
    assert dict(parse_qsl(picker[3]["data"])) == {"a": ACTION_BANK, "b": "other"}
    assert (
        dict(parse_qsl(messages[-1]["quickReply"]["items"][0]["action"]["data"]))["m"] == "elderly-after-scam"
    )
    assert not any(word in messages[0]["altText"] for word in ("OTP", "Bank Case ID"))


def test_the_first_line_follows_the_situation() -> None:
    on_call = urgent_steps(Audience.GENERAL, situation=Situation.ON_CALL)[0]["altText"]
    app = urgent_steps(Audience.GENERAL, situation=Situation.APP)[0]["altText"]
    otp = urgent_steps(Audience.ELDERLY, situation=Situation.OTP)[0]["altText"]
    assert on_call.startswith("วางสาย")
    assert "โหมดเครื่องบิน" in app and "เครื่องอื่น" in app
    assert "อายัด" in otp.split("\n\n")[0] or "อายัด" in otp


def test_an_unverified_bank_never_gets_a_number_only_the_card_fallback() -> None:
    baac = load_help_content().bank("baac")
    assert baac is not None and baac.tel is None
    messages = urgent_steps(Audience.ELDERLY, bank=baac)
    assert _tel_numbers(messages) == ["tel:1441"]
    assert "หลังบัตร" in messages[0]["altText"]
    assert _tel_numbers([bank_card(baac, Audience.GENERAL)]) == []


def test_bank_picker_and_card_fit_line() -> None:
    for audience in Audience:
        _check_limits([bank_picker(audience)])
        for bank in load_help_content().banks:
            _check_limits([bank_card(bank, audience)])
    assert len(_actions(bank_picker(Audience.GENERAL))) == 7


@pytest.mark.parametrize(
    ("typed", "bank_id"),
    [
        ("กสิกร", "kbank"),
        ("kbank", "kbank"),
        ("กสิกรไทยค่ะ", "kbank"),
        ("ไทยพาณิชย์", "scb"),
        ("ไทยพานิด", "scb"),
        ("SCB", "scb"),
        ("กรุงไทย", "ktb"),
        ("ktb ครับ", "ktb"),
        ("ธนาคารกรุงเทพ", "bbl"),
        ("bbl", "bbl"),
        ("กรุงศรี", "bay"),
        ("ttb", "ttb"),
        ("ทหารไทย", "ttb"),
        ("ออมสิน", "gsb"),
        ("ธ.ก.ส.", "baac"),
        ("ธกส จ้า", "baac"),
        ("อาคารสงเคราะห์", "ghb"),
        ("ยูโอบี", "uob"),
        ("ซีไอเอ็มบี", "cimb"),
        ("เกียรตินาคินภัทร", "kkp"),
        ("แลนด์แอนด์เฮาส์", "lhb"),
        ("ไอซีบีซี", "icbc"),
        ("ใช้กรุงไทยค่ะ", "ktb"),
        ("แบงก์ออมสิน", "gsb"),
    ],
)
def test_read_bank_understands_what_learners_type(typed: str, bank_id: str) -> None:
    bank = read_bank(typed)
    assert bank is not None and bank.id == bank_id


@pytest.mark.parametrize("typed", ["", "ไม่รู้", "ธนาคาร", "กรุง", "สวัสดีค่ะ", "123"])
def test_read_bank_says_none_when_unsure(typed: str) -> None:
    assert read_bank(typed) is None


def test_code_word_card_is_large_for_elderly_and_fits() -> None:
    elderly, general = code_word_card(Audience.ELDERLY), code_word_card(Audience.GENERAL)
    _check_limits([elderly])
    _check_limits([general])
    assert elderly["contents"]["size"] == "giga"
    assert "คำลับ" in elderly["altText"] and "วางสาย" in general["altText"]


def test_help_content_cites_a_source_and_a_date_for_every_number() -> None:
    content = load_help_content()
    assert content.checked.year >= 2026
    verified = [bank for bank in content.banks if bank.verified]
    assert len(verified) >= 8
    for bank in content.banks:
        assert bank.sources and all(s.url.startswith("http") for s in bank.sources)
    assert content.hotline("aoc").phone == "1441" and content.hotline("aoc").verified
    assert not content.hotline("police-1599").verified  # [UNVERIFIED] in the research brief
    assert content.site("police-online-report").url == "https://www.thaipoliceonline.go.th"


@pytest.mark.parametrize(
    ("message", "bank_id"),
    [
        ("โดนหลอกโอนเงินจากบัญชีกสิกรไปแล้ว ช่วยด้วย", "kbank"),
        ("บัญชีกะสิกรโดนแฮก", "kbank"),  # a typo, spelled out as whole words
        ("ใช้ไทยพานิชโดนดูดเงิน", "scb"),
        ("ใช้ scb easy โดนดูดเงินไปแล้ว", "scb"),
        ("แอปเป๋าตังเงินหายหมดเลย", "ktb"),
        ("ธนาคารกรุงเทพ โดนหลอกไปแล้ว", "bbl"),
        ("ธนาคารเพื่อการเกษตรโดนหลอก", "baac"),  # unverified: recognised, no number guessed
        ("ตำรวจกรุงเทพโทรมา ยังอยู่ในสาย", None),  # a city, not Bangkok Bank
        ("ทำกสิกรรมมาทั้งชีวิต โดนหลอกเอาเงินไป", None),  # farming, not KBank
        ("ebay โดนโกง", None),  # "bay" only as a word of its own
        ("กรุงไทยกับออมสิน เงินหายทั้งคู่", None),  # two banks: ask, do not guess
        ("ทหารไทยโทรมาขู่", None),
    ],
)
def test_a_bank_is_read_inside_a_longer_message_only_when_it_is_clearly_one(
    message: str, bank_id: str | None
) -> None:
    found = bank_mentioned(message)
    assert (found.id if found else None) == bank_id


def test_a_bank_named_unverified_gets_no_guessed_number_and_keeps_the_picker() -> None:
    baac = load_help_content().bank("baac")
    messages = urgent_steps(Audience.ELDERLY, bank=baac, picker=True)
    _check_limits(messages)
    assert _tel_numbers(messages)[0] == "tel:1441"
    assert "หลังบัตร" in messages[0]["altText"]
    assert any("ธนาคารอื่น" in json.dumps(m, ensure_ascii=False) for m in messages)
