"""The replies of "help in the moment": urgent steps, the bank picker, a bank's card, the code-word card.

Everything is LINE message JSON built from content (`curriculum/help/`), short and calm, in the order the
Bank of Thailand and the Thai Bankers' Association give: call your bank now, ask for the case reference,
call 1441, report to the police within 72 hours, keep evidence, transfer nothing more; then, not before, the
lesson. Elderly learners get large type, at most three bank choices plus "ธนาคารอื่น", and no English.
Tap-to-call buttons are `tel:` URI actions, shown only for verified numbers.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bot.content import Audience
from bot.gateway import MessageJSON
from bot.help.banks import HELP_DIR, Bank, HelpContent, load_help_content
from bot.help.detect import Situation
from bot.voice.ui import ACTION_EMERGENCY, MAX_ALT_TEXT, Button, button, text_node
from bot.voice.ui import EMERGENCY_TILE as EMERGENCY_TILE  # re-exported: bot.help.EMERGENCY_TILE

ACTION_BANK = "emergency_bank"
ACTION_LESSON = "help_lesson"
OTHER_BANK = "other"

# The rich-menu tile (bot/voice/ui.py, first in the menu) and the quick-reply button open the urgent steps.
EMERGENCY_BUTTON: Button = button("ขอความช่วยเหลือ", ACTION_EMERGENCY)

MODULES_DIR = Path(__file__).resolve().parents[2] / "curriculum" / "modules"
LESSON_BY_AUDIENCE = {Audience.ELDERLY: "elderly-after-scam"}
DEFAULT_LESSON = "after-scam"
ELDERLY_BANK_CHOICES = 3
OTHER_BANK_CHOICES = 6

RED, GREEN, GREY = "#B71C1C", "#1B5E20", "#616161"

# The first line, by what happened: the one thing to do before anything else.
FIRST_LINE: dict[Situation, dict[bool, str]] = {
    Situation.ON_CALL: {
        False: "วางสายเดี๋ยวนี้เลยค่ะ ไม่ต้องเกรงใจ ตำรวจจริงไม่สั่งให้โอนเงินทางโทรศัพท์",
        True: "วางสายเดี๋ยวนี้เลยค่ะ\nไม่ต้องเกรงใจ",
    },
    Situation.APP: {
        False: "ปิดเครื่อง หรือเปิดโหมดเครื่องบินทันทีค่ะ แล้วใช้โทรศัพท์เครื่องอื่นโทรหาธนาคาร",
        True: "ปิดมือถือเครื่องนี้ก่อนค่ะ\nแล้วยืมเครื่องอื่นโทรหาธนาคาร",
    },
    Situation.OTP: {
        False: "รีบโทรหาธนาคาร ขอให้อายัดบัญชีก่อนค่ะ รหัส OTP ที่ให้ไป มิจฉาชีพใช้โอนเงินออกได้",
        True: "รีบโทรหาธนาคาร\nขอให้อายัดบัญชีก่อนค่ะ",
    },
    Situation.TAKEOVER: {
        False: "รีบโทรหาธนาคารค่ะ แล้วบอกเพื่อนและครอบครัวว่า อย่าโอนเงินให้ใครที่ทักมาในชื่อเรา",
        True: "รีบโทรหาธนาคารค่ะ\nแล้วบอกลูกหลานว่า\nอย่าโอนเงินให้ใครที่ทักมาในชื่อเรา",
    },
    Situation.TRANSFERRED: {
        False: "ตั้งสติค่ะ ทุกนาทีมีค่า ทำตามนี้ทีละข้อ",
        True: "ตั้งสติค่ะ รีบทำตามนี้ทีละข้อ",
    },
    Situation.SCAMMED: {
        False: "ไม่ต้องอายค่ะ ใครก็ถูกหลอกได้ ทำตามนี้ทีละข้อ",
        True: "ไม่ต้องอายค่ะ\nรีบทำตามนี้ทีละข้อ",
    },
    Situation.ASKING: {
        False: "ถ้าโดนหลอก ให้ทำตามนี้ทันทีค่ะ",
        True: "ถ้าโดนหลอก\nรีบทำตามนี้ค่ะ",
    },
}


def _elderly(audience: Audience | str) -> bool:
    return Audience(audience) is Audience.ELDERLY


def _tel_button(label: str, tel: str, *, primary: bool = False) -> dict[str, Any]:
    return {
        "type": "button",
        "style": "primary" if primary else "secondary",
        "color": RED if primary else None,
        "height": "md",
        "action": {"type": "uri", "label": label[:20], "uri": tel},
    }


def _uri_button(label: str, uri: str) -> dict[str, Any]:
    return {
        "type": "button",
        "style": "secondary",
        "height": "md",
        "action": {"type": "uri", "label": label, "uri": uri},
    }


def _postback_button(item: Button) -> dict[str, Any]:
    return {
        "type": "button",
        "style": "secondary",
        "height": "md",
        "action": {
            "type": "postback",
            "label": item.label[:20],
            "data": item.data,
            "displayText": item.label,
        },
    }


def _clean_buttons(buttons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for node in buttons:
        if node.get("color") is None:
            node.pop("color", None)
    return buttons


def _bubble(
    *, title: str, lines: list[str], buttons: list[dict[str, Any]], large: bool, title_color: str = RED
) -> MessageJSON:
    body = [text_node(title, size="xl" if large else "lg", bold=True, color=title_color)]
    body += [text_node(line, size="xl" if large else "md") for line in lines]
    bubble: dict[str, Any] = {
        "type": "bubble",
        "size": "giga" if large else "mega",
        "body": {"type": "box", "layout": "vertical", "spacing": "lg" if large else "md", "contents": body},
    }
    if buttons:
        bubble["footer"] = {
            "type": "box",
            "layout": "vertical",
            "spacing": "sm",
            "contents": _clean_buttons(buttons),
        }
    alt = "\n".join([title, *lines])
    return {"type": "flex", "altText": alt[:MAX_ALT_TEXT], "contents": bubble}


def _call_label(bank: Bank) -> str:
    return f"โทร {bank.short}"


def lesson_for(audience: Audience | str) -> str:
    """The module that teaches what to do after a scam, for this audience."""
    return LESSON_BY_AUDIENCE.get(Audience(audience), DEFAULT_LESSON)


@cache
def _module_title(module_id: str) -> str:
    data = yaml.safe_load((MODULES_DIR / f"{module_id}.yaml").read_text(encoding="utf-8"))
    return str(data["title"])


def _first_message(
    content: HelpContent, audience: Audience | str, bank: Bank | None, situation: Situation
) -> MessageJSON:
    large = _elderly(audience)
    aoc = content.hotline("aoc")
    if large:
        bank_line = "หนึ่ง โทรหาธนาคารของเรา\nขอให้อายัดบัญชีคนโกง"
        case_line = "สอง ขอเลขรับแจ้งไว้\nจดลงกระดาษ"
        aoc_line = "สาม โทร 1441\nได้ตลอด 24 ชั่วโมง"
    else:
        bank_line = "1. โทรหาธนาคารของคุณเดี๋ยวนี้ ขอให้อายัดบัญชีปลายทาง"
        case_line = "2. ขอเลขรับแจ้งเรื่อง (Bank Case ID) จดไว้ ใช้ตอนแจ้งความ"
        aoc_line = "3. โทร 1441 (ศูนย์ AOC) ได้ตลอด 24 ชั่วโมง ให้ช่วยอายัดบัญชีมิจฉาชีพ"
    lines = [bank_line, case_line, aoc_line]
    buttons: list[dict[str, Any]] = []
    if bank is not None:
        if bank.tel:
            lines.insert(1, f"{bank.short}: {bank.display_phone}")
            buttons.append(_tel_button(_call_label(bank), bank.tel, primary=True))
        else:
            lines.insert(
                1,
                "โทรเบอร์หลังบัตรเอทีเอ็ม\nหรือเบอร์ในสมุดบัญชี"
                if large
                else (f"{bank.short}: โทรเบอร์หลังบัตรเอทีเอ็ม หรือเบอร์ในสมุดบัญชีค่ะ"),
            )
    if aoc.tel:
        buttons.append(_tel_button("โทร 1441", aoc.tel, primary=bank is None or not bank.tel))
    title = FIRST_LINE[situation][large]
    return _bubble(title=title, lines=lines, buttons=buttons, large=large)


def bank_picker(
    audience: Audience | str, content: HelpContent | None = None, *, another: bool = False
) -> MessageJSON:
    """ "Which bank is yours?": one tap calls it (3 banks on the elderly track, 6 otherwise) + ธนาคารอื่น.

    `another`: a bank was already named in the learner's message, so this asks about any other account."""
    content = content or load_help_content()
    large = _elderly(audience)
    banks = content.first_choices(ELDERLY_BANK_CHOICES if large else OTHER_BANK_CHOICES)
    buttons = [_tel_button(_call_label(bank), bank.tel) for bank in banks if bank.tel]
    buttons.append(_postback_button(button("ธนาคารอื่น", ACTION_BANK, b=OTHER_BANK)))
    if another:
        title = "มีบัญชีธนาคารอื่นด้วยไหม?" if large else "มีบัญชีธนาคารอื่นด้วยไหมคะ"
    else:
        title = "ธนาคารของเราคือ?" if large else "ธนาคารของคุณคือธนาคารไหนคะ"
    lines = (
        ["กดเพื่อโทรได้เลยค่ะ"] if large else ["กดปุ่มเพื่อโทรได้เลยค่ะ ไม่มีในนี้ พิมพ์ชื่อธนาคารมาได้ หรือโทรเบอร์หลังบัตรเอทีเอ็ม"]
    )
    return _bubble(title=title, lines=lines, buttons=buttons, large=large, title_color=GREEN)


