"""`ruthan chat`: LINE messages drawn in the terminal; quick replies are numbered to be picked by number."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from typing import Any

from bot.gateway.base import LineApiError, MessageJSON

Action = dict[str, Any]


def flex_texts(node: Any) -> Iterator[str]:
    """Every text in a Flex container, in reading order."""
    if isinstance(node, dict):
        if node.get("type") == "text" and node.get("text"):
            yield str(node["text"])
        for key in ("header", "hero", "body", "footer", "contents"):
            if key in node:
                yield from flex_texts(node[key])
    elif isinstance(node, list):
        for child in node:
            yield from flex_texts(child)


def render(message: MessageJSON, width: int = 60) -> list[str]:
    """The lines a learner would read for one message."""
    kind = message.get("type")
    if kind == "text":
        texts = [message["text"]]
    elif kind == "textV2":  # mentions ({p0}) drawn as "@" and the member's user ID
        texts = [_substituted(message)]
    elif kind == "flex":
        texts = list(flex_texts(message.get("contents"))) or [message.get("altText", "")]
    else:
        texts = [f"[{kind}]"]
    lines: list[str] = []
    for text in texts:
        for paragraph in str(text).splitlines() or [""]:
            lines.extend(textwrap.wrap(paragraph, width) or [""])
    return lines


def _substituted(message: MessageJSON) -> str:
    body = str(message["text"])
    for key, value in (message.get("substitution") or {}).items():
        mentionee = value.get("mentionee") or {}
        body = body.replace("{" + key + "}", "@" + str(mentionee.get("userId", "all")))
    return body


def quick_reply_actions(messages: list[MessageJSON]) -> list[Action]:
    """LINE shows only the last message's quick replies; so does the terminal."""
    if not messages:
        return []
    items = (messages[-1].get("quickReply") or {}).get("items", [])
    return [item["action"] for item in items]


class TerminalGateway:
    """Prints what the bot sends and remembers the buttons on screen."""

    def __init__(self, write: Callable[[str], None] = print):
        self._write = write
        self.actions: list[Action] = []

    async def reply(self, reply_token: str, messages: list[MessageJSON]) -> None:
        self._show(messages)

    async def push(self, to: str, messages: list[MessageJSON], retry_key: str) -> None:
        self._show(messages)

    async def multicast(self, to: list[str], messages: list[MessageJSON], retry_key: str) -> None:
        self._show(messages)

    async def show_loading(self, chat_id: str, seconds: int) -> None:
        self._write(f"  รู้ทัน │ … ({seconds} s)")

    async def content(self, message_id: str) -> bytes:
        raise LineApiError(404, "the terminal chat sends no images")

    async def close(self) -> None:
        return None

    def _show(self, messages: list[MessageJSON]) -> None:
        for message in messages:
            self._write("")
            for line in render(message):
                self._write(f"  รู้ทัน │ {line}")
        self.actions = quick_reply_actions(messages)
        if self.actions:
            self._write("")
            for number, action in enumerate(self.actions, start=1):
                self._write(f"    [{number}] {action.get('label', '')}")
