"""Fixtures: a database on SQLite and on PostgreSQL, the LINE stand-in, and the bot under test."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from bot.clock import FrozenClock
from bot.content import Content, load_content
from devkit.standin import LineStandIn
from tests.harness import FIXTURE_CONTENT, TOKEN, BotUnderTest

POSTGRES = os.environ.get("RUTHAN_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
REPO = Path(__file__).resolve().parent.parent


def _postgres_reason() -> str | None:
    try:
        with psycopg.connect(POSTGRES, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return (
            f"PostgreSQL not reachable at {POSTGRES} ({first_line}); set RUTHAN_TEST_POSTGRES to run this leg"
        )


POSTGRES_SKIP = _postgres_reason()


@contextmanager
def postgres_schema(prefix: str = "t") -> Iterator[str]:
    """A URL for a fresh schema of its own in the test PostgreSQL, dropped afterwards."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{POSTGRES}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(POSTGRES, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each kind. PostgreSQL gets a schema of its own per test, dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ruthan.db'}"
        return
    if POSTGRES_SKIP:
        pytest.skip(POSTGRES_SKIP)
    with postgres_schema() as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'ruthan.db'}"


@pytest.fixture(scope="session")
def fixture_content() -> Content:
    return load_content(FIXTURE_CONTENT)


@pytest.fixture(scope="session")
def real_content() -> Content:
    return load_content(REPO)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
async def line() -> AsyncIterator[LineStandIn]:
    standin = LineStandIn(access_token=TOKEN)
    await standin.start()
    yield standin
    await standin.stop()


async def _bot(
    url: str, content: Content, line: LineStandIn, clock: FrozenClock
) -> AsyncIterator[BotUnderTest]:
    bot = BotUnderTest(url, content, line, clock)
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()


@pytest.fixture
async def bot(database_url: str, fixture_content: Content, line: LineStandIn, clock: FrozenClock):
    """The whole bot on the small fixture curriculum, on SQLite and on PostgreSQL."""
    async for running in _bot(database_url, fixture_content, line, clock):
        yield running


@pytest.fixture
async def lite_bot(sqlite_url: str, fixture_content: Content, line: LineStandIn, clock: FrozenClock):
    """The same bot on SQLite only, for tests about the webhook shell rather than storage."""
    async for running in _bot(sqlite_url, fixture_content, line, clock):
        yield running
