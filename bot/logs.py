"""Logging for the long-running commands: one line format, and no flood of one error repeated."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

# Of each kind of warning or error, at most this many are logged per window; the rest are counted.
BURST = 5
WINDOW_SECONDS = 60.0


@dataclass
class _Seen:
    since: float  # when this window began
    logged: int = 0
    suppressed: int = 0


class RepeatedErrors(logging.Filter):
    """Lets the first `burst` warnings or errors of each kind per `window` seconds through; counts the rest.

    A kind is the logger, the level, the message before its arguments are filled in and the exception's type:
    a full disk failing every webhook is one kind, however many events it fails. The last one let through says
    that more will be counted; the first one let through after the window says how many were held back.
    Info and debug records always pass.
    """

    def __init__(
        self, burst: int = BURST, window: float = WINDOW_SECONDS, clock: Callable[[], float] = time.monotonic
    ):
        super().__init__()
        self.burst = burst
        self.window = window
        self._clock = clock
        self._seen: dict[tuple[object, ...], _Seen] = {}
        self._lock = threading.Lock()  # records come from the event loop and the database threads

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        kind = (record.name, record.levelno, str(record.msg), record.exc_info[0] if record.exc_info else None)
        now = self._clock()
        with self._lock:
            seen = self._seen.get(kind)
            if seen is None or now - seen.since >= self.window:
                earlier = seen.suppressed if seen else 0
                seen = self._seen[kind] = _Seen(since=now)
                if earlier:
                    self._note(record, f"{earlier} more like this held back since the last one logged")
                if len(self._seen) > 1000:  # forget kinds whose window has ended
                    self._seen = {k: v for k, v in self._seen.items() if now - v.since < self.window}
            if seen.logged >= self.burst:
                seen.suppressed += 1
                return False
            seen.logged += 1
            if seen.logged == self.burst:
                self._note(record, f"more like this in the next {self.window:g} s are counted, not logged")
            return True

    @staticmethod
    def _note(record: logging.LogRecord, note: str) -> None:
        record.msg, record.args = f"{record.getMessage()} ({note})", None


def configure(level: str = "INFO") -> None:
    """The commands' logging: one line per record on stderr, repeated errors held back (RepeatedErrors)."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # not a line per job run
    for handler in logging.getLogger().handlers:
        if not any(isinstance(each, RepeatedErrors) for each in handler.filters):
            handler.addFilter(RepeatedErrors())
