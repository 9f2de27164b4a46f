"""LINE's limits, enforced before anything is sent (neither the spec nor the SDK checks all of them)."""

from __future__ import annotations

import json

from bot.gateway import MessageJSON

MAX_MESSAGES_PER_REQUEST = 5
MAX_TEXT_UTF16 = 5000
MAX_QUICK_REPLY_ITEMS = 13
MAX_POSTBACK_DATA = 300
MAX_LABEL = 20
MAX_ALT_TEXT = 400
MAX_FLEX_BUBBLE_BYTES = 30 * 1024
ELLIPSIS = "…"


def utf16_length(text: str) -> int:
    """LINE counts text in UTF-16 code units: an emoji outside the BMP counts as 2."""
    return len(text.encode("utf-16-le")) // 2


def truncate_utf16(text: str, limit: int) -> str:
    if utf16_length(text) <= limit:
        return text
    encoded = text.encode("utf-16-le")[: (limit - 1) * 2]
    # Never cut a surrogate pair in half.
    return encoded.decode("utf-16-le", errors="ignore") + ELLIPSIS


def fit_message(message: MessageJSON) -> MessageJSON:
    """One message, made to fit: long text cut, too many buttons dropped, oversized Flex turned into text."""
    message = dict(message)
    if message.get("type") == "text":
        message["text"] = truncate_utf16(message["text"], MAX_TEXT_UTF16)
    elif message.get("type") == "flex":
        message["altText"] = truncate_utf16(message.get("altText") or "", MAX_ALT_TEXT)
        if len(json.dumps(message["contents"], ensure_ascii=False).encode()) > MAX_FLEX_BUBBLE_BYTES:
            message = {"type": "text", "text": message["altText"], "quickReply": message.get("quickReply")}
            if message["quickReply"] is None:
                del message["quickReply"]
    quick = message.get("quickReply")
    if quick:
        items = quick["items"][:MAX_QUICK_REPLY_ITEMS]
        for item in items:
            action = item["action"]
            if "label" in action:
                action["label"] = action["label"][:MAX_LABEL]
            if len(action.get("data", "")) > MAX_POSTBACK_DATA:
                raise ValueError(
                    f"postback data over {MAX_POSTBACK_DATA} characters: {action['data'][:40]}..."
                )
        message["quickReply"] = {"items": items}
    return message


def fit(messages: list[MessageJSON]) -> list[MessageJSON]:
    return [fit_message(message) for message in messages]


def requests(messages: list[MessageJSON]) -> list[list[MessageJSON]]:
    """Split messages into requests of at most five, LINE's per-request maximum."""
    step = MAX_MESSAGES_PER_REQUEST
    return [messages[start : start + step] for start in range(0, len(messages), step)]
