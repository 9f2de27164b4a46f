"""Trainer accounts and sign-in: argon2id passwords, expiring server-side sessions, lock-out and throttling.

- A session is a random token in an HttpOnly cookie (browsers) or an `Authorization: Bearer` header (API
  clients); only its SHA-256 is stored, with an idle expiry (renewed on use) and an absolute one.
- Wrong passwords: after `login_max_failures` in a row the account is locked for `login_lock_minutes`
  (even the right password is refused meanwhile, so guessing gains nothing); every failure is also counted
  against its source address, which must wait once it has failed too often (429), whatever names it tries.
  Both counts are taken atomically before the password is checked, so parallel guesses cannot outrun them.
- argon2 runs on a small pool of its own threads, never on the database's, so sign-ins cannot delay the
  webhook.
- An unknown name costs the same argon2 verification as a known one, so timing does not tell which exist.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, TypeVar

import anyio
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Engine, delete, func, or_, update
from sqlmodel import Session, col, select

from bot.settings import Settings
from bot.storage.db import session_scope
from bot.storage.trainers import LoginFailure, Role, Trainer, TrainerSession

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
MIN_PASSWORD = 10


class AccountError(ValueError):
    """A username or password that cannot be used; the message says why, for the person typing it."""


T = TypeVar("T")


class Passwords:
    """argon2id hashing at the cost the settings ask for, on a few threads of its own (`run`).

    A check takes about 0.15 s and 64 MiB: on the database threads, a burst of sign-ins would hold up the
    webhook's rounds behind it (past LINE's time budget); bounded, so that a flood cannot exhaust memory.
    """

    def __init__(self, settings: Settings):
        self._hasher = PasswordHasher(
            time_cost=settings.password_time_cost, memory_cost=settings.password_memory_kib
        )
        self._nobody: str | None = None
        self._threads = anyio.CapacityLimiter(settings.password_threads)

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """Call one of the methods below on the hashing threads (waiting for a free one)."""
        return await anyio.to_thread.run_sync(function, *args, limiter=self._threads)

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, hashed: str, password: str) -> bool:
        try:
            return self._hasher.verify(hashed, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, hashed: str) -> bool:
        return self._hasher.check_needs_rehash(hashed)

    def verify_nobody(self, password: str) -> bool:
        """Spend the time a real check takes, for a name that does not exist (always False)."""
        if self._nobody is None:
            self._nobody = self._hasher.hash(secrets.token_urlsafe(16))
        self.verify(self._nobody, password)
        return False


@dataclass(frozen=True)
class Principal:
    """The signed-in trainer, as every page and API call sees them."""

    trainer_id: int
    username: str
    display_name: str
    role: Role
    csrf_token: str
    via_cookie: bool = True

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


class LoginOutcome(StrEnum):
    OK = "ok"
    WRONG = "wrong"  # unknown name or wrong password: the same answer for both
    LOCKED = "locked"  # too many wrong passwords for this account: wait
    THROTTLED = "throttled"  # too many failures from this address: wait


@dataclass(frozen=True)
class Login:
    outcome: LoginOutcome
    token: str | None = None
    principal: Principal | None = None
    retry_after: timedelta | None = None


def normalize_username(username: str) -> str:
    return username.strip().lower()


def check_new_account(username: str, password: str) -> str:
    name = normalize_username(username)
    if not USERNAME.match(name):
        raise AccountError("username: 3-64 characters, letters a-z, digits, dot, dash or underscore")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"password: at least {MIN_PASSWORD} characters")
    return name


def create_trainer(
    session: Session,
    *,
    username: str,
    password: str,
    display_name: str,
    role: Role,
    now: datetime,
    passwords: Passwords,
    password_hash: str | None = None,
) -> Trainer:
    """A new account; `password_hash` is the password already hashed (off the database threads), if given."""
    name = check_new_account(username, password)
    if session.exec(select(Trainer).where(Trainer.username == name)).first() is not None:
        raise AccountError(f"username: '{name}' is taken")
    trainer = Trainer(
        username=name,
        display_name=display_name.strip()[:80] or name,
        password_hash=password_hash or passwords.hash(password),
        role=role,
        created_at=now,
    )
    session.add(trainer)
    session.flush()
    return trainer


def set_password(session: Session, trainer: Trainer, password: str, passwords: Passwords) -> None:
    """A new password signs the trainer out everywhere and lifts a lock-out."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"password: at least {MIN_PASSWORD} characters")
    trainer.password_hash = passwords.hash(password)
    trainer.failed_logins, trainer.locked_until = 0, None
    session.add(trainer)
    session.exec(delete(TrainerSession).where(col(TrainerSession.trainer_id) == trainer.id))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


