"""Trainers in tests: accounts made straight in the database, signing in through the API, class set-up.

Passwords are hashed at a tiny argon2 cost here (1 MiB, one pass) so that tests stay fast; the cost is
a setting, and production keeps argon2-cffi's defaults.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.clock import FrozenClock
from bot.content import Content
from bot.settings import Settings
from bot.storage.db import make_engine, session_scope
from bot.storage.trainers import Role
from bot.trainers import auth
from devkit.standin import LineStandIn
from tests.harness import BotUnderTest

FAST_PASSWORDS: dict[str, Any] = {"password_memory_kib": 1024, "password_time_cost": 1}
PASSWORD = "correct horse battery"


@pytest.fixture
async def tbot(
    database_url: str, fixture_content: Content, line: LineStandIn, clock: FrozenClock
) -> AsyncIterator[BotUnderTest]:
    """The whole bot with the trainers' side, on SQLite and PostgreSQL."""
    bot = BotUnderTest(database_url, fixture_content, line, clock, simulator="open", **FAST_PASSWORDS)
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()


def make_trainer(
    bot: BotUnderTest, username: str, *, role: Role = Role.TRAINER, name: str | None = None
) -> int:
    settings: Settings = bot.settings()
    engine = make_engine(settings.sqlalchemy_url)
    try:
        with session_scope(engine) as session:
            trainer = auth.create_trainer(
                session,
                username=username,
                password=PASSWORD,
                display_name=name or f"ครู{username}",
                role=role,
                now=bot.clock.now(),
                passwords=auth.Passwords(settings),
            )
            return trainer.id or 0
    finally:
        engine.dispose()


async def sign_in(bot: BotUnderTest, username: str, password: str = PASSWORD) -> dict[str, str]:
    """Sign in through the API; returns the headers that carry the bearer token."""
    assert bot.http is not None
    response = await bot.http.post("/api/v1/session", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def new_class(bot: BotUnderTest, headers: dict[str, str], name: str = "ชมรมผู้สูงอายุ") -> dict[str, Any]:
    assert bot.http is not None
    response = await bot.http.post("/api/v1/classes", json={"name": name}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()
