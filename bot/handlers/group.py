"""Groups and rooms: Ruthan introduces itself and teaches only in one-to-one chats.

A trainer who types a class code in a group links the group to the class: the class's announcements then
reach the group too. Any other group chatter is ignored.
"""

from linebot.v3.webhooks import Event, MessageEvent

from bot.flow import texts
from bot.flow.ui import text
from bot.gateway import MessageJSON
from bot.handlers.context import HandlerContext
from bot.trainers import audit, classes


def joined(event: Event, context: HandlerContext) -> list[MessageJSON]:
    """Added to a group: say hello and explain how each member can add Ruthan one-to-one."""
    return [text(texts.GROUP_JOIN)]


def member_joined(event: Event, context: HandlerContext) -> list[MessageJSON]:
    """Someone joined a group Ruthan is in: one short welcome with the same how-to."""
    return [text(texts.GROUP_MEMBER_JOINED)]


def left(event: Event, context: HandlerContext) -> list[MessageJSON]:
    """Removed from a group: nothing to say (there is no reply token); no class sends there any more."""
    group_id = _chat_id(event)
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
    """A class code typed in the group ("4K7Q" or "เข้าห้อง 4K7Q") links the group to that class."""
    request = classes.read_join(event.message.text)
    group_id = _chat_id(event)
    if request is None or request.kind == "leave" or group_id is None:
        return []
    classroom = classes.find_by_code(context.session, request.code)
    if classroom is None:
        # A bare word that merely looks like a code is chatter; an explicit "เข้าห้อง XXXX" gets an answer.
        return [text(texts.CLASS_NOT_FOUND.format(code=request.code))] if request.kind == "join" else []
    added = classes.register_group(context.session, classroom=classroom, group_id=group_id, now=context.now)
    if added is None:
        return [text(texts.GROUP_FULL.format(name=classroom.name))]
    if not added:
        return [text(texts.GROUP_ALREADY.format(name=classroom.name))]
    audit.record(
        context.session,
        None,
        "group.register",
        f"A LINE group was linked to class {classroom.name}",
        now=context.now,
        actor=audit.LINE_GROUP_ACTOR,
        detail={"class_ids": [classroom.id], "group_id": group_id},
    )
    trainer = classes.trainer_name(context.session, classroom)
    return [text(texts.GROUP_REGISTERED.format(name=classroom.name, trainer=trainer, code=classroom.code))]


def _chat_id(event: Event) -> str | None:
    source = getattr(event, "source", None)
    return getattr(source, "group_id", None) or getattr(source, "room_id", None)


def ignored(event: Event, context: HandlerContext) -> list[MessageJSON]:
    """Group chatter is not for Ruthan (class codes are handled by `typed`)."""
    return []
