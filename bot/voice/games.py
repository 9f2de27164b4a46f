"""What a live class game says in a LINE group, and how it looks: one Flex message per question (answer
buttons in the bubble, sent as postbacks without display text, so members' taps never fill the chat), one
short result per question, and the podium (a text message that mentions the winners, LINE's textV2).

Postback data is short: `a=game&g=<game>&n=<question index>&c=<choice>` and `a=team&g=<game>&t=<team>`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from bot.drills.render import LABELS as VERDICT_LABELS
from bot.drills.render import drill_message
from bot.gateway import MessageJSON
from bot.trainers.games import Item, ItemResult, Place
from bot.voice.ui import MAX_ALT_TEXT, text

ANSWER, TEAM = "game", "team"
START, NEXT, END = "เริ่มเกม", "ข้อต่อไป", "จบเกม"
TEAM_WORD, UNTIMED_WORD = "ทีม", "ไม่จับเวลา"
ANONYMOUS = "ผู้เล่นไม่ระบุชื่อ"
TEAM_NAMES = ("ทีมแดง 🔴", "ทีมน้ำเงิน 🔵", "ทีมเขียว 🟢", "ทีมเหลือง 🟡")
MEDALS = {1: "🥇", 2: "🥈", 3: "🥉"}
MAX_LABEL = 20  # LINE's limit on a postback action's label
GREEN, GREY = "#06C755", "#757575"

STARTED = "เริ่มเกมแล้วค่ะ 🎮 กดปุ่มใต้คำถามเพื่อตอบ นับคำตอบแรกของแต่ละคนนะคะ"
STARTED_TIMED = STARTED + " (ตอบภายใน {seconds} วินาที)"
PICK_TEAM = "เลือกทีมก่อนตอบนะคะ ถ้าไม่เลือก เราจัดทีมให้เองค่ะ"
TIMED = "ตอบภายใน {seconds} วินาที"
UNTIMED = "ตอบได้จนครูพิมพ์ “ข้อต่อไป”"
RESULT = "ผลข้อ {number}: ตอบ {answered} คน ถูก {correct} คน ({percent}%)\nคำตอบที่ถูก: {answer}\n{why}"
RESULT_NOBODY = "ข้อ {number}: ยังไม่มีใครตอบค่ะ\nคำตอบที่ถูก: {answer}\n{why}"
PODIUM_TITLE = "🏆 จบเกมแล้วค่ะ ผลการแข่งขัน"
PODIUM_NOBODY = "🏆 จบเกมแล้วค่ะ รอบนี้ยังไม่มีใครได้คะแนน ไว้เล่นกันใหม่นะคะ"
PODIUM_THANKS = "ขอบคุณทุกคนที่ร่วมเล่นค่ะ 👏"
POINTS = "{points} คะแนน"
TEAM_POINTS = "{team} {points} คะแนน ({players} คน)"

# To the trainer (only ever in answer to their own message).
ALREADY_PLAYING = "เกมยังเล่นอยู่ค่ะ พิมพ์ “ข้อต่อไป” หรือ “จบเกม” ได้เลย"
NO_GAME = "ตอนนี้ยังไม่มีเกมค่ะ พิมพ์ “เริ่มเกม” เพื่อเริ่มได้เลย"
NOT_LINKED = "กลุ่มนี้ยังไม่ได้เชื่อมกับห้องเรียนของครูค่ะ พิมพ์ “เชื่อมห้อง รหัสห้อง” แล้วอนุมัติในหน้าเว็บก่อนนะคะ"
NO_QUESTIONS = "ขอโทษค่ะ ยังไม่มีคำถามสำหรับเกมนี้"
# To a member who is not the class's trainer (at most once every few minutes per group).
ONLY_TRAINER = "เกมนี้ครูของห้องเป็นผู้เริ่มค่ะ 😊 รอครูพิมพ์ “เริ่มเกม” นะคะ"
# Linking a trainer's LINE account with the one-time code from /admin.
LINKED = "ผูกบัญชี LINE นี้กับ {name} แล้วค่ะ ✅ ในกลุ่มที่เชื่อมกับห้องของครู พิมพ์ “เริ่มเกม” ได้เลย"
LINK_BAD_CODE = "รหัสครูนี้ใช้ไม่ได้ค่ะ (ผิดหรือหมดเวลา) ขอรหัสใหม่ในหน้าเว็บของครูนะคะ"
LINK_WAIT = "พิมพ์รหัสครูไม่ตรงหลายครั้งแล้วค่ะ 🙏 ลองใหม่ได้ในอีก {minutes} นาทีนะคะ"


def team_name(team: int) -> str:
    return TEAM_NAMES[team % len(TEAM_NAMES)]


def _data(**fields: object) -> str:
    return urlencode({key: str(value) for key, value in fields.items()})


def _button(label: str, data: str, *, primary: bool = False) -> dict[str, Any]:
    # No displayText: a tap sends nothing to the group, so thirty answers never flood the chat.
    return {
        "type": "button",
        "style": "primary" if primary else "secondary",
        "height": "sm",
        "action": {"type": "postback", "label": label[:MAX_LABEL], "data": data},
    }


def _text_node(
    body: str, *, size: str = "md", bold: bool = False, color: str | None = None
) -> dict[str, Any]:
    node: dict[str, Any] = {"type": "text", "text": body, "wrap": True, "size": size}
    if bold:
        node["weight"] = "bold"
    if color:
        node["color"] = color
    return node


def _headline(game_id: int, index: int, total: int, seconds: int | None) -> str:
    timing = TIMED.format(seconds=seconds) if seconds else UNTIMED
    return f"ข้อ {index + 1}/{total} · {timing}"


def question_message(
    question: Item, *, game_id: int, index: int, total: int, seconds: int | None
) -> MessageJSON:
    """The question as one Flex bubble with its answer buttons."""
    headline = _headline(game_id, index, total, seconds)
    if question.drill is not None:
        message = drill_message(question.drill, None, progress=headline)
        message.pop("quickReply", None)
        buttons = [
            _button(VERDICT_LABELS[verdict], _data(a=ANSWER, g=game_id, n=index, c=verdict), primary=True)
            for verdict in ("real", "scam", "unsure")
        ]
        footer = message["contents"]["footer"]["contents"]
        footer.append(
            {"type": "box", "layout": "horizontal", "spacing": "sm", "margin": "md", "contents": buttons}
        )
        return message
    quiz = question.question
    assert quiz is not None
    options = [_text_node(f"{n}) {option.text}") for n, option in enumerate(quiz.options, start=1)]
    labels = [f"{n}) {option.button}" for n, option in enumerate(quiz.options, start=1)]
    if any(len(label) > MAX_LABEL for label in labels):  # never a label cut mid-word: drop the numbers
        labels = [option.button for option in quiz.options]
    buttons = [
        _button(label, _data(a=ANSWER, g=game_id, n=index, c=choice), primary=True)
        for choice, label in enumerate(labels)
    ]
    bubble = {
        "type": "bubble",
        "size": "giga",
        "header": {
            "type": "box",
            "layout": "vertical",
            "contents": [_text_node(headline, size="sm", color=GREY)],
        },
        "body": {
            "type": "box",
            "layout": "vertical",
            "spacing": "md",
            "contents": [_text_node(quiz.prompt, size="lg", bold=True), *options],
        },
        "footer": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": buttons},
    }
    alt = f"{headline}\n{quiz.prompt}"
    return {"type": "flex", "altText": alt[:MAX_ALT_TEXT], "contents": bubble}


def team_message(game_id: int, teams: int) -> MessageJSON:
    """A bubble with one button per team."""
    buttons = [_button(team_name(team), _data(a=TEAM, g=game_id, t=team)) for team in range(teams)]
    bubble = {
        "type": "bubble",
        "body": {"type": "box", "layout": "vertical", "contents": [_text_node(PICK_TEAM, bold=True)]},
        "footer": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": buttons},
    }
    return {"type": "flex", "altText": PICK_TEAM, "contents": bubble}


def started(seconds: int | None) -> MessageJSON:
    return text(STARTED_TIMED.format(seconds=seconds) if seconds else STARTED)


def _first_sentence(body: str, limit: int = 160) -> str:
    first = body.strip().splitlines()[0] if body.strip() else ""
    return first if len(first) <= limit else first[: limit - 1].rsplit(" ", 1)[0] + "…"


def result_message(question: Item, result: ItemResult) -> MessageJSON:
    """How the question went, the right answer and one sentence why."""
    if question.drill is not None:
        answer, why = VERDICT_LABELS[question.correct], _first_sentence(question.drill.feedback)
    else:
        quiz = question.question
        assert quiz is not None
        answer, why = quiz.options[quiz.answer].text, _first_sentence(quiz.explanation)
    if not result.answered:
        return text(RESULT_NOBODY.format(number=result.number, answer=answer, why=why))
    return text(
        RESULT.format(
            number=result.number,
            answered=result.answered,
            correct=result.correct,
            percent=result.percent,
            answer=answer,
            why=why,
        )
    )


def podium_message(places: list[Place]) -> MessageJSON:
    """The top three (ties share a medal); members are mentioned by LINE, so no name is ever stored."""
    if not places:
        return text(PODIUM_NOBODY)
    lines: list[str] = [PODIUM_TITLE]
    mentions: dict[str, dict[str, Any]] = {}
    for place in places:
        if place.team is not None:
            who = TEAM_POINTS.format(team=team_name(place.team), points=place.points, players=place.players)
            lines.append(f"{MEDALS[place.rank]} {who}")
            continue
        if place.user_id:
            key = f"p{len(mentions)}"
            mentions[key] = {"type": "mention", "mentionee": {"type": "user", "userId": place.user_id}}
            name = "{" + key + "}"
        else:
            name = ANONYMOUS
        lines.append(f"{MEDALS[place.rank]} {name} {POINTS.format(points=place.points)}")
    lines.append(PODIUM_THANKS)
    body = "\n".join(lines)
    if not mentions:
        return text(body)
    return {"type": "textV2", "text": body, "substitution": mentions}
