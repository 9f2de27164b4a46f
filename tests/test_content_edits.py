"""Editing content never breaks stored progress: progress refers to stable IDs, removed items are skipped."""

from __future__ import annotations

from dataclasses import replace

from bot.content import Content, Option, Question
from bot.storage.models import Attempt, ReviewCard
from bot.voice.texts import STALE_ANSWER
from tests.harness import BotUnderTest, user_id
from tests.test_learning_loop import onboard, rows


def without_module(content: Content, module_id: str) -> Content:
    """The same content with one module taken out of every track and out of the lessons."""
    tracks = {
        track_id: track.model_copy(update={"modules": [m for m in track.modules if m != module_id]})
        for track_id, track in content.tracks.items()
    }
    lessons = {lesson_id: lesson for lesson_id, lesson in content.lessons.items() if lesson_id != module_id}
    questions = {qid: pair for qid, pair in content.questions.items() if pair[0].id != module_id}
    return replace(content, tracks=tracks, lessons=lessons, questions=questions)


async def test_a_module_removed_mid_lesson_moves_the_learner_to_the_next_one(bot: BotUnderTest) -> None:
    user = user_id("mid-module")
    screen = await onboard(bot, user, "บุคคลทั่วไป")
    await bot.tap(user, screen, "ต่อไป")
    await bot.say(user, "ต่อไป")
    await bot.say(user, "1")  # a wrong answer, now waiting for review
    bot.content = without_module(bot.content, "t-habit")
    await bot.restart()
    resumed = await bot.say(user, "เรียนต่อ")
    assert "บทที่ 1: ลิงก์ปลอม" in resumed.text
    progress = await bot.say(user, "ความคืบหน้า")
    assert "เรียนจบ 0 จาก 1 บท" in progress.text and "รอทบทวน" not in progress.text
    review = await bot.say(user, "ทบทวน")
    assert "มีคนโทรมาบอกว่าเราเป็นหนี้" not in review.text  # a removed question is never asked


async def test_a_track_removed_asks_the_learner_to_choose_again(bot: BotUnderTest) -> None:
    user = user_id("lost-track")
    await onboard(bot, user, "ผู้สูงอายุ")
    tracks = {key: value for key, value in bot.content.tracks.items() if key != "elderly"}
    bot.content = replace(bot.content, tracks=tracks)
    await bot.restart()
    reply = await bot.say(user, "เรียนต่อ")
    assert set(reply.labels) >= {"นักเรียน", "บุคคลทั่วไป"} and "ผู้สูงอายุ" not in reply.labels


def with_question_replaced(content: Content, old_id: str, new: Question) -> Content:
    """The content with one question swapped in place for a new one with a new ID (its meaning changed)."""
    lesson, _ = content.questions[old_id]
    questions = tuple(new if question.id == old_id else question for question in lesson.questions)
    changed = replace(lesson, questions=questions)
    lessons = {**content.lessons, lesson.id: changed}
    pairs = {
        qid: (changed if owner.id == lesson.id else owner, question)
        for qid, (owner, question) in content.questions.items()
        if qid != old_id
    }
    pairs[new.id] = (changed, new)
    return replace(content, lessons=lessons, questions=pairs)


NEW_QUESTION = Question(
    id="t-habit-q9",
    prompt="เราขอรหัส OTP ในแอปธนาคารเอง แล้ว SMS รหัสเข้ามา ควรทำอย่างไร",
    options=[Option(text="ใส่ในแอปที่เปิดเองได้เลย", label="ใส่ได้เลย", correct=True), Option(text="ส่งให้เพื่อนดู")],
    explanation="เราขอเองในแอปที่เปิดเอง ใส่ได้ค่ะ",
    skill="cybersecurity",
    go_ahead=True,
)


async def test_a_question_replaced_mid_module_is_asked_in_its_place(bot: BotUnderTest) -> None:
    user = user_id("replaced-mid-module")
    screen = await onboard(bot, user, "บุคคลทั่วไป")
    await bot.tap(user, screen, "ต่อไป")
    question = await bot.say(user, "ต่อไป")
    assert "มีคนโทรมาบอกว่าเราเป็นหนี้" in question.text  # t-habit-q1 on screen
    bot.content = with_question_replaced(bot.content, "t-habit-q1", NEW_QUESTION)
    await bot.restart()
    stale = await bot.tap(user, question, "วางสายแล้วโทรถาม")  # the old question's button
    assert stale.texts[0] == STALE_ANSWER and "เราขอรหัส OTP ในแอปธนาคารเอง" in stale.text
    right = await bot.tap(user, stale, "ใส่ได้เลย")
    assert right.texts[0].startswith("✅")
    await bot.say(user, "ไม่จริง")
    done = await bot.say(user, "ไม่เชื่อ ไม่รีบ ไม่โอน")
    assert "ตอบถูก 3 จาก 3 ข้อ" in done.text  # nothing lost, nothing counted twice
    assert [a.question_id for a in rows(bot, Attempt)] == ["t-habit-q9", "t-habit-q2", "t-habit-q3"]


async def test_a_review_item_whose_question_was_replaced_is_skipped(bot: BotUnderTest) -> None:
    user = user_id("replaced-in-review")
    screen = await onboard(bot, user, "บุคคลทั่วไป")
    await bot.tap(user, screen, "ต่อไป")
    await bot.say(user, "ต่อไป")
    await bot.say(user, "1")  # wrong: t-habit-q1 waits for review
    for answer in ("ไม่จริง", "ไม่เชื่อ ไม่รีบ ไม่โอน"):
        await bot.say(user, answer)
    assert [card.question_id for card in rows(bot, ReviewCard)] == ["t-habit-q1"]
    bot.content = with_question_replaced(bot.content, "t-habit-q1", NEW_QUESTION)
    await bot.restart()
    bot.clock.advance(days=1)
    review = await bot.say(user, "ทบทวน")
    assert "มีคนโทรมาบอกว่าเราเป็นหนี้" not in review.text and "เราขอรหัส OTP" not in review.text
    progress = await bot.say(user, "ความคืบหน้า")
    assert "เรียนจบ 1 จาก 2 บท" in progress.text and "รอทบทวน" not in progress.text


async def test_a_review_round_whose_question_was_removed_returns_to_the_module(bot: BotUnderTest) -> None:
    user = user_id("removed-during-review")
    screen = await onboard(bot, user, "บุคคลทั่วไป")
    await bot.tap(user, screen, "ต่อไป")
    await bot.say(user, "ต่อไป")
    await bot.say(user, "1")  # wrong: t-habit-q1 waits for review
    await bot.say(user, "ไม่จริง")  # now on t-habit-q3, the module half done
    bot.clock.advance(days=1)
    review = await bot.say(user, "ทบทวน")
    assert "มีคนโทรมาบอกว่าเราเป็นหนี้" in review.text  # the review question is on screen
    bot.content = with_question_replaced(bot.content, "t-habit-q1", NEW_QUESTION)
    await bot.restart()
    back = await bot.say(user, "2")  # an answer to a question that no longer exists
    assert "คาถากันโกงคือข้อใด" in back.text  # back at t-habit-q3, where the learner left the module
    done = await bot.say(user, "ไม่เชื่อ ไม่รีบ ไม่โอน")
    # q1 wrong, q2 right, q3 right; the "2" typed at the vanished review question counts for nothing.
    assert "ตอบถูก 2 จาก 3 ข้อ" in done.text
