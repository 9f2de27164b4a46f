"""Daily reminders, as learners live them: the right hour, once a day, quiet at night, less when ignored.

The clock is frozen and moved by the test (Asia/Bangkok times below); the sweep runs when the test says,
through the real worker, SDK and LINE stand-in. Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.learning.marks import marked_in
from bot.learning.reminders import BANGKOK
from bot.storage.models import OutboxBatch, OutboxStatus, ReminderDay, ReminderState
from tests.harness import BotUnderTest, Reply, event, user_id
from tests.test_learning_loop import onboard, rows


def at(bot: BotUnderTest, day: int, hour: int, minute: int = 0) -> None:
    """Move the clock to a Bangkok time in November 2026 (the frozen clock starts on the 20th, 10:00)."""
    bot.clock.current = datetime(2026, 11, day, hour, minute, tzinfo=BANGKOK).astimezone(UTC)


async def sweep(bot: BotUnderTest) -> Reply:
    """Run the reminder sweep and the delivery worker; what LINE received."""
    bot.line.take()
    await bot.runtime.sweep_once()
    return Reply(bot.line.take())


def sent_to(reply: Reply, user: str) -> bool:
    return any(call.body.get("to") == user or user in (call.body.get("to") or []) for call in reply.calls)


def ignored(bot: BotUnderTest) -> list[int]:
    """Each learner's reminders ignored in a row, as of the last day folded in (days before today)."""
    return [state.ignored_reminders for state in rows(bot, ReminderState)]


def marked_today(bot: BotUnderTest) -> set[int]:
    """The IDs of the learners marked reminded today (the bits of today's `ReminderDay` rows)."""
    return marked_on(bot, bot.clock.now().astimezone(BANGKOK).date())


def marked_on(bot: BotUnderTest, day: date) -> set[int]:
    return {
        learner_id
        for row in rows(bot, ReminderDay)
        if row.day == day
        for learner_id in marked_in(row.slice, row.reminded)
    }


async def test_reminder_comes_at_the_chosen_time_says_what_is_next_and_only_once(bot: BotUnderTest) -> None:
    user = user_id("evening")
    await onboard(bot, user, "บุคคลทั่วไป")  # 10:00, chose 19:00
    assert (await sweep(bot)).calls == []
    at(bot, 20, 18, 59)
    assert (await sweep(bot)).calls == []
    at(bot, 20, 19, 0)
    reminder = await sweep(bot)
    assert [call.path for call in reminder.calls] == ["/v2/bot/message/push"]
    assert reminder.calls[0].headers.get("X-Line-Retry-Key")
    assert "บทต่อไป: หยุด คิด ถาม ทำ" in reminder.text
    assert reminder.labels == ["เรียนต่อ", "พรุ่งนี้ค่อยเตือน", "หยุดเตือน"]
    at(bot, 20, 19, 30)
    assert (await sweep(bot)).calls == []  # never twice a day
    resumed = await bot.tap(user, reminder, "เรียนต่อ")
    assert "บทที่ 1" in resumed.text


async def test_no_reminder_after_studying_today(bot: BotUnderTest) -> None:
    user = user_id("keen")
    screen = await onboard(bot, user, "บุคคลทั่วไป")
    at(bot, 20, 18, 0)
    await bot.tap(user, screen, "ต่อไป")
    at(bot, 20, 19, 5)
    assert (await sweep(bot)).calls == []
    at(bot, 21, 19, 5)
    assert sent_to(await sweep(bot), user)


async def test_quiet_hours_unless_the_learner_chose_them(bot: BotUnderTest) -> None:
    evening, night = user_id("missed-window"), user_id("night-owl")
    await onboard(bot, evening, "บุคคลทั่วไป")
    agreed = await bot.tap(night, await bot.follow(night), "ยินยอม")
    await bot.tap(night, agreed, "บุคคลทั่วไป")
    await bot.say(night, "22:30")
    at(bot, 20, 21, 0)  # the sweep was down from 19:00 to 21:00: too late for a 19:00 reminder today
    assert (await sweep(bot)).calls == []
    at(bot, 20, 22, 30)
    late = await sweep(bot)
    assert sent_to(late, night) and not sent_to(late, evening)
    at(bot, 21, 7, 0)
    assert (await sweep(bot)).calls == []
    at(bot, 21, 19, 0)
    assert sent_to(await sweep(bot), evening)


