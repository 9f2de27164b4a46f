"""Conversations: help in the moment ("โดนหลอกแล้ว") and checks ("ส่งมาให้รู้ทันดู"), issue 16 sections 1-2.

Every test runs on SQLite and on PostgreSQL, through the real webhook, inbox, handlers and sender against
the LINE stand-in. Checks are gathered for a moment (0.2 s here) and answered outside the inbox round.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.check import ocr
from bot.clock import FrozenClock
from bot.content import Content
from bot.storage.models import Learner, PendingCheck, Phase, ReviewCard
from devkit.standin import LineStandIn
from tests import contract
from tests.check_screens import raqm_problem, sms_screenshot
from tests.harness import BotUnderTest, Reply, event, postback_event, text_event, user_id
from tests.test_erasure import erase
from tests.test_learning_loop import learner, rows
from tests.test_learning_loop import onboard as onboard_and_offer

SCAM_SMS = "ยินดีด้วย คุณได้รับเงินคืนภาษี 3,200 บาท กดรับที่ https://rd-refund.cc/th ภายในวันนี้"
BANK_OTP = "รหัส OTP ของคุณคือ 482913 สำหรับทำรายการโอนเงิน 500.00 บาท ห้ามบอกรหัสนี้กับผู้อื่น (Ref: KQWZ)"
SCAMMED = "ช่วยด้วย โดนหลอกโอนเงินไปแล้ว 20,000 บาท"
STEPS = "1441"  # every version of the urgent steps gives the AOC hotline
LOADING = "/v2/bot/chat/loading/start"


@pytest.fixture
async def hbot(
    database_url: str, real_content: Content, line: LineStandIn, clock: FrozenClock
) -> AsyncIterator[BotUnderTest]:
    """The bot on the real curriculum (checks point at its modules), gathering checks for 0.2 s."""
    bot = BotUnderTest(database_url, real_content, line, clock, check_gather_seconds=0.2)
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()


def replies(reply: Reply) -> list[dict[str, Any]]:
    return [call.body for call in reply.calls if call.path == "/v2/bot/message/reply"]


def tel_uris(reply: Reply) -> list[str]:
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            action = node.get("action")
            if isinstance(action, dict) and str(action.get("uri", "")).startswith("tel:"):
                found.append(action["uri"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(reply.messages)
    return found


def never_safe(reply: Reply) -> None:
    assert "ปลอดภัย" not in json.dumps(reply.messages, ensure_ascii=False)


async def onboard(bot: BotUnderTest, user: str, track: str) -> Reply:
    """Onboard on the real content; the placement check offered then (issue 14) is skipped: the first card."""
    screen = await onboard_and_offer(bot, user, track)
    assert learner(bot, user).phase is Phase.CHECK_OFFER
    return await bot.tap(user, screen, "ข้ามไปก่อน")


async def to_question(bot: BotUnderTest, user: str) -> Reply:
    screen = await onboard(bot, user, "บุคคลทั่วไป")
    while learner(bot, user).phase is Phase.CARD:
        screen = await bot.tap(user, screen, "ต่อไป")
    assert learner(bot, user).phase is Phase.QUESTION
    return screen


# ----- 1. "โดนหลอกแล้ว" first, always ---------------------------------------------------------------------


async def test_a_stranger_who_was_scammed_gets_the_steps_and_no_row_is_created(hbot: BotUnderTest) -> None:
    user = user_id("stranger-scammed")
    reply = await hbot.say(user, SCAMMED)
    assert STEPS in reply.text and "tel:1441" in tel_uris(reply)
    assert "ยินดีต้อนรับ" not in reply.text  # the steps, not the welcome
    assert learner(hbot, user) is None  # PDPA: nothing kept about someone who only asked for help


async def test_before_consent_the_steps_come_first_and_consent_is_still_asked_after(
    hbot: BotUnderTest,
) -> None:
    user = user_id("scammed-before-consent")
    await hbot.follow(user)
    reply = await hbot.say(user, "โดนหลอกแล้วค่ะ ทำไงดี")
    assert STEPS in reply.text and "ยินยอม" not in reply.labels
    stored = learner(hbot, user)
    assert stored is not None and stored.phase is Phase.CONSENT and stored.consented_at is None
    again = await hbot.tap(user, reply, "เรียนต่อ")
    assert again.labels == ["ยินยอม", "ไม่ยินยอม"]


async def test_mid_quiz_the_steps_come_first_and_the_quiz_waits(hbot: BotUnderTest) -> None:
    user = user_id("scammed-mid-quiz")
    await to_question(hbot, user)
    step_before = learner(hbot, user).step
    reply = await hbot.say(user, "เมื่อกี้ให้รหัส OTP ไปแล้ว ช่วยด้วย")
    assert STEPS in reply.text and "ตอนนี้เรากำลังตอบคำถาม" not in reply.text
    stored = learner(hbot, user)
    assert stored.phase is Phase.QUESTION and stored.step == step_before
    answered = await hbot.say(user, "ข้อ 1")  # the quiz goes on where it was
    assert answered.texts[0].startswith(("✅", "❌"))


async def test_after_erasing_their_data_the_steps_still_come_and_nothing_is_stored(
    hbot: BotUnderTest,
) -> None:
    user = user_id("scammed-after-erasure")
    await onboard(hbot, user, "บุคคลทั่วไป")
    await erase(hbot, user)
    assert learner(hbot, user) is None
    reply = await hbot.say(user, SCAMMED)
    assert STEPS in reply.text
    assert learner(hbot, user) is None


async def test_the_elderly_track_gets_large_type(hbot: BotUnderTest) -> None:
    user = user_id("elder-scammed")
    await onboard(hbot, user, "ผู้สูงอายุ")
    reply = await hbot.say(user, "ยายโอนเงินให้ตำรวจไปแล้ว")
    assert STEPS in reply.text
    first = reply.messages[0]
    assert first["type"] == "flex" and first["contents"]["size"] == "giga"
    assert all(node["size"] == "xl" for node in first["contents"]["body"]["contents"])


async def test_a_bank_named_in_the_cry_for_help_gets_its_call_button_first(hbot: BotUnderTest) -> None:
    user = user_id("named-bank")
    await onboard(hbot, user, "บุคคลทั่วไป")
    reply = await hbot.say(user, "ช่วยด้วยค่ะ โดนหลอกโอนเงินจากบัญชีกสิกรไปแล้ว 5,000 บาท")
    assert tel_uris(reply)[:2] == ["tel:028888888", "tel:1441"]  # KBank's line, then the AOC
    assert "กสิกร" in reply.messages[0]["altText"]
    # The picker stays, asking about other accounts: the bank named may be the one the scammer claimed.
    assert "มีบัญชีธนาคารอื่นด้วยไหม" in json.dumps(reply.messages, ensure_ascii=False)
    place = await hbot.say(user, "ตำรวจกรุงเทพโทรมา ยังอยู่ในสายเลย ช่วยด้วย")  # a city, not a bank
    assert tel_uris(place)[0] == "tel:1441"


async def test_the_menu_tile_then_another_bank_by_name_gives_its_call_button(hbot: BotUnderTest) -> None:
    user = user_id("other-bank")
    await onboard(hbot, user, "บุคคลทั่วไป")
    steps = await hbot.send(postback_event(user, "a=emergency"))
    assert STEPS in steps.text and "ถ้าโดนหลอก" in steps.text
    asked = await hbot.send(postback_event(user, "a=emergency_bank&b=other"))
    assert "พิมพ์ชื่อธนาคาร" in asked.text
    assert learner(hbot, user).phase is Phase.BANK_NAME
    card = await hbot.say(user, "กสิกรค่ะ")
    assert "กสิกรไทย" in card.text and any(uri.startswith("tel:") for uri in tel_uris(card))
    stored = learner(hbot, user)
    assert stored.phase is Phase.CARD and stored.resume_phase is None  # back in the lesson


async def test_the_lesson_button_opens_a_lesson_on_the_track_and_says_kindly_when_not(
    hbot: BotUnderTest,
) -> None:
    user = user_id("help-lesson")
    await onboard(hbot, user, "บุคคลทั่วไป")
    opened = await hbot.send(postback_event(user, "a=help_lesson&m=phishing-links"))
    assert learner(hbot, user).module_id == "phishing-links" and learner(hbot, user).phase is Phase.CARD
    assert opened.messages
    kindly = await hbot.send(postback_event(user, "a=help_lesson&m=elderly-after-scam"))
    assert "ไม่ได้อยู่ในชุดบทเรียนของคุณ" in kindly.text


# ----- 2. "ส่งมาให้รู้ทันดู" -------------------------------------------------------------------------------


async def test_a_forwarded_scam_sms_is_quoted_warned_about_and_put_into_review(
    hbot: BotUnderTest, line: LineStandIn
) -> None:
    user = user_id("forwards-scam")
    await onboard(hbot, user, "บุคคลทั่วไป")
    sms = text_event(user, SCAM_SMS)
    reply = await hbot.send(sms)
    paths = [call.path for call in reply.calls]
    assert paths == [LOADING, "/v2/bot/message/reply"]  # "…" while it is checked, then one answer
    assert reply.calls[0].body == {"chatId": user, "loadingSeconds": 5}
    body = replies(reply)[0]
    assert body["replyToken"] == sms["replyToken"]
    assert body["messages"][0]["quoteToken"] == sms["message"]["quoteToken"]
    assert "พบสัญญาณเตือน" in reply.text and "rd-refund.cc" in reply.text
    never_safe(reply)
    assert "ลองตอบ 1 ข้อ" in reply.labels
    cards = [card for card in rows(hbot, ReviewCard) if card.question_id.startswith("phishing-links")]
    assert len(cards) == 1
    assert learner(hbot, user).phase is Phase.CARD  # their lesson is where it was
    review = await hbot.tap(user, reply, "ลองตอบ 1 ข้อ")
    assert learner(hbot, user).phase is Phase.REVIEW and review.buttons  # the question, with its choices
    assert rows(hbot, PendingCheck) == []  # nothing of the check is kept once answered


async def test_a_genuine_bank_otp_gets_no_warning_and_is_never_called_safe(hbot: BotUnderTest) -> None:
    user = user_id("forwards-otp")
    await onboard(hbot, user, "บุคคลทั่วไป")
    reply = await hbot.say(user, BANK_OTP)
    assert "ไม่พบสัญญาณเตือน" in reply.text and "⚠️" not in reply.text
    assert "โทรหาเบอร์ทางการ" in reply.text  # how to check anyway
    never_safe(reply)
    assert rows(hbot, ReviewCard) == []


async def test_a_scam_only_the_classifier_recognises_gets_a_warning_never_safe(hbot: BotUnderTest) -> None:
    """New wording and an unknown link: no rule matches; the classifier's sign alone warns (elderly too)."""
    scam = "โปรพิเศษเดือนนี้ เล่นง่าย ถอนได้จริง กดเลย k9bet.co/vip"
    for n, track in enumerate(("บุคคลทั่วไป", "ผู้สูงอายุ")):
        user = user_id(f"classifier-only-{n}")
        await onboard(hbot, user, track)
        reply = await hbot.say(user, scam)
        assert "⚠️" in reply.text and ("พบสัญญาณเตือน 1 อย่าง" in reply.text or "เจอ 1 จุดน่าสงสัย" in reply.text)
        assert "คล้ายข้อความหลอกลวงที่รู้ทันเคยเห็น" in reply.text and "k9bet.co/vip" in reply.text
        never_safe(reply)
        assert "ไม่พบสัญญาณเตือน" not in reply.text


