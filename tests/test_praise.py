"""Conversations: praise at the end of a module follows the score and the audience (issue 15).

2 of 5 is not a celebration, and an adult is not told "เก่งมาก!" for an answer that may be luck. Each test runs
on SQLite and on PostgreSQL, through the real webhook, on a tiny curriculum with one five-question module.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FrozenClock
from bot.content import Content, load_content
from devkit.standin import LineStandIn
from tests.harness import BotUnderTest, user_id
from tests.test_tracks_end_to_end import answer_button

TRACKS = """\
tracks:
  - id: student
    title: นักเรียน
    audience: student
    modules: [t-five]
  - id: general
    title: บุคคลทั่วไป
    audience: general
    modules: [t-five]
"""
MODULE = """\
id: t-five
title: ห้าข้อ
cards:
  - text: หยุดก่อน อย่ากด อย่าโอน
  - text: ถามคนที่ไว้ใจ
sources:
  - title: ICEML
    url: https://iceml.org/history
"""


def five_questions() -> str:
    lines = ["module: t-five", "questions:"]
    for n in range(1, 6):
        right_is_true = n % 2 == 1
        lines += [
            f"  - id: t-five-q{n}",
            "    kind: true_false",
            *(["    scenario: true"] if n == 1 else []),
            f"    prompt: ข้อที่ {n} ธนาคารส่งลิงก์ให้กดยืนยันบัญชี คำตอบคือ{'ถูก' if right_is_true else 'ผิด'}",
            "    options:",
            "      - text: ถูก",
            *(["        correct: true"] if right_is_true else []),
            "      - text: ผิด",
            *([] if right_is_true else ["        correct: true"]),
            "    explanation: ธนาคารเลิกส่งลิงก์ทาง SMS แล้ว",
            "    skill: cybersecurity",
        ]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def five_content(tmp_path_factory: pytest.TempPathFactory) -> Content:
    root: Path = tmp_path_factory.mktemp("five")
    (root / "curriculum" / "modules").mkdir(parents=True)
    (root / "quizzes").mkdir()
    (root / "curriculum" / "tracks.yaml").write_text(TRACKS, encoding="utf-8")
    (root / "curriculum" / "modules" / "t-five.yaml").write_text(MODULE, encoding="utf-8")
    (root / "quizzes" / "t-five.yaml").write_text(five_questions(), encoding="utf-8")
    return load_content(root)


@pytest.fixture
async def five_bot(
    database_url: str, five_content: Content, line: LineStandIn, clock: FrozenClock
) -> AsyncIterator[BotUnderTest]:
    bot = BotUnderTest(database_url, five_content, line, clock)
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()


async def play(bot: BotUnderTest, content: Content, track: str, rights: list[bool]) -> tuple[list[str], str]:
    """Onboard, read the cards, answer the five questions as given; return the verdicts and the summary."""
    user = user_id(f"{track}-{''.join('1' if r else '0' for r in rights)}")
    screen = await bot.tap(user, await bot.follow(user), "ยินยอม")
    screen = await bot.tap(user, screen, track)
    if track == "นักเรียน":
        screen = await bot.tap(user, screen, "10 ปีขึ้นไป")
    screen = await bot.tap(user, screen, "เย็น 19:00")
    while "ต่อไป" in screen.labels:
        screen = await bot.tap(user, screen, "ต่อไป")
    verdicts = []
    for right in rights:
        screen = await bot.press(user, answer_button(screen, content, right=right))
        verdicts.append(screen.texts[0])
    assert "จบบท" in screen.text, screen.text
    return verdicts, screen.text


async def test_adult_with_two_of_five_hears_no_celebration(
    five_bot: BotUnderTest, five_content: Content
) -> None:
    verdicts, done = await play(five_bot, five_content, "บุคคลทั่วไป", [True, False, True, False, False])
    assert "ตอบถูก 2 จาก 5 ข้อ" in done
    assert "🎉" not in done and "เก่งมาก" not in done and "ทุกข้อ" not in done
    assert "ยังไม่ง่าย" in done and "ทบทวน" in done
    assert verdicts[0].startswith("✅ ถูกต้องค่ะ") and "เก่งมาก" not in verdicts[0]  # a right answer may be luck
    assert verdicts[1].startswith("❌")


async def test_adult_with_five_of_five_is_congratulated_without_childish_praise(
    five_bot: BotUnderTest, five_content: Content
) -> None:
    verdicts, done = await play(five_bot, five_content, "บุคคลทั่วไป", [True] * 5)
    assert "🎉" in done and "ตอบถูก 5 จาก 5 ข้อ" in done and "ตอบถูกทุกข้อ" in done
    assert "เก่งมาก" not in done and not any("เก่งมาก" in verdict for verdict in verdicts)
    assert "ทบทวน" not in done


async def test_adult_with_four_of_five_hears_well_done_and_review(
    five_bot: BotUnderTest, five_content: Content
) -> None:
    _, done = await play(five_bot, five_content, "บุคคลทั่วไป", [True, True, False, True, True])
    assert "ตอบถูก 4 จาก 5 ข้อ" in done and "ทำได้ดี" in done and "ทบทวน" in done
    assert "🎉" not in done and "ทุกข้อ" not in done


async def test_student_praise_follows_the_score(five_bot: BotUnderTest, five_content: Content) -> None:
    verdicts, done = await play(five_bot, five_content, "นักเรียน", [True] * 5)
    assert "🎉" in done and "เก่งมากค่ะ ตอบถูกทุกข้อ" in done
    assert verdicts[0] == "✅ ถูกต้องค่ะ เก่งมาก!\nธนาคารเลิกส่งลิงก์ทาง SMS แล้ว"
    _, low = await play(five_bot, five_content, "นักเรียน", [False, True, False, True, False])
    assert "ตอบถูก 2 จาก 5 ข้อ" in low
    assert "🎉" not in low and "เก่งมาก" not in low and "ยังไม่ง่าย" in low
