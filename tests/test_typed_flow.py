"""Conversations: what learners type on a lesson card, at the age question and to a yes/no question.

The readers themselves are tested in tests/test_answers.py; these check that the tutor acts on them.
"""

from __future__ import annotations

import pytest

from bot.storage.models import Attempt, Phase
from tests.harness import BotUnderTest, user_id
from tests.test_learning_loop import learner, onboard, rows

FIRST_CARD = "บทที่ 1: หยุด คิด ถาม ทำ"
SECOND_CARD = "อย่าบอกรหัส"


async def test_typing_continue_on_a_card_shows_the_next_card(bot: BotUnderTest) -> None:
    for typed in ("ต่อ", "ต่อค่ะ", "ไปต่อเลยยย"):
        user = user_id(f"continue-{typed}")
        card = await onboard(bot, user, "บุคคลทั่วไป")
        assert FIRST_CARD in card.text
        screen = await bot.say(user, typed)
        assert SECOND_CARD in screen.text and FIRST_CARD not in screen.text, typed
        assert learner(bot, user).step == 1


async def test_saying_got_it_on_a_card_moves_on(bot: BotUnderTest) -> None:
    for typed in ("ได้ค่ะ", "เข้าใจแล้วค่ะ", "👍"):
        user = user_id(f"got-it-{typed}")
        await onboard(bot, user, "บุคคลทั่วไป")
        screen = await bot.say(user, typed)
        assert SECOND_CARD in screen.text and "ยังไม่เข้าใจ" not in screen.text, typed


async def test_not_understanding_a_card_gets_a_kind_word_and_a_way_to_read_again(bot: BotUnderTest) -> None:
    user = user_id("confused-reader")
    await onboard(bot, user, "บุคคลทั่วไป")
    screen = await bot.say(user, "ไม่เข้าใจค่ะ")
    assert "ไม่เป็นไร" in screen.text and "ยังไม่เข้าใจ" not in screen.text
    assert screen.labels[:2] == ["อ่านอีกครั้ง", "ต่อไป"]
    assert learner(bot, user).step == 0  # nothing skipped
    again = await bot.tap(user, screen, "อ่านอีกครั้ง")
    assert FIRST_CARD in again.text
    assert SECOND_CARD in (await bot.tap(user, again, "ต่อไป")).text


async def test_too_fast_to_read_shows_the_card_again(bot: BotUnderTest) -> None:
    user = user_id("slow-reader")
    await onboard(bot, user, "บุคคลทั่วไป")
    screen = await bot.say(user, "อ่านไม่ทันค่ะ")
    assert FIRST_CARD in screen.text and "ยังไม่เข้าใจ" not in screen.text
    assert learner(bot, user).step == 0


async def test_a_sticker_on_a_card_points_to_the_next_button(bot: BotUnderTest) -> None:
    user = user_id("sticker-on-card")
    await onboard(bot, user, "บุคคลทั่วไป")
    screen = await bot.sticker(user)
    assert '"ต่อไป"' in screen.text and "ตัวหนังสือ" not in screen.text
    assert "ต่อไป" in screen.labels
    assert learner(bot, user).step == 0


@pytest.mark.parametrize(
    ("typed", "parent_needed"),
    [
        ("12", False),
        ("๑๒", False),
        ("12 ขวบ", False),
        ("สิบสองปี", False),
        ("อายุ 12 ค่ะ", False),
        ("8 ขวบค่ะ", True),
    ],
)
async def test_a_typed_age_answers_the_age_question(
    bot: BotUnderTest, typed: str, parent_needed: bool
) -> None:
    user = user_id(f"age-{typed}")
    agreed = await bot.tap(user, await bot.follow(user), "ยินยอม")
    asked = await bot.tap(user, agreed, "นักเรียน")
    assert "อายุเท่าไร" in asked.text
    screen = await bot.say(user, typed)
    if parent_needed:
        assert learner(bot, user).phase is Phase.PARENT and screen.labels == ["ผู้ปกครองยินยอม"]
    else:
        assert learner(bot, user).phase is Phase.REMINDER_TIME and "ตอนไหนดี" in screen.text


async def test_an_impossible_age_is_asked_again_kindly(bot: BotUnderTest) -> None:
    user = user_id("age-impossible")
    agreed = await bot.tap(user, await bot.follow(user), "ยินยอม")
    await bot.tap(user, agreed, "นักเรียน")
    for typed in ("0", "555", "200 ปี"):
        screen = await bot.say(user, typed)
        assert "ขอโทษค่ะ" in screen.text and "เช่น 12" in screen.text, typed
        assert screen.labels == ["10 ปีขึ้นไป", "ต่ำกว่า 10 ปี"]
        assert learner(bot, user).phase is Phase.AGE
    screen = await bot.say(user, "15")
    assert learner(bot, user).phase is Phase.REMINDER_TIME


async def test_polite_dont_know_on_a_true_false_question_is_unsure(bot: BotUnderTest) -> None:
    user = user_id("polite-unsure")
    await onboard(bot, user, "บุคคลทั่วไป")
    await bot.say(user, "ต่อไป")
    await bot.say(user, "ต่อไป")
    await bot.say(user, "2")  # question 1, right
    screen = await bot.say(user, "ไม่ทราบค่ะ")  # question 2: จริง / ไม่จริง
    assert screen.texts[0].startswith("ไม่เป็นไร") and "ไม่จริง" in screen.texts[0]
    assert [(a.question_id, a.choice) for a in rows(bot, Attempt)][-1] == ("t-habit-q2", -1)


async def test_progress_typed_with_a_particle_shows_progress(bot: BotUnderTest) -> None:
    user = user_id("progress-kha")
    await onboard(bot, user, "บุคคลทั่วไป")
    screen = await bot.say(user, "ความคืบหน้าค่ะ")
    assert "ความคืบหน้า" in screen.text and "เรียนจบ 0 จาก 2 บท" in screen.text
