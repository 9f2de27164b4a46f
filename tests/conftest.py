"""Fixtures: a database on SQLite and on PostgreSQL, the LINE stand-in, and the bot under test."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from bot.clock import FrozenClock
from bot.content import Content, load_content
from bot.storage.db import upgrade
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

FIGURES = "figures"


@pytest.fixture
def figures(record_property: Callable[[str, object], None]) -> Callable[[str], None]:
    """Report a measured figure (precision, recall...) in the run's summary, under "Measured figures".

    Printing would not do: output is captured, and with several workers (pytest-xdist) a worker's output is
    not shown at all; recorded properties travel with the test's report to the terminal."""

    def report(line: str) -> None:
        record_property(FIGURES, line)

    return report


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    lines = [
        str(value)
        for kind in ("passed", "failed")
        for report in terminalreporter.stats.get(kind, [])
        for name, value in getattr(report, "user_properties", [])
        if name == FIGURES and getattr(report, "when", "call") == "call"
    ]
    if lines:
        terminalreporter.section("Measured figures")
        for line in lines:
            terminalreporter.write_line(line)


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


@dataclass(frozen=True)
class Templates:
    """Databases migrated once per test session, that each test starts from a copy of.

    Running the migrations takes about 0.2 s, and most tests start a bot on a fresh database: copying a SQLite
    file or creating a PostgreSQL database from a template takes a few milliseconds. The migrations
    themselves are tested from empty databases in tests/test_migrations.py (`empty_database_url`)."""

    sqlite: Path
    postgres: str | None  # a database name on the test server, or None when PostgreSQL is not reachable


def _server_url(database: str) -> str:
    """The test server's URL with another database name (its query string, if any, kept)."""
    parts = urlsplit(POSTGRES)
    return urlunsplit(parts._replace(path=f"/{database}"))


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    sqlite = tmp_path_factory.mktemp("template") / "ruthan.db"
    upgrade(f"sqlite:///{sqlite}")
    if POSTGRES_SKIP:
        yield Templates(sqlite, None)
        return
    name = f"ruthan_template_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(POSTGRES, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        upgrade(_server_url(name))
        yield Templates(sqlite, name)
    finally:
        with psycopg.connect(POSTGRES, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def postgres_copy(template: str) -> Iterator[str]:
    """A URL for a new PostgreSQL database copied from `template` (already migrated), dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield _server_url(name)
    finally:
        with psycopg.connect(POSTGRES, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _sqlite_copy(templates: Templates, tmp_path: Path) -> str:
    path = tmp_path / "ruthan.db"
    shutil.copyfile(templates.sqlite, path)
    return f"sqlite:///{path}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, templates: Templates) -> Iterator[str]:
    """A database of each kind, migrated to the newest revision (a copy of the session's template)."""
    if request.param == "sqlite":
        yield _sqlite_copy(templates, tmp_path)
        return
    if POSTGRES_SKIP or templates.postgres is None:
        pytest.skip(POSTGRES_SKIP or "PostgreSQL not reachable")
    with postgres_copy(templates.postgres) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each kind, for the migrations' own tests. PostgreSQL gets a schema of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ruthan.db'}"
        return
    if POSTGRES_SKIP:
        pytest.skip(POSTGRES_SKIP)
    with postgres_schema() as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path, templates: Templates) -> str:
    """A SQLite database migrated to the newest revision."""
    return _sqlite_copy(templates, tmp_path)


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
