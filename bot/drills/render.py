"""A drill as the learner would see it on their phone: a LINE Flex bubble styled like the real screen.

Why Flex and not images drawn with Pillow:
- Flex text is real text. LINE lays it out with the phone's own Thai font, so vowels and tone marks stack
  correctly on every client, the learner's font-size setting applies, and screen readers can read it. An
  image would need raqm + a bundled Thai font to shape Thai correctly, and would then be fixed pixels:
  blurry when zoomed, too small for older eyes at 360 px, unreadable to screen readers.
- Links stay dead. A URL inside a Flex text component is only text (LINE makes links tappable in plain text
  messages, not in Flex text), and the bubble carries no URI action anywhere, so a learner can never open the
  look-alike address they are learning to spot.
- Nothing to host: an image must be served over HTTPS from the bot (a public URL, caching, a CDN for a
  broadcast); a Flex bubble travels inside the message. It stays far below LINE's 30 KB bubble limit.
- The simulator (bot/web/lineview.py) already draws Flex, so trainers see the same screen in the browser.
What Flex cannot do (pixel-perfect app chrome, real logos) is not what the drill teaches: the cues are in the
words, the sender, the address and the request, and those are all shown as the real screen shows them.

Elderly learners get larger type throughout; the answer buttons are always the same three (จริง / หลอก /
ไม่แน่ใจ), sent as postbacks `a=drill&id=<drill id>&v=real|scam|unsure`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.content import Audience
from bot.drills.content import Bubble, Drill, DrillKind
from bot.gateway import MessageJSON
from bot.voice.ui import MAX_ALT_TEXT, Button, button, with_buttons

ACTION = "drill"
VERDICTS = ("real", "scam", "unsure")
LABELS = {"real": "จริง", "scam": "หลอก", "unsure": "ไม่แน่ใจ"}
QUESTION = "ข้อความนี้ จริง หรือ หลอก?"

KIND_NAMES = {
    DrillKind.SMS: "ข้อความ SMS",
    DrillKind.LINE_CHAT: "แชตไลน์",
    DrillKind.LINE_OFFICIAL: "ข้อความจากบัญชีทางการในไลน์",
    DrillKind.BANK_NOTICE: "การแจ้งเตือนจากแอปธนาคาร",
    DrillKind.WEB_PAGE: "หน้าเว็บ",
    DrillKind.PARCEL: "ข้อความเรื่องพัสดุ",
    DrillKind.CALL_TRANSCRIPT: "บทสนทนาทางโทรศัพท์",
    DrillKind.EMAIL: "อีเมล",
    DrillKind.SOCIAL_POST: "โพสต์ในโซเชียล",
}
BADGE_COLORS = {"green": "#06C755", "blue": "#2F80ED", "gray": "#9E9E9E"}


@dataclass(frozen=True)
class _Type:
    """Font sizes for one audience: elderly learners get every size one or two steps larger."""

    small: str
    text: str
    title: str

    @classmethod
    def of(cls, audience: Audience | str | None) -> _Type:
        if audience == Audience.ELDERLY:
            return cls(small="md", text="xl", title="xl")
        return cls(small="xs", text="md", title="lg")


def answer_buttons(drill: Drill) -> list[Button]:
    """The three answers, always in this order: จริง, หลอก, ไม่แน่ใจ."""
    return [button(LABELS[v], ACTION, id=drill.id, v=v) for v in VERDICTS]


def alt_text(drill: Drill) -> str:
    """What the chat list and notifications show: what this is, in Thai, without any link."""
    alt = f"ฝึกจับโกง: {KIND_NAMES[drill.kind]} จาก {drill.sender} จริงหรือหลอก?"
    return alt[:MAX_ALT_TEXT]


def drill_message(
    drill: Drill,
    audience: Audience | str | None,
    *,
    extra_buttons: list[Button] | None = None,
    progress: str | None = None,
) -> MessageJSON:
    """The drill as one Flex message with the answer buttons (and any the flow adds, e.g. อ่านอีกครั้ง);
    `progress` ("ข้อ 2/8") is shown small above the question, under the screen."""
    sizes = _Type.of(audience)
    footer = [_text(QUESTION, size=sizes.title, bold=True, color="#1B5E20", align="center")]
    if progress:
        footer.insert(0, _text(progress, size=sizes.small, color="#757575", align="center"))
    header, body_bg, header_bg = _screen_header(drill, sizes)
    body = _screen_body(drill, sizes)
    if drill.context:
        body.insert(0, _context(drill.context, sizes, dark=body_bg == "#8CABD9"))
    bubble: dict[str, Any] = {
        "type": "bubble",
        "size": "giga",
        "header": header,
        "body": {"type": "box", "layout": "vertical", "spacing": "md", "contents": body},
        "footer": {
            "type": "box",
            "layout": "vertical",
            "contents": footer,
        },
        "styles": {
            "header": {"backgroundColor": header_bg},
            "body": {"backgroundColor": body_bg},
            "footer": {"backgroundColor": "#FFFFFF", "separator": True, "separatorColor": "#DDDDDD"},
        },
    }
    message = {"type": "flex", "altText": alt_text(drill), "contents": bubble}
    return with_buttons(message, [*answer_buttons(drill), *(extra_buttons or [])])


# ----- pieces ----------------------------------------------------------------------------------------


def _text(
    body: str,
    *,
    size: str,
    bold: bool = False,
    color: str | None = None,
    align: str | None = None,
    margin: str | None = None,
) -> dict[str, Any]:
    node: dict[str, Any] = {"type": "text", "text": body, "wrap": True, "size": size}
    if bold:
        node["weight"] = "bold"
    if color:
        node["color"] = color
    if align:
        node["align"] = align
    if margin:
        node["margin"] = margin
    return node


def _box(contents: list[dict[str, Any]], *, layout: str = "vertical", **style: Any) -> dict[str, Any]:
    return {"type": "box", "layout": layout, "contents": contents, **style}


def _chat_bubble(
    message: Bubble, sizes: _Type, *, color: str, mine_color: str, text_color: str = "#111111"
) -> dict[str, Any]:
    """One speech bubble, left for the other side, right (and coloured) for the learner."""
    inner = _box(
        [_text(message.text, size=sizes.text, color=text_color)],
        backgroundColor=mine_color if message.me else color,
        cornerRadius="14px",
        paddingAll="10px",
        flex=5,
    )
    spacer = _box([], flex=1)
    return _box([spacer, inner] if message.me else [inner, spacer], layout="horizontal")


def _time(drill: Drill, sizes: _Type, color: str = "#8E8E93") -> list[dict[str, Any]]:
    return [_text(drill.time, size=sizes.small, color=color, align="center")] if drill.time else []


def _screen_header(drill: Drill, sizes: _Type) -> tuple[dict[str, Any], str, str]:
    """The top of the screen (sender, address bar, caller) and the two background colours."""
    kind = drill.kind
    if kind in (DrillKind.SMS, DrillKind.PARCEL):
        rows = [
            _text("ข้อความ", size=sizes.small, color="#8E8E93", align="center"),
            _text(drill.sender, size=sizes.title, bold=True, align="center"),
        ]
        if drill.number:
            rows.append(_text(drill.number, size=sizes.small, color="#8E8E93", align="center"))
        return _box(rows), "#FFFFFF", "#F2F2F7"
    if kind in (DrillKind.LINE_CHAT, DrillKind.LINE_OFFICIAL):
        name: list[dict[str, Any]] = []
        if drill.badge:
            name.append(
                _box(
                    [_text("✓", size=sizes.small, bold=True, color="#FFFFFF", align="center")],
                    backgroundColor=BADGE_COLORS[drill.badge],
                    cornerRadius="10px",
                    width="22px",
                    height="22px",
                )
            )
        name.append(_text(drill.sender, size=sizes.title, bold=True, color="#111111"))
        rows = [
            _box([_text("‹", size=sizes.title, color="#111111"), *name], layout="horizontal", spacing="sm")
        ]
        if kind is DrillKind.LINE_OFFICIAL:
            account = {"green": "บัญชีทางการ โล่สีเขียว", "blue": "บัญชีทางการ โล่สีน้ำเงิน"}.get(
                drill.badge or "", "บัญชีไลน์ ไม่มีโล่รับรอง"
            )
            rows.append(_text(account, size=sizes.small, color="#6B6B6B"))
        return _box(rows), "#8CABD9", "#FFFFFF"
    if kind is DrillKind.WEB_PAGE:
        bar = _box(
            [_text(drill.address or "", size=sizes.small if sizes.text == "md" else "md", color="#202124")],
            backgroundColor="#E8EAED",
            cornerRadius="18px",
            paddingAll="8px",
        )
        return _box([bar]), "#FFFFFF", "#F8F9FA"
    if kind is DrillKind.BANK_NOTICE:
        rows = [
            _text(f"{drill.sender} · การแจ้งเตือน", size=sizes.small, bold=True, color="#FFFFFF"),
            *_time(drill, sizes, color="#E0F2F1"),
        ]
        return _box(rows), "#F5F7F6", "#00695C"
    if kind is DrillKind.CALL_TRANSCRIPT:
        rows = [
            _text(drill.sender, size=sizes.small, color="#B0BEC5", align="center"),
            _text(drill.number or "ไม่ทราบเบอร์", size=sizes.title, bold=True, color="#FFFFFF", align="center"),
        ]
        return _box(rows), "#ECEFF1", "#263238"
    if kind is DrillKind.EMAIL:
        rows = [
            _text(drill.subject or "(ไม่มีหัวเรื่อง)", size=sizes.title, bold=True),
            _text(f"จาก: {drill.sender}", size=sizes.small, color="#5F6368"),
        ]
        return _box(rows, spacing="xs"), "#FFFFFF", "#FFFFFF"
    # A social post: the page or account name and when it was posted.
    rows = [
        _text(drill.sender, size=sizes.text, bold=True),
        *([_text(drill.time, size=sizes.small, color="#65676B")] if drill.time else []),
    ]
    return _box(rows), "#FFFFFF", "#FFFFFF"


def _screen_body(drill: Drill, sizes: _Type) -> list[dict[str, Any]]:
    kind = drill.kind
    if kind in (DrillKind.SMS, DrillKind.PARCEL):
        return [*_time(drill, sizes)] + [
            _chat_bubble(m, sizes, color="#E9E9EB", mine_color="#D7F5D0") for m in drill.messages
        ]
    if kind in (DrillKind.LINE_CHAT, DrillKind.LINE_OFFICIAL):
        return [*_time(drill, sizes, color="#FFFFFF")] + [
            _chat_bubble(m, sizes, color="#FFFFFF", mine_color="#A6E765") for m in drill.messages
        ]
    if kind is DrillKind.CALL_TRANSCRIPT:
        rows = []
        for m in drill.messages:
            who = "เรา" if m.me else "ปลายสาย"
            rows.append(
                _box(
                    [
                        _text(who, size=sizes.small, bold=True, color="#546E7A"),
                        _text(m.text, size=sizes.text),
                    ],
                    backgroundColor="#DCEDC8" if m.me else "#FFFFFF",
                    cornerRadius="10px",
                    paddingAll="10px",
                )
            )
        return rows
    if kind is DrillKind.BANK_NOTICE:
        lines = [_text(drill.subject, size=sizes.title, bold=True)] if drill.subject else []
        card = _box(
            [*lines, *(_text(m.text, size=sizes.text) for m in drill.messages)],
            backgroundColor="#FFFFFF",
            cornerRadius="12px",
            paddingAll="12px",
            spacing="sm",
        )
        return [card]
    if kind is DrillKind.WEB_PAGE:
        title = [_text(drill.subject, size=sizes.title, bold=True)] if drill.subject else []
        return [*title, *(_text(m.text, size=sizes.text) for m in drill.messages)]
    # Email and social posts: a block of text.
    return [_text(m.text, size=sizes.text) for m in drill.messages]


def _context(context: str, sizes: _Type, *, dark: bool) -> dict[str, Any]:
    """What the learner just did, in a small grey note above the screen's content."""
    return _box(
        [_text(f"สถานการณ์: {context}", size=sizes.small, color="#37474F")],
        backgroundColor="#FFF8E1" if not dark else "#FFFDE7",
        cornerRadius="8px",
        paddingAll="6px",
    )
