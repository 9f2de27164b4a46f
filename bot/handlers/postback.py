from urllib.parse import parse_qsl

from linebot.v3.webhooks import PostbackEvent

from bot.gateway import MessageJSON
from bot.handlers.context import HandlerContext


def handle(event: PostbackEvent, context: HandlerContext) -> list[MessageJSON]:
    """A button was pressed (quick reply or rich menu): the learning flow acts on it."""
    params = dict(parse_qsl(event.postback.data or "", max_num_fields=8))
    return context.tutor(event).pressed(params.pop("a", ""), params)
