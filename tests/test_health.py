"""Health and start-up: /healthz says whether storage takes a write, a database that cannot be used stops
start-up with one sentence, and one error repeated does not flood the log."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.clock import FrozenClock
from bot.content import Content
from bot.logs import RepeatedErrors
from bot.settings import SettingsError, load_settings
from bot.storage.db import upgrade
from devkit.standin import LineStandIn
from tests.conftest import POSTGRES, REPO
from tests.harness import BotUnderTest, event, user_id

INFO_LINE = re.compile(r"\d{4}-\d\d-\d\d [\d:,]+ INFO ")


@pytest.mark.parametrize("url", ["sqlite:///", "sqlite://", "sqlite:///:memory:"])
def test_a_sqlite_url_without_a_file_is_refused(url: str) -> None:
    # Every connection would get an empty database of its own: the service would start and fail every webhook.
    with pytest.raises(SettingsError, match=r"DATABASE_URL.*SQLite needs a file"):
        load_settings(database_url=url)


def test_a_malformed_database_url_is_one_sentence_without_its_password() -> None:
    with pytest.raises(SettingsError, match=r"DATABASE_URL") as caught:
        load_settings(database_url="postgresql://ruthan:hunter2@db.example:port/ruthan")
    assert "hunter2" not in str(caught.value) and "is not a database URL" in str(caught.value)


async def test_health_is_503_with_a_reason_when_storage_is_read_only(
    tmp_path: Path, fixture_content: Content, line: LineStandIn, clock: FrozenClock
) -> None:
    path = tmp_path / "ruthan.db"
    upgrade(f"sqlite:///{path}")
    bot = BotUnderTest(f"sqlite:///file:{path}?mode=ro&uri=true", fixture_content, line, clock)
    await bot.start()
    try:
        assert bot.http is not None
        health = await bot.http.get("/healthz")
        assert health.status_code == 503
        assert health.json()["status"] == "unavailable"
        assert health.json()["storage"] == "cannot write: attempt to write a readonly database"
        webhook = await bot.deliver(event("follow", user_id("read-only"), follow={"isUnblocked": False}))
        assert webhook.status_code == 503  # what the health check foretold
    finally:
        await bot.stop()


async def test_health_writes_to_storage_each_time_it_is_asked(lite_bot: BotUnderTest) -> None:
    from sqlmodel import Session

    from bot.storage.db import make_engine
    from bot.storage.health import STORAGE_CHECK
    from bot.storage.models import ServiceFlag

    assert lite_bot.http is not None
    lite_bot.clock.advance(seconds=30)
    response = await lite_bot.http.get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"
    engine = make_engine(lite_bot.settings().sqlalchemy_url)
    try:
        with Session(engine) as session:
            written = session.get(ServiceFlag, STORAGE_CHECK)
            assert written is not None and written.since == lite_bot.clock.now()
    finally:
        engine.dispose()


def ruthan(*arguments: str, tmp_path: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    """The `ruthan` command in a process of its own, as an operator runs it."""
    return subprocess.run(
        [sys.executable, "-c", "from bot.cli import app; app()", *arguments],
        env={**os.environ, "PYTHONPATH": str(REPO), "CONTENT_DIR": str(REPO), **environment},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


def one_sentence(result: subprocess.CompletedProcess[str]) -> str:
    """The error output (beside the usual info log lines), checked to be a single line and no traceback."""
    lines = [line for line in result.stderr.splitlines() if line.strip() and not INFO_LINE.match(line)]
    assert result.returncode == 1, result.stderr
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    return lines[0]


def unreachable_postgres() -> str:
    """The test PostgreSQL's URL with a port nothing listens on, and a password."""
    return POSTGRES.replace("postgres@", "postgres:s3cret@").replace(":5432/", ":1/")


@pytest.mark.parametrize("command", [["serve", "--port", "1"], ["db", "upgrade"]])
def test_an_unreachable_postgres_stops_start_up_with_one_sentence(command: list[str], tmp_path: Path) -> None:
    url = unreachable_postgres()
    assert ":1/" in url
    said = one_sentence(ruthan(*command, tmp_path=tmp_path, DATABASE_URL=url))
    assert said.startswith("Cannot use the database postgresql://postgres@") and "Connection refused" in said
    assert "s3cret" not in said


def test_an_unwritable_database_file_stops_start_up_with_one_sentence(tmp_path: Path) -> None:
    (tmp_path / "not-a-folder").write_text("")
    url = f"sqlite:///{tmp_path / 'not-a-folder' / 'ruthan.db'}"
    said = one_sentence(ruthan("serve", "--port", "1", tmp_path=tmp_path, DATABASE_URL=url))
    assert said == f"Cannot use the database {url}: unable to open database file."


def test_a_read_only_database_stops_start_up_with_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "ruthan.db"
    upgrade(f"sqlite:///{path}")
    url = f"sqlite:///file:{path}?mode=ro&uri=true"
    said = one_sentence(ruthan("serve", "--port", "1", tmp_path=tmp_path, DATABASE_URL=url))
    assert said.endswith(": attempt to write a readonly database.")


def test_the_commands_log_an_error_repeated_a_hundred_times_five_times(tmp_path: Path) -> None:
    script = (
        "import logging\n"
        "from bot.cli import _logging\n"
        "_logging()\n"
        "for n in range(100):\n"
        "    logging.getLogger('bot.intake').error('a round of %d new events failed', n)\n"
        "logging.getLogger('bot.intake').error('another error')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=60, check=True
    )
    lines = result.stderr.splitlines()
    assert len(lines) == 6, result.stderr
    assert lines[4].endswith(
        "a round of 4 new events failed (more like this in the next 60 s are counted, not logged)"
    )
    assert lines[5].endswith("another error")


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_repeated_errors_are_counted_and_the_count_is_logged_after_the_window() -> None:
    now = [0.0]
    handler = Records()
    handler.addFilter(RepeatedErrors(burst=3, window=60, clock=lambda: now[0]))
    log = logging.getLogger("tests.repeated")
    log.addHandler(handler)
    log.propagate = False
    log.setLevel(logging.INFO)
    try:
        for n in range(10):
            try:
                raise OSError("No space left on device")
            except OSError:
                log.exception("event %s could not be handled", n)
        log.info("info is never held back")
        log.warning("a different warning")
        now[0] = 61.0
        log.exception("event %s could not be handled", 10)  # no exception now: another kind
        log.error("event %s could not be handled", 11)
        try:
            raise OSError("No space left on device")
        except OSError:
            log.exception("event %s could not be handled", 12)
    finally:
        log.removeHandler(handler)
        log.propagate = True
        log.setLevel(logging.NOTSET)
    assert handler.lines == [
        "event 0 could not be handled",
        "event 1 could not be handled",
        "event 2 could not be handled (more like this in the next 60 s are counted, not logged)",
        "info is never held back",
        "a different warning",
        "event 10 could not be handled",
        "event 11 could not be handled",
        "event 12 could not be handled (7 more like this held back since the last one logged)",
    ]
