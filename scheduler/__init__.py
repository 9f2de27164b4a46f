"""Time and delivery: the periodic work that moves things forward when no webhook arrives.

The reminder sweep (`sweep`) writes due reminders into the outbox as batches; the delivery worker
(`worker`) drains the outbox with reply, push and multicast under leases and retry keys; `retention` prunes
finished outbox work; `jobs` starts them on APScheduler (with recovery and announcements, see
`bot.services`). The outbox itself is read and written through `bot.storage.outbox`.

Jobs carry no state and no pickled objects: each run reads what is due from the database, so the schedule
is rebuilt from the database whenever a process starts. Modules here may import `bot.storage`, `bot.sender`,
`bot.gateway`, `bot.metrics`, `bot.clock`, `bot.content`, the learning rules (`bot.learning`) and what the
bot says (`bot.voice`); never `bot.flow`, `bot.handlers` or `bot.web` (import-linter contracts in
pyproject.toml, run by tests/test_layers.py).
"""

from scheduler.jobs import start_jobs

__all__ = ["start_jobs"]
