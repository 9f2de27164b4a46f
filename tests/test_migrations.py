"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from functools import partial
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    inspect,
    text,
)
from sqlmodel import Session, SQLModel, select

import bot.storage.games
import bot.storage.models
import bot.storage.trainers  # noqa: F401
from bot.settings import Settings
from bot.storage.columns import UtcDateTime
from bot.storage.db import alembic_config, make_engine, upgrade
from bot.storage.models import Outbox, OutboxBatch, ReminderState


def test_migrations_match_the_models(empty_database_url: str) -> None:
    url = Settings(database_url=empty_database_url).sqlalchemy_url
    upgrade(url)
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"render_as_batch": True})
            assert compare_metadata(context, SQLModel.metadata) == []
    finally:
        engine.dispose()


def test_upgrading_to_batches_keeps_waiting_reminders_and_their_retry_keys(empty_database_url: str) -> None:
    """0012: a batch gets the learners of its waiting rows; a reminder waiting alone becomes a batch of one
    under its own retry key (an earlier try may have landed); a waiting reply stays a row."""
    url = Settings(database_url=empty_database_url).sqlalchemy_url
    config = alembic_config(url)
    command.upgrade(config, "0011_drop_review_after_attempt")
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            run = partial(_insert, connection)
            for number in (1, 2, 3):
                run("learner", id=number, line_user_id=f"U{number}", phase="card", following=True,
                    parental_consent=False, step=0, module_correct=0, created_at=NOW, last_seen_at=NOW,
                    remind_minute=1140, reminders_stopped=False, ignored_reminders=1, streak=0)  # fmt: skip
            run("outbox_batch", id=7, retry_key="k-batch", messages=MESSAGES, status="pending", attempts=1,
                created_at=NOW, not_before=NOW)  # fmt: skip
            for number, batch, key, expires, purpose in (
                (1, 7, "k1", NOW, "reminder"),
                (2, 7, "k2", NOW, "reminder"),
                (3, None, "k-alone", NOW, "reminder"),
                (3, None, "k-reply", None, "reply"),
            ):
                run("outbox", chat_id=f"U{number}", reply_attempts=0, messages=MESSAGES, retry_key=key,
                    status="pending", attempts=2, created_at=NOW, not_before=NOW, purpose=purpose,
                    batch_id=batch, expires_at=expires)  # fmt: skip
        upgrade(url)
        with Session(engine) as session:
            batches = {batch.retry_key: batch for batch in session.exec(select(OutboxBatch))}
            assert set(batches) == {"k-batch", "k-alone"}
            assert (batches["k-batch"].learner_ids, batches["k-batch"].size) == ([1, 2], 2)
            alone = batches["k-alone"]
            assert (alone.learner_ids, alone.size, alone.attempts, alone.purpose) == ([3], 1, 2, "reminder")
            assert alone.expires_at == NOW and alone.messages == MESSAGES
            assert [row.retry_key for row in session.exec(select(Outbox))] == ["k-reply"]
    finally:
        engine.dispose()


def test_upgrading_to_reminder_state_carries_marks_over_and_back(empty_database_url: str) -> None:
    """0013: last_reminded_on and ignored_reminders move from the learner row to reminder_state (a row only
    for learners with either); the downgrade brings them back."""
    url = Settings(database_url=empty_database_url).sqlalchemy_url
    config = alembic_config(url)
    command.upgrade(config, "0012_batches_hold_recipients")
    marks = {1: (None, 0), 2: (date(2026, 11, 19), 1), 3: (date(2026, 11, 12), 5), 4: (None, 2)}
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            for number, (reminded, ignored) in marks.items():
                _insert(connection, "learner", id=number, line_user_id=f"U{number}", phase="card",
                        following=True, parental_consent=False, step=0, module_correct=0, created_at=NOW,
                        last_seen_at=NOW, remind_minute=1140, reminders_stopped=False,
                        ignored_reminders=ignored, last_reminded_on=reminded, streak=0)  # fmt: skip
        command.upgrade(config, "0013_reminder_state")
        with Session(engine) as session:
            states = {
                state.learner_id: (state.last_reminded_on, state.ignored_reminders)
                for state in session.exec(select(ReminderState))
            }
        assert states == {number: mark for number, mark in marks.items() if number != 1}
        with engine.connect() as connection:
            columns = {column["name"] for column in inspect(connection).get_columns("learner")}
        assert not columns & {"last_reminded_on", "ignored_reminders"}
        command.downgrade(config, "0012_batches_hold_recipients")
        with engine.connect() as connection:
            back = connection.execute(
                text("SELECT id, last_reminded_on, ignored_reminders FROM learner ORDER BY id")
            ).all()
            assert "reminder_state" not in inspect(connection).get_table_names()
        # SQLite gives dates back as text.
        assert [(row[0], row[1] and str(row[1]), row[2]) for row in back] == [
            (number, reminded and reminded.isoformat(), ignored)
            for number, (reminded, ignored) in marks.items()
        ]
    finally:
        engine.dispose()