async def test_a_link_alone_is_checked(hbot: BotUnderTest) -> None:
    user = user_id("link-alone")
    await onboard(hbot, user, "บุคคลทั่วไป")
    reply = await hbot.say(user, "https://bit.ly/3xYzAb")
    assert "พบสัญญาณเตือน" in reply.text and "bit.ly" in reply.text
    never_safe(reply)


async def test_three_forwards_in_one_post_get_one_answer_together(hbot: BotUnderTest) -> None:
    user = user_id("three-forwards")
    await onboard(hbot, user, "บุคคลทั่วไป")
    first = text_event(user, SCAM_SMS)
    reply = await hbot.send(
        first,
        text_event(user, "ด่วน บัญชีของท่านถูกระงับ ยืนยันตัวตนที่ https://kbank-verify.co ภายใน 24 ชม."),
        text_event(user, "อันนี้หลอกไหมคะ"),
    )
    sent = replies(reply)
    assert len(sent) == 1 and len([c for c in reply.calls if c.path == LOADING]) == 1
    assert sent[0]["replyToken"] == first["replyToken"]
    assert "ทั้ง 2 ข้อความ" in reply.text  # the question joined them; it is not a message itself
    # Every sign of both messages, each once: the refund bait of the first, the threat of the second.
    assert "rd-refund.cc" in reply.text and "บัญชีของท่านถูกระงับ" in reply.text


