"""Times of day as Thai learners type them (bot.spoken_time.read_time): the 24-hour clock, the six-hour
parts of Thai speech, number words, politeness around it, and what must not be read as a time."""

from __future__ import annotations

import pytest

from bot.spoken_time import read_time


def hhmm(minutes: list[int]) -> list[str]:
    return [f"{m // 60:02d}:{m % 60:02d}" for m in minutes]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        # the 24-hour clock, Thai digits, units and particles
        ("18:30", ["18:30"]),
        ("7.00", ["07:00"]),
        ("๑๘:๓๐ น.", ["18:30"]),
        ("20 นาฬิกา", ["20:00"]),
        ("18 น.", ["18:00"]),
        ("18:30 นะคะ", ["18:30"]),
        ("เตือน 18:30", ["18:30"]),
        ("23:00", ["23:00"]),
        # the parts of the day Thai speech counts in
        ("ตีห้า", ["05:00"]),
        ("ตีห้าครึ่ง", ["05:30"]),
        ("เจ็ดโมงเช้า", ["07:00"]),
        ("เตือน 7 โมงเช้า", ["07:00"]),
        ("8 โมง", ["08:00"]),
        ("สิบเอ็ดโมง", ["11:00"]),
        ("เที่ยง", ["12:00"]),
        ("เที่ยงครึ่ง", ["12:30"]),
        ("บ่ายโมง", ["13:00"]),
        ("บ่าย 2", ["14:00"]),
        ("บ่ายสองโมงครึ่ง", ["14:30"]),
        ("สี่โมง", ["16:00"]),
        ("ห้าโมงเย็น", ["17:00"]),
        ("หกโมงเย็น", ["18:00"]),
        ("ทุ่มนึง", ["19:00"]),
        ("ทุ่มครึ่ง", ["19:30"]),
        ("2 ทุ่ม", ["20:00"]),
        ("2ทุ่ม30", ["20:30"]),
        ("เตือนตอนหนึ่งทุ่มค่ะ", ["19:00"]),
        ("เที่ยงคืน", ["00:00"]),
        ("7pm", ["19:00"]),
        ("6:30 pm", ["18:30"]),
        # the words of the buttons, and their neighbours
        ("เย็น 19:00", ["19:00"]),
        ("ตอนเย็นนะคะ", ["19:00"]),
        ("ตอนค่ำ", ["19:00"]),
        ("ตอนเที่ยงค่ะ", ["12:00"]),
        # "หกโมง" is morning or evening alike: both, so the learner is asked
        ("6 โมง", ["06:00", "18:00"]),
        ("หกโมง", ["06:00", "18:00"]),
        # not a time
        ("2", []),
        ("18", []),
        ("24:00", []),
        ("ตอนกลางคืน", []),
        ("บ่าย", []),
        ("แล้วแต่เลย", []),
        ("ไม่จริง", []),
        ("ใช่", []),
    ],
)
def test_read_time(typed: str, expected: list[str]) -> None:
    assert hhmm(read_time(typed)) == expected


def test_a_part_of_the_day_alone_can_be_left_unread() -> None:
    assert read_time("ตอนเย็น", day_parts=False) == []
    assert hhmm(read_time("หกโมงเย็น", day_parts=False)) == ["18:00"]
