"""Checks in the chat (issue 16, section 2): "ส่งมาให้รู้ทันดู", a forwarded message, link or screenshot.

A forwarded message is checked at once (bot/check, a few milliseconds) but not answered at once: what the
check found joins the chat's pending check (bot/storage/checks.py), which is answered a few seconds later,
so that several messages forwarded together get one answer (`combine`). A screenshot joins it too, and is
read (OCR) outside the inbox round by bot/checking.py, which then calls `answer` here for the messages.

What reads as forwarded: anything the check warns about; a link; and, with no sign found, a long paste, a
message with a number of four digits or more, several lines, or "อันนี้หลอกไหม" around it. Not a typed answer
to the question on screen, nor a command: those are read first (bot/flow/machine.py).
"""

from __future__ import annotations

import re
from datetime import timedelta

from bot.check import CheckResult, check_text, combine
from bot.check.replies import lesson_for, reply_messages
from bot.check.urls import find_links
from bot.flow import views
from bot.flow.helping import audience
from bot.flow.turn import Messages, Step, Turn, say
from bot.gateway import MessageJSON
from bot.learning import review
from bot.storage import checks
from bot.voice import texts as t
from bot.voice.ui import button, text

# How long to wait for more forwarded messages before answering them all at once.
GATHER = timedelta(seconds=3)
# A pasted message longer than the commands and answers the tutor reads (bot/flow/machine.py).
LONG_PASTE = 300

ASKING = re.compile(
    r"(?:หลอก|โกง|มิจ|ปลอม|จริง|scam)\s*(?:ไหม|มั้ย|มั๊ย|ป่าว|ปะ|รึเปล่า|หรือเปล่า|หรือไม่|รึป่าว|เปล่า)"
    r"|(?:ช่วย)?(?:ดู|เช็ก|เช็ค|ตรวจ)(?:ให้)?(?:หน่อย|ที)"
)
# On its own, only a question about a scam: "จริงไหม" under a lesson card asks about the card.
ASKING_ALONE = re.compile(
    r"(?:หลอก|โกง|มิจ|scam)\S{0,6}(?:ไหม|มั้ย|มั๊ย|ป่าว|ปะ|รึเปล่า|หรือเปล่า|หรือไม่|รึป่าว)"
    r"|^\s*(?:ช่วย)?(?:ดู|เช็ก|เช็ค|ตรวจ)(?:ให้)?(?:หน่อย|ที)"
)
# A message written with fewer different characters than this is a storm, not something forwarded.
STORM_VARIETY = 8
NUMBER = re.compile(r"\d{4,}")


def is_asking(message: str) -> bool:
    """ "อันนี้หลอกไหม", "ของจริงมั้ย", "ช่วยดูหน่อย": the learner asks about something they send."""
    return bool(ASKING.search(message))


def is_asking_alone(message: str) -> bool:
    """ "อันนี้หลอกไหม", "มิจฉาชีพรึเปล่า", "ช่วยดูหน่อย" typed alone, about something forwarded."""
    return len(message) <= LONG_PASTE and bool(ASKING_ALONE.search(message))


def reads_as_forwarded(message: str) -> CheckResult | None:
    """The check of a message that reads as forwarded or pasted to be checked; None for anything else."""
    if len(set(message)) < STORM_VARIETY:
        return None  # "กกกก…", "😀🔥😀🔥…": a storm of a few characters, not a message
    result = check_text(message)
    if result.verdict == "warning":
        return result
    if result.verdict == "not_a_message":
        return None
    stripped = message.strip()
    pasted = (
        len(stripped) > LONG_PASTE
        or bool(find_links(stripped))
        or bool(NUMBER.search(stripped))
        or "\n" in stripped
        or is_asking(stripped)
    )
    return result if pasted else None


def _gather(turn: Turn, **found: object) -> Step:
    gathered = checks.gather(
        turn.session,
        turn.user_id,
        turn.now,
        wait=GATHER,
        reply_token=turn.reply_token,
        reply_deadline=turn.reply_deadline,
        quote_token=turn.quote_token,
        **found,  # type: ignore[arg-type]
    )
    turn.session.info.setdefault(checks.GATHERED, []).append(gathered)
    return Step()  # the answer comes when the pending check is due


def forwarded(turn: Turn, result: CheckResult) -> Step:
    """A forwarded message: what its check found waits a few seconds for more, then all are answered."""
    return _gather(turn, result=result.as_json())


def screenshot(turn: Turn, message_id: str) -> Step:
    """A picture: read outside the round (OCR takes a second or two), then answered like a message."""
    return _gather(turn, image_id=message_id)


def how_to(turn: Turn) -> Step:
    """ "ส่งมาให้รู้ทันดู" / "ตรวจข้อความ": how to send a message to be checked."""
    elderly = audience(turn).value == "elderly"
    return say(text(t.CHECK_HOW_ELDERLY if elderly else t.CHECK_HOW))


def asked(turn: Turn) -> Step:
    """ "อันนี้หลอกไหม" on its own: part of what was just forwarded, or the learner needs to know how."""
    waiting = turn.session.exec(
        checks.open_check(turn.user_id)  # a forward a moment ago is still gathering: the answer covers it
    ).first()
    if waiting is not None:
        return Step()
    return how_to(turn)


def _practice(turn: Turn, result: CheckResult) -> Messages:
    """The lesson on this kind of scam, and one of its questions put into the learner's review now."""
    if turn.found is None or turn.learner.consented_at is None or turn.track() is None:
        return []
    if result.verdict != "warning":
        return []
    module_id = lesson_for(result, audience(turn).value)
    lesson = turn.content.lessons.get(module_id or "")
    if lesson is None:
        return []
    added = review.bring_forward(
        turn.session,
        learner_id=turn.learner.id or 0,
        question_ids=[question.id for question in lesson.questions],
        now=turn.now,
    )
    buttons = [button(t.CHECK_TRY, "review")] if added else []
    track = turn.track()
    if track is not None and lesson.id in track.modules:
        buttons.append(button(t.CHECK_READ, "help_lesson", m=lesson.id))
    buttons.append(button(t.CONTINUE, "continue"))
    title = views.module_title(turn, lesson)
    return [text(t.CHECK_PRACTICE.format(title=title), buttons)]


def answer(turn: Turn, results: list[CheckResult], *, unreadable: int = 0) -> Step:
    """The answer to everything gathered: the learner's message quoted, the signs found, what to do, then
    (a warning, for a learner on a track) the lesson and one question, added to their review."""
    count = len(results) + unreadable
    quoted: Messages = []
    if results:
        intro = text(t.CHECK_QUOTE if count == 1 else t.CHECK_QUOTE_MANY.format(count=count))
        if turn.quote_token:
            intro["quoteToken"] = turn.quote_token
        quoted.append(intro)
    if unreadable:
        quoted.append(text(t.CHECK_UNREADABLE))
    if not results:
        return say(*quoted)
    result = combine(results)
    found = reply_messages(result, audience(turn).value)
    practice = _practice(turn, result)
    if not practice and turn.found is not None:
        found[-1] = _and_continue(found[-1])
    return say(*quoted, *found, *practice)


def _and_continue(message: MessageJSON) -> MessageJSON:
    items = list((message.get("quickReply") or {}).get("items", []))
    continuing = text("", [button(t.CONTINUE, "continue")])["quickReply"]["items"]
    return {**message, "quickReply": {"items": [*items, *continuing]}}