async def test_forwards_a_moment_apart_are_answered_together(hbot: BotUnderTest) -> None:
    user = user_id("forwards-apart")
    await onboard(hbot, user, "บุคคลทั่วไป")
    hbot.line.take()
    for message in (SCAM_SMS, "https://bit.ly/3xYzAb", "โอนค่าธรรมเนียม 500 บาทก่อนนะคะ ถึงจะได้รับเงิน"):
        response = await hbot.post(
            json.dumps({"destination": "U", "events": [text_event(user, message)]}).encode()
        )
        assert response.status_code == 200
    await hbot.runtime.settle()
    reply = Reply(hbot.line.take())
    assert len(replies(reply)) == 1 and "ทั้ง 3 ข้อความ" in reply.text


async def test_a_typed_quiz_answer_is_an_answer_not_a_check(hbot: BotUnderTest) -> None:
    user = user_id("answers-not-checked")
    await to_question(hbot, user)
    reply = await hbot.say(user, "ข้อ 2")
    assert reply.texts[0].startswith(("✅", "❌"))
    assert LOADING not in [call.path for call in reply.calls]


async def test_the_check_word_explains_how_to_forward(hbot: BotUnderTest) -> None:
    user = user_id("how-to-check")
    await onboard(hbot, user, "บุคคลทั่วไป")
    for typed in ("ส่งมาให้รู้ทันดู", "ตรวจข้อความ", "อันนี้หลอกไหม"):
        reply = await hbot.say(user, typed)
        assert "คัดลอก" in reply.text, typed


