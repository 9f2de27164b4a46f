from linebot.v3.webhooks import MessageEvent

from bot.gateway import MessageJSON
from bot.handlers import game
from bot.handlers.context import HandlerContext


def handle(event: MessageEvent, context: HandlerContext) -> list[MessageJSON]:
    """The learner typed: a command, a quiz answer, or something that gets a kind reply with the menu.

    A trainer's one-time "รหัสครู" code links their LINE account (no learner row is made for it)."""
    linked = game.link_code(event, context)
    if linked is not None:
        return linked
    return context.tutor(event).typed(event.message.text)