Db = Callable[..., Awaitable[Any]]


async def login(
    db: Db,
    engine: Engine,
    settings: Settings,
    *,
    username: str,
    password: str,
    source: str,
    now: datetime,
    passwords: Passwords,
) -> Login:
    """Check a password and open a session; refuse while the account is locked or the source throttled.

    `db` runs database work on the database threads, `passwords` runs argon2 on threads of its own: a flood of
    sign-ins never holds a database thread while hashing. Each attempt is counted (against its source and its
    account) before its password is checked and uncounted if it proves right, so parallel guesses cannot
    outrun the limits: at most `login_max_failures` passwords are ever checked before a lock-out.
    """
    name = normalize_username(username)
    attempt = await db(_start, engine, settings, name, source[:64], now)
    if isinstance(attempt, Login):
        return attempt
    if attempt.password_hash is None:
        await passwords.run(passwords.verify_nobody, password)
        return Login(LoginOutcome.WRONG)
    if not await passwords.run(passwords.verify, attempt.password_hash, password):
        return await db(_wrong, engine, settings, attempt, now)
    fresh_hash = None
    if passwords.needs_rehash(attempt.password_hash):
        fresh_hash = await passwords.run(passwords.hash, password)
    return await db(_right, engine, settings, attempt, fresh_hash, now)


@dataclass(frozen=True)
class _Attempt:
    """A sign-in attempt, counted as a failure until its password proves right."""

    failure_id: int  # its row in login_failure (against the source)
    trainer_id: int | None = None  # None: no such active account
    password_hash: str | None = None
    tries: int = 0  # its place among the account's wrong passwords in a row, itself included


def _start(engine: Engine, settings: Settings, name: str, source: str, now: datetime) -> _Attempt | Login:
    window = timedelta(minutes=settings.login_lock_minutes)
    # Committed before counting: of any two parallel attempts, the later to commit counts the other.
    with session_scope(engine) as session:
        failure = LoginFailure(source=source, at=now)
        session.add(failure)
        session.flush()
        failure_id = failure.id or 0
    with session_scope(engine) as session:
        failures = session.exec(
            select(func.count())
            .select_from(LoginFailure)
            .where(LoginFailure.source == source, col(LoginFailure.at) > now - window)
        ).one()
        if failures > settings.login_max_failures_per_source:
            _uncount(session, failure_id)
            return Login(LoginOutcome.THROTTLED, retry_after=window)
        # One UPDATE adds this attempt to the account's count, atomically on both databases.
        counted = session.execute(
            update(Trainer)
            .where(
                col(Trainer.username) == name,
                col(Trainer.active).is_(True),
                or_(col(Trainer.locked_until).is_(None), col(Trainer.locked_until) <= now),
            )
            .values(failed_logins=col(Trainer.failed_logins) + 1)
            .returning(col(Trainer.id), col(Trainer.password_hash), col(Trainer.failed_logins))
            .execution_options(synchronize_session=False)
        ).first()
        if counted is None:
            trainer = session.exec(select(Trainer).where(Trainer.username == name)).first()
            if trainer is None or not trainer.active or trainer.locked_until is None:
                return _Attempt(failure_id)
            _uncount(session, failure_id)
            return Login(LoginOutcome.LOCKED, retry_after=trainer.locked_until - now)
        trainer_id, password_hash, tries = counted
        if tries > settings.login_max_failures:
            # Parallel guesses beyond the limit: lock now, without checking this one.
            _lock(session, trainer_id, now + window)
            _uncount(session, failure_id)
            return Login(LoginOutcome.LOCKED, retry_after=window)
        return _Attempt(failure_id, trainer_id, password_hash, tries)