async def test_a_long_paste_is_checked_not_refused(hbot: BotUnderTest) -> None:
    user = user_id("long-paste")
    await onboard(hbot, user, "บุคคลทั่วไป")
    long = SCAM_SMS + "\n" + "รายละเอียดเพิ่มเติม " * 60
    assert len(long) > 1000
    reply = await hbot.say(user, long)
    assert "พบสัญญาณเตือน" in reply.text and "ข้อความยาวมาก" not in reply.text
    storm = await hbot.say(user, "ก" * 4999)  # not a message: still the kind "too long" answer
    assert "ยาวมาก" in storm.text and LOADING not in [call.path for call in storm.calls]


async def test_a_stranger_forwarding_a_scam_gets_the_check_and_no_row(hbot: BotUnderTest) -> None:
    user = user_id("stranger-forwards")
    reply = await hbot.say(user, SCAM_SMS)
    assert "พบสัญญาณเตือน" in reply.text
    assert learner(hbot, user) is None and rows(hbot, Learner) == []


async def test_the_loading_request_matches_the_spec(hbot: BotUnderTest) -> None:
    if not contract.available():
        pytest.skip(f"LINE's OpenAPI description is not at {contract.SPEC} (../shared absent)")
    user = user_id("loading-contract")
    reply = await hbot.say(user, SCAM_SMS)
    loading = [call for call in reply.calls if call.path == LOADING]
    assert loading and contract.problems("POST", LOADING, loading[0].body) == []
    for call in replies(reply):
        assert contract.problems("POST", "/v2/bot/message/reply", call) == []


