from urllib.parse import parse_qsl

from linebot.v3.webhooks import PostbackEvent

from bot.gateway import MessageJSON
from bot.handlers.context import HandlerContext

# Ruthan's own buttons carry a few fields (a=ans&q=...&i=1): data with more was not made by us.
MAX_FIELDS = 8


def handle(event: PostbackEvent, context: HandlerContext) -> list[MessageJSON]:
    """A button was pressed (quick reply or rich menu): the learning flow acts on it; data that no button
    of ours sends gets the kind "not understood" answer."""
    try:
        params = dict(parse_qsl(event.postback.data or "", max_num_fields=MAX_FIELDS))
    except ValueError:
        params = {}
    return context.tutor(event).pressed(params.pop("a", ""), params)