def _wrong(engine: Engine, settings: Settings, attempt: _Attempt, now: datetime) -> Login:
    if attempt.tries < settings.login_max_failures:
        return Login(LoginOutcome.WRONG)
    window = timedelta(minutes=settings.login_lock_minutes)
    with session_scope(engine) as session:
        _lock(session, attempt.trainer_id or 0, now + window)
    return Login(LoginOutcome.LOCKED, retry_after=window)


def _right(
    engine: Engine, settings: Settings, attempt: _Attempt, fresh_hash: str | None, now: datetime
) -> Login:
    with session_scope(engine) as session:
        trainer = session.get(Trainer, attempt.trainer_id)
        if trainer is None or not trainer.active or trainer.password_hash != attempt.password_hash:
            return Login(LoginOutcome.WRONG)  # disabled, or given a new password, while this one was checked
        _uncount(session, attempt.failure_id)
        if fresh_hash is not None:
            trainer.password_hash = fresh_hash
        trainer.failed_logins, trainer.locked_until, trainer.last_login_at = 0, None, now
        session.add(trainer)
        token, principal = _open_session(session, trainer, settings, now)
        _forget_old(session, now, timedelta(minutes=settings.login_lock_minutes))
        return Login(LoginOutcome.OK, token=token, principal=principal)


def _uncount(session: Session, failure_id: int) -> None:
    """The attempt was not a wrong password after all (right, or refused unchecked)."""
    session.exec(delete(LoginFailure).where(col(LoginFailure.id) == failure_id))


def _lock(session: Session, trainer_id: int, until: datetime) -> None:
    session.execute(
        update(Trainer)
        .where(col(Trainer.id) == trainer_id)
        .values(failed_logins=0, locked_until=until)
        .execution_options(synchronize_session=False)
    )


def _forget_old(session: Session, now: datetime, window: timedelta) -> None:
    """Housekeeping at each sign-in: expired sessions and failures older than the window go."""
    session.exec(delete(TrainerSession).where(col(TrainerSession.expires_at) <= now))
    session.exec(delete(LoginFailure).where(col(LoginFailure.at) <= now - window))


def _open_session(
    session: Session, trainer: Trainer, settings: Settings, now: datetime
) -> tuple[str, Principal]:
    token = secrets.token_urlsafe(32)
    row = TrainerSession(
        token_hash=_digest(token),
        trainer_id=_id(trainer),
        csrf_token=secrets.token_urlsafe(24),
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(minutes=settings.session_idle_minutes),
    )
    session.add(row)
    return token, _principal(trainer, row, via_cookie=True)


def _id(trainer: Trainer) -> int:
    """The ID of a trainer read from (or flushed to) the database."""
    assert trainer.id is not None, "trainer not flushed yet"
    return trainer.id


def _principal(trainer: Trainer, row: TrainerSession, *, via_cookie: bool) -> Principal:
    return Principal(
        _id(trainer), trainer.username, trainer.display_name, trainer.role, row.csrf_token, via_cookie
    )


# Renewing the idle expiry writes to the database; once a minute per session is plenty.
RENEW_AFTER = timedelta(minutes=1)


def authenticate(
    engine: Engine, settings: Settings, token: str, now: datetime, *, via_cookie: bool
) -> Principal | None:
    """The trainer a session token belongs to, or None if it is unknown, expired or the account disabled."""
    if not token or len(token) > 200:
        return None
    with session_scope(engine) as session:
        row = session.get(TrainerSession, _digest(token))
        if row is None:
            return None
        trainer = session.get(Trainer, row.trainer_id)
        absolute = row.created_at + timedelta(hours=settings.session_max_hours)
        if trainer is None or not trainer.active or row.expires_at <= now or absolute <= now:
            session.delete(row)
            return None
        if now - row.last_seen_at >= RENEW_AFTER:
            row.last_seen_at = now
            row.expires_at = min(absolute, now + timedelta(minutes=settings.session_idle_minutes))
            session.add(row)
        return _principal(trainer, row, via_cookie=via_cookie)


def logout(engine: Engine, token: str) -> None:
    with session_scope(engine) as session:
        session.exec(delete(TrainerSession).where(col(TrainerSession.token_hash) == _digest(token)))
