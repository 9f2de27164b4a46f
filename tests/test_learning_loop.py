"""Conversations: a learner from follow to the end of a module, with buttons and with typed answers.

Every test runs on SQLite and on PostgreSQL (the `bot` fixture), through the real webhook and the real SDK
talking to the LINE stand-in.
"""

from __future__ import annotations

from sqlmodel import Session, select

from bot.storage.db import make_engine
from bot.storage.models import Attempt, Learner, ModuleResult, Phase
from tests.harness import BotUnderTest, Reply, event, user_id


async def onboard(bot: BotUnderTest, user: str, track: str, reminder: str = "เย็น 19:00") -> Reply:
    """Follow, agree to the privacy notice, pick a track (students: pass the age check), pick a time."""
    welcome = await bot.follow(user)
    agreed = await bot.tap(user, welcome, "ยินยอม")
    chosen = await bot.tap(user, agreed, track)
    if track == "นักเรียน":
        chosen = await bot.tap(user, chosen, "10 ปีขึ้นไป")
    return await bot.tap(user, chosen, reminder)


def learner(bot: BotUnderTest, user: str) -> Learner | None:
    engine = make_engine(bot.settings().sqlalchemy_url)
    try:
        with Session(engine) as session:
            return session.exec(select(Learner).where(Learner.line_user_id == user)).first()
    finally:
        engine.dispose()


def rows(bot: BotUnderTest, model: type) -> list:
    engine = make_engine(bot.settings().sqlalchemy_url)
    try:
        with Session(engine) as session:
            return list(session.exec(select(model)))
    finally:
        engine.dispose()


async def test_follow_gets_welcome_privacy_notice_and_consent_buttons(bot: BotUnderTest) -> None:
    reply = await bot.follow(user_id("somchai"))
    assert len(reply.calls) == 1 and reply.calls[0].path == "/v2/bot/message/reply"
    assert "ยินดีต้อนรับ" in reply.texts[0]
    assert "ลบข้อมูลของฉัน" in reply.texts[1]  # says how to delete
    assert reply.labels == ["ยินยอม", "ไม่ยินยอม"]
    stored = learner(bot, user_id("somchai"))
    assert stored is not None and stored.consented_at is None and stored.track_id is None


async def test_declining_consent_stores_nothing_more_and_can_start_later(bot: BotUnderTest) -> None:
    user = user_id("declines")
    declined = await bot.tap(user, await bot.follow(user), "ไม่ยินยอม")
    assert "ไม่เก็บข้อมูล" in declined.text and "1441" in declined.text
    assert learner(bot, user).phase is Phase.DECLINED
    again = await bot.say(user, "เริ่ม")
    assert again.labels == ["ยินยอม", "ไม่ยินยอม"]


async def test_general_learner_finishes_a_module_with_buttons(bot: BotUnderTest) -> None:
    user = user_id("general-buttons")
    screen = await onboard(bot, user, "บุคคลทั่วไป")
    assert "บทที่ 1: หยุด คิด ถาม ทำ" in screen.text
    screen = await bot.tap(user, screen, "ต่อไป")
    assert "อย่าบอกรหัส" in screen.text
    screen = await bot.tap(user, screen, "ต่อไป")
    assert "คำถาม 1/3" in screen.text
    screen = await bot.tap(user, screen, "วางสายแล้วโทรถาม")
    assert screen.texts[0].startswith("✅ ถูกต้อง") and "หยุดก่อน" in screen.texts[0]
    screen = await bot.tap(user, screen, "ไม่จริง")
    assert screen.texts[0].startswith("✅")
    screen = await bot.tap(user, screen, "เชื่อ รีบ โอน")
    assert screen.texts[0].startswith("❌") and "ไม่เชื่อ ไม่รีบ ไม่โอน" in screen.texts[0]
    assert "ตอบถูก 2 จาก 3 ข้อ" in screen.text and "บทต่อไป: ลิงก์ปลอม" in screen.text
    assert "เรียนต่อ" in screen.labels
    results = rows(bot, ModuleResult)
    assert [(r.module_id, r.correct, r.total) for r in results] == [("t-habit", 2, 3)]
    assert [learner.finished_modules for learner in rows(bot, Learner)] == ["t-habit"]  # the sweep's copy
    screen = await bot.tap(user, screen, "เรียนต่อ")
    assert "บทที่ 2: ลิงก์ปลอม" in screen.text