async def test_a_reminder_stuck_past_its_window_expires_instead_of_coming_late(bot: BotUnderTest) -> None:
    from devkit.standin import Fault

    user = user_id("stuck")
    await onboard(bot, user, "บุคคลทั่วไป")
    at(bot, 20, 20, 59)
    bot.line.faults.extend(Fault(503) for _ in range(3))  # LINE down for every quick retry
    assert (await sweep(bot)).calls == []
    at(bot, 20, 21, 5)
    await bot.runtime.drain()
    assert bot.line.take() == []
    (batch,) = rows(bot, OutboxBatch)
    assert batch.status is OutboxStatus.EXPIRED and batch.size == 1


async def test_snooze_skips_today_only(bot: BotUnderTest) -> None:
    user = user_id("tomorrow")
    await onboard(bot, user, "บุคคลทั่วไป")
    at(bot, 20, 19, 0)
    reminder = await sweep(bot)
    at(bot, 20, 19, 1)
    snoozed = await bot.tap(user, reminder, "พรุ่งนี้ค่อยเตือน")
    assert "พรุ่งนี้" in snoozed.text
    at(bot, 20, 20, 0)
    assert (await sweep(bot)).calls == []
    at(bot, 21, 19, 0)
    assert sent_to(await sweep(bot), user)


async def test_snooze_before_the_reminder_time_holds_today_s_reminder(bot: BotUnderTest) -> None:
    user = user_id("early-snooze")
    await onboard(bot, user, "บุคคลทั่วไป")
    await bot.say(user, "พรุ่งนี้ค่อยเตือน")
    at(bot, 20, 19, 0)
    assert (await sweep(bot)).calls == []
    at(bot, 21, 19, 0)
    assert sent_to(await sweep(bot), user)


async def test_stop_and_restart(bot: BotUnderTest) -> None:
    user = user_id("stop-start")
    await onboard(bot, user, "บุคคลทั่วไป")
    at(bot, 20, 19, 0)
    reminder = await sweep(bot)
    await bot.tap(user, reminder, "หยุดเตือน")
    for day in (21, 22):
        at(bot, day, 19, 0)
        assert (await sweep(bot)).calls == []
    await bot.say(user, "เปิดเตือน")
    at(bot, 23, 19, 0)
    assert sent_to(await sweep(bot), user)


async def test_ignored_reminders_slow_down_to_weekly_and_study_brings_them_back(bot: BotUnderTest) -> None:
    user = user_id("busy")
    await onboard(bot, user, "บุคคลทั่วไป")
    got = []
    for day in range(20, 30):
        at(bot, day, 19, 0)
        if sent_to(await sweep(bot), user):
            got.append(day)
    assert got == [20, 21, 22, 29]  # three days running, then a week after the last one
    # Today's reminder is a mark of today's; the days before are folded into the learner's state.
    assert ignored(bot) == [3]
    assert len(marked_today(bot)) == 1
    at(bot, 29, 20, 0)
    await bot.say(user, "ต่อไป")  # studies again: daily reminders are back
    assert ignored(bot) == [0]
    at(bot, 30, 19, 0)
    assert sent_to(await sweep(bot), user)
    assert ignored(bot) == [0]  # day 29 folded in: its reminder was answered by studying that evening


