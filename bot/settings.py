"""One settings object, read from the environment (and an optional .env), loaded once and passed in."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PIL import Image
from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LINE_API = "https://api.line.me"


class SettingsError(Exception):
    """A setting is missing or wrong; the message is one sentence a newcomer can act on."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # Secrets have no defaults: without them the webhook is off and only `ruthan chat` works.
    line_channel_secret: SecretStr | None = None
    line_channel_access_token: SecretStr | None = None
    line_api_base_url: str = LINE_API
    line_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    database_url: str = "sqlite:///ruthan.db"
    tz: str = "Asia/Bangkok"
    content_dir: Path = PROJECT_ROOT
    # LINE's own webhook bodies are small; anything larger is refused before it is read in full.
    max_body_bytes: int = Field(default=256 * 1024, gt=0)
    # LINE's per-endpoint rate limits, per channel. Several processes sending for one channel share them:
    # give each its share (e.g. two workers: 1000 and 100).
    line_push_rate: float = Field(default=2000, gt=0)
    line_multicast_rate: float = Field(default=200, gt=0)
    line_reply_rate: float = Field(default=2000, gt=0)
    # Requests in flight to LINE at once (a request that times out holds its connection until then).
    line_max_connections: int = Field(default=200, gt=0)
    # How often the reminder sweep looks for learners due a reminder.
    reminder_sweep_seconds: float = Field(default=60, gt=0)
    # How long outbox work a worker claimed stays its own without a renewal. A live worker renews it every
    # third of this; one that died (or stalled that long) loses it to another worker after at most this.
    delivery_lease_seconds: float = Field(default=3, gt=0)
    # Requests a worker has in flight at once (keep at or below line_max_connections).
    delivery_concurrency: int = Field(default=200, gt=0)
    # Days sent and failed messages are kept before they are pruned (README, "Privacy"): long enough to
    # look into "I never got it", short enough that little is held about who was sent what.
    outbox_retention_days: int = Field(default=7, ge=1, le=90)

    # The learner-view simulator at /simulator: "auto" opens it to everyone while LINE is not configured
    # (a local try-out) and to signed-in trainers once it is; "open", "trainers" or "off" decide outright.
    simulator: Literal["auto", "open", "trainers", "off"] = "auto"

    # Trainers' sign-in: argon2id cost (the defaults are argon2-cffi's: 64 MiB, 3 passes, ~0.15 s a try),
    # how long a session lasts unused and at most, and the lock-out after wrong passwords.
    password_memory_kib: int = Field(default=65536, ge=1024)
    password_time_cost: int = Field(default=3, ge=1)
    # Threads that hash passwords, apart from the database's: at most this many checks at once (64 MiB each).
    password_threads: int = Field(default=2, gt=0)
    session_idle_minutes: int = Field(default=12 * 60, gt=0)
    session_max_hours: int = Field(default=7 * 24, gt=0)
    login_max_failures: int = Field(default=5, gt=0)
    login_lock_minutes: int = Field(default=15, gt=0)
    # Sign-in attempts that fail from one address within the lock window before it must wait (429).
    login_max_failures_per_source: int = Field(default=30, gt=0)
    # Session cookies marked Secure: unset follows each request (HTTPS, or X-Forwarded-Proto from a proxy).
    secure_cookies: bool | None = None
    # A bearer token that opens /metrics and /delivery (for Prometheus); signed-in admins see them without it.
    metrics_token: SecretStr | None = None
    # Reverse proxies (addresses or networks, comma-separated) whose X-Forwarded-For and X-Forwarded-Proto
    # are believed. Empty: none are, and a request's source is the address it came from.
    trusted_proxies: str = ""
    # The bot's LINE ID (e.g. @ruthan): used for add-friend links and QR codes that open the chat.
    line_bot_basic_id: str | None = None
    line_data_api_base_url: str = "https://api-data.line.me"
    # How often scheduled announcements are checked for being due.
    announcement_check_seconds: float = Field(default=15, gt=0)
    # How long a forwarded message waits for more forwarded with it before they are answered together.
    check_gather_seconds: float = Field(default=3, ge=0, le=20)
    # Certificates (issue 18): the bot's public HTTPS address (e.g. https://ruthan.example.org), under which
    # LINE fetches certificate images and a certificate's QR code opens /verify/<code>. Unset: no certificate
    # is offered (LINE takes images from HTTPS URLs only).
    public_base_url: str | None = None
    # The organisation printed on certificates, and its logo (a PNG or JPEG file); default: the bot's name.
    ruthan_org_name: str = Field(default="รู้ทัน", min_length=1, max_length=80)
    ruthan_org_logo: Path | None = None

    @property
    def simulator_access(self) -> str:
        if self.simulator != "auto":
            return self.simulator
        return "trainers" if self.line_enabled else "open"

    @property
    def line_rates(self) -> dict[str, float]:
        return {
            "push": self.line_push_rate,
            "multicast": self.line_multicast_rate,
            "reply": self.line_reply_rate,
        }

    @field_validator("tz")
    @classmethod
    def _known_time_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"'{value}' is not a time zone name such as Asia/Bangkok") from None
        return value

    @field_validator("public_base_url")
    @classmethod
    def _https_base(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not value.startswith("https://") or len(value) > 200:
            raise ValueError("use the bot's public HTTPS address, e.g. https://ruthan.example.org")
        return value.rstrip("/")

    @field_validator("ruthan_org_logo")
    @classmethod
    def _logo_file(cls, value: Path | None) -> Path | None:
        if value is None:
            return None
        try:
            with Image.open(value) as picture:
                picture.verify()
        except (OSError, SyntaxError, ValueError):
            raise ValueError(f"'{value}' is not a picture file (a PNG or JPEG logo)") from None
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _addresses(cls, value: str) -> str:
        for item in filter(None, (part.strip() for part in value.split(","))):
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(f"'{item}' is not an address or network such as 10.0.0.0/8") from None
        return value

    @property
    def trusted_proxy_list(self) -> list[str]:
        return [part.strip() for part in self.trusted_proxies.split(",") if part.strip()]

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        if not value.startswith(("sqlite://", "postgresql://", "postgres://", "postgresql+psycopg://")):
            raise ValueError("use sqlite:///path/to/file.db or postgresql://user@host:port/db")
        try:
            url = make_url(value)
        except (ArgumentError, ValueError):
            raise ValueError(f"'{safe_url(value)}' is not a database URL") from None
        if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
            # Each connection would get an empty database of its own: every webhook would fail.
            raise ValueError("SQLite needs a file, e.g. sqlite:///ruthan.db")
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    @property
    def line_enabled(self) -> bool:
        return bool(self.line_channel_secret and self.line_channel_access_token)

    @property
    def sqlalchemy_url(self) -> str:
        """The URL with its driver chosen: psycopg 3 for PostgreSQL, the standard sqlite3 for SQLite."""
        url = self.database_url
        for prefix in ("postgresql://", "postgres://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url.removeprefix(prefix)
        return url


def safe_url(url: str) -> str:
    """The database URL without a password, for messages and printing."""
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    credentials, location = rest.rsplit("@", 1)
    return f"{scheme}://{credentials.split(':', 1)[0]}@{location}"


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning validation errors into one clear sentence."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "a setting"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"Setting {name} is not valid: {message}.") from None
