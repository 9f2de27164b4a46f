"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import bot.storage.models
import bot.storage.trainers  # noqa: F401
from bot.settings import Settings
from bot.storage.db import make_engine, upgrade


def test_migrations_match_the_models(database_url: str) -> None:
    url = Settings(database_url=database_url).sqlalchemy_url
    upgrade(url)
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"render_as_batch": True})
            assert compare_metadata(context, SQLModel.metadata) == []
    finally:
        engine.dispose()
