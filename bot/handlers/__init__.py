"""The one registration table: which module handles which LINE event, with precedence written here.

The first matching route wins. A route matches on the event class, optionally the message content class,
and optionally the kind of chat ("user" for one-to-one, "group" for groups and rooms).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from linebot.v3.webhooks import (
    AudioMessageContent,
    Event,
    FileMessageContent,
    FollowEvent,
    GroupSource,
    ImageMessageContent,
    JoinEvent,
    LeaveEvent,
    LocationMessageContent,
    MemberJoinedEvent,
    MessageEvent,
    PostbackEvent,
    RoomSource,
    StickerMessageContent,
    TextMessageContent,
    UnfollowEvent,
    VideoMessageContent,
)

from bot.gateway import MessageJSON
from bot.handlers import follow, game, group, media, postback, text, unfollow
from bot.handlers.context import HandlerContext

Handler = Callable[[Event, HandlerContext], list[MessageJSON]]
ChatKind = Literal["user", "group"]


@dataclass(frozen=True)
class Route:
    event: type
    handler: Handler
    message: type | tuple[type, ...] | None = None
    chat: ChatKind | None = None

    def matches(self, event: Event) -> bool:
        if not isinstance(event, self.event):
            return False
        if self.chat is not None and chat_kind(event) != self.chat:
            return False
        return self.message is None or isinstance(getattr(event, "message", None), self.message)


def chat_kind(event: Event) -> ChatKind:
    return "group" if isinstance(getattr(event, "source", None), GroupSource | RoomSource) else "user"


MEDIA = (
    StickerMessageContent,
    ImageMessageContent,
    AudioMessageContent,
    VideoMessageContent,
    FileMessageContent,
    LocationMessageContent,
)

ROUTES: tuple[Route, ...] = (
    # Groups and rooms first: no lessons there, only an introduction, class codes and trainers' class games.
    Route(JoinEvent, group.joined),
    Route(MemberJoinedEvent, group.member_joined),
    Route(LeaveEvent, group.left),
    Route(MessageEvent, group.typed, message=TextMessageContent, chat="group"),
    Route(MessageEvent, group.ignored, chat="group"),
    # A live class game's answer and team buttons: recorded silently (bot/handlers/game.py).
    Route(PostbackEvent, game.pressed, chat="group"),
    # One-to-one chats: the learning loop.
    Route(FollowEvent, follow.handle, chat="user"),
    Route(UnfollowEvent, unfollow.handle, chat="user"),
    Route(MessageEvent, text.handle, message=TextMessageContent, chat="user"),
    Route(MessageEvent, media.handle, message=MEDIA, chat="user"),
    # Any other message content a newer LINE app may send gets the same friendly answer as media.
    Route(MessageEvent, media.handle, chat="user"),
    Route(PostbackEvent, postback.handle, chat="user"),
)


def route_for(event: Event) -> Route | None:
    """The route for an event, or None for events Ruthan ignores (unknown types, standby mode)."""
    if getattr(event, "mode", None) == "standby":
        return None  # another channel owns this chat: send nothing
    return next((route for route in ROUTES if route.matches(event)), None)


def dispatch(event: Event, context: HandlerContext) -> list[MessageJSON]:
    route = route_for(event)
    return route.handler(event, context) if route else []
