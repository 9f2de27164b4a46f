"""Can storage take a write now? Asked at start-up (one sentence and exit if not) and by GET /healthz."""

from __future__ import annotations

from datetime import datetime

from alembic.util.exc import CommandError
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.storage.db import dialect_insert, make_engine, session_scope, upgrade
from bot.storage.models import ServiceFlag

# The service flag row the check writes (and commits): a read-only database, a full disk or a lost
# connection fails it, as it would fail the webhook's writes.
STORAGE_CHECK = "storage_check"
# What the check may raise: the database's errors, Alembic's (a schema newer than this code), the OS's.
STORAGE_ERRORS = (SQLAlchemyError, CommandError, OSError)


def check_writable(engine: Engine, now: datetime) -> None:
    """Write and commit one small row; raises one of STORAGE_ERRORS when storage cannot take a write."""
    table = ServiceFlag.__table__  # type: ignore[attr-defined]
    with session_scope(engine) as session:
        statement = dialect_insert(session.get_bind(), table).values(name=STORAGE_CHECK, since=now)
        session.execute(statement.on_conflict_do_update(index_elements=["name"], set_={"since": now}))


def prepare(url: str, now: datetime) -> None:
    """At start-up: bring the schema up to date, then check that storage takes a write."""
    upgrade(url)
    engine = make_engine(url)
    try:
        check_writable(engine, now)
    finally:
        engine.dispose()


def problem(exc: BaseException) -> str:
    """The first line of what the database (or driver, or OS) said, without SQLAlchemy's statement dump."""
    cause = getattr(exc, "orig", None) or exc
    said = str(cause).strip()
    return said.splitlines()[0].strip().rstrip(".") if said else type(cause).__name__
