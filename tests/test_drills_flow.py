"""Conversations with drills ("จริงหรือหลอก?", issue 14): a module's drills after its quiz, the placement check
(taken and skipped), the final check and the score card, the daily "ซ้อมจับโกง" set, a missed drill in review,
typed and tapped verdicts, a sticker mid-drill, and the elderly screen.

The fixture curriculum plus a small drill bank written here (the real drills change; these do not). Every
test runs on SQLite and on PostgreSQL, through the real webhook and the real SDK talking to the LINE stand-in.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import parse_qsl

import pytest

from bot.clock import FrozenClock
from bot.content import Content, load_content
from bot.drills import scoring
from bot.drills.answers import Verdict
from bot.drills.content import CheckKind
from bot.flow import drills as drill_flow
from bot.storage.models import DrillAnswer, DrillContext, DrillVerdict, Phase, ReviewCard
from devkit.standin import LineStandIn
from tests.harness import FIXTURE_CONTENT, BotUnderTest, Reply, user_id
from tests.test_admin_pages import browser_sign_in
from tests.test_learning_loop import learner, rows
from tests.test_reminders import at, sweep
from tests.trainer_support import FAST_PASSWORDS, make_trainer, new_class, sign_in

REPO = Path(__file__).resolve().parent.parent

# Practice drills, by hand: a fake bank link and a genuine OTP in the student/general module "t-habit", and
# a fake police call and a grandchild's ordinary LINE in the elderly module "t-elder".
PRACTICE = """
  - id: x-fake-bank-link
    kind: sms
    genuine: false
    tracks: [student, general]
    modules: [t-habit]
    difficulty: 2
    cues: [look_alike_domain, urgency]
    sender: KBank
    messages: ["บัญชีของท่านถูกระงับ ยืนยันตัวตนภายใน 24 ชม. ที่ kbank-th.co/verify"]
    feedback: kbank-th.co ไม่ใช่เว็บธนาคาร และเร่งให้รีบทำค่ะ
    tip: อย่ากดลิงก์ เปิดแอปธนาคารเองค่ะ
    sources: [{title: "รูปแบบจริง", pattern: "SMS ปลอมชื่อธนาคาร มีลิงก์"}]
  - id: x-real-otp
    kind: sms
    genuine: true
    tracks: [student, general]
    modules: [t-habit]
    difficulty: 1
    cues: [otp_warning, no_link]
    sender: KBank
    context: เพิ่งกดโอนเงินในแอปธนาคารเอง
    messages: ["รหัส OTP คือ 482915 (Ref: KQ7D) ห้ามบอกรหัสนี้แก่ผู้ใด"]
    feedback: ข้อความนี้ไม่พบจุดน่าสงสัยค่ะ เราขอรหัสเอง และไม่มีลิงก์
    tip: รหัสนี้พิมพ์ในแอปเองเท่านั้นค่ะ
    sources: [{title: "รูปแบบจริง", pattern: "SMS OTP ธนาคาร ไม่มีลิงก์"}]
  - id: x-fake-police-call
    kind: call_transcript
    genuine: false
    tracks: [elderly]
    modules: [t-elder]
    difficulty: 1
    cues: [authority_impersonation, transfer_request]
    sender: สถานีตำรวจ
    messages: ["บัญชีของคุณยายพัวพันคดี ต้องโอนเงินมาตรวจสอบค่ะ"]
    feedback: ตำรวจจริงไม่ให้โอนเงินมาตรวจค่ะ
    tip: วางสาย แล้วโทรหาลูกหลานค่ะ
    sources: [{title: "รูปแบบจริง", pattern: "แก๊งคอลเซ็นเตอร์อ้างตำรวจ"}]
  - id: x-real-grandchild
    kind: line_chat
    genuine: true
    tracks: [elderly]
    modules: [t-elder]
    difficulty: 1
    cues: [no_request, known_number]
    sender: หลานแก้ว
    messages: ["ยายจ๋า เย็นนี้หนูกลับบ้านนะ"]
    feedback: ข้อความนี้ไม่พบจุดน่าสงสัยค่ะ ไม่ขอเงิน ไม่มีลิงก์
    tip: ถ้าสงสัย โทรหาหลานที่เบอร์เดิมได้ค่ะ
    sources: [{title: "รูปแบบจริง", pattern: "แชตครอบครัว"}]
