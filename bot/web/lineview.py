"""LINE messages drawn as HTML, roughly as the LINE app shows them: the simulator and announcement previews.

Supports what Ruthan sends (text, image, Flex bubbles and carousels made of boxes, texts, images, buttons,
separators and fillers) and quick replies. Every string is escaped and every style value is checked against
a narrow pattern, so a message can never inject markup into a trainer's page.
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup, escape

from bot.gateway import MessageJSON

# LINE's Flex keyword sizes, in CSS pixels as the app shows them on a phone.
TEXT_SIZES = {
    "xxs": 11,
    "xs": 13,
    "sm": 14,
    "md": 16,
    "lg": 19,
    "xl": 22,
    "xxl": 29,
    "3xl": 35,
    "4xl": 48,
    "5xl": 74,
}
SPACINGS = {"none": 0, "xs": 2, "sm": 4, "md": 8, "lg": 12, "xl": 16, "xxl": 20}
BUBBLE_WIDTHS = {"nano": 120, "micro": 160, "deca": 220, "hecto": 241, "kilo": 260, "mega": 300, "giga": 386}
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$")
_LENGTH = re.compile(r"^\d{1,4}(\.\d+)?(px|%)$")


def _color(value: Any) -> str | None:
    return value if isinstance(value, str) and _COLOR.match(value) else None


def _length(value: Any) -> str | None:
    return value if isinstance(value, str) and _LENGTH.match(value) else None


def _spacing(value: Any) -> str | None:
    if isinstance(value, str) and value in SPACINGS:
        return f"{SPACINGS[value]}px"
    return _length(value)


def _https(value: Any) -> str | None:
    return value if isinstance(value, str) and value.startswith("https://") and len(value) <= 2000 else None


def _style(**properties: str | None) -> str:
    parts = [f"{name.replace('_', '-')}:{value}" for name, value in properties.items() if value]
    return f' style="{";".join(parts)}"' if parts else ""


def _text_html(value: str) -> Markup:
    return escape(value)


def render_message(message: MessageJSON) -> Markup:
    """One message as an HTML fragment (a chat bubble or a Flex card)."""
    kind = message.get("type")
    if kind == "text":
        return Markup('<div class="ln-bubble ln-text">{}</div>').format(
            _text_html(str(message.get("text", "")))
        )
    if kind == "textV2":  # a class game's podium: mentions shown as LINE shows them, "@" and a name
        body = str(message.get("text", ""))
        for key in message.get("substitution") or {}:
            body = body.replace("{" + str(key) + "}", "@สมาชิก")
        return Markup('<div class="ln-bubble ln-text">{}</div>').format(_text_html(body))
    if kind == "image":
        url = _https(message.get("previewImageUrl")) or _https(message.get("originalContentUrl"))
        if url:
            return Markup('<div class="ln-image"><img src="{}" alt="" loading="lazy"></div>').format(url)
        return Markup('<div class="ln-bubble ln-text ln-muted">[รูปภาพ]</div>')
    if kind == "flex":
        return _container(message.get("contents") or {})
    if kind == "sticker":
        return Markup('<div class="ln-bubble ln-text ln-muted">[สติกเกอร์]</div>')
    return Markup('<div class="ln-bubble ln-text ln-muted">[{}]</div>').format(str(kind))


def render_messages(messages: list[MessageJSON]) -> list[Markup]:
    return [render_message(message) for message in messages]


def quick_replies(messages: list[MessageJSON]) -> list[dict[str, str]]:
    """The quick-reply buttons on screen: LINE shows only the last message's."""
    if not messages:
        return []
    items = (messages[-1].get("quickReply") or {}).get("items", [])
    buttons = []
    for item in items:
        action = item.get("action") or {}
        buttons.append(
            {
                "type": str(action.get("type", "")),
                "label": str(action.get("label", "")),
                "data": str(action.get("data", "")),
                "text": str(action.get("text") or action.get("displayText") or action.get("label") or ""),
            }
        )
    return buttons


