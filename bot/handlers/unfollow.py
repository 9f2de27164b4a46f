from linebot.v3.webhooks import UnfollowEvent

from bot.gateway import MessageJSON
from bot.handlers.context import HandlerContext


def handle(event: UnfollowEvent, context: HandlerContext) -> list[MessageJSON]:
    """The learner blocked Ruthan: they are marked inactive and nothing more is sent."""
    return context.tutor(event).unfollowed()
