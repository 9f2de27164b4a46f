"""Every request the bot sends in a full conversation matches LINE's OpenAPI description."""

from __future__ import annotations

import pytest

from bot.clock import FrozenClock
from bot.content import Content
from devkit.standin import LineStandIn
from tests import contract
from tests.harness import BotUnderTest, user_id
from tests.test_games import drill_bot

__all__ = ["drill_bot"]

pytestmark = pytest.mark.skipif(
    not contract.available(),
    reason=f"LINE's OpenAPI files are not beside the project ({contract.SPEC}); these tests need ../shared",
)


def test_the_checker_catches_a_broken_request() -> None:
    broken = {"replyToken": "t", "messages": [{"type": "text"}]}
    assert contract.problems("POST", "/v2/bot/message/reply", broken)


async def test_every_request_in_a_conversation_matches_the_spec(lite_bot: BotUnderTest) -> None:
    user = user_id("contract")
    screen = await lite_bot.follow(user)
    seen = list(screen.calls)
    for label in ("ยินยอม", "ผู้สูงอายุ", "เช้า 08:00", "ต่อไป", "อ่านอีกครั้ง", "ต่อไป", "ต่อไป"):
        screen = await lite_bot.tap(user, screen, label)
        seen += screen.calls
    for typed in ("2", "ไม่ใช่", "1", "ความคืบหน้า", "ทบทวน", "ช่วยด้วย", "เมนู"):
        screen = await lite_bot.say(user, typed)
        seen += screen.calls
    seen += (await lite_bot.sticker(user)).calls
    assert len(seen) >= 15
    kinds = {message["type"] for call in seen for message in call.messages}
    assert kinds == {"text", "flex"}
    for call in seen:
        assert contract.problems(call.method, call.path, call.body) == [], call.body


async def test_reminder_pushes_and_multicasts_match_the_spec(lite_bot: BotUnderTest) -> None:
    from tests.test_delivery import seed

    seed(lite_bot, 6)  # some reminders shared (multicast), some alone (push)
    await lite_bot.runtime.sweep_once()
    sent = lite_bot.line.take()
    assert {call.path for call in sent} == {"/v2/bot/message/push", "/v2/bot/message/multicast"}
    for call in sent:
        assert contract.problems(call.method, call.path, call.body) == [], call.body


async def test_family_link_requests_match_the_spec(lite_bot: BotUnderTest) -> None:
    """The family link's new shapes: a share (URI) quick reply, pushes to the other side, the weekly note,
    encouragement relayed, the code-word card with its share button."""
    from tests.test_family import drain, linked

    grandma, grandson, _ = await linked(lite_bot)  # invite (URI quick reply), ask and accept pushes
    seen = list((await lite_bot.say(grandma, "ชวนลูกหลาน")).calls)
    seen += (await lite_bot.say(grandma, "คำลับ")).calls
    pick = await lite_bot.say(grandson, "ส่งกำลังใจ")
    seen += pick.calls + (await lite_bot.tap(grandson, pick, "ภูมิใจในตัวคุณ")).calls
    seen += (await drain(lite_bot)).calls
    lite_bot.clock.advance(days=7)
    await lite_bot.services.family_notes_once()
    seen += lite_bot.line.take()
    paths = {call.path for call in seen}
    assert paths == {"/v2/bot/message/reply", "/v2/bot/message/push"}
    actions = {
        item["action"]["type"]
        for call in seen
        for m in call.messages
        for item in m.get("quickReply", {}).get("items", [])
    }
    assert actions == {"postback", "uri"}
    for call in seen:
        assert contract.problems(call.method, call.path, call.body) == [], call.body


async def test_certificate_requests_match_the_spec(
    sqlite_url: str, fixture_content: Content, line: LineStandIn, clock: FrozenClock
) -> None:
    """Certificates (issue 18): the name prompt's quick reply, then the image message with its text."""
    from tests.test_certificates import PUBLIC, finish_elderly_track

    bot = BotUnderTest(sqlite_url, fixture_content, line, clock, public_base_url=PUBLIC)
    await bot.start()
    try:
        user = user_id("contract-certificate")
        asked = await finish_elderly_track(bot, user)
        seen = list(asked.calls) + (await bot.sticker(user)).calls + (await bot.say(user, "ก" * 400)).calls
        issued = await bot.tap(user, asked, "ไม่ใส่ชื่อ")
        seen += issued.calls
    finally:
        await bot.stop()
    assert [message["type"] for message in issued.messages] == ["image", "text"]
    image = issued.messages[0]
    assert image["originalContentUrl"].startswith("https://") and image["previewImageUrl"].startswith(
        "https://"
    )
    for call in seen:
        assert contract.problems(call.method, call.path, call.body) == [], call.body


async def test_assignment_nudges_match_the_spec(lite_bot: BotUnderTest) -> None:
    """The trainer's one nudge: a multicast to the learners who have not done it, a push when one has not."""
    from tests.test_assignments import assign, join
    from tests.test_classes import teacher_with_class
    from tests.trainer_support import new_class

    headers, many = await teacher_with_class(lite_bot, "ป.5/1")
    one = await new_class(lite_bot, headers, "ป.5/2")
    for name in ("แอน", "บี"):
        await join(lite_bot, name, many["code"])
    await join(lite_bot, "ซี", one["code"])
    lite_bot.line.take()
    for classroom in (many, one):
        made = (await assign(lite_bot, headers, classroom["id"], "t-links")).json()
        url = f"/api/v1/classes/{classroom['id']}/assignments/{made['id']}/nudge"
        assert (await lite_bot.http.post(url, headers=headers)).json()["sent"] is True
    await lite_bot.services.announcements.settle()
    sent = lite_bot.line.take()
    assert sorted(call.path for call in sent) == ["/v2/bot/message/multicast", "/v2/bot/message/push"]
    for call in sent:
        assert contract.problems(call.method, call.path, call.body) == [], call.body


async def test_class_game_requests_match_the_spec(drill_bot: BotUnderTest) -> None:
    """A live class game's new shapes: question bubbles with postback buttons (quiz and drill), the team
    buttons, the result texts and the podium (textV2 with mentions), all as replies in a group."""
    from tests.test_games import TEACHER, answer_data, drill_game, say_in_group, tap_in_group

    screens, _ = await drill_game(drill_bot)  # drills, prepared in /admin; a learner on the podium
    team = await say_in_group(drill_bot, TEACHER, "เริ่มเกม ทีม 3")  # a mix: a quiz question first
    screens.append(team)
    await tap_in_group(
        drill_bot, user_id("contract-member"), answer_data(drill_bot, team.messages[2], right=True)
    )
    screens.append(await say_in_group(drill_bot, TEACHER, "ข้อต่อไป"))
    screens.append(await say_in_group(drill_bot, TEACHER, "จบเกม"))
    seen = [call for screen in screens for call in screen.calls]
    assert {call.path for call in seen} == {"/v2/bot/message/reply"}
    kinds = {message["type"] for call in seen for message in call.messages}
    assert kinds == {"text", "flex", "textV2"}
    for call in seen:
        assert contract.problems(call.method, call.path, call.body) == [], call.body