# ----- Flex ------------------------------------------------------------------------------------------


def _container(node: dict[str, Any]) -> Markup:
    if node.get("type") == "carousel":
        bubbles = Markup("").join(_bubble(bubble) for bubble in node.get("contents", [])[:12])
        return Markup('<div class="ln-carousel">{}</div>').format(bubbles)
    return _bubble(node)


def _bubble(node: dict[str, Any]) -> Markup:
    width = BUBBLE_WIDTHS.get(str(node.get("size", "mega")), BUBBLE_WIDTHS["mega"])
    styles = node.get("styles") if isinstance(node.get("styles"), dict) else {}
    sections = Markup("")
    for name in ("header", "hero", "body", "footer"):
        part = node.get(name)
        if isinstance(part, dict):
            inner = _component(part, parent="vertical")
            found = styles.get(name) if isinstance(styles, dict) else None
            block: dict[str, Any] = found if isinstance(found, dict) else {}
            style = _style(
                background_color=_color(block.get("backgroundColor")),
                border_top=(
                    f"1px solid {_color(block.get('separatorColor')) or '#dddddd'}"
                    if block.get("separator") is True
                    else None
                ),
            )
            sections += Markup('<div class="ln-{}"{}>{}</div>').format(name, Markup(style), inner)
    return Markup('<div class="ln-flex" style="max-width:{}px">{}</div>').format(width, sections)


def _component(node: dict[str, Any], *, parent: str) -> Markup:
    kind = node.get("type")
    if kind == "box":
        return _box(node, parent=parent)
    if kind == "text":
        return _flex_text(node, parent=parent)
    if kind == "image":
        url = _https(node.get("url"))
        return Markup('<img class="ln-flex-image" src="{}" alt="">').format(url) if url else Markup("")
    if kind == "button":
        action = node.get("action") or {}
        style = "ln-button-primary" if node.get("style") == "primary" else "ln-button-link"
        return Markup('<div class="ln-button {}">{}</div>').format(style, str(action.get("label", "")))
    if kind == "separator":
        return Markup('<hr class="ln-separator">')
    if kind in ("filler", "spacer"):
        return Markup('<div class="ln-filler"></div>')
    return Markup("")


def _box(node: dict[str, Any], *, parent: str) -> Markup:
    layout = (
        str(node["layout"]) if node.get("layout") in ("vertical", "horizontal", "baseline") else "vertical"
    )
    gap = _spacing(node.get("spacing"))
    style = _style(
        background_color=_color(node.get("backgroundColor")),
        border_radius=_length(node.get("cornerRadius")),
        width=_length(node.get("width")),
        height=_length(node.get("height")),
        padding=_spacing(node.get("paddingAll")),
        margin_top=_spacing(node.get("margin")) if parent == "vertical" else None,
        gap=gap,
        flex=str(node["flex"]) if isinstance(node.get("flex"), int) else None,
    )
    children = Markup("").join(
        _component(child, parent=layout) for child in node.get("contents", []) if isinstance(child, dict)
    )
    return Markup('<div class="ln-box ln-{}"{}>{}</div>').format(layout, Markup(style), children)


def _flex_text(node: dict[str, Any], *, parent: str) -> Markup:
    size = node.get("size")
    pixels = TEXT_SIZES.get(size) if isinstance(size, str) else None
    style = _style(
        font_size=f"{pixels}px" if pixels else _length(size),
        font_weight="bold" if node.get("weight") == "bold" else None,
        color=_color(node.get("color")),
        text_align={"center": "center", "end": "right"}.get(str(node.get("align"))),
        white_space="pre-wrap" if node.get("wrap") else "nowrap",
        margin_top=_spacing(node.get("margin")) if parent == "vertical" else None,
        flex=str(node["flex"]) if isinstance(node.get("flex"), int) else None,
    )
    return Markup('<div class="ln-flex-text"{}>{}</div>').format(
        Markup(style), _text_html(str(node.get("text", "")))
    )