# ----- screenshots --------------------------------------------------------------------------------------


def image_event(user: str, message_id: str) -> dict[str, Any]:
    return event(
        "message",
        user,
        message={
            "type": "image",
            "id": message_id,
            "quoteToken": uuid.uuid4().hex,
            "contentProvider": {"type": "line"},
        },
    )


async def test_a_screenshot_is_fetched_read_and_checked(hbot: BotUnderTest, line: LineStandIn) -> None:
    if ocr.ocr_problem():
        pytest.skip(f"OCR unavailable here: {ocr.ocr_problem()}")
    if raqm_problem():
        pytest.skip(f"cannot draw a Thai screenshot: {raqm_problem()}")
    user = user_id("screenshot")
    await onboard(hbot, user, "บุคคลทั่วไป")
    line.contents["4711"] = ("image/png", sms_screenshot(SCAM_SMS, sender="RD-Thai"))
    shot = image_event(user, "4711")
    reply = await hbot.send(shot)
    paths = [call.path for call in reply.calls]
    assert paths[0] == LOADING and reply.calls[0].body["loadingSeconds"] == 20
    assert "/v2/bot/message/4711/content" in paths
    if contract.available():  # the download is LINE's getMessageContent, served by its data host
        download = contract.operation("GET", "/v2/bot/message/4711/content")
        assert download is not None and download["operationId"] == "getMessageContent"
        assert download["servers"] == [{"url": "https://api-data.line.me"}]
    body = replies(reply)[0]
    assert body["messages"][0]["quoteToken"] == shot["message"]["quoteToken"]
    assert "พบสัญญาณเตือน" in reply.text
    never_safe(reply)
    assert rows(hbot, PendingCheck) == []


async def test_a_screenshot_gone_from_line_gets_a_kind_answer(hbot: BotUnderTest) -> None:
    user = user_id("screenshot-gone")
    await onboard(hbot, user, "บุคคลทั่วไป")
    reply = await hbot.send(image_event(user, "404404"))  # the stand-in has no such content
    assert "อ่านตัวหนังสือในรูปนี้ไม่ได้" in reply.text
    assert learner(hbot, user).phase is Phase.CARD


async def test_a_check_left_by_a_crash_is_answered_once_after_restart(
    hbot: BotUnderTest, clock: FrozenClock
) -> None:
    user = user_id("check-crash")
    await onboard(hbot, user, "บุคคลทั่วไป")
    # The process dies right after the round that gathered the message: its timer dies with it.

    async def lost(_gathered: object) -> None:
        return None

    hbot.runtime._check_when_due = lost  # type: ignore[method-assign]
    await hbot.deliver(text_event(user, SCAM_SMS))
    assert len(rows(hbot, PendingCheck)) == 1
    hbot.line.take()
    await hbot.stop()
    clock.advance(seconds=10)  # past due; the reply token is still fresh
    await hbot.start()  # start-up recovery answers it
    await hbot.runtime.settle()
    answered = Reply(hbot.line.take())
    assert len(replies(answered)) == 1 and "พบสัญญาณเตือน" in answered.text
    assert rows(hbot, PendingCheck) == []
    await hbot.runtime.recover_once()
    assert replies(Reply(hbot.line.take())) == []  # nothing twice
