"""Conversations about reminders: choosing a time at onboarding, changing, snoozing, stopping, and streaks.

Every test runs on SQLite and on PostgreSQL (the `bot` fixture) through the real webhook.
"""

from __future__ import annotations

from datetime import timedelta

from bot.learning.reminders import local_date
from tests.harness import BotUnderTest, user_id
from tests.test_learning_loop import learner, onboard


async def test_onboarding_asks_the_reminder_time_with_three_buttons(bot: BotUnderTest) -> None:
    user = user_id("asks-time")
    agreed = await bot.tap(user, await bot.follow(user), "ยินยอม")
    asked = await bot.tap(user, agreed, "ผู้สูงอายุ")
    assert "ชวนเรียนทุกวันตอนไหน" in asked.text
    assert asked.labels == ["เช้า 08:00", "กลางวัน 12:00", "เย็น 19:00"]
    started = await bot.tap(user, asked, "เช้า 08:00")
    assert "08:00" in started.texts[0] and len(started.messages) <= 3
    assert "บทที่ 1" in started.text
    assert learner(bot, user).remind_minute == 8 * 60


async def test_a_typed_time_or_word_sets_the_reminder(bot: BotUnderTest) -> None:
    user = user_id("types-time")
    agreed = await bot.tap(user, await bot.follow(user), "ยินยอม")
    await bot.tap(user, agreed, "บุคคลทั่วไป")
    puzzled = await bot.say(user, "แล้วแต่เลย")
    assert "พิมพ์เวลา" in puzzled.text and len(puzzled.labels) == 3
    started = await bot.say(user, "๑๘:๓๐ น.")
    assert "18:30" in started.texts[0] and "บทที่ 1" in started.text
    assert learner(bot, user).remind_minute == 18 * 60 + 30
    again = await bot.say(user, "ตั้งเวลาเตือน")
    assert again.labels == ["เช้า 08:00", "กลางวัน 12:00", "เย็น 19:00"]
    done = await bot.say(user, "ตอนเที่ยงค่ะ")
    assert "12:00" in done.text
    assert learner(bot, user).remind_minute == 12 * 60


async def test_moving_on_without_choosing_keeps_seven_pm(bot: BotUnderTest) -> None:
    user = user_id("skips-time")
    agreed = await bot.tap(user, await bot.follow(user), "ยินยอม")
    await bot.tap(user, agreed, "บุคคลทั่วไป")
    started = await bot.say(user, "เรียนต่อ")
    assert "19:00" in started.texts[0] and "ตั้งเวลาเตือน" in started.texts[0]
    assert "บทที่ 1" in started.text
    assert learner(bot, user).remind_minute == 19 * 60


async def test_changing_the_time_mid_lesson_comes_back_to_the_lesson(bot: BotUnderTest) -> None:
    user = user_id("changes-time")
    screen = await onboard(bot, user, "บุคคลทั่วไป")
    await bot.tap(user, screen, "ต่อไป")
    menu = await bot.say(user, "เมนู")
    asked = await bot.tap(user, menu, "ตั้งเวลาเตือน")
    changed = await bot.tap(user, asked, "กลางวัน 12:00")
    assert "12:00" in changed.text and "เรียนต่อ" in changed.labels
    resumed = await bot.tap(user, changed, "เรียนต่อ")
    assert "อย่าบอกรหัส" in resumed.text  # the second card, where the learner was


async def test_snooze_stop_and_restart_by_text_and_button(bot: BotUnderTest) -> None:
    user = user_id("snoozer")
    await onboard(bot, user, "บุคคลทั่วไป")
    snoozed = await bot.say(user, "พรุ่งนี้ค่อยเตือนนะคะ")
    assert "พรุ่งนี้" in snoozed.text
    stored = learner(bot, user)
    assert stored.snoozed_until == local_date(bot.clock.now()) + timedelta(days=1)
    stopped = await bot.say(user, "หยุดเตือน")
    assert "เปิดเตือน" in stopped.text and learner(bot, user).reminders_stopped is True
    restarted = await bot.press(user, {"type": "postback", "data": "a=restart_reminders"})
    assert "19:00" in restarted.text
    stored = learner(bot, user)
    assert stored.reminders_stopped is False and stored.snoozed_until is None


async def test_reminder_commands_before_consent_only_ask_for_consent(bot: BotUnderTest) -> None:
    user = user_id("not-yet")
    await bot.follow(user)
    reply = await bot.press(user, {"type": "postback", "data": "a=stop_reminders"})
    assert reply.labels == ["ยินยอม", "ไม่ยินยอม"]
    assert learner(bot, user).reminders_stopped is False


