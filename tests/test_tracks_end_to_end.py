"""Every track of the real curriculum can be finished in a conversation: all right, and all wrong."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest

from bot.clock import FrozenClock
from bot.content import Content
from devkit.standin import LineStandIn
from tests.harness import BotUnderTest, Reply, user_id

TRACK_LABELS = {"student": "นักเรียน", "elderly": "ผู้สูงอายุ", "general": "บุคคลทั่วไป"}


def answer_button(reply: Reply, content: Content, *, right: bool) -> dict:
    """The button for the right answer (or a wrong one) to the question on screen."""
    for action in reply.buttons:
        params = dict(parse_qsl(action.get("data", "")))
        if params.get("a") != "ans" or params.get("i") == "unsure":
            continue
        _, question = content.questions[params["q"]]
        if (int(params["i"]) == question.answer) == right:
            return action
    raise AssertionError(f"no answer button on screen: {reply.labels}")


def drill_button(reply: Reply, content: Content, *, right: bool) -> dict | None:
    """The verdict button that judges the drill on screen rightly (or wrongly), if a drill is on screen."""
    for action in reply.buttons:
        params = dict(parse_qsl(action.get("data", "")))
        if params.get("a") == "drill" and params.get("v") != "unsure":
            drill = content.drills.get(params["id"])
            assert drill is not None
            if (params["v"] == drill.verdict) == right:
                return action
    return None


async def finish_track(bot: BotUnderTest, content: Content, track_id: str, *, right: bool) -> list[str]:
    """Play the whole track (taking the placement check and every module's drills); return the module-end
    summaries the learner saw."""
    user = user_id(f"{track_id}-{right}")
    screen = await bot.tap(user, await bot.follow(user), "ยินยอม")
    screen = await bot.tap(user, screen, TRACK_LABELS[track_id])
    if track_id == "student":
        screen = await bot.tap(user, screen, "10 ปีขึ้นไป")
    screen = await bot.tap(user, screen, "เย็น 19:00")  # when to be reminded
    summaries: list[str] = []
    for _ in range(400):  # a generous bound, so a loop in the flow fails the test instead of hanging
        if "จบบท" in screen.text:
            summaries.append(screen.text)
            if "เรียนครบทุกบทแล้ว" in screen.text:
                return summaries
            screen = await bot.tap(user, screen, "เรียนต่อ")
        elif "ต่อไป" in screen.labels:
            screen = await bot.tap(user, screen, "ต่อไป")
        elif "ลองดูเลย" in screen.labels:  # the placement check
            screen = await bot.tap(user, screen, "ลองดูเลย")
        elif (judged := drill_button(screen, content, right=right)) is not None:
            screen = await bot.press(user, judged)
            assert len(screen.messages) <= 4
        else:
            screen = await bot.press(user, answer_button(screen, content, right=right))
            verdict = screen.texts[0]
            assert verdict.startswith("✅" if right else "❌"), verdict
            assert len(screen.messages) <= 3
    raise AssertionError("the track never ended")


@pytest.mark.parametrize("track_id", sorted(TRACK_LABELS))
@pytest.mark.parametrize("right", [True, False], ids=["all-right", "all-wrong"])
async def test_track_can_be_finished(
    track_id: str, right: bool, sqlite_url: str, real_content: Content, line: LineStandIn, clock: FrozenClock
) -> None:
    bot = BotUnderTest(sqlite_url, real_content, line, clock)
    await bot.start()
    try:
        summaries = await finish_track(bot, real_content, track_id, right=right)
    finally:
        await bot.stop()
    track = real_content.tracks[track_id]
    assert len(summaries) == len(track.modules)
    assert "จับโกงเก่งขึ้นแค่ไหน" in summaries[-1]  # the final check is offered at the track's end
    for summary, module_id in zip(summaries, track.modules, strict=True):
        lesson = real_content.lessons[module_id]
        total = len(lesson.questions)
        assert f"ตอบถูก {total if right else 0} จาก {total} ข้อ" in summary
        assert lesson.module.title in summary
        if not right:
            assert "ทบทวน" in summary  # the wrong answers are offered for review