async def test_student_finishes_a_module_by_typing_answers(bot: BotUnderTest) -> None:
    user = user_id("student-typing")
    screen = await onboard(bot, user, "นักเรียน")
    await bot.say(user, "ต่อไป")
    screen = await bot.say(user, "ต่อไปค่ะ")
    assert "คำถาม 1/3" in screen.text
    screen = await bot.say(user, "ข้อ ๒ ค่ะ")  # Thai digit, lead-in and particle
    assert screen.texts[0].startswith("✅")
    screen = await bot.say(user, "ไม่จริงครับ")
    assert screen.texts[0].startswith("✅")
    screen = await bot.say(user, "ข")
    assert screen.texts[0].startswith("✅")
    assert "ตอบถูก 3 จาก 3 ข้อ" in screen.text and "ทุกข้อ" in screen.text


async def test_elderly_learner_gets_large_cards_read_again_and_few_messages(bot: BotUnderTest) -> None:
    user = user_id("grandma")
    screen = await onboard(bot, user, "ผู้สูงอายุ")
    card = screen.messages[-1]
    assert card["type"] == "flex" and card["contents"]["body"]["contents"][1]["size"] == "xl"
    assert "อ่านอีกครั้ง" in screen.labels
    again = await bot.tap(user, screen, "อ่านอีกครั้ง")
    assert again.messages[0]["altText"] == card["altText"]
    screen = await bot.tap(user, again, "ต่อไป")
    screen = await bot.tap(user, screen, "ต่อไป")
    screen = await bot.tap(user, screen, "ต่อไป")
    assert "ตำรวจโทรมาให้โอนเงิน" in screen.text
    assert len([label for label in screen.labels if label not in ("ไม่แน่ใจ", "อ่านอีกครั้ง")]) <= 3
    for answer in ("ถามลูก", "ไม่ใช่", "2"):  # an alias, yes/no words, a digit
        screen = await bot.say(user, answer)
        assert len(screen.messages) <= 3
        assert screen.texts[0].startswith("✅"), screen.text
    assert "หยุด คิด ถาม ทำ" in screen.text


async def test_unsure_answer_shows_the_answer_and_goes_to_review(bot: BotUnderTest) -> None:
    user = user_id("unsure")
    screen = await onboard(bot, user, "บุคคลทั่วไป")
    await bot.tap(user, screen, "ต่อไป")
    screen = await bot.say(user, "ต่อไป")
    screen = await bot.say(user, "ไม่แน่ใจค่ะ")
    assert "ไม่เป็นไร" in screen.texts[0] and "วางสาย แล้วโทรถามธนาคารเอง" in screen.texts[0]
    attempts = rows(bot, Attempt)
    assert [(a.question_id, a.choice, a.correct) for a in attempts] == [("t-habit-q1", -1, False)]


async def test_greeting_during_a_question_is_not_scored(bot: BotUnderTest) -> None:
    user = user_id("greets")
    screen = await onboard(bot, user, "บุคคลทั่วไป")
    await bot.tap(user, screen, "ต่อไป")
    await bot.say(user, "ต่อไป")
    screen = await bot.say(user, "สวัสดีค่ะ")
    assert "กดเลือกคำตอบ" in screen.texts[0]
    assert "วางสายแล้วโทรถาม" in screen.labels
    assert rows(bot, Attempt) == []


async def test_ambiguous_answer_asks_which_one(bot: BotUnderTest) -> None:
    user = user_id("ambiguous")
    screen = await onboard(bot, user, "บุคคลทั่วไป")
    await bot.tap(user, screen, "ต่อไป")
    await bot.say(user, "ต่อไป")
    screen = await bot.say(user, "ข้อ 1 หรือ 2 คะ")
    assert "ข้อไหน" in screen.texts[0]
    assert screen.labels[:3] == ["โอนเงินทันที", "วางสายแล้วโทรถาม", "บอกเลขบัญชีไป"]
    assert rows(bot, Attempt) == []


