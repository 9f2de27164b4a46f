"""What the outbox keeps about people, and for how long (README, "Privacy").

- A learner who erases their data leaves every batch at once, sent or not (bot/learning/erasure.py): a
  batch waiting to go never reaches them, and no batch keeps their ID.
- Work that is finished (sent, failed, expired) is kept for a while (`OUTBOX_RETENTION_DAYS`, a week by
  default), so that "I never got it" can be looked into, then pruned (`prune`): one-to-one rows and
  reminder batches are deleted; an announcement's batches keep only their counts (the trainers' delivery
  figures) and forget their learners. Rows to LINE groups (announcements) hold no learner and are kept.
  What is still waiting is never pruned, however old.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, func, select, update
from sqlmodel import col

from bot.storage.db import session_scope
from bot.storage.models import Outbox, OutboxBatch, OutboxStatus
from bot.storage.outbox import ANNOUNCEMENT

DEFAULT_RETENTION = timedelta(days=7)
CHUNK = 2000  # rows pruned per transaction, so that deliveries never wait long behind a prune


def prune(engine: Engine, now: datetime, *, keep: timedelta = DEFAULT_RETENTION) -> dict[str, int]:
    """Delete (or strip) finished work older than `keep`, a chunk per transaction; what was pruned."""
    cutoff = now - keep
    pruned = {
        name: _chunked(engine, table, _finished_before(table, cutoff), col(table.purpose) != ANNOUNCEMENT)
        for name, table in (("rows", Outbox), ("batches", OutboxBatch))
    }
    with session_scope(engine) as session:
        # An announcement's batches keep their status and size: they are its delivery figures.
        pruned["batches_stripped"] = session.exec(
            update(OutboxBatch)
            .where(
                _finished_before(OutboxBatch, cutoff),
                col(OutboxBatch.purpose) == ANNOUNCEMENT,
                func.json_array_length(OutboxBatch.learner_ids) > 0,
            )
            .values(learner_ids=[])
        ).rowcount
    return pruned


def _finished_before(table: type[Outbox] | type[OutboxBatch], cutoff: datetime):  # type: ignore[no-untyped-def]
    """Work finished before `cutoff`: sent then, or failed or expired at its last try (a finished row's
    `not_before` is when its last try was due), never work still waiting."""
    return col(table.status).in_((OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.EXPIRED)) & (
        func.coalesce(table.sent_at, table.not_before) < cutoff
    )


def _chunked(engine: Engine, table: type[Outbox] | type[OutboxBatch], *where) -> int:  # type: ignore[no-untyped-def]
    pruned = 0
    while True:
        with session_scope(engine) as session:
            chosen = select(table.id).where(*where).limit(CHUNK)  # type: ignore[arg-type, call-overload]
            deleted = session.exec(delete(table).where(col(table.id).in_(chosen))).rowcount  # type: ignore[call-overload]
        pruned += deleted
        if deleted < CHUNK:
            return pruned