async def test_three_days_in_a_row_are_celebrated_and_shown_in_progress(bot: BotUnderTest) -> None:
    user = user_id("streaker")
    screen = await onboard(bot, user, "บุคคลทั่วไป")
    first = await bot.tap(user, screen, "ต่อไป")  # day 1
    assert "ต่อเนื่อง" not in first.text
    bot.clock.advance(days=1)
    await bot.tap(user, first, "ต่อไป")  # day 2: now on the first question
    bot.clock.advance(days=1)
    answered = await bot.say(user, "2")  # day 3
    assert "เรียนต่อเนื่อง 3 วัน" in answered.texts[0] and len(answered.messages) <= 3
    again = await bot.say(user, "ไม่จริง")  # same day: no second cheer
    assert "ต่อเนื่อง" not in again.text
    progress = await bot.say(user, "ความคืบหน้า")
    assert "เรียนต่อเนื่อง 3 วัน" in progress.text
    bot.clock.advance(days=2)  # a day missed: the streak is over
    progress = await bot.say(user, "ความคืบหน้า")
    assert "ต่อเนื่อง" not in progress.text


async def test_studying_again_after_a_gap_starts_a_new_streak(bot: BotUnderTest) -> None:
    user = user_id("gap")
    screen = await onboard(bot, user, "บุคคลทั่วไป")
    await bot.tap(user, screen, "ต่อไป")
    bot.clock.advance(days=3)
    await bot.say(user, "ต่อไป")
    stored = learner(bot, user)
    assert stored.streak == 1 and stored.last_studied_on == local_date(bot.clock.now())


async def test_stopping_on_the_time_question_moves_on_and_stays_stopped(bot: BotUnderTest) -> None:
    user = user_id("no-reminders")
    agreed = await bot.tap(user, await bot.follow(user), "ยินยอม")
    await bot.tap(user, agreed, "บุคคลทั่วไป")
    stopped = await bot.say(user, "ไม่ต้องเตือน")
    assert "หยุดเตือนแล้ว" in stopped.texts[0] and "บทที่ 1" in stopped.text  # onboarding goes on
    await bot.say(user, "เรียนต่อ")
    assert learner(bot, user).reminders_stopped is True
    asked = await bot.say(user, "ตั้งเวลาเตือน")  # mid-lesson: asked, then moving on without choosing
    assert asked.labels == ["เช้า 08:00", "กลางวัน 12:00", "เย็น 19:00"]
    kept = await bot.say(user, "เรียนต่อ")
    assert "ปิดเตือนอยู่แล้ว" in kept.texts[0] and "19:00" not in kept.texts[0]
    assert learner(bot, user).reminders_stopped is True


async def test_thai_ways_of_saying_the_time_on_the_time_question(bot: BotUnderTest) -> None:
    user = user_id("says-time")
    agreed = await bot.tap(user, await bot.follow(user), "ยินยอม")
    await bot.tap(user, agreed, "ผู้สูงอายุ")
    puzzled = await bot.say(user, "ตอนกลางคืน")  # not "กลางวัน": asked again, nothing set
    assert "พิมพ์เวลา" in puzzled.text and learner(bot, user).remind_minute == 19 * 60
    which = await bot.say(user, "6 โมง")
    assert "เช้าหรือตอนเย็น" in which.text and which.labels == ["เช้า 06:00", "เย็น 18:00"]
    chosen = await bot.tap(user, which, "เย็น 18:00")
    assert "18:00" in chosen.texts[0] and "บทที่ 1" in chosen.text
    assert learner(bot, user).remind_minute == 18 * 60


async def test_a_time_typed_anywhere_changes_the_reminder(bot: BotUnderTest) -> None:
    user = user_id("types-anywhere")
    await onboard(bot, user, "บุคคลทั่วไป")
    changed = await bot.say(user, "เตือน 2 ทุ่มนะคะ")
    assert "20:00" in changed.text and learner(bot, user).remind_minute == 20 * 60
    changed = await bot.say(user, "เปลี่ยนเวลาเตือนเป็นหกโมงเย็น")
    assert "18:00" in changed.text and learner(bot, user).remind_minute == 18 * 60
    asked = await bot.say(user, "เปลี่ยนเวลา")
    assert asked.labels == ["เช้า 08:00", "กลางวัน 12:00", "เย็น 19:00"]
    night = await bot.say(user, "6:00")
    assert "06:00" in night.text and "ตอนเช้า" in night.text and "พิมพ์เวลาใหม่" in night.text
    await bot.say(user, "ปิดการเตือน")
    assert learner(bot, user).reminders_stopped is True
    again = await bot.say(user, "เตือนอีก")
    assert "เปิดเตือนแล้ว" in again.text and learner(bot, user).reminders_stopped is False


async def test_snoozing_or_stopping_when_reminders_are_off_says_so(bot: BotUnderTest) -> None:
    user = user_id("already-off")
    await onboard(bot, user, "บุคคลทั่วไป")
    await bot.say(user, "หยุดเตือน")
    twice = await bot.say(user, "หยุดเตือน")
    assert "ปิดเตือนอยู่แล้ว" in twice.text
    snoozed = await bot.say(user, "พรุ่งนี้ค่อยเตือน")
    assert "ปิดเตือนอยู่" in snoozed.text and snoozed.labels == ["เปิดเตือน"]
    assert learner(bot, user).snoozed_until is None
    restarted = await bot.tap(user, snoozed, "เปิดเตือน")
    assert "19:00" in restarted.text and learner(bot, user).reminders_stopped is False
