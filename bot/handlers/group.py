"""Groups and rooms: Ruthan introduces itself and teaches only in one-to-one chats.

"เชื่อมห้อง 4K7Q" typed in a group asks to link the group to the class; once the class's trainer approves
the link in /admin, the class's announcements reach the group too, and the trainer can run live class games
there (bot/handlers/game.py). Any other group chatter is ignored.
"""

from linebot.v3.webhooks import Event, MessageEvent

from bot.gateway import MessageJSON
from bot.handlers import game
from bot.handlers.context import HandlerContext
from bot.trainers import audit, classes, games
from bot.voice import texts
from bot.voice.ui import text


def joined(event: Event, context: HandlerContext) -> list[MessageJSON]:
    """Added to a group: say hello and explain how each member can add Ruthan one-to-one."""
    return [text(texts.GROUP_JOIN)]


def member_joined(event: Event, context: HandlerContext) -> list[MessageJSON]:
    """Someone joined a group Ruthan is in: one short welcome with the same how-to."""
    return [text(texts.GROUP_MEMBER_JOINED)]


def left(event: Event, context: HandlerContext) -> list[MessageJSON]:
    """Removed from a group: nothing to say (there is no reply token); no class sends there any more."""
    group_id = _chat_id(event)
    if group_id and (running := games.current_game(context.session, group_id)) is not None:
        games.end(context.session, running, context.now)  # no one can type "ข้อต่อไป" there any more
    if group_id and classes.forget_group(context.session, group_id):
        audit.record(
            context.session,
            None,
            "group.left",
            "The bot left a LINE group: no more announcements there",
            now=context.now,
            actor=audit.LINE_GROUP_ACTOR,
            detail={"group_id": group_id},
        )
    return []


def typed(event: MessageEvent, context: HandlerContext) -> list[MessageJSON]:
    """ "เชื่อมห้อง 4K7Q" in a group asks to link it to that class; the class's trainer approves it in /admin.

    A bare code in the chatter is never acted on, "เข้าห้อง 4K7Q" gets a pointer to the one-to-one chat, and
    codes that match no class are throttled per group and per member. A trainer's game commands ("เริ่มเกม",
    "ข้อต่อไป", "จบเกม") and the one-time code that links a trainer's LINE account go to bot/handlers/game.py.
    """
    for handled in (game.link_code, game.typed):
        if (answer := handled(event, context)) is not None:
            return answer
    request = classes.read_join(event.message.text)
    group_id = _chat_id(event)
    if request is None or group_id is None or request.kind in ("bare", "leave"):
        return []
    if request.kind == "join":
        return [text(texts.GROUP_JOIN_IN_PRIVATE.format(code=request.code))]
    sources = [classes.group_source(group_id)]
    if user := getattr(event.source, "user_id", None):
        sources.append(classes.user_source(user))
    lookup = classes.lookup_code(context.session, request.code, sources=sources, now=context.now)
    if lookup.wait is not None:
        return [text(texts.CODE_WAIT.format(minutes=lookup.wait_minutes))]
    classroom = lookup.classroom
    if classroom is None:
        return [text(texts.CLASS_NOT_FOUND.format(code=request.code))]
    outcome = classes.request_group(context.session, classroom=classroom, group_id=group_id, now=context.now)
    if outcome is classes.GroupRequest.PENDING:
        audit.record(
            context.session,
            None,
            "group.request",
            f"A LINE group asked to be linked to class {classroom.name}",
            now=context.now,
            actor=audit.LINE_GROUP_ACTOR,
            detail={"class_ids": [classroom.id], "group_id": group_id},
        )
    # The class's name and trainer are said only once the trainer has approved the link.
    said = {
        classes.GroupRequest.PENDING: texts.GROUP_PENDING,
        classes.GroupRequest.STILL_PENDING: texts.GROUP_STILL_PENDING,
        classes.GroupRequest.LINKED: texts.GROUP_ALREADY,
        classes.GroupRequest.FULL: texts.GROUP_FULL,
        classes.GroupRequest.TOO_MANY_PENDING: texts.GROUP_TOO_MANY_PENDING,
    }[outcome]
    return [text(said.format(code=classroom.code, name=classroom.name))]


def _chat_id(event: Event) -> str | None:
    source = getattr(event, "source", None)
    return getattr(source, "group_id", None) or getattr(source, "room_id", None)


def ignored(event: Event, context: HandlerContext) -> list[MessageJSON]:
    """Group chatter is not for Ruthan (requests to link a class are handled by `typed`)."""
    return []
