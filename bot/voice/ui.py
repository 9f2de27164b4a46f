"""Message builders: LINE Messaging API JSON for texts, quick-reply buttons and Flex cards.

The flow says what to show; these functions say how it looks on LINE. Elderly learners get Flex bubbles
with large type; everyone else gets plain text, which LINE renders fastest and every client shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urlencode

from bot.gateway import MessageJSON

MAX_ALT_TEXT = 400


@dataclass(frozen=True)
class Button:
    """A quick-reply button that sends a postback and shows `label` in the chat as the learner's words."""

    label: str
    action: str
    params: tuple[tuple[str, str], ...] = ()

    @property
    def data(self) -> str:
        return _postback_data(self.action, self.params)


@lru_cache(maxsize=4096)
def _postback_data(action: str, params: tuple[tuple[str, str], ...]) -> str:
    # The same few hundred buttons (commands, answer choices, modules) come back in every conversation.
    return urlencode([("a", action), *params])


def button(label: str, action: str, **params: object) -> Button:
    return Button(label, action, tuple((key, str(value)) for key, value in params.items()))


# Help in the moment (issue 16): the urgent steps in one tap (bot/help answers the action).
ACTION_EMERGENCY = "emergency"
EMERGENCY_TILE = button("โดนหลอก?", ACTION_EMERGENCY)


@dataclass(frozen=True)
class LinkButton:
    """A quick-reply button that opens a URI (e.g. LINE's share screen) instead of sending a postback."""

    label: str
    uri: str


# LINE's share screen: the learner picks a chat (a family group, a friend) and the text is sent there. See
# https://developers.line.biz/en/docs/messaging-api/using-line-url-scheme/ ("Sending text messages").
SHARE_URL = "https://line.me/R/share?text="
MAX_URI = 1000  # LINE's limit on a URI action's `uri`


def share_link(label: str, message: str) -> LinkButton:
    """A button that opens LINE's share screen with `message` ready to send; the message is cut (whole
    lines first, then characters) so that the percent-encoded URI fits LINE's 1,000-character limit."""
    lines = message.splitlines()
    while len(lines) > 1 and len(SHARE_URL + quote("\n".join(lines), safe="")) > MAX_URI:
        lines.pop()
    shared = "\n".join(lines)
    while len(SHARE_URL + quote(shared, safe="")) > MAX_URI:
        shared = shared[:-1]
    return LinkButton(label, SHARE_URL + quote(shared, safe=""))


def rich_menu_buttons() -> list[Button]:
    """The learners' rich menu (and the simulator's menu), in reading order: "โดนหลอก?" first, drawn as a
    red strip above the six (issue 16: the urgent steps in one tap), then the six buttons of the course."""
    from bot.voice import texts as t

    return [
        EMERGENCY_TILE,
        button(t.CONTINUE, "continue"),
        button(t.PROGRESS, "progress"),
        button(t.REVIEW, "review"),
        button(t.SET_REMINDER, "set_reminder"),
        button(t.HELP_LABEL, "help"),
        button(t.MENU_LABEL, "menu"),
    ]


def _action(b: Button | LinkButton) -> dict[str, str]:
    if isinstance(b, LinkButton):
        return {"type": "uri", "label": b.label[:20], "uri": b.uri}
    return {"type": "postback", "label": b.label[:20], "data": b.data, "displayText": b.label}


def with_buttons(message: MessageJSON, buttons: Sequence[Button | LinkButton]) -> MessageJSON:
    if buttons:
        message["quickReply"] = {"items": [{"type": "action", "action": _action(b)} for b in buttons]}
    return message


def text(body: str, buttons: Sequence[Button | LinkButton] | None = None) -> MessageJSON:
    return with_buttons({"type": "text", "text": body}, buttons or [])


def image(original_url: str, preview_url: str) -> MessageJSON:
    """An image message: LINE fetches both images from their HTTPS addresses (the preview at most 1 MB)."""
    return {"type": "image", "originalContentUrl": original_url, "previewImageUrl": preview_url}


def text_node(body: str, *, size: str, bold: bool = False, color: str | None = None) -> dict[str, Any]:
    node: dict[str, Any] = {"type": "text", "text": body, "wrap": True, "size": size}
    if bold:
        node["weight"] = "bold"
    if color:
        node["color"] = color
    return node


def card(
    body: str,
    *,
    title: str | None = None,
    footer: str | None = None,
    large: bool = False,
    buttons: Sequence[Button | LinkButton] | None = None,
) -> MessageJSON:
    """A lesson card or question: plain text normally, a large-type Flex bubble for elderly learners."""
    if not large:
        parts = [part for part in (title, body, footer) if part]
        return text("\n\n".join(parts), buttons)
    contents = []
    if title:
        contents.append(text_node(title, size="lg", bold=True, color="#1B5E20"))
    contents.append(text_node(body, size="xl"))
    if footer:
        contents.append(text_node(footer, size="md", color="#757575"))
    bubble = {
        "type": "bubble",
        "size": "giga",
        "body": {"type": "box", "layout": "vertical", "spacing": "lg", "contents": contents},
    }
    alt = "\n".join(part for part in (title, body) if part)
    return with_buttons({"type": "flex", "altText": alt[:MAX_ALT_TEXT], "contents": bubble}, buttons or [])


def progress_card(*, title: str, lines: list[str], percent: int, buttons: list[Button]) -> MessageJSON:
    """A visual progress card: a bar for modules completed, then a few short lines."""
    percent = max(0, min(100, percent))
    bar = {
        "type": "box",
        "layout": "vertical",
        "height": "14px",
        "backgroundColor": "#E0E0E0",
        "cornerRadius": "7px",
        "contents": [
            {
                "type": "box",
                "layout": "vertical",
                "width": f"{max(percent, 1)}%",
                "height": "14px",
                "backgroundColor": "#2E7D32",
                "cornerRadius": "7px",
                "contents": [],
            }
        ],
    }
    bubble = {
        "type": "bubble",
        "body": {
            "type": "box",
            "layout": "vertical",
            "spacing": "md",
            "contents": [
                text_node(title, size="xl", bold=True),
                bar,
                text_node(f"{percent}%", size="sm", color="#757575"),
                *(text_node(line, size="lg") for line in lines),
            ],
        },
    }
    alt = "\n".join([title, *lines])
    return with_buttons({"type": "flex", "altText": alt[:MAX_ALT_TEXT], "contents": bubble}, buttons)
