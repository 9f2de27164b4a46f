from linebot.v3.webhooks import MessageEvent

from bot.gateway import MessageJSON
from bot.handlers.context import HandlerContext


def handle(event: MessageEvent, context: HandlerContext) -> list[MessageJSON]:
    """A sticker, photo, voice message, file or location gets a friendly reply that points to the buttons."""
    kind = getattr(event.message, "type", None) or "unknown"
    return context.tutor(event).sent_media(kind)
