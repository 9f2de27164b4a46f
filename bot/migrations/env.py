"""Alembic environment: the schema is SQLModel's metadata; the URL comes from Ruthan's settings."""

from __future__ import annotations

from alembic import context
from sqlalchemy import pool
from sqlmodel import SQLModel, create_engine

import bot.storage.games
import bot.storage.models
import bot.storage.trainers  # noqa: F401

config = context.config
target_metadata = SQLModel.metadata
if not config.get_main_option("sqlalchemy.url"):
    from bot.settings import load_settings

    config.set_main_option("sqlalchemy.url", load_settings().sqlalchemy_url.replace("%", "%%"))


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = create_engine(config.get_main_option("sqlalchemy.url") or "", poolclass=pool.NullPool)
    with connectable.connect() as connection:
        # render_as_batch lets later migrations alter columns on SQLite too.
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