"""


def _check_drill(drill_id: str, *, genuine: bool, tracks: str, module: str) -> str:
    cue = "no_link" if genuine else "link_in_sms"
    feedback = "ข้อความนี้ไม่พบจุดน่าสงสัยค่ะ" if genuine else "มีลิงก์ในข้อความค่ะ"
    return f"""
  - id: {drill_id}
    kind: sms
    genuine: {str(genuine).lower()}
    tracks: {tracks}
    modules: [{module}]
    difficulty: 1
    cues: [{cue}]
    sender: ไปรษณีย์
    messages: ["พัสดุของคุณ {drill_id} ถึงแล้วค่ะ"]
    feedback: {feedback}
    tip: เช็กในแอปเองค่ะ
    sources: [{{title: "รูปแบบจริง", pattern: "SMS พัสดุ"}}]
"""


def _checks(prefix: str, tracks: str, module: str) -> tuple[str, list[str]]:
    """Eight matched pairs: placement p1..p8 and final f1..f8, scams at odd numbers, genuine at even."""
    drills, pairs = "", []
    for n in range(1, 9):
        for kind in ("p", "f"):
            drills += _check_drill(f"{prefix}-{kind}{n}", genuine=n % 2 == 0, tracks=tracks, module=module)
        pairs.append(f"      - {{placement: {prefix}-p{n}, final: {prefix}-f{n}}}\n")
    return drills, pairs


@pytest.fixture(scope="module")
def drill_content(tmp_path_factory: pytest.TempPathFactory) -> Content:
    root = tmp_path_factory.mktemp("drills") / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    folder = root / "curriculum" / "drills"
    folder.mkdir()
    shutil.copy(REPO / "curriculum" / "drills" / "cues.yaml", folder / "cues.yaml")
    student, student_pairs = _checks("xs", "[student, general]", "t-links")
    elderly, elderly_pairs = _checks("xe", "[elderly]", "t-elder")
    (folder / "drills.yaml").write_text("drills:" + PRACTICE + student + elderly, encoding="utf-8")
    checks = "checks:\n"
    for track, pairs in (("student", student_pairs), ("elderly", elderly_pairs)):
        checks += f"  - track: {track}\n    pairs:\n" + "".join(pairs)
    (folder / "checks.yaml").write_text(checks, encoding="utf-8")
    return load_content(root)


@pytest.fixture
async def bot(
    database_url: str, drill_content: Content, line: LineStandIn, clock: FrozenClock
) -> AsyncIterator[BotUnderTest]:
    running = BotUnderTest(database_url, drill_content, line, clock)
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


# ----- helpers: a learner's moves -----------------------------------------------------------------------


async def onboard(bot: BotUnderTest, user: str, track: str) -> Reply:
    """Follow, agree, pick a track (students: 10+), pick a time: the placement check is offered."""
    screen = await bot.tap(user, await bot.follow(user), "ยินยอม")
    screen = await bot.tap(user, screen, track)
    if track == "นักเรียน":
        screen = await bot.tap(user, screen, "10 ปีขึ้นไป")
    return await bot.tap(user, screen, "เย็น 19:00")


def drill_on_screen(reply: Reply) -> str:
    """The ID of the drill whose answer buttons are on screen."""
    for action in reply.buttons:
        params = dict(parse_qsl(action.get("data", "")))
        if params.get("a") == "drill":
            return params["id"]
    raise AssertionError(f"no drill on screen: {reply.labels}")


def is_genuine(content: Content, drill_id: str) -> bool:
    drill = content.drills.get(drill_id)
    assert drill is not None
    return drill.genuine


async def through_module(bot: BotUnderTest, user: str, screen: Reply) -> Reply:
    """Read every card and answer every question right; the screen after the last answer."""
    for _ in range(20):
        if "ต่อไป" in screen.labels:
            screen = await bot.tap(user, screen, "ต่อไป")
            continue
        answers = [b for b in screen.buttons if dict(parse_qsl(b.get("data", ""))).get("a") == "ans"]
        if not answers:
            return screen
        for action in answers:
            params = dict(parse_qsl(action["data"]))
            if params["i"] != "unsure":
                _, question = bot.content.questions[params["q"]]
                if int(params["i"]) == question.answer:
                    screen = await bot.press(user, action)
                    break
    raise AssertionError("the module never ended")


def answers_of(bot: BotUnderTest, user: str) -> list[DrillAnswer]:
    found = learner(bot, user)
    assert found is not None
    return sorted(
        (a for a in rows(bot, DrillAnswer) if a.learner_id == found.id), key=lambda a: (a.answered_at, a.id)
    )


# ----- a module's drills ----------------------------------------------------------------------------------


async def test_a_modules_drills_follow_its_quiz_with_feedback_on_the_cue(bot: BotUnderTest) -> None:
    user = user_id("module-drills")
    offer = await onboard(bot, user, "นักเรียน")
    card = await bot.tap(user, offer, "ข้ามไปก่อน")
    after_quiz = await through_module(bot, user, card)
    assert "ลองดูข้อความแบบที่เจอจริง" in after_quiz.text and "(2 ข้อ)" in after_quiz.text
    assert "จบบท" not in after_quiz.text  # the summary comes after the drills
    assert after_quiz.labels == ["จริง", "หลอก", "ไม่แน่ใจ"]
    first = drill_on_screen(after_quiz)
    assert first == "x-fake-bank-link" and "kbank-th.co/verify" in after_quiz.text
    assert "ข้อ 1/2" in after_quiz.text

    # A fake one tapped "จริง": wrong, kindly, with the exact cue and what to do; then the next drill.
    fooled = await bot.tap(user, after_quiz, "จริง")
    assert "ข้อนี้เป็นของหลอกค่ะ ไม่เป็นไรนะคะ" in fooled.texts[0]
    assert "kbank-th.co ไม่ใช่เว็บธนาคาร" in fooled.texts[0]
    assert "จุดที่บอกว่าหลอก: ชื่อเว็บเลียนแบบ" in fooled.texts[0]
    assert "อย่ากดลิงก์" in fooled.texts[1]
    assert drill_on_screen(fooled) == "x-real-otp" and "ข้อ 2/2" in fooled.text

    # A genuine one typed with a particle: right, no "safe", and how to check anyway; then the summary.
    done = await bot.say(user, "จริงค่ะ")
    assert "✅ ถูกต้องค่ะ ข้อความนี้มาจากตัวจริง" in done.texts[0]
    assert "ไม่พบจุดน่าสงสัย" in done.texts[0] and "ปลอดภัย" not in done.text
    assert "เช็กเองได้อย่างไร" in done.texts[1]
    assert 'จบบท "หยุด คิด ถาม ทำ"' in done.text and "ตอบถูก 3 จาก 3 ข้อ" in done.text
    assert learner(bot, user).phase is Phase.MODULE_DONE

    answered = answers_of(bot, user)
    assert [(a.drill_id, a.verdict, a.correct, a.context) for a in answered] == [
        ("x-fake-bank-link", DrillVerdict.REAL, False, DrillContext.MODULE),
        ("x-real-otp", DrillVerdict.REAL, True, DrillContext.MODULE),
    ]


async def test_a_scam_caught_and_a_genuine_message_called_a_scam(bot: BotUnderTest) -> None:
    user = user_id("module-drills-2")
    screen = await through_module(
        bot, user, await bot.tap(user, await onboard(bot, user, "นักเรียน"), "ข้ามไปก่อน")
    )
    caught = await bot.say(user, "หลอกกก")  # typed, elongated
    assert "✅ ถูกต้องค่ะ ข้อความนี้เป็นของหลอก" in caught.texts[0]
    assert drill_on_screen(screen) == "x-fake-bank-link" and drill_on_screen(caught) == "x-real-otp"
    alarmed = await bot.tap(user, caught, "หลอก")
    assert "ข้อนี้เป็นของจริงค่ะ ระวังไว้ก่อนไม่ผิด" in alarmed.texts[0]  # a false alarm is not scolded
    assert "จุดที่ทำให้น่าเชื่อ" in alarmed.texts[0]
    assert [a.correct for a in answers_of(bot, user)] == [True, False]


# ----- the placement check --------------------------------------------------------------------------------


async def test_the_placement_check_is_offered_kindly_and_scored_in_plain_thai(bot: BotUnderTest) -> None:
    user = user_id("placement")
    offer = await onboard(bot, user, "นักเรียน")
    assert "ลองดูก่อนไหมคะ ไม่มีผิด ไม่มีถูก" in offer.text
    assert offer.labels == ["ลองดูเลย", "ข้ามไปก่อน"]
    assert learner(bot, user).phase is Phase.CHECK_OFFER
    screen = await bot.say(user, "ลองดู")
    assert drill_on_screen(screen) == "xs-p1" and "ข้อ 1/8" in screen.text
    # Scams (odd) all caught; of the genuine (even), p2 called a scam and p4 "ไม่แน่ใจ"; typed and tapped.
    said = {1: "หลอก", 2: "2", 3: "ปลอม", 4: "ไม่แน่ใจ", 5: "หลอก", 6: "จริง", 7: "หลอก", 8: "1"}
    for n in range(1, 9):
        assert drill_on_screen(screen) == f"xs-p{n}"
        if said[n] in screen.labels and n != 5:  # tapped, except where a label is typed
            screen = await bot.tap(user, screen, said[n])
        else:
            screen = await bot.say(user, said[n])
        if n < 8:
            assert "ถูกต้อง" not in screen.text and "ของหลอกค่ะ" not in screen.text  # no verdicts in a check
    assert "ผลก่อนเรียน" in screen.text
    assert "จับของปลอมได้ 4 ใน 4 และไม่ตกใจกับของจริง 3 ใน 4" in screen.text
    assert "ไม่แน่ใจ 1 ข้อ" in screen.text
    assert "มี 2 บทสำหรับคุณ" in screen.text and "ต่อไป" in screen.labels  # then the first lesson
    assert learner(bot, user).phase is Phase.CARD
    placement = [a for a in answers_of(bot, user) if a.context is DrillContext.PLACEMENT]
    assert len(placement) == 8
    assert not [c for c in rows(bot, ReviewCard) if c.question_id.startswith("drill:")]  # a check measures


async def test_the_placement_check_can_be_skipped(bot: BotUnderTest) -> None:
    user = user_id("placement-skipped")
    offer = await onboard(bot, user, "นักเรียน")
    skipped = await bot.say(user, "ไว้ก่อน")
    assert "ไว้ลองทีหลังก็ได้" in skipped.text and "ต่อไป" in skipped.labels
    assert learner(bot, user).phase is Phase.CARD
    assert answers_of(bot, user) == []
    assert "ลองดูเลย" in offer.labels


# ----- the final check and the score card (elderly: large type, three answers and "read again") ---------


async def test_the_final_check_shows_before_and_after_for_an_elderly_learner(bot: BotUnderTest) -> None:
    user = user_id("elderly-final")
    screen = await bot.tap(user, await onboard(bot, user, "ผู้สูงอายุ"), "ลองดูเลย")
    # Elderly screen: large type, the three answers and "read again", which shows the same drill.
    assert screen.labels == ["จริง", "หลอก", "ไม่แน่ใจ", "อ่านอีกครั้ง"]
    drill = screen.messages[-1]
    assert drill["type"] == "flex" and '"size": "xl"' in str(drill).replace("'", '"')
    again = await bot.tap(user, screen, "อ่านอีกครั้ง")
    assert drill_on_screen(again) == "xe-p1" and again.messages[-1] == drill
    typed_again = await bot.say(user, "อ่านอีกที")
    assert drill_on_screen(typed_again) == "xe-p1"
    # Placement: "หลอก" to everything (caution alone: no discrimination).
    for _ in range(8):
        screen = await bot.tap(user, screen, "หลอก")
    assert "จับของปลอมได้ 4 ใน 4 และไม่ตกใจกับของจริง 0 ใน 4" in screen.text
    score_card = screen.texts[0]
    assert "🎉" not in score_card and "ไม่มีผิดไม่มีถูก" in score_card
    # The module, its drills (a scam and a genuine one), then the track's end with the final check offered.
    screen = await through_module(bot, user, screen)
    while "จริง" in screen.labels:
        drill_id = drill_on_screen(screen)
        screen = await bot.tap(user, screen, "จริง" if is_genuine(bot.content, drill_id) else "หลอก")
    assert "เรียนครบทุกบทแล้ว" in screen.text and "อยากรู้ไหมคะว่าจับโกงเก่งขึ้นแค่ไหน" in screen.text
    assert learner(bot, user).phase is Phase.CHECK_OFFER
    screen = await bot.tap(user, screen, "ลองดูเลย")
    assert drill_on_screen(screen) == "xe-f1"  # equivalent items, not the same ones
    for _ in range(8):
        drill_id = drill_on_screen(screen)
        screen = await bot.tap(user, screen, "จริง" if is_genuine(bot.content, drill_id) else "หลอก")
    assert "ผลหลังเรียน" in screen.text
    assert "ก่อนเรียน: จับของปลอมได้ 4 ใน 4 และไม่ตกใจกับของจริง 0 ใน 4" in screen.text
    assert "หลังเรียน: จับของปลอมได้ 4 ใน 4 และไม่ตกใจกับของจริง 4 ใน 4" in screen.text
    assert "🎉" in screen.text and "เก่งขึ้นกว่าตอนเริ่มเรียน" in screen.text
    assert learner(bot, user).phase is Phase.TRACK_DONE
    # Taken once: coming back to the finished track does not offer it again.
    back = await bot.say(user, "เรียนต่อ")
    assert "อยากรู้ไหมคะว่าจับโกงเก่งขึ้น" not in back.text


def test_praise_follows_the_result_and_a_weak_score_gets_no_party_popper() -> None:
    def score(hits: int, false_alarms: int) -> scoring.Score:
        return scoring.Score(scams=4, hits=hits, genuine=4, false_alarms=false_alarms, unsure=0)

    strong = drill_flow.praise(score(4, 0), None, CheckKind.FINAL)
    good = drill_flow.praise(score(3, 1), None, CheckKind.FINAL)
    weak = drill_flow.praise(score(2, 2), None, CheckKind.FINAL)
    assert "🎉" in strong and "🎉" not in good and "🎉" not in weak
    assert len({strong, good, weak}) == 3
    assert "เก่งขึ้น" in drill_flow.praise(score(3, 1), score(2, 2), CheckKind.FINAL)
    assert "เก่งขึ้น" not in drill_flow.praise(score(2, 2), score(3, 1), CheckKind.FINAL)


# ----- the daily set, review, and interruptions -----------------------------------------------------------


async def test_the_daily_set_is_three_mixed_drills_and_returns_to_the_lesson(bot: BotUnderTest) -> None:
    user = user_id("daily")
    card = await bot.tap(user, await onboard(bot, user, "นักเรียน"), "ข้ามไปก่อน")
    assert "ซ้อมจับโกง" not in card.labels  # the card keeps its own buttons
    menu = await bot.say(user, "เมนู")
    assert "ซ้อมจับโกง" in menu.labels
    screen = await bot.tap(user, menu, "ซ้อมจับโกง")
    assert "มาซ้อมจับโกงวันละ 3 ข้อ" in screen.text
    seen = []
    for _ in range(3):
        seen.append(drill_on_screen(screen))
        screen = await bot.tap(user, screen, "ไม่แน่ใจ")
    assert {is_genuine(bot.content, d) for d in seen} == {True, False}
    assert not set(seen) & bot.content.drills.final_ids()
    assert "ซ้อมครบ 3 ข้อแล้วค่ะ" in screen.text and "ตอบตรง 0 ใน 3" in screen.text
    assert learner(bot, user).phase is Phase.CARD  # the detour is over
    back = await bot.say(user, "เรียนต่อ")
    assert "มิจฉาชีพทำให้เราตกใจ" in back.text
    # Typed words reach it too; a new set, not the same drills again.
    again = await bot.say(user, "ซ้อม")
    assert drill_on_screen(again) not in seen
    assert {a.context for a in answers_of(bot, user)} == {DrillContext.DAILY}


async def test_a_missed_drill_comes_back_in_review(bot: BotUnderTest) -> None:
    user = user_id("drill-review")
    await through_module(bot, user, await bot.tap(user, await onboard(bot, user, "นักเรียน"), "ข้ามไปก่อน"))
    await bot.say(user, "จริง")  # the fake bank link, missed
    await bot.say(user, "จริง")  # the genuine OTP, right
    early = await bot.say(user, "ทบทวน")
    assert "x-fake-bank-link" not in str(early.buttons)  # not minutes later: by the day
    bot.clock.advance(days=2)
    review = await bot.say(user, "ทบทวน")
    assert "มาดูข้อความที่เคยพลาดอีกครั้งค่ะ (1 ข้อ)" in review.text
    assert drill_on_screen(review) == "x-fake-bank-link"
    done = await bot.say(user, "หลอก")
    assert "✅ ถูกต้องค่ะ" in done.texts[0] and "ทบทวนข้อความครบแล้ว" in done.text
    assert learner(bot, user).phase is Phase.MODULE_DONE
    contexts = [(a.drill_id, a.context) for a in answers_of(bot, user)]
    assert contexts[-1] == ("x-fake-bank-link", DrillContext.REVIEW)


async def test_a_sticker_or_stray_words_mid_drill_get_a_kind_word_and_menu_still_works(
    bot: BotUnderTest,
) -> None:
    user = user_id("sticker-drill")
    await bot.tap(user, await onboard(bot, user, "นักเรียน"), "ข้ามไปก่อน")
    screen = await bot.say(user, "ซ้อมจับโกง")
    first = drill_on_screen(screen)
    sticker = await bot.sticker(user)
    assert "กำลังดูข้อความกันอยู่" in sticker.texts[0] and drill_on_screen(sticker) == first
    stray = await bot.say(user, "สวัสดีจ้า")
    assert "กำลังดูข้อความกันอยู่" in stray.texts[0] and drill_on_screen(stray) == first
    assert answers_of(bot, user) == []
    menu = await bot.say(user, "เมนู")  # a command is never swallowed by the drill
    assert "เลือกได้เลยค่ะ" in menu.text and "ทบทวน" in menu.labels
    back = await bot.say(user, "เรียนต่อ")
    assert drill_on_screen(back) == first
    stale = await bot.press(user, screen.button("จริง") | {"data": "a=drill&id=xs-p3&v=real"})
    assert "ข้อนั้นตอบไปแล้ว" in stale.texts[0] and drill_on_screen(stale) == first


async def test_erasure_deletes_drill_answers(bot: BotUnderTest) -> None:
    user = user_id("erase-drills")
    await bot.tap(user, await onboard(bot, user, "นักเรียน"), "ลองดูเลย")
    await bot.say(user, "หลอก")
    await bot.say(user, "จริง")
    assert len(answers_of(bot, user)) == 2
    ask = await bot.say(user, "ลบข้อมูลของฉัน")
    await bot.tap(user, ask, "ลบเลย")
    assert rows(bot, DrillAnswer) == []
    assert learner(bot, user) is None


def test_verdicts_and_contexts_agree_with_the_engine() -> None:
    assert {v.value for v in Verdict} == {v.value for v in DrillVerdict}


# ----- trainers: a class's before/after figures -----------------------------------------------------------


@pytest.fixture
async def tbot(
    database_url: str, drill_content: Content, line: LineStandIn, clock: FrozenClock
) -> AsyncIterator[BotUnderTest]:
    running = BotUnderTest(database_url, drill_content, line, clock, simulator="open", **FAST_PASSWORDS)
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


async def elder_in_class(bot: BotUnderTest, user: str, code: str, name: str) -> Reply:
    await onboard(bot, user, "ผู้สูงอายุ")
    await bot.say(user, f"เข้าห้อง {code} {name}")
    return await bot.say(user, "ลองดูเลย")


async def judge(bot: BotUnderTest, user: str, screen: Reply, *, rightly: bool, count: int = 8) -> Reply:
    """Tap a verdict on `count` drills: the right one, or "หลอก" to everything."""
    for _ in range(count):
        genuine = is_genuine(bot.content, drill_on_screen(screen))
        screen = await bot.tap(user, screen, "จริง" if rightly and genuine else "หลอก")
    return screen


async def test_the_class_sees_before_and_after_figures_on_the_dashboard_csv_and_api(
    tbot: BotUnderTest,
) -> None:
    make_trainer(tbot, "somsri", name="ครูสมศรี")
    headers = await sign_in(tbot, "somsri")
    classroom = await new_class(tbot, headers, "ชมรมผู้สูงอายุ")
    # ลุงดำ: "หลอก" to every placement item, then the module and the final check, all judged right.
    dum = user_id("dum-checks")
    screen = await judge(tbot, dum, await elder_in_class(tbot, dum, classroom["code"], "ลุงดำ"), rightly=False)
    screen = await through_module(tbot, dum, screen)
    while "จริง" in screen.labels:
        screen = await judge(tbot, dum, screen, rightly=True, count=1)
    screen = await judge(tbot, dum, await tbot.tap(dum, screen, "ลองดูเลย"), rightly=True)
    assert "หลังเรียน: จับของปลอมได้ 4 ใน 4 และไม่ตกใจกับของจริง 4 ใน 4" in screen.text
    # ป้าแดง: the placement check, all right; no final yet.
    daeng = user_id("daeng-checks")
    await judge(tbot, daeng, await elder_in_class(tbot, daeng, classroom["code"], "ป้าแดง"), rightly=True)

    report = (await tbot.http.get(f"/api/v1/classes/{classroom['id']}", headers=headers)).json()
    before, after = report["drill_checks"]["before"], report["drill_checks"]["after"]
    assert (before["learners"], after["learners"]) == (2, 1)
    assert before["pooled"]["hit_rate"] == 1.0 and before["pooled"]["false_alarm_rate"] == 0.5
    assert before["balanced_accuracy_mean"] == 0.75 and before["balanced_accuracy_median"] == 0.75
    # d′ (log-linear correction): 0 for "หลอก" to everything, z(4.5/5) - z(0.5/5) = 2.563 for all right.
    assert before["d_prime_mean"] == pytest.approx(1.282, abs=0.001)
    assert (
        after["d_prime_median"] == pytest.approx(2.563, abs=0.001) and after["balanced_accuracy_mean"] == 1.0
    )
    assert before["cues"]["link_in_sms"]["hits"] == 8 and before["cues"]["no_link"]["false_alarms"] == 4
    learners = (await tbot.http.get(f"/api/v1/classes/{classroom['id']}/learners", headers=headers)).json()
    by_name = {row["name"]: row for row in learners}
    assert by_name["ลุงดำ"]["before"]["balanced_accuracy"] == 0.5
    assert by_name["ลุงดำ"]["after"]["balanced_accuracy"] == 1.0 and by_name["ป้าแดง"]["after"] is None

    csv = await tbot.http.get(f"/api/v1/classes/{classroom['id']}/export.csv", headers=headers)
    lines = csv.content.decode("utf-8").splitlines()
    assert lines[0].endswith("ก่อนเรียน H,ก่อนเรียน F,ก่อนเรียน d′,ก่อนเรียน ความแม่นยำสมดุล,"
                             "หลังเรียน H,หลังเรียน F,หลังเรียน d′,หลังเรียน ความแม่นยำสมดุล")  # fmt: skip
    dum_line = next(line for line in lines if line.startswith("ลุงดำ"))
    assert dum_line.endswith("1.0,1.0,0.0,0.5,1.0,0.0,2.563,1.0")
    daeng_line = next(line for line in lines if line.startswith("ป้าแดง"))
    assert daeng_line.endswith("1.0,0.0,2.563,1.0,,,,")

    await browser_sign_in(tbot, "somsri")
    page = (await tbot.http.get(f"/admin/classes/{classroom['id']}")).text
    assert "จับโกง: ก่อนเรียนและหลังเรียน" in page and "มีลิงก์ใน SMS จากธนาคารหรือหน่วยงาน" in page
    assert "0.75 / 0.75" in page and "ลุงดำ" in page


async def test_the_daily_reminder_offers_the_drill_set_in_words_and_keeps_its_buttons(
    bot: BotUnderTest,
) -> None:
    user = user_id("reminded-drills")
    await bot.tap(user, await onboard(bot, user, "ผู้สูงอายุ"), "ข้ามไปก่อน")  # 10:00, chose 19:00
    at(bot, 20, 19, 0)
    reminder = await sweep(bot)
    assert 'พิมพ์ "ซ้อมจับโกง" ได้เลยค่ะ' in reminder.text
    assert reminder.labels == ["เรียนต่อ", "พรุ่งนี้ค่อยเตือน", "หยุดเตือน"]  # still three for the elderly
    typed = await bot.say(user, "ซ้อมจับโกง")
    assert "มาซ้อมจับโกงวันละ" in typed.text and typed.labels[:3] == ["จริง", "หลอก", "ไม่แน่ใจ"]


async def test_review_asked_mid_drill_keeps_the_round(bot: BotUnderTest) -> None:
    user = user_id("review-mid-drill")
    await bot.tap(user, await onboard(bot, user, "นักเรียน"), "ข้ามไปก่อน")
    screen = await bot.say(user, "ซ้อม")
    await bot.say(user, "จริง" if not is_genuine(bot.content, drill_on_screen(screen)) else "หลอก")  # missed
    on_screen = await bot.say(user, "เรียนต่อ")
    bot.clock.advance(days=2)  # the missed drill is due now, but a round is on screen
    asked = await bot.say(user, "ทบทวน")
    assert "ตอบข้อนี้ให้จบก่อนนะคะ" in asked.texts[0]
    assert drill_on_screen(asked) == drill_on_screen(on_screen)
    assert learner(bot, user).phase is Phase.DRILL
