"""The LINE API behind one small interface, with these implementations:

- `SdkGateway`: the real line-bot-sdk v3 async client (its `host` can point at a local stand-in),
- `TerminalGateway`: prints to the terminal for `ruthan chat`,
- `RecordingGateway`: records calls in memory for unit tests,
- `NotConnected`: refuses every call (no access token set), so delivery waits for one.

Messages cross this boundary as LINE's own JSON (dicts in the Messaging API's shape), so the outbox can
store them as they are and every implementation sees exactly what LINE would.
"""

from bot.gateway.base import LineApiError, LineGateway, MessageJSON, NotConnected
from bot.gateway.recording import RecordingGateway
from bot.gateway.sdk import SdkGateway
from bot.gateway.terminal import TerminalGateway

__all__ = [
    "LineApiError",
    "LineGateway",
    "MessageJSON",
    "NotConnected",
    "RecordingGateway",
    "SdkGateway",
    "TerminalGateway",
]