async def test_sticker_during_a_question_gets_a_kind_word_and_the_choices(bot: BotUnderTest) -> None:
    user = user_id("sticker")
    screen = await onboard(bot, user, "บุคคลทั่วไป")
    await bot.tap(user, screen, "ต่อไป")
    await bot.say(user, "ต่อไป")
    screen = await bot.sticker(user)
    assert "ตอบคำถาม" in screen.texts[0]
    assert "วางสายแล้วโทรถาม" in screen.labels
    assert rows(bot, Attempt) == []


async def test_pressing_an_old_answer_button_again_is_not_scored_twice(bot: BotUnderTest) -> None:
    user = user_id("double-tap")
    screen = await onboard(bot, user, "บุคคลทั่วไป")
    await bot.tap(user, screen, "ต่อไป")
    question = await bot.say(user, "ต่อไป")
    await bot.tap(user, question, "วางสายแล้วโทรถาม")
    stale = await bot.tap(user, question, "วางสายแล้วโทรถาม")
    assert "ตอบไปแล้ว" in stale.texts[0] and "ธนาคารส่ง SMS" in stale.text
    assert len(rows(bot, Attempt)) == 1


async def test_review_brings_back_missed_questions_once(bot: BotUnderTest) -> None:
    user = user_id("reviewer")
    screen = await onboard(bot, user, "บุคคลทั่วไป")
    await bot.tap(user, screen, "ต่อไป")
    await bot.say(user, "ต่อไป")
    await bot.say(user, "1")  # wrong
    await bot.say(user, "จริง")  # wrong
    done = await bot.say(user, "ไม่เชื่อ ไม่รีบ ไม่โอน")  # right, by the option's words
    assert "ตอบถูก 1 จาก 3 ข้อ" in done.text and "ทบทวนอีกครั้งพรุ่งนี้" in done.text
    too_soon = await bot.tap(user, done, "ทบทวน")  # spaced review: not minutes after the mistake
    assert "พรุ่งนี้" in too_soon.text
    bot.clock.advance(days=1)
    review = await bot.tap(user, too_soon, "ทบทวน")
    assert "2 ข้อ" in review.texts[0] and "มีคนโทรมาบอกว่าเราเป็นหนี้" in review.text
    second = await bot.say(user, "วางสาย")  # alias of the right answer
    assert second.texts[0].startswith("✅") and "ธนาคารส่ง SMS" in second.text
    finished = await bot.say(user, "จริง")  # wrong again: it stays for next time, but this round ends
    assert finished.texts[0].startswith("❌") and "ทบทวนครบแล้ว" in finished.text
    progress = await bot.say(user, "ความคืบหน้า")
    assert "รอทบทวน 1 ข้อ" in progress.text and "เรียนจบ 1 จาก 2 บท" in progress.text
    assert progress.messages[0]["type"] == "flex"


async def test_progress_card_shows_modules_and_next_step(bot: BotUnderTest) -> None:
    user = user_id("progress")
    await onboard(bot, user, "บุคคลทั่วไป")
    card = await bot.say(user, "ความคืบหน้าา")  # elongated typing
    assert card.messages[0]["type"] == "flex"
    assert "เรียนจบ 0 จาก 2 บท" in card.text and "บทต่อไป: หยุด คิด ถาม ทำ" in card.text


async def test_help_lists_the_real_hotlines(bot: BotUnderTest) -> None:
    user = user_id("help")
    await onboard(bot, user, "บุคคลทั่วไป")
    reply = await bot.say(user, "ช่วยด้วย")
    assert "1441" in reply.text and "1212" in reply.text and "thaipoliceonline.com" in reply.text


async def test_unknown_text_gets_a_kind_reply_with_the_menu(bot: BotUnderTest) -> None:
    user = user_id("chatty")
    await onboard(bot, user, "บุคคลทั่วไป")
    await bot.say(user, "เมนู")
    reply = await bot.say(user, "วันนี้ฝนตกไหม")
    assert "ยังไม่เข้าใจ" in reply.text and reply.labels


async def test_typo_commands_still_work(bot: BotUnderTest) -> None:
    user = user_id("typos")
    await onboard(bot, user, "บุคคลทั่วไป")
    menu = await bot.say(user, "เมนุ")
    assert menu.labels[:3] == ["เรียนต่อ", "ความคืบหน้า", "ทบทวน"]
    resumed = await bot.say(user, "เรียนต่ออ")
    assert "หยุดก่อน" in resumed.text or "มิจฉาชีพ" in resumed.text


