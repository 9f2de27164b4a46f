"""The command line a newcomer and an operator use: settings errors, content checks, schema upgrades."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import inspect
from typer.testing import CliRunner

from bot.cli import app
from bot.settings import SettingsError, load_settings
from bot.storage.db import make_engine
from tests.harness import FIXTURE_CONTENT

runner = CliRunner()


def test_bad_time_zone_is_one_clear_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Mars/Olympus")
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 1
    assert "Setting TZ is not valid" in result.output and "Traceback" not in result.output


def test_unsupported_database_url_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "mysql://root@localhost/ruthan")
    with pytest.raises(SettingsError, match=r"DATABASE_URL.*sqlite:///"):
        load_settings()


def test_postgres_urls_get_the_psycopg_driver() -> None:
    settings = load_settings(database_url="postgresql://ruthan@db.example:5432/ruthan")
    assert settings.sqlalchemy_url == "postgresql+psycopg://ruthan@db.example:5432/ruthan"


def test_without_line_secrets_the_webhook_is_off() -> None:
    settings = load_settings(line_channel_secret=None, line_channel_access_token=None)
    assert settings.line_enabled is False


def test_db_upgrade_creates_the_schema(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    tables = set(inspect(make_engine(url)).get_table_names())
    assert {"learner", "attempt", "inbox_event", "outbox", "alembic_version"} <= tables


def test_content_check_passes_on_the_real_curriculum() -> None:
    result = runner.invoke(app, ["content", "check"])
    assert result.exit_code == 0, result.output
    assert "Content OK" in result.output


def test_content_stats_json_is_machine_readable() -> None:
    result = runner.invoke(app, ["content", "stats", "--json", "--root", str(FIXTURE_CONTENT)])
    stats = json.loads(result.output)
    assert stats["modules"] == 3 and stats["questions"] == 9
    assert stats["tracks"]["elderly"] == {"modules": 1, "module_ids": ["t-elder"], "questions": 3}
    assert stats["tracks"]["student"]["module_ids"] == ["t-habit", "t-links"]


def test_content_check_names_the_file_and_field(tmp_path: Path) -> None:
    broken = tmp_path / "content"
    (broken / "curriculum" / "modules").mkdir(parents=True)
    (broken / "quizzes").mkdir()
    (broken / "curriculum" / "tracks.yaml").write_text(
        "tracks:\n  - id: general\n    title: ทั่วไป\n    audience: general\n    modules: [missing-module]\n",
        encoding="utf-8",
    )
    (broken / "curriculum" / "modules" / "one.yaml").write_text(
        "id: one\ntitle: หนึ่ง\ncards:\n  - text: การ์ดเดียว\nsources:\n  - title: ที่มา\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["content", "check", "--root", str(broken)])
    assert result.exit_code == 1
    assert "curriculum/modules/one.yaml: cards: List should have at least 2 items" in result.output
    assert "curriculum/tracks.yaml: tracks.0.modules.0: no module with id 'missing-module'" in result.output


def _content_with_one_module(root: Path, last_checked: str) -> Path:
    """A minimal valid content folder whose single module was last checked on `last_checked`."""
    (root / "curriculum" / "modules").mkdir(parents=True)
    (root / "quizzes").mkdir()
    (root / "curriculum" / "tracks.yaml").write_text(
        "tracks:\n  - id: general\n    title: ทั่วไป\n    audience: general\n    modules: [one]\n",
        encoding="utf-8",
    )
    (root / "curriculum" / "modules" / "one.yaml").write_text(
        "id: one\ntitle: หนึ่ง\n"
        f"last_checked: {last_checked}\n"
        "cards:\n  - text: การ์ดแรก\n  - text: การ์ดสอง\n"
        "sources:\n  - title: ที่มา\n    url: https://example.org/a\n",
        encoding="utf-8",
    )
    question = (
        "  - id: one-q{n}\n    prompt: ข้อ {n}\n    explanation: เพราะ\n    skill: cybersecurity\n"
        "    options:\n      - text: ใช่\n        correct: true\n      - text: ไม่ใช่\n"
    )
    (root / "quizzes" / "one.yaml").write_text(
        "module: one\nquestions:\n" + "".join(question.format(n=n) for n in (1, 2, 3)), encoding="utf-8"
    )
    return root


def test_content_check_warns_but_passes_when_facts_were_checked_over_a_year_ago(tmp_path: Path) -> None:
    root = _content_with_one_module(tmp_path / "content", "2020-01-15")
    result = runner.invoke(app, ["content", "check", "--root", str(root)])
    assert result.exit_code == 0, result.output
    assert "Content OK" in result.output
    assert "warning: curriculum/modules/one.yaml: last_checked: 2020-01-15 is more than 365 days ago" in (
        result.output
    )


def test_content_check_is_quiet_about_recently_checked_facts(tmp_path: Path) -> None:
    from datetime import date

    root = _content_with_one_module(tmp_path / "content", date.today().isoformat())
    result = runner.invoke(app, ["content", "check", "--root", str(root)])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