def bank_card(bank: Bank, audience: Audience | str) -> MessageJSON:
    """One bank's hotline with its call button (or, unverified, the number on the card or passbook)."""
    large = _elderly(audience)
    if bank.tel:
        lines = [bank.display_phone, "บอกว่าโดนหลอก ขอให้อายัดบัญชี\nแล้วขอเลขรับแจ้งไว้ค่ะ"]
        buttons = [_tel_button(_call_label(bank), bank.tel, primary=True)]
    else:
        lines = ["โทรเบอร์หลังบัตรเอทีเอ็ม\nหรือเบอร์ในสมุดบัญชีค่ะ", "หรือไปที่สาขาใกล้บ้าน"]
        buttons = []
    return _bubble(title=bank.name_th, lines=lines, buttons=buttons, large=large, title_color=GREEN)


def other_bank_prompt(audience: Audience | str) -> MessageJSON:
    """After "ธนาคารอื่น": ask for the name, and give the card fallback at once."""
    if _elderly(audience):
        body = "พิมพ์ชื่อธนาคารมาได้เลยค่ะ\nหรือโทรเบอร์หลังบัตรเอทีเอ็ม"
    else:
        body = "พิมพ์ชื่อธนาคารของคุณมาได้เลยค่ะ ระหว่างนี้โทรเบอร์หลังบัตรเอทีเอ็ม หรือเบอร์ในสมุดบัญชีได้ทันที"
    return {"type": "text", "text": body}