async def test_child_under_ten_needs_a_parent_to_agree(bot: BotUnderTest) -> None:
    user = user_id("young")
    agreed = await bot.tap(user, await bot.follow(user), "ยินยอม")
    age = await bot.tap(user, agreed, "นักเรียน")
    parent = await bot.tap(user, age, "ต่ำกว่า 10 ปี")
    assert "ผู้ปกครอง" in parent.text and parent.labels == ["ผู้ปกครองยินยอม"]
    waiting = await bot.say(user, "เรียนต่อ")
    assert "ผู้ปกครอง" in waiting.text
    asked = await bot.tap(user, parent, "ผู้ปกครองยินยอม")
    started = await bot.tap(user, asked, "เย็น 19:00")
    assert "บทที่ 1" in started.text
    assert learner(bot, user).parental_consent is True


async def test_unfollow_marks_inactive_and_refollow_resumes(bot: BotUnderTest) -> None:
    user = user_id("leaver")
    screen = await onboard(bot, user, "บุคคลทั่วไป")
    await bot.tap(user, screen, "ต่อไป")
    gone = await bot.unfollow(user)
    assert gone.calls == []
    assert learner(bot, user).following is False
    back = await bot.send(event("follow", user, follow={"isUnblocked": True}))
    assert "ยินดีต้อนรับกลับมา" in back.texts[0] and "อย่าบอกรหัส" in back.text
    assert learner(bot, user).following is True


async def test_delete_my_data_after_confirmation_erases_everything(bot: BotUnderTest) -> None:
    user = user_id("forget-me")
    screen = await onboard(bot, user, "บุคคลทั่วไป")
    await bot.tap(user, screen, "ต่อไป")
    await bot.say(user, "ต่อไป")
    await bot.say(user, "1")
    ask = await bot.say(user, "ลบข้อมูลของฉัน")
    assert ask.labels == ["ลบเลย", "ไม่ลบ"]
    assert learner(bot, user) is not None
    done = await bot.tap(user, ask, "ลบเลย")
    assert "ลบข้อมูลของคุณเรียบร้อยแล้ว" in done.text
    assert learner(bot, user) is None
    assert rows(bot, Attempt) == [] and rows(bot, ModuleResult) == []
    fresh = await bot.say(user, "สวัสดี")
    assert fresh.labels == ["ยินยอม", "ไม่ยินยอม"]


async def test_delete_can_be_cancelled(bot: BotUnderTest) -> None:
    user = user_id("keeps")
    await onboard(bot, user, "บุคคลทั่วไป")
    await bot.say(user, "ลบข้อมูล")
    kept = await bot.say(user, "ไม่")
    assert "ข้อมูลยังอยู่ครบ" in kept.text
    assert learner(bot, user).phase is Phase.CARD


async def test_restart_in_the_middle_of_a_module_resumes_exactly(bot: BotUnderTest) -> None:
    user = user_id("restart")
    screen = await onboard(bot, user, "บุคคลทั่วไป")
    await bot.tap(user, screen, "ต่อไป")
    await bot.say(user, "ต่อไป")
    await bot.say(user, "2")
    await bot.restart()
    resumed = await bot.say(user, "เรียนต่อ")
    assert "คำถาม 2/3" in resumed.text and "ธนาคารส่ง SMS" in resumed.text
    finished = await bot.say(user, "ไม่จริง")
    assert finished.texts[0].startswith("✅")


async def test_an_answer_typed_while_reading_a_card_gets_a_pointer_to_the_next_button(
    bot: BotUnderTest,
) -> None:
    user = user_id("eager")
    card = await onboard(bot, user, "บุคคลทั่วไป")
    assert "บทที่ 1" in card.text
    early = await bot.say(user, "ข")
    assert "กำลังอ่านบทเรียน" in early.text and "ยังไม่เข้าใจ" not in early.text
    assert "ต่อไป" in early.labels
    assert "อย่าบอกรหัส" in (await bot.tap(user, early, "ต่อไป")).text  # the lesson goes on from there