def test_upgrading_to_finished_modules_fills_them_in_from_module_results(empty_database_url: str) -> None:
    """0015: each learner row gets the IDs of the modules they finished (the sweep reads them there)."""
    url = Settings(database_url=empty_database_url).sqlalchemy_url
    config = alembic_config(url)
    command.upgrade(config, "0014_reminder_day")
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            for number in (1, 2):
                _insert(connection, "learner", id=number, line_user_id=f"U{number}", phase="card",
                        following=True, parental_consent=False, step=0, module_correct=0, created_at=NOW,
                        last_seen_at=NOW, remind_minute=1140, reminders_stopped=False, streak=0)  # fmt: skip
            for module in ("m-one", "m-two"):
                _insert(connection, "moduleresult", learner_id=1, module_id=module, correct=3, total=3,
                        completed_at=NOW)  # fmt: skip
        command.upgrade(config, "0015_learner_finished_modules")
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT id, finished_modules FROM learner ORDER BY id")).all()
        assert [(number, finished and set(finished.split(","))) for number, finished in rows] == [
            (1, {"m-one", "m-two"}),
            (2, None),
        ]
    finally:
        engine.dispose()


def test_upgrading_keeps_every_learners_data_and_stops_reusing_their_ids(empty_database_url: str) -> None:
    """0017: the learner table is rebuilt on SQLite (AUTOINCREMENT) without losing a row that refers to it;
    batches drop the IDs of learners erased before; an erased learner's ID is not given out again."""
    url = Settings(database_url=empty_database_url).sqlalchemy_url
    config = alembic_config(url)
    command.upgrade(config, "0016_outbox_reply_landed")
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            for number in (1, 2):  # given IDs 1 and 2 by the database, as learners are
                _insert(connection, "learner", line_user_id=f"U{number}", phase="card",
                        following=True, parental_consent=False, step=0, module_correct=0, created_at=NOW,
                        last_seen_at=NOW, remind_minute=1140, reminders_stopped=False, streak=0)  # fmt: skip
                _insert(connection, "attempt", learner_id=number, module_id="m", question_id="q", choice=1,
                        correct=True, review=False, answered_at=NOW)  # fmt: skip
            # Learner 3 erased their data before this revision; the batch still held their ID.
            _insert(connection, "outbox_batch", purpose="announcement", learner_ids=[3, 1, 2], size=3,
                    retry_key="k", messages=MESSAGES, status="pending", attempts=0, created_at=NOW,
                    not_before=NOW)  # fmt: skip
        command.upgrade(config, "0017_learner_ids_never_reused")
        with engine.begin() as connection:  # the app's own connections: foreign keys enforced
            kept = connection.execute(text("SELECT learner_ids FROM outbox_batch")).scalar_one()
            assert (json.loads(kept) if isinstance(kept, str) else kept) == [1, 2]
            assert connection.execute(text("SELECT count(*) FROM attempt")).scalar_one() == 2
            connection.execute(text("DELETE FROM learner WHERE id = 2"))
            _insert(connection, "learner", line_user_id="U-new", phase="consent", following=True,
                    parental_consent=False, step=0, module_correct=0, created_at=NOW, last_seen_at=NOW,
                    remind_minute=1140, reminders_stopped=False, streak=0)  # fmt: skip
            ids = connection.execute(text("SELECT line_user_id, id FROM learner ORDER BY id")).all()
            assert [tuple(row) for row in ids] == [("U1", 1), ("U-new", 3)]
            assert connection.execute(text("SELECT learner_id FROM attempt")).scalars().all() == [1]
    finally:
        engine.dispose()


NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
MESSAGES = [{"type": "text", "text": "ได้เวลาเรียนวันละนิดแล้วนะคะ"}]


def _insert(connection: Connection, table: str, **values: object) -> None:
    """A row written as the old schema had it (plain SQL: the models describe the new one)."""
    given = {name: value for name, value in values.items() if value is not None}
    columns = (Column(name, _type_of(value)) for name, value in given.items())
    connection.execute(Table(table, MetaData(), *columns).insert().values(**given))


def _type_of(value: object) -> Any:
    kinds = ((bool, Boolean), (int, Integer), (datetime, UtcDateTime), (date, Date), (list, JSON))
    for kind, column_type in kinds:
        if isinstance(value, kind):
            return column_type
    return String
