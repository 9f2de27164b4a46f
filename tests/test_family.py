"""The family around the learner (issue 16 section 3), in conversation: a learner invites a trusted person,
the relative types the code, the learner accepts; weekly notes, encouragement, ending the link from either
side, erasure, blocking, wrong and expired codes, sharing and the family code-word card.

Every conversation runs on SQLite and on PostgreSQL (the `bot` fixture), through the real webhook, the real
outbox and the LINE stand-in. Pushes to the other side of a link go through the outbox: `drain` sends them.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from bot.clock import FrozenClock
from bot.content import Content
from bot.flow import family
from bot.learning import family as rules
from bot.storage.models import FamilyLink, Learner, LinkStatus, Outbox
from bot.storage.trainers import CodeFailure
from bot.voice import family as f
from devkit.standin import LineStandIn
from tests.harness import BotUnderTest, Reply, postback_event, user_id
from tests.test_learning_loop import learner, onboard, rows

SHARE = "https://line.me/R/share?text="


async def drain(bot: BotUnderTest) -> Reply:
    """Send the pushes waiting in the outbox (the recovery job does it every few seconds when running)."""
    bot.line.take()
    await bot.runtime.drain()
    return Reply(bot.line.take())


def code_of(reply: Reply) -> str:
    found = re.search(r"รหัสของคุณคือ ([0-9A-Z]{6})", reply.text)
    assert found, reply.text
    return found.group(1)


def pushed_to(reply: Reply, user: str) -> list[dict[str, Any]]:
    calls = [call for call in reply.calls if call.path == "/v2/bot/message/push" and call.body["to"] == user]
    return [message for call in calls for message in call.messages]


def link_rows(bot: BotUnderTest) -> list[FamilyLink]:
    return rows(bot, FamilyLink)


async def linked(bot: BotUnderTest, name: str = "ยาย", relative_name: str = "หลาน") -> tuple[str, str, str]:
    """A learner, a relative who is no learner, and an accepted link: (learner, relative, code)."""
    grandma, grandson = user_id(name), user_id(relative_name)
    await onboard(bot, grandma, "บุคคลทั่วไป")
    code = code_of(await bot.say(grandma, "ชวนลูกหลาน"))
    await bot.say(grandson, f"รหัส {code}")
    asked = await drain(bot)
    assert pushed_to(asked, grandma)
    accepted = await bot.say(grandma, "ยอมรับ")
    assert "เชื่อมต่อกับลูกหลานแล้ว" in accepted.text
    await drain(bot)
    return grandma, grandson, code


async def test_invite_code_accept_and_the_relative_is_told(bot: BotUnderTest) -> None:
    grandma, grandson = user_id("grandma"), user_id("grandson")
    await onboard(bot, grandma, "บุคคลทั่วไป")
    invited = await bot.say(grandma, "ชวนลูกหลาน")
    code = code_of(invited)
    share = invited.button(f.INVITE_SHARE_LABEL)
    assert share["type"] == "uri" and share["uri"].startswith(SHARE) and len(share["uri"]) <= 1000
    shared = unquote(share["uri"][len(SHARE) :])
    assert f"รหัส {code}" in shared and 'LINE "รู้ทัน"' in shared

    # The relative follows the bot (a learner row in CONSENT, as for anyone) and types the code.
    welcome = await bot.follow(grandson)
    assert welcome.labels == ["ยินยอม", "ไม่ยินยอม"]
    waiting = await bot.say(grandson, f"รหัส {code.lower()} ครับ")
    assert "รอคนที่ชวนคุณกดยอมรับ" in waiting.text
    assert f.RELATIVE_CONSENT in waiting.text  # they consent to notes, in one sentence
    relative_row = learner(bot, grandson)
    assert relative_row is not None and relative_row.consented_at is None  # not made a learner by it

    asked = await drain(bot)
    [question] = pushed_to(asked, grandma)
    assert f"รหัส {code}" in question["text"] and "ไม่ส่งคำตอบ" in question["text"]
    assert "จำนวนบทที่เรียนจบ" in question["text"] and "เลิกเชื่อมต่อ" in question["text"]
    labels = [item["action"]["label"] for item in question["quickReply"]["items"]]
    assert labels == ["ยอมรับ", "ไม่ยอมรับ"]
    [link] = link_rows(bot)
    assert link.status is LinkStatus.ASKED and link.relative_user_id == grandson

    accepted = await bot.send(postback_event(grandma, question["quickReply"]["items"][0]["action"]["data"]))
    assert "เชื่อมต่อกับลูกหลานแล้ว" in accepted.text
    told = await drain(bot)
    [note] = pushed_to(told, grandson)
    assert "กดยอมรับแล้ว" in note["text"]
    assert [item["action"]["label"] for item in note["quickReply"]["items"]] == [
        label for label, _ in f.CHEERS
    ]
    [link] = link_rows(bot)
    assert link.status is LinkStatus.ACTIVE and link.accepted_at is not None

    # Single use: the code opens nothing any more.
    again = await bot.say(user_id("stranger"), code)
    assert f"ไม่พบรหัส {code}" in again.text


async def test_with_the_bots_line_id_the_invitation_opens_the_chat_with_the_code_ready(
    sqlite_url: str, fixture_content: Content, line: LineStandIn, clock: FrozenClock
) -> None:
    """LINE_BOT_BASIC_ID set: the shared invitation holds an add-friend link and a link that opens the bot's
    chat with "รหัส <code>" typed, so the relative taps twice instead of searching and typing."""
    bot = BotUnderTest(sqlite_url, fixture_content, line, clock, line_bot_basic_id="@ruthan")
    await bot.start()
    try:
        grandma = user_id("grandma-links")
        await onboard(bot, grandma, "บุคคลทั่วไป")
        invited = await bot.say(grandma, "ชวนลูกหลาน")
        code = code_of(invited)
        share = invited.button(f.INVITE_SHARE_LABEL)
        assert share["uri"].startswith(SHARE) and len(share["uri"]) <= 1000
        shared = unquote(share["uri"][len(SHARE) :])
        assert "https://line.me/R/ti/p/%40ruthan" in shared and shared.endswith(
            f"(รหัส {code})"
        )  # nothing cut
        [chat] = re.findall(r"https://line\.me/R/oaMessage/%40ruthan/\?(\S+)", shared)
        assert unquote(chat) == code  # what the relative's chat opens with, ready to send
        waiting = await bot.say(user_id("grandson-links"), unquote(chat))
        assert "รอคนที่ชวนคุณกดยอมรับ" in waiting.text
    finally:
        await bot.stop()


async def test_a_relative_who_never_followed_gets_no_learner_row(bot: BotUnderTest) -> None:
    grandma, grandson, _ = await linked(bot, "ป้า", "หลานชาย")
    assert learner(bot, grandson) is None
    assert [row.line_user_id for row in rows(bot, Learner)] == [grandma]


async def test_declining_tells_the_relative_and_forgets_them(bot: BotUnderTest) -> None:
    grandma, grandson = user_id("declines"), user_id("hopeful")
    await onboard(bot, grandma, "ผู้สูงอายุ")
    code = code_of(await bot.say(grandma, "ชวนลูกหลาน"))
    await bot.say(grandson, code)
    [question] = pushed_to(await drain(bot), grandma)
    assert question["type"] == "flex" and "ไม่ส่งคำตอบ" in question["altText"]  # large type for the elderly
    assert [item["action"]["label"] for item in question["quickReply"]["items"]] == ["ยอมรับ", "ไม่ยอมรับ"]
    declined = await bot.say(grandma, "ไม่ยอมรับ")
    assert "ไม่เชื่อมต่อ" in declined.text
    told = await drain(bot)
    assert "ไม่สำเร็จ" in pushed_to(told, grandson)[0]["text"]
    [link] = link_rows(bot)
    assert link.status is LinkStatus.ENDED and link.relative_user_id is None


async def test_weekly_note_counts_what_was_learned_and_nothing_said(bot: BotUnderTest) -> None:
    grandma, grandson, code = await linked(bot)
    screen = await bot.say(grandma, "ต่อไป")
    screen = await bot.say(grandma, "ต่อไป")
    assert "คำถาม 1/3" in screen.text
    for answer in ("วางสายแล้วโทรถาม", "ไม่จริง", "เชื่อ รีบ โอน"):
        screen = await bot.say(grandma, answer)
    assert "ตอบถูก 2 จาก 3 ข้อ" in screen.text
    practice = await bot.say(grandma, "ฝึก")
    assert "ฝึก 1/3" in practice.text
    await bot.say(grandma, "วางสาย แล้วโทรถามธนาคารเอง")  # one practised question
    await bot.say(grandma, "ขอเงินด่วนจากหลานโทรมา 0812345678")  # something typed: never in a note

    assert await bot.services.family_notes_once() == 0  # not a week yet
    bot.clock.advance(days=7)
    assert await bot.services.family_notes_once() == 1
    [call] = [call for call in bot.line.take() if call.body.get("to") == grandson]
    assert call.path == "/v2/bot/message/push" and len(call.messages) == 1
    note = call.messages[0]["text"]
    assert f"รหัส {code}" in note and "เรียนจบ 1 บท: หยุด คิด ถาม ทำ" in note and "ฝึกทบทวน 1 ข้อ" in note
    for private in ("วางสาย", "ไม่จริง", "เชื่อ รีบ โอน", "0812345678", "ขอเงินด่วน", "2 จาก 3"):
        assert private not in note
    [row] = [row for row in rows(bot, Outbox) if row.messages[0]["text"] == note]
    assert row.purpose == "family" and call.headers["X-Line-Retry-Key"] == row.retry_key

    assert await bot.services.family_notes_once() == 0  # one a week, however often the job runs
    bot.clock.advance(days=7)
    assert await bot.services.family_notes_once() == 1
    quiet = [m for call in bot.line.take() for m in call.messages]
    assert "ยังไม่ได้เรียนบทใหม่" in quiet[0]["text"]


async def test_notes_wait_for_a_decent_hour(bot: BotUnderTest) -> None:
    await linked(bot)
    bot.clock.advance(days=7, hours=13)  # 23:00 in Bangkok
    assert await bot.services.family_notes_once() == 0
    bot.clock.advance(hours=10)  # 09:00
    assert await bot.services.family_notes_once() == 1


async def test_encouragement_is_relayed_once_a_day(bot: BotUnderTest) -> None:
    grandma, grandson, _ = await linked(bot)
    pick = await bot.say(grandson, "ส่งกำลังใจ")
    assert pick.labels == [label for label, _ in f.CHEERS]
    sent = await bot.tap(grandson, pick, f.CHEERS[2][0])
    assert "ส่งกำลังใจแล้ว" in sent.text
    relayed = await drain(bot)
    [words] = pushed_to(relayed, grandma)
    assert "ลูกหลานของคุณส่งกำลังใจมา" in words["text"] and f.CHEERS[2][1] in words["text"]
    again = await bot.tap(grandson, pick, f.CHEERS[0][0])
    assert "พรุ่งนี้ส่งได้อีก" in again.text
    assert pushed_to(await drain(bot), grandma) == []
    bot.clock.advance(days=1)
    await bot.tap(grandson, pick, f.CHEERS[0][0])
    assert f.CHEERS[0][1] in pushed_to(await drain(bot), grandma)[0]["text"]


async def test_the_relative_ends_the_link_and_the_learner_is_told(bot: BotUnderTest) -> None:
    grandma, grandson, code = await linked(bot)
    ended = await bot.say(grandson, "เลิกเชื่อมต่อ")
    assert f"เลิกเชื่อมต่อแล้วค่ะ (รหัส {code})" in ended.text
    told = await drain(bot)
    assert "เลิกรับบันทึกแล้ว" in pushed_to(told, grandma)[0]["text"]
    assert [(link.status, link.relative_user_id) for link in link_rows(bot)] == [(LinkStatus.ENDED, None)]
    bot.clock.advance(days=8)
    assert await bot.services.family_notes_once() == 0
    cheer = await bot.say(grandson, "ส่งกำลังใจ")  # no link left: read like anyone's first message
    assert cheer.labels == ["ยินยอม", "ไม่ยินยอม"] and pushed_to(await drain(bot), grandma) == []


async def test_the_learner_ends_the_link_and_the_relative_is_told(bot: BotUnderTest) -> None:
    grandma, grandson, code = await linked(bot)
    ended = await bot.say(grandma, "เลิกเชื่อมต่อ")
    assert f"(รหัส {code})" in ended.text and "ต่อไป" in ended.labels  # and the card they were reading
    told = await drain(bot)
    assert f"คนที่ให้รหัส {code} เลิกเชื่อมต่อแล้ว" in pushed_to(told, grandson)[0]["text"]
    assert [(link.status, link.relative_user_id) for link in link_rows(bot)] == [(LinkStatus.ENDED, None)]


async def test_erasing_the_learner_ends_their_links_and_tells_the_relative_once(bot: BotUnderTest) -> None:
    grandma, grandson, code = await linked(bot)
    asked = await bot.say(grandma, "ลบข้อมูลของฉัน")
    await bot.tap(grandma, asked, "ลบเลย")
    told = await drain(bot)
    [farewell] = pushed_to(told, grandson)
    assert f"คนที่ให้รหัส {code} ลบข้อมูลการเรียนแล้ว" in farewell["text"]
    assert link_rows(bot) == []
    assert pushed_to(await drain(bot), grandson) == []  # once


async def test_a_relative_who_blocks_the_bot_ends_their_links(bot: BotUnderTest) -> None:
    grandma, grandson, _ = await linked(bot)
    await bot.unfollow(grandson)
    told = await drain(bot)
    assert "เลิกรับบันทึกแล้ว" in pushed_to(told, grandma)[0]["text"]
    assert [link.status for link in link_rows(bot)] == [LinkStatus.ENDED]


async def test_wrong_expired_and_guessed_codes(bot: BotUnderTest) -> None:
    grandma, guesser = user_id("careful"), user_id("guesser")
    await onboard(bot, grandma, "บุคคลทั่วไป")
    code = code_of(await bot.say(grandma, "ชวนลูกหลาน"))
    own = await bot.say(grandma, code)
    assert "รหัสของคุณเอง" in own.text
    bot.clock.advance(hours=49)
    expired = await bot.say(user_id("late"), code)
    assert f"ไม่พบรหัส {code}" in expired.text
    wrong = await bot.say(guesser, "รหัส 2345AB")
    assert "ไม่พบรหัส 2345AB" in wrong.text and "2 วัน" in wrong.text
    for attempt in range(3):
        await bot.say(guesser, f"23{attempt}5AB".replace("0", "9").replace("1", "8"))
    await bot.say(guesser, "2345CD")
    fresh = code_of(await bot.say(grandma, "ชวนลูกหลาน"))
    throttled = await bot.say(guesser, fresh)  # right code, but too many wrong ones first
    assert "ลองใหม่อีก" in throttled.text
    assert all(link.relative_user_id is None for link in link_rows(bot))
    assert len(rows(bot, CodeFailure)) == 6  # the guesser's five, and the late one's expired code
    assert learner(bot, guesser) is None  # guessing codes makes no learner either


async def test_a_new_invitation_replaces_the_unused_one_and_links_are_capped(bot: BotUnderTest) -> None:
    grandma = user_id("popular")
    await onboard(bot, grandma, "บุคคลทั่วไป")
    first = code_of(await bot.say(grandma, "ชวนลูกหลาน"))
    second = code_of(await bot.say(grandma, "ชวนลูกหลาน"))
    assert first != second
    assert "ไม่พบรหัส" in (await bot.say(user_id("r0"), first)).text
    await bot.say(user_id("r0"), second)
    for n in (1, 2):
        await bot.say(user_id(f"r{n}"), code_of(await bot.say(grandma, "ชวนลูกหลาน")))
    full = await bot.say(grandma, "ชวนลูกหลาน")
    assert "ครบ 3 คนแล้ว" in full.text


async def test_the_family_code_word_card_can_be_typed_and_shared(bot: BotUnderTest) -> None:
    grandma = user_id("codeword")
    await onboard(bot, grandma, "ผู้สูงอายุ")
    card = await bot.say(grandma, "คำลับ")
    message = card.messages[0]
    assert message["type"] == "flex" and "รหัสลับครอบครัว" in card.text
    assert message["contents"]["size"] == "giga" or "xl" in str(message["contents"])  # large type
    share = card.button(f.SHARE_LABEL)
    assert share["type"] == "uri" and "รหัสลับครอบครัว" in unquote(share["uri"])
    stranger = await bot.say(user_id("someone"), "รหัสครอบครัว")  # anyone, learner or not
    assert "รหัสลับครอบครัว" in stranger.text


async def test_the_end_of_a_module_offers_to_share_it(bot: BotUnderTest) -> None:
    user = user_id("sharer")
    await onboard(bot, user, "บุคคลทั่วไป")
    await bot.say(user, "ต่อไป")
    await bot.say(user, "ต่อไป")
    for answer in ("วางสายแล้วโทรถาม", "ไม่จริง", "ไม่เชื่อ ไม่รีบ ไม่โอน"):
        screen = await bot.say(user, answer)
    share = screen.button(f.SHARE_LABEL)
    assert share["type"] == "uri" and "หยุด คิด ถาม ทำ" in unquote(share["uri"])


def test_deepfake_lessons_end_with_the_code_word_card_and_shares_fit_line(real_content: Content) -> None:
    for module_id in family.CODE_WORD_MODULES:
        labels = [b.label for b in family.after_module_buttons(real_content.lessons[module_id])]
        assert labels == [f.CODE_WORD_LABEL, f.SHARE_LABEL], module_id
    for lesson in real_content.lessons.values():
        share = family.share_lesson(lesson)
        assert share.uri.startswith(SHARE) and len(share.uri) <= 1000
        assert lesson.module.title in unquote(share.uri)


def test_codes_are_read_only_when_they_look_like_codes() -> None:
    assert rules.read_code("รหัส 7kq2m9 ค่ะ") == "7KQ2M9"
    assert rules.read_code("๗KQ๒M9") == "7KQ2M9"
    assert rules.read_code("ลูกหลาน: 7KQ2M9") == "7KQ2M9"
    for not_a_code in ("THANKS", "เข้าห้อง 4K7Q", "123456", "ตอบข้อ 7KQ2M9 นะ", "7KQ2M90", "O0I1L2"):
        assert rules.read_code(not_a_code) is None, not_a_code
