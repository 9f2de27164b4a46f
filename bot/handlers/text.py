from linebot.v3.webhooks import MessageEvent

from bot.gateway import MessageJSON
from bot.handlers.context import HandlerContext


def handle(event: MessageEvent, context: HandlerContext) -> list[MessageJSON]:
    """The learner typed: a command, a quiz answer, or something that gets a kind reply with the menu."""
    return context.tutor(event).typed(event.message.text)