async def test_a_day_is_folded_in_once_whatever_the_sweeps(bot: BotUnderTest) -> None:
    """The first sweep of a day counts yesterday's ignored reminder; later sweeps and a snooze don't add."""
    user = user_id("fold")
    await onboard(bot, user, "บุคคลทั่วไป")
    at(bot, 20, 19, 0)
    assert sent_to(await sweep(bot), user)
    for hour, minute in ((0, 0), (0, 1), (19, 0), (19, 5)):
        at(bot, 21, hour, minute)
        await sweep(bot)
        assert ignored(bot) == [1]
        assert {row.day.day for row in rows(bot, ReminderDay)} <= {21}  # the 20th's marks are gone
    await bot.say(user, "พรุ่งนี้ค่อยเตือน")  # snoozed after day 21's reminder: an answer, not silence
    assert ignored(bot) == [0]
    at(bot, 22, 19, 0)
    assert sent_to(await sweep(bot), user)  # the next day as usual
    assert ignored(bot) == [0]  # day 21 folded in as answered


async def test_unfollowed_learners_get_nothing(bot: BotUnderTest) -> None:
    user = user_id("blocked")
    await onboard(bot, user, "บุคคลทั่วไป")
    await bot.unfollow(user)
    at(bot, 20, 19, 0)
    assert (await sweep(bot)).calls == []
    await bot.send(event("follow", user, follow={"isUnblocked": True}))
    at(bot, 21, 19, 0)
    assert sent_to(await sweep(bot), user)


async def test_learners_who_have_not_consented_or_chosen_a_track_get_nothing(bot: BotUnderTest) -> None:
    undecided, declined = user_id("undecided"), user_id("declined")
    await bot.follow(undecided)
    await bot.tap(declined, await bot.follow(declined), "ไม่ยินยอม")
    at(bot, 20, 19, 0)
    assert (await sweep(bot)).calls == []


async def test_completed_learners_get_only_due_reviews(bot: BotUnderTest) -> None:
    user = user_id("graduate")
    screen = await onboard(bot, user, "ผู้สูงอายุ")  # one module in the fixture track
    for _ in range(3):
        screen = await bot.tap(user, screen, "ต่อไป")
    await bot.say(user, "ถามลูก")  # right
    await bot.say(user, "ใช่")  # wrong
    done = await bot.say(user, "2")  # right: track finished
    assert "เรียนครบทุกบท" in done.text
    at(bot, 20, 19, 0)
    assert (await sweep(bot)).calls == []  # studied today
    at(bot, 21, 19, 0)
    reminder = await sweep(bot)
    assert "ได้เวลาทบทวน" in reminder.text and "1 ข้อ" in reminder.text
    assert reminder.labels == ["ทบทวน", "พรุ่งนี้ค่อยเตือน", "หยุดเตือน"]  # three choices for the elderly
    reviewed = await bot.tap(user, reminder, "ทบทวน")
    answered = await bot.say(user, "ไม่ใช่")
    assert answered.texts[0].startswith("✅") and "ทบทวนครบแล้ว" in answered.text
    assert "ทบทวน" in reviewed.text
    at(bot, 22, 19, 0)
    assert (await sweep(bot)).calls == []  # nothing due, nothing to learn: no nudge


async def test_the_reminder_counts_due_reviews_and_offers_them(bot: BotUnderTest) -> None:
    user = user_id("mixed")
    screen = await onboard(bot, user, "บุคคลทั่วไป")
    await bot.tap(user, screen, "ต่อไป")
    await bot.say(user, "ต่อไป")
    await bot.say(user, "1")  # wrong
    at(bot, 21, 19, 0)
    reminder = await sweep(bot)
    assert "บทต่อไป: หยุด คิด ถาม ทำ" in reminder.text and "ทบทวนรออยู่ 1 ข้อ" in reminder.text
    assert reminder.labels == ["เรียนต่อ", "ทบทวน", "พรุ่งนี้ค่อยเตือน", "หยุดเตือน"]


