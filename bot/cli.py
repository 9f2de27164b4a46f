"""The `ruthan` command line."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import time
import uuid
from pathlib import Path
from typing import Annotated, Any

import typer

from bot.content import Content, ContentError, load_content
from bot.settings import Settings, SettingsError, load_settings

app = typer.Typer(help="Ruthan (รู้ทัน): a LINE bot that teaches cyber-safety in Thai.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
content_app = typer.Typer(help="Lessons and quizzes.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(content_app, name="content")


def _fail(message: str) -> typer.Exit:
    typer.secho(message, fg=typer.colors.RED, err=True)
    return typer.Exit(1)


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        raise _fail(str(exc)) from None


def _content(root: Path) -> Content:
    try:
        return load_content(root)
    except ContentError as exc:
        typer.secho(f"The content has {len(exc.problems)} problem(s):", fg=typer.colors.RED, err=True)
        for problem in exc.problems:
            typer.echo(f"  {problem}", err=True)
        raise typer.Exit(1) from None


def _logging(level: str = "INFO") -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Run the bot as a web service (webhook at POST /callback, health at GET /healthz)."""
    import uvicorn

    from bot.app import create_app

    settings = _settings()
    _logging()
    content = _content(settings.content_dir)
    if not settings.line_enabled:
        typer.secho(
            "The LINE webhook is off: LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN are not set.\n"
            "To try the bot without LINE, run `python3 dev.py chat` (or `ruthan chat`) in another terminal.",
            fg=typer.colors.YELLOW,
        )
    typer.echo(f"Ruthan on http://{host}:{port} (health: /healthz) using {_safe_url(settings.database_url)}")
    uvicorn.run(create_app(settings, content=content), host=host, port=port, log_level="info")


def _safe_url(url: str) -> str:
    """The database URL without a password, for printing."""
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    credentials, location = rest.rsplit("@", 1)
    return f"{scheme}://{credentials.split(':', 1)[0]}@{location}"


@app.command()
def chat(
    user: Annotated[str, typer.Option(help="The LINE user ID to play (your progress is kept under it).")] = (
        "U" + "0" * 31 + "1"
    ),
) -> None:
    """Talk to the bot in the terminal, as a learner would on LINE; no LINE account needed."""
    settings = _settings()
    _logging("WARNING")
    content = _content(settings.content_dir)
    try:
        asyncio.run(_chat(settings, content, user))
    except (KeyboardInterrupt, EOFError):
        typer.echo("\nลาก่อนค่ะ 🙏")


def _event(user: str, kind: str, **fields: Any) -> dict[str, Any]:
    return {
        "type": kind,
        "mode": "active",
        "timestamp": int(time.time() * 1000),
        "source": {"type": "user", "userId": user},
        "webhookEventId": str(uuid.uuid4()),
        "deliveryContext": {"isRedelivery": False},
        "replyToken": uuid.uuid4().hex,
        **fields,
    }


async def _chat(settings: Settings, content: Content, user: str) -> None:
    from bot.clock import SystemClock
    from bot.gateway import TerminalGateway
    from bot.runtime import Runtime
    from bot.storage.db import make_engine, upgrade

    upgrade(settings.sqlalchemy_url)
    engine = make_engine(settings.sqlalchemy_url)
    gateway = TerminalGateway()
    runtime = Runtime(engine=engine, content=content, gateway=gateway, clock=SystemClock())
    typer.secho("Ruthan in the terminal. Type as a learner; pick a button by its number; Ctrl-D to leave.",
                fg=typer.colors.CYAN)
    await runtime.receive([_event(user, "follow", follow={"isUnblocked": False})])
    await runtime.settle()
    loop = asyncio.get_running_loop()
    while True:
        line = (await loop.run_in_executor(None, input, "\nคุณ › ")).strip()
        if not line:
            continue
        event = _event(user, "message", message={"type": "text", "id": uuid.uuid4().hex[:18], "text": line,
                                                 "quoteToken": uuid.uuid4().hex})
        if line.isdigit() and 1 <= int(line) <= len(gateway.actions):
            action = gateway.actions[int(line) - 1]
            typer.echo(f"      (กด: {action.get('label')})")
            if action.get("type") == "postback":
                event = _event(user, "postback", postback={"data": action["data"]})
            elif action.get("type") == "message":
                event["message"]["text"] = action["text"]
        await runtime.receive([event])
        await runtime.settle()


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the database schema up to date (Alembic)."""
    from bot.storage.db import upgrade

    settings = _settings()
    upgrade(settings.sqlalchemy_url)
    typer.echo(f"Database is up to date: {_safe_url(settings.database_url)}")


@content_app.command("check")
def content_check(
    root: Annotated[Path | None, typer.Option(help="Folder holding curriculum/ and quizzes/.")] = None,
) -> None:
    """Validate every lesson, quiz and track; errors name the file and the field."""
    from bot.readability import elderly_problems

    content = _content(root or _settings().content_dir)
    problems = elderly_problems(content)
    if problems:
        typer.secho(f"Elderly-track wording has {len(problems)} problem(s):", fg=typer.colors.RED, err=True)
        for problem in problems:
            typer.echo(f"  {problem}", err=True)
        raise typer.Exit(1)
    stats = content.stats()
    typer.echo(f"Content OK: {stats['modules']} modules, {stats['questions']} questions, {len(content.tracks)} tracks.")


@content_app.command("stats")
def content_stats(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    root: Annotated[Path | None, typer.Option(help="Folder holding curriculum/ and quizzes/.")] = None,
) -> None:
    """Count modules and questions, per track."""
    stats = _content(root or _settings().content_dir).stats()
    if as_json:
        typer.echo(json.dumps(stats, ensure_ascii=False))
        return
    typer.echo(f"{stats['modules']} modules, {stats['questions']} questions")
    for track_id, counts in stats["tracks"].items():  # type: ignore[union-attr]
        typer.echo(f"  {track_id}: {counts['modules']} modules, {counts['questions']} questions")


def main() -> None:  # pragma: no cover
    sys.exit(app())
