"""The engine, sessions, the threads database work runs on (`Database`), and schema upgrades."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import anyio
from alembic import command
from alembic.config import Config
from anyio import CapacityLimiter
from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Connection,
    Engine,
    Insert,
    Integer,
    Table,
    any_,
    event,
    func,
    inspect,
    literal,
    select,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql.functions import GenericFunction
from sqlmodel import Session, create_engine

T = TypeVar("T")
KNOWN = "known"  # session.info key prefix of the rows `know` told `find` about
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine with the per-database settings Ruthan relies on."""
    if url.startswith("sqlite"):
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _tune_sqlite)
        return engine
    return create_engine(url, echo=echo, pool_size=10, max_overflow=10, pool_pre_ping=True)


def _tune_sqlite(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # WAL lets the webhook write while a handler reads; NORMAL sync is durable across process crashes
    # (only an OS crash can lose the last commits); foreign keys make "delete my data" cascade.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
    dbapi_connection.create_function("get_bit", 2, get_bit, deterministic=True)


def get_bit(bits: bytes | bytearray | None, n: int) -> int | None:
    """Bit `n` of `bits` (bit n % 8 of byte n // 8, least significant first), as PostgreSQL's get_bit
    numbers the bits of a bytea; None for None, as SQL functions do for NULL."""
    return None if bits is None else bits[n >> 3] >> (n & 7) & 1


class bit_of(GenericFunction[int]):
    """SQL `get_bit(bits, n)`: PostgreSQL's own function, or on SQLite the Python one above, registered
    with each connection."""

    type = Integer()
    name = "get_bit"
    inherit_cache = True


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def find(session: Session, model: type[T], statement: Any, **key: Any) -> T | None:
    """The row of `model` with these column values, looked up without flushing the session.

    An autoflush at every lookup is the dearest part of the webhook's hot path, where one session handles
    many chats' events (bot/inbox.py). Without it, a row added but not flushed yet is found among the
    session's new objects, a row loaded before comes back from the identity map with its unflushed changes,
    and a row deleted in the session is not found. `statement` selects `model` by `key` (as bind parameters).
    """
    for row in session.new:
        if isinstance(row, model) and all(getattr(row, name) == value for name, value in key.items()):
            return row
    if len(key) == 1:
        ((name, value),) = key.items()
        known = session.info.get((KNOWN, model, name), {}).get(value)
        if known is not None and getattr(known, name) == value and known not in session.deleted:
            state = inspect(known)
            if not (state.deleted or state.detached):
                return known
    with session.no_autoflush:
        found = session.exec(statement, params=key).first()
    return None if found is None or found in session.deleted else found


def know(session: Session, model: type[T], rows: Iterable[T], column: str) -> None:
    """Let `find` return these rows by `column` without a query each: a caller that will look up many rows
    of one kind (a webhook round's learners) loads them with one query first. Only rows found are known; a
    key without one (a learner who follows in this very round) is still looked up as usual."""
    known = session.info.setdefault((KNOWN, model, column), {})
    for row in rows:
        known[getattr(row, column)] = row


def insert_skipping_known(bind: Engine | Connection, table: Table, key: str) -> Insert:
    """INSERT that quietly skips rows whose `key` (a unique column) is taken, as one statement.

    Two processes may race on the same row (a redelivered webhook event, an announcement released twice):
    the unique index decides, and RETURNING tells the winner which rows were its own.
    """
    return dialect_insert(bind, table).on_conflict_do_nothing(index_elements=[key])


def dialect_insert(bind: Engine | Connection, table: Table) -> Any:
    """The database's own INSERT construct (PostgreSQL or SQLite), for its ON CONFLICT clauses."""
    if bind.dialect.name == "postgresql":
        return pg_insert(table)
    if bind.dialect.name == "sqlite":
        return sqlite_insert(table)
    raise ValueError(f"unsupported database: {bind.dialect.name}")


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str) -> None:
    """Bring the database schema to the newest revision."""
    command.upgrade(alembic_config(url), "head")


def among(bind: Any, column: Any, ids: list[int]) -> ColumnElement[bool]:
    """`column IN ids` with the IDs as one parameter: an expanding IN binds each ID on its own, which at
    fan-out sizes costs more than the statement. `bind`: a session, connection or engine."""
    dialect = bind.dialect if hasattr(bind, "dialect") else bind.get_bind().dialect
    if dialect.name == "postgresql":
        return column == any_(literal(ids, ARRAY(Integer)))
    each = func.json_each(literal(json.dumps(ids))).table_valued("value")
    return column.in_(select(each.c.value))


class Database:
    """The engine, and where its work runs: in worker threads (SQLAlchemy is synchronous), at most one at
    a time on SQLite (it has a single writer anyway, and queueing in Python is cheaper than retrying on a
    locked database), eight on PostgreSQL. Reads that take no write lock (the sweep's chunks) run on a
    thread of their own, beside the writes rather than queued in front of them."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._writes = CapacityLimiter(1 if engine.dialect.name == "sqlite" else 8)
        self._reads = CapacityLimiter(1)

    async def run(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await anyio.to_thread.run_sync(lambda: function(*args, **kwargs), limiter=self._writes)

    async def read(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run database work that only reads beside `run`'s."""
        return await anyio.to_thread.run_sync(lambda: function(*args, **kwargs), limiter=self._reads)