async def test_a_reminder_waiting_for_line_skips_whoever_studied_or_snoozed_meanwhile(
    bot: BotUnderTest,
) -> None:
    from devkit.standin import Fault

    studies, snoozes, waits = user_id("studies"), user_id("snoozes"), user_id("waits")
    for user in (studies, snoozes, waits):
        await onboard(bot, user, "บุคคลทั่วไป")
    at(bot, 20, 19, 0)
    bot.line.faults.extend(Fault(503) for _ in range(3))  # LINE down: the reminders wait in their batch
    assert not sent_to(await sweep(bot), waits)
    await bot.say(studies, "ต่อไป")
    await bot.say(snoozes, "พรุ่งนี้ค่อยเตือน")
    bot.line.take()
    at(bot, 20, 19, 30)
    await bot.runtime.drain()
    sent = Reply(bot.line.take())
    assert sent_to(sent, waits)
    assert not sent_to(sent, studies) and not sent_to(sent, snoozes)
    metrics = (await bot.operator_get("/metrics")).text
    assert 'ruthan_reminders_skipped_total{reason="no_longer_due"} 2.0' in metrics
    assert "ruthan_reminders_sent_total 1.0" in metrics


async def test_erasing_my_data_drops_a_pending_reminder(bot: BotUnderTest) -> None:
    from devkit.standin import Fault

    user = user_id("erased")
    await onboard(bot, user, "บุคคลทั่วไป")
    at(bot, 20, 19, 0)
    bot.line.faults.extend(Fault(503) for _ in range(3))
    await sweep(bot)
    assert len(marked_today(bot)) == 1  # marked reminded today
    ask = await bot.say(user, "ลบข้อมูลของฉัน")
    await bot.tap(user, ask, "ลบเลย")
    assert marked_today(bot) == set()  # the mark goes with everything else
    assert rows(bot, ReminderState) == []
    at(bot, 20, 19, 30)
    await bot.runtime.drain()
    assert not any(call.path.endswith("/push") for call in bot.line.take())


async def test_a_time_already_past_today_starts_tomorrow(bot: BotUnderTest) -> None:
    """The learner is talking to the bot: a reminder a minute after they chose the time would only cost a
    message. The same for turning reminders back on after their time."""
    noon, restarted = user_id("chose-noon-at-three"), user_id("restarted-late")
    await onboard(bot, noon, "บุคคลทั่วไป")
    await onboard(bot, restarted, "บุคคลทั่วไป")
    await bot.say(restarted, "หยุดเตือน")
    at(bot, 20, 15, 0)
    chosen = await bot.say(noon, "เตือนเที่ยงวัน")
    assert "12:00" in chosen.text and "เริ่มพรุ่งนี้" in chosen.text
    at(bot, 20, 20, 30)
    back = await bot.say(restarted, "เปิดเตือน")
    assert "19:00" in back.text and "เริ่มพรุ่งนี้" in back.text
    at(bot, 20, 20, 31)
    assert (await sweep(bot)).calls == []
    at(bot, 21, 12, 0)
    assert sent_to(await sweep(bot), noon)
    at(bot, 21, 19, 0)
    assert sent_to(await sweep(bot), restarted)


async def test_a_time_later_today_still_reminds_today(bot: BotUnderTest) -> None:
    user = user_id("later-today")
    await onboard(bot, user, "บุคคลทั่วไป")
    at(bot, 20, 15, 0)
    chosen = await bot.say(user, "หกโมงเย็น")
    assert "18:00" in chosen.text and "พรุ่งนี้" not in chosen.text
    at(bot, 20, 18, 0)
    assert sent_to(await sweep(bot), user)


async def test_the_elderly_reminder_says_how_to_review_without_a_fourth_button(bot: BotUnderTest) -> None:
    user = user_id("elder-reviews")
    screen = await onboard(bot, user, "ผู้สูงอายุ")
    for _ in range(3):
        screen = await bot.tap(user, screen, "ต่อไป")
    await bot.say(user, "ถามลูก")  # right
    await bot.say(user, "ใช่")  # wrong: a review card; the module is not finished
    at(bot, 21, 19, 0)
    reminder = await sweep(bot)
    assert "บทต่อไป" in reminder.text and 'พิมพ์ "ทบทวน"' in reminder.text
    assert reminder.labels == ["เรียนต่อ", "พรุ่งนี้ค่อยเตือน", "หยุดเตือน"]
