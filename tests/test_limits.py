"""LINE's limits, enforced before sending."""

from __future__ import annotations

import pytest

from bot.limits import MAX_TEXT_UTF16, fit_message, requests, truncate_utf16, utf16_length
from bot.voice.ui import button, card, text


def test_emoji_count_twice_and_are_never_cut_in_half() -> None:
    assert utf16_length("ก😀") == 3
    cut = truncate_utf16("😀" * 3000, MAX_TEXT_UTF16)
    assert utf16_length(cut) <= MAX_TEXT_UTF16
    assert cut.endswith("…") and "\ud83d" not in cut


def test_long_text_is_cut_to_five_thousand_units() -> None:
    message = fit_message(text("ก" * 6000))
    assert utf16_length(message["text"]) == MAX_TEXT_UTF16


def test_quick_replies_are_capped_at_thirteen_with_short_labels() -> None:
    many = [button("ปุ่มที่มีชื่อยาวมากเกินกว่ายี่สิบตัวอักษร", "menu", n=index) for index in range(20)]
    message = fit_message(text("เลือก", many))
    items = message["quickReply"]["items"]
    assert len(items) == 13 and all(len(item["action"]["label"]) <= 20 for item in items)


def test_postback_data_over_300_characters_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="300"):
        fit_message(text("x", [button("ก", "ans", q="x" * 400)]))


def test_an_oversized_flex_card_falls_back_to_its_text() -> None:
    big = card("ก" * 400, title="หัวข้อ", large=True)
    big["contents"]["body"]["contents"] *= 60
    message = fit_message(big)
    assert message["type"] == "text" and message["text"].startswith("หัวข้อ")


def test_requests_carry_at_most_five_messages() -> None:
    assert [len(chunk) for chunk in requests([text(str(n)) for n in range(12)])] == [5, 5, 2]
