"""Sign-in under attack: parallel guesses cannot outrun the lock-out or the per-address limit, a forged
X-Forwarded-For gains nothing, and password hashing never holds up the webhook."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from asgi_lifespan import LifespanManager
from typer.testing import CliRunner

from bot.cli import app as cli
from bot.clock import FrozenClock
from bot.content import Content
from bot.settings import Settings, SettingsError, load_settings
from bot.trainers.auth import Passwords
from devkit.standin import LineStandIn
from tests.harness import STARTUP_GUARD, BotUnderTest, user_id
from tests.trainer_support import FAST_PASSWORDS, PASSWORD, make_trainer, tbot

__all__ = ["tbot"]
WRONG = "not the password at all"


class CountingPasswords(Passwords):
    """Counts the passwords checked; each check pauses briefly, widening the window for a race."""

    def __init__(self, settings: Settings):
        super().__init__(settings)
        self.checked = 0
        self._count = threading.Lock()

    def verify(self, hashed: str, password: str) -> bool:
        with self._count:
            self.checked += 1
        time.sleep(0.05)
        return super().verify(hashed, password)


class HeldPasswords(Passwords):
    """Every check waits until the test lets it go. If nothing lets it go for a long while (the webhook
    could not finish while hashing held it up), it records that and lets every check go."""

    def __init__(self, settings: Settings):
        super().__init__(settings)
        self.release = threading.Event()
        self.entered = 0
        self.gave_up = False

    def verify(self, hashed: str, password: str) -> bool:
        self.entered += 1
        if not self.release.wait(timeout=10):
            self.gave_up = True
            self.release.set()
        return super().verify(hashed, password)


async def started(bot: BotUnderTest, passwords: type[Passwords]) -> Any:
    bot.services.passwords = passwords(bot.settings())
    return bot.services.passwords


@pytest.fixture
async def guarded(
    database_url: str, fixture_content: Content, line: LineStandIn, clock: FrozenClock
) -> AsyncIterator[BotUnderTest]:
    """The bot with a low limit of failures per address (5)."""
    bot = BotUnderTest(
        database_url, fixture_content, line, clock, login_max_failures_per_source=5, **FAST_PASSWORDS
    )
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()


async def sign_in(bot: BotUnderTest, username: str, password: str, **headers: str) -> int:
    response = await bot.http.post(
        "/api/v1/session", json={"username": username, "password": password}, headers=headers
    )
    return response.status_code


async def test_parallel_wrong_passwords_lock_the_account(
    database_url: str, fixture_content: Content, line: LineStandIn, clock: FrozenClock
) -> None:
    bot = BotUnderTest(database_url, fixture_content, line, clock, **FAST_PASSWORDS)
    await bot.start()
    try:
        make_trainer(bot, "kru")
        passwords = await started(bot, CountingPasswords)
        answers = await asyncio.gather(*(sign_in(bot, "kru", WRONG) for _ in range(30)))
        assert set(answers) <= {401, 423} and 423 in answers
        assert await sign_in(bot, "kru", PASSWORD) == 423  # locked: even the right password waits
        assert passwords.checked <= 5  # no more guesses were ever checked than the limit allows
    finally:
        await bot.stop()


async def test_parallel_failures_from_one_address_stop_at_its_limit(guarded: BotUnderTest) -> None:
    passwords = await started(guarded, CountingPasswords)
    answers = await asyncio.gather(*(sign_in(guarded, f"nobody-{n}", WRONG) for n in range(12)))
    assert answers.count(401) <= 5 and answers.count(429) >= 7
    # One at a time, the address may use what the burst left of its five failures, and no more.
    later = [await sign_in(guarded, f"later-{n}", WRONG) for n in range(6)]
    assert answers.count(401) + later.count(401) == 5 and later[-1] == 429
    assert passwords.checked == 5


async def test_forwarded_for_from_a_trusted_proxy_names_the_source(
    sqlite_url: str, fixture_content: Content, line: LineStandIn, clock: FrozenClock
) -> None:
    bot = BotUnderTest(
        sqlite_url,
        fixture_content,
        line,
        clock,
        login_max_failures_per_source=2,
        trusted_proxies="10.9.0.0/16, 127.0.0.1",
        **FAST_PASSWORDS,
    )
    await bot.start()
    try:
        for _ in range(2):
            assert await sign_in(bot, "nobody", WRONG, **{"X-Forwarded-For": "203.0.113.7"}) == 401
        assert await sign_in(bot, "nobody", WRONG, **{"X-Forwarded-For": "203.0.113.7"}) == 429
        # Another client behind the same proxy is not held back by the first one's failures.
        assert await sign_in(bot, "nobody", WRONG, **{"X-Forwarded-For": "198.51.100.1"}) == 401
    finally:
        await bot.stop()


async def test_serve_does_not_believe_forwarded_for_from_just_any_local_peer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`ruthan serve` behind no configured proxy: a client that sends X-Forwarded-For (through a local
    tunnel, say, so its peer is 127.0.0.1) cannot pose as a new address at every try."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'serve.db'}")
    monkeypatch.setenv("LOGIN_MAX_FAILURES_PER_SOURCE", "3")
    monkeypatch.setenv("PASSWORD_MEMORY_KIB", "1024")
    monkeypatch.setenv("PASSWORD_TIME_COST", "1")
    for name in ("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN", "TRUSTED_PROXIES"):
        monkeypatch.delenv(name, raising=False)
    served: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.update(app=app, options=options))
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 0, result.output
    config = uvicorn.Config(served["app"], **served["options"])
    config.load()  # the app wrapped as uvicorn serves it
    transport = httpx.ASGITransport(app=config.loaded_app, client=("127.0.0.1", 50000))
    async with (
        LifespanManager(served["app"], startup_timeout=STARTUP_GUARD, shutdown_timeout=STARTUP_GUARD),
        httpx.AsyncClient(transport=transport, base_url="http://ruthan.test") as http,
    ):
        answers = [
            (
                await http.post(
                    "/api/v1/session",
                    json={"username": "nobody", "password": WRONG},
                    headers={"X-Forwarded-For": f"203.0.113.{n}"},
                )
            ).status_code
            for n in range(4)
        ]
    assert answers == [401, 401, 401, 429]


def test_a_trusted_proxy_that_is_not_an_address_is_one_clear_sentence() -> None:
    with pytest.raises(SettingsError, match=r"TRUSTED_PROXIES.*'proxy\.local' is not an address"):
        load_settings(trusted_proxies="10.0.0.1, proxy.local")


async def test_the_webhook_answers_while_passwords_are_being_hashed(tbot: BotUnderTest) -> None:
    """Sign-ins waiting on argon2 (held here until the webhook is done) leave the database to the webhook,
    even more of them than the database has threads (8 on PostgreSQL)."""
    held = await started(tbot, HeldPasswords)
    logins = [asyncio.create_task(sign_in(tbot, f"nobody-{n}", WRONG)) for n in range(10)]
    while held.entered == 0:
        await asyncio.sleep(0.01)
    welcome = await tbot.follow(user_id("newcomer"))
    assert welcome.texts and not held.gave_up  # answered while every check was still held
    held.release.set()
    assert await asyncio.gather(*logins) == [401] * 10
