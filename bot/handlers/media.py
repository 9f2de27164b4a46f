from linebot.v3.webhooks import MessageEvent

from bot.gateway import MessageJSON
from bot.handlers.context import HandlerContext


def handle(event: MessageEvent, context: HandlerContext) -> list[MessageJSON]:
    """A photo is checked as a screenshot of a suspicious message; a sticker, voice message, file or location
    gets a friendly reply that points to the buttons."""
    kind = getattr(event.message, "type", None) or "unknown"
    if kind == "image":  # a screenshot to check (issue 16): answered a few seconds later
        return context.tutor(event).sent_image(event.message.id)
    return context.tutor(event).sent_media(kind)