def _later_steps(content: HelpContent, audience: Audience | str, situation: Situation) -> MessageJSON:
    large = _elderly(audience)
    report = content.site("police-online-report")
    if large:
        title = "ทำต่ออีก 3 อย่าง"
        lines = [
            "สี่ แจ้งความภายใน 72 ชั่วโมง\nที่โรงพักใกล้บ้าน\nหรือให้ลูกหลานช่วยแจ้งออนไลน์",
            "ห้า เก็บสลิป แชท เบอร์โทรไว้\nอย่าลบทิ้ง",
            "หก ไม่โอนเพิ่ม วางสายคนแปลกหน้า\nใครบอกว่าตามเงินคืนได้ คือคนโกงซ้ำ",
        ]
    else:
        title = "แล้วทำต่อค่ะ"
        lines = [
            "4. แจ้งความภายใน 72 ชั่วโมง ออนไลน์ หรือที่สถานีตำรวจใกล้บ้าน",
            "5. เก็บหลักฐาน: สลิป ภาพหน้าจอแชท เบอร์โทร ลิงก์ ชื่อบัญชีปลายทาง",
            "6. ไม่โอนเพิ่ม วางสายคนแปลกหน้า ใครอ้างว่าตามเงินคืนได้แล้วขอค่าธรรมเนียม คือคนโกงซ้ำ",
        ]
    if situation is Situation.ON_CALL:
        lines.insert(0, "ถ้ายังไม่ได้วางสาย วางเลยค่ะ")
    buttons = [_uri_button("แจ้งความออนไลน์", report.url)]
    return _bubble(title=title, lines=lines, buttons=buttons, large=large, title_color=GREEN)


def _lesson_pointer(audience: Audience | str) -> MessageJSON:
    module_id = lesson_for(audience)
    title = _module_title(module_id)
    body = "ทำครบแล้ว ค่อยมาอ่านบทนี้นะคะ" if _elderly(audience) else "ทำครบแล้ว ค่อยมาอ่านบทเรียนนี้นะคะ"
    item = button("อ่านบทเรียนนี้", ACTION_LESSON, m=module_id)  # the title is in the text above
    return {
        "type": "text",
        "text": f"{body}\n📖 {title}",
        "quickReply": {
            "items": [
                {
                    "type": "action",
                    "action": {
                        "type": "postback",
                        "label": item.label,
                        "data": item.data,
                        "displayText": item.label,
                    },
                }
            ]
        },
    }


def urgent_steps(
    audience: Audience | str,
    bank: Bank | None = None,
    situation: Situation = Situation.SCAMMED,
    content: HelpContent | None = None,
    *,
    picker: bool | None = None,
) -> list[MessageJSON]:
    """The urgent steps, at most five messages (one reply): act now, pick a bank, next steps, the lesson.

    The bank picker is shown when no bank is known, or when asked for (`picker=True`: a bank named inside the
    learner's message may be the one the scammer claimed to be, so the others stay one tap away)."""
    content = content or load_help_content()
    messages = [_first_message(content, audience, bank, situation)]
    if bank is None or picker:
        messages.append(bank_picker(audience, content, another=bank is not None))
    messages.append(_later_steps(content, audience, situation))
    messages.append(_lesson_pointer(audience))
    return messages


@cache
def _code_word() -> dict[str, Any]:
    return yaml.safe_load((HELP_DIR / "code_word.yaml").read_text(encoding="utf-8"))


def code_word_card(audience: Audience | str) -> MessageJSON:
    """The family code-word card against deepfake calls: a Flex card, large type on the elderly track."""
    data = _code_word()
    large = _elderly(audience)
    lines = list(data["elderly" if large else "general"])
    return _bubble(title=data["title"], lines=lines, buttons=[], large=large, title_color=GREEN)
