from linebot.v3.webhooks import FollowEvent

from bot.gateway import MessageJSON
from bot.handlers.context import HandlerContext


def handle(event: FollowEvent, context: HandlerContext) -> list[MessageJSON]:
    """A new friend is welcomed and asked for consent; a returning friend resumes where they left off."""
    unblocked = bool(event.follow and event.follow.is_unblocked)
    return context.tutor(event).followed(unblocked=unblocked)
