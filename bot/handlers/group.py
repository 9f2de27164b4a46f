"""Groups and rooms: Ruthan introduces itself and teaches only in one-to-one chats."""

from linebot.v3.webhooks import Event

from bot.flow import texts
from bot.flow.ui import text
from bot.gateway import MessageJSON
from bot.handlers.context import HandlerContext


def joined(event: Event, context: HandlerContext) -> list[MessageJSON]:
    """Added to a group: say hello and explain how each member can add Ruthan one-to-one."""
    return [text(texts.GROUP_JOIN)]


def member_joined(event: Event, context: HandlerContext) -> list[MessageJSON]:
    """Someone joined a group Ruthan is in: one short welcome with the same how-to."""
    return [text(texts.GROUP_MEMBER_JOINED)]


def left(event: Event, context: HandlerContext) -> list[MessageJSON]:
    """Removed from a group: nothing to say (there is no reply token)."""
    return []


def ignored(event: Event, context: HandlerContext) -> list[MessageJSON]:
    """Group chatter is not for Ruthan; trainers' announcements come later."""
    return []
