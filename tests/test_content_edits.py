"""Editing content never breaks stored progress: progress refers to stable IDs, removed items are skipped."""

from __future__ import annotations

from dataclasses import replace

from bot.content import Content
from tests.harness import BotUnderTest, user_id
from tests.test_learning_loop import onboard


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
