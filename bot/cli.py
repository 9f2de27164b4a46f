"""The `ruthan` command line."""

from __future__ import annotations

import asyncio
import json
import sys
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import unquote

import typer

from bot.check.command import check as check_command
from bot.cli_common import fail, settings_or_exit
from bot.content import Content, ContentError, load_content, stale_modules
from bot.settings import Settings, safe_url
from bot.trainers import cli as trainer_commands

app = typer.Typer(help="Ruthan (รู้ทัน): a LINE bot that teaches cyber-safety in Thai.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
content_app = typer.Typer(help="Lessons and quizzes.", no_args_is_help=True)
demo_app = typer.Typer(help="Demo learners for trials and load tests.", no_args_is_help=True)
delivery_app = typer.Typer(help="Delivery to LINE: the push pause.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(content_app, name="content")
app.add_typer(demo_app, name="demo")
app.add_typer(delivery_app, name="delivery")
app.add_typer(trainer_commands.admin_app, name="admin")
app.command("check")(check_command)
richmenu_app = typer.Typer(
    help="The learners' rich menu: six big buttons under the chat.", no_args_is_help=True
)
app.add_typer(richmenu_app, name="richmenu")


def _content(root: Path) -> Content:
    try:
        return load_content(root)
    except ContentError as exc:
        typer.secho(f"The content has {len(exc.problems)} problem(s):", fg=typer.colors.RED, err=True)
        for problem in exc.problems:
            typer.echo(f"  {problem}", err=True)
        raise typer.Exit(1) from None


def _logging(level: str = "INFO") -> None:
    from bot import logs

    logs.configure(level)


def _storage(settings: Settings) -> None:
    """Bring the schema up to date and check that the database takes a write; else one sentence, exit 1."""
    from bot.clock import SystemClock
    from bot.storage import health

    try:
        health.prepare(settings.sqlalchemy_url, SystemClock().now())
    except health.STORAGE_ERRORS as exc:
        raise fail(
            f"Cannot use the database {safe_url(settings.database_url)}: {health.problem(exc)}."
        ) from None


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Run the bot as a web service (webhook at POST /callback, health at GET /healthz)."""
    import uvicorn

    from bot.app import create_app

    settings = settings_or_exit()
    _logging()
    content = _content(settings.content_dir)
    _storage(settings)
    if not settings.line_enabled:
        typer.secho(serve_without_line_notice(host, port, settings), fg=typer.colors.YELLOW)
    typer.echo(f"Ruthan on http://{host}:{port} (health: /healthz) using {safe_url(settings.database_url)}")
    app = create_app(settings, content=content, migrate=False)  # _storage brought the schema up to date
    # X-Forwarded-* headers are the app's to judge, from TRUSTED_PROXIES only (uvicorn's default believes any
    # loopback peer, so that anyone behind a local tunnel could pick their own address).
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False)


def serve_without_line_notice(host: str, port: int, settings: Settings) -> str:
    """What `serve` says when LINE is not configured: where to try the bot instead."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    lines = ["The LINE webhook is off: LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN are not set."]
    if settings.simulator_access == "open":
        lines.append(f"Try the bot in your browser: http://{shown}:{port}/simulator")
    lines.append("Or talk to it in the terminal: `python3 dev.py chat` (or `ruthan chat`).")
    return "\n".join(lines)


@app.command()
def chat(
    user: Annotated[str, typer.Option(help="The LINE user ID to play (your progress is kept under it).")] = (
        "U" + "0" * 31 + "1"
    ),
) -> None:
    """Talk to the bot in the terminal, as a learner would on LINE; no LINE account needed."""
    settings = settings_or_exit()
    _logging("WARNING")
    content = _content(settings.content_dir)
    _storage(settings)
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
    from bot.gateway import TerminalGateway
    from bot.services import Services

    gateway = TerminalGateway()
    runtime = Services.build(settings, line=gateway, content=content).runtime
    typer.secho(
        "Ruthan in the terminal. Type as a learner; pick a button by its number; Ctrl-D to leave.",
        fg=typer.colors.CYAN,
    )
    await runtime.receive([_event(user, "follow", follow={"isUnblocked": False})])
    await runtime.settle()
    loop = asyncio.get_running_loop()
    while True:
        line = (await loop.run_in_executor(None, input, "\nคุณ › ")).strip()
        if not line:
            continue
        event = _event(
            user,
            "message",
            message={
                "type": "text",
                "id": uuid.uuid4().hex[:18],
                "text": line,
                "quoteToken": uuid.uuid4().hex,
            },
        )
        if line.isdecimal() and 1 <= int(line) <= len(gateway.actions):
            action = gateway.actions[int(line) - 1]
            typer.echo(f"      (กด: {action.get('label')})")
            if action.get("type") == "postback":
                event = _event(user, "postback", postback={"data": action["data"]})
            elif action.get("type") == "message":
                event["message"]["text"] = action["text"]
            elif action.get("type") == "uri":  # e.g. LINE's share screen: shown, nothing is sent
                typer.echo(f"      (เปิด: {unquote(action['uri'])})")
                continue
        await runtime.receive([event])
        await runtime.settle()


@app.command()
def worker(
    share: Annotated[
        float,
        typer.Option(
            min=0.01,
            max=1.0,
            help=("This process's share of LINE's rate limits (four workers for one channel: 0.25 each)."),
        ),
    ] = 1.0,
) -> None:
    """Run the reminder sweep and the delivery worker without the web service (any number, on PostgreSQL)."""
    settings = settings_or_exit()
    _logging()
    content = _content(settings.content_dir)
    if not settings.line_channel_access_token:
        raise fail("LINE_CHANNEL_ACCESS_TOKEN is not set: a worker has nothing to send with.")
    _storage(settings)
    typer.echo(f"Ruthan worker using {safe_url(settings.database_url)}; Ctrl-C to stop.")
    asyncio.run(_worker(settings, content, share))


async def _worker(settings: Settings, content: Content, share: float) -> None:
    import signal

    from bot.services import Services

    # A worker looks for work oftener than the web service's recovery: it has nothing else to do.
    services = Services.build(settings, content=content, share=share, recovery_interval=2.0)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await services.start()
    try:
        await stop.wait()
    finally:
        await services.stop()


@demo_app.command("seed")
def demo_seed(
    learners: Annotated[int, typer.Option(min=1, help="How many demo learners to create.")] = 100,
    due_now: Annotated[
        bool, typer.Option("--due-now", help="Make their reminders due at once, at any hour.")
    ] = False,
) -> None:
    """Create demo learners (cohort "demo") whose reminders are due: at 19:00, or at once with --due-now."""
    from bot.clock import SystemClock
    from bot.storage.db import make_engine, upgrade
    from scheduler import demo

    settings = settings_or_exit()
    content = _content(settings.content_dir)
    upgrade(settings.sqlalchemy_url)
    engine = make_engine(settings.sqlalchemy_url)
    try:
        made = demo.seed(
            engine, content, count=learners, now=SystemClock().now(), due_now=due_now, zone=settings.zone
        )
    finally:
        engine.dispose()
    when = "now (quiet hours do not apply to demo learners)" if due_now else "at 19:00"
    typer.echo(f"Created {made} demo learners; their reminders are due {when}.")


@demo_app.command("class")
def demo_class(
    trainer: Annotated[str, typer.Option(help="The username of the trainer who will own the class.")],
) -> None:
    """Create a demo class with learners in every state, so a new trainer sees a populated dashboard."""
    from bot.clock import SystemClock
    from bot.storage.db import make_engine, session_scope, upgrade
    from bot.trainers import demo_class as demo

    settings = settings_or_exit()
    content = _content(settings.content_dir)
    upgrade(settings.sqlalchemy_url)
    engine = make_engine(settings.sqlalchemy_url)
    try:
        with session_scope(engine) as session:
            owner = demo.trainer_named(session, trainer)
            if owner is None:
                raise fail(f"No trainer {trainer!r}: create one first with `ruthan admin create`.")
            classroom = demo.create(
                session, content, trainer=owner, now=SystemClock().now(), zone=settings.zone
            )
            class_id, code = classroom.id, classroom.code
    finally:
        engine.dispose()
    typer.echo(
        f"Created demo class {demo.DEMO_CLASS_NAME} (code {code}) with {len(demo.PERSONAS)} demo learners: "
        f"open /admin/classes/{class_id}. `ruthan demo clear` removes the learners."
    )


@demo_app.command("clear")
def demo_clear() -> None:
    """Remove every demo learner, their messages, and the demo classes only they were in."""
    from bot.storage.db import make_engine
    from scheduler import demo

    engine = make_engine(settings_or_exit().sqlalchemy_url)
    try:
        learners, classes = demo.clear(engine)
        plural = "" if classes == 1 else "es"
        typer.echo(f"Removed {learners} demo learners and {classes} demo class{plural}.")
    finally:
        engine.dispose()


@delivery_app.command("status")
def delivery_status() -> None:
    """Say whether pushing is paused (LINE's monthly limit, a refused access token), why and since when."""
    from bot.storage.db import make_engine
    from bot.storage.outbox import pause_status

    engine = make_engine(settings_or_exit().sqlalchemy_url)
    try:
        typer.echo(json.dumps(pause_status(engine), ensure_ascii=False))
    finally:
        engine.dispose()


@delivery_app.command("resume")
def delivery_resume() -> None:
    """Lift a push pause now (the limit raised, the token fixed) instead of waiting for the next probe."""
    from bot.clock import SystemClock
    from bot.storage.db import make_engine
    from bot.storage.outbox import resume_push

    engine = make_engine(settings_or_exit().sqlalchemy_url)
    try:
        resumed = resume_push(engine, SystemClock().now())
        typer.echo("Pushing resumed: what waited is sent now." if resumed else "Pushing was not paused.")
    finally:
        engine.dispose()


@richmenu_app.command("draw")
def richmenu_draw(
    out: Annotated[Path, typer.Option(help="Where to write the PNG.")] = Path("richmenu.png"),
) -> None:
    """Draw the menu image only (to look at it before installing)."""
    from bot.richmenu import RichMenuError, draw

    try:
        out.write_bytes(draw())
    except RichMenuError as exc:
        raise fail(str(exc)) from None
    typer.echo(f"Wrote {out} (2500x1686).")


@richmenu_app.command("install")
def richmenu_install() -> None:
    """Draw the menu, upload it to LINE and make it every learner's default (removing older Ruthan menus)."""
    from bot.gateway import LineApiError
    from bot.richmenu import RichMenuError, draw, install
    from bot.trainers.line_account import LineAccount

    settings = settings_or_exit()
    token = settings.line_channel_access_token
    if token is None:
        raise fail("LINE_CHANNEL_ACCESS_TOKEN is not set: there is no LINE channel to install the menu on.")
    try:
        image = draw()
    except RichMenuError as exc:
        raise fail(str(exc)) from None

    async def run() -> str:
        account = LineAccount(
            access_token=token.get_secret_value(),
            host=settings.line_api_base_url,
            data_host=settings.line_data_api_base_url,
            timeout=settings.line_timeout_seconds,
        )
        try:
            return await install(account, image=image)
        finally:
            await account.close()

    try:
        rich_menu_id = asyncio.run(run())
    except LineApiError as exc:
        raise fail(f"LINE refused the rich menu: {exc}") from None
    typer.echo(f"Rich menu {rich_menu_id} installed as every learner's default.")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the database schema up to date (Alembic)."""
    settings = settings_or_exit()
    _storage(settings)
    typer.echo(f"Database is up to date: {safe_url(settings.database_url)}")


@content_app.command("check")
def content_check(
    root: Annotated[Path | None, typer.Option(help="Folder holding curriculum/ and quizzes/.")] = None,
) -> None:
    """Validate every lesson, quiz and track; errors name the file and the field."""
    from bot import content_audit
    from bot.drills.report import drill_problems, drill_report_lines
    from bot.readability import elderly_problems

    content = _content(root or settings_or_exit().content_dir)
    problems = elderly_problems(content)
    if problems:
        typer.secho(f"Elderly-track wording has {len(problems)} problem(s):", fg=typer.colors.RED, err=True)
        for problem in problems:
            typer.echo(f"  {problem}", err=True)
        raise typer.Exit(1)
    audits = content_audit.audit(content)
    typer.echo("Quiz honesty per track (a strategy that needs no knowledge must not pass):")
    for track_audit in audits:
        typer.echo(f"  {track_audit.line()}")
    for line in drill_report_lines(content):
        typer.echo(line)
    for warning in stale_modules(content, date.today()):
        typer.secho(f"warning: {warning}", fg=typer.colors.YELLOW, err=True)
    # Both kinds of problem are reported before failing, so one run shows everything an author must fix.
    honesty = [problem for track_audit in audits for problem in track_audit.problems()]
    if honesty:
        typer.secho(f"Quizzes give the answer away in {len(honesty)} way(s):", fg=typer.colors.RED, err=True)
        for problem in honesty:
            typer.echo(f"  {problem}", err=True)
    if problems := drill_problems(content):
        typer.secho(f"Drills have {len(problems)} problem(s):", fg=typer.colors.RED, err=True)
        for problem in problems:
            typer.echo(f"  {problem}", err=True)
    if honesty or problems:
        raise typer.Exit(1)
    stats = content.stats()
    typer.echo(
        f"Content OK: {stats['modules']} modules, {stats['questions']} questions, "
        f"{len(content.drills)} drills, {len(content.tracks)} tracks."
    )


@content_app.command("stats")
def content_stats(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    root: Annotated[Path | None, typer.Option(help="Folder holding curriculum/ and quizzes/.")] = None,
) -> None:
    """Count modules and questions, per track."""
    stats = _content(root or settings_or_exit().content_dir).stats()
    if as_json:
        typer.echo(json.dumps(stats, ensure_ascii=False))
        return
    typer.echo(f"{stats['modules']} modules, {stats['questions']} questions")
    tracks: dict[str, dict[str, int]] = stats["tracks"]  # type: ignore[assignment]
    for track_id, counts in tracks.items():
        typer.echo(f"  {track_id}: {counts['modules']} modules, {counts['questions']} questions")


@content_app.command("export")
def content_export(
    as_json: Annotated[bool, typer.Option("--json", help="Write JSON (the only format).")] = False,
    output: Annotated[
        Path | None, typer.Option(help="Write to this file instead of standard output.")
    ] = None,
    root: Annotated[Path | None, typer.Option(help="Folder holding curriculum/ and quizzes/.")] = None,
) -> None:
    """Every module card, question and drill as one JSON document, for review by tools outside the bot."""
    from bot.drills.report import export_document

    if not as_json:
        raise fail("Say the format: `ruthan content export --json` (JSON is the only one).")
    document = json.dumps(
        export_document(_content(root or settings_or_exit().content_dir)), ensure_ascii=False, indent=2
    )
    if output is None:
        typer.echo(document)
    else:
        output.write_text(document + "\n", encoding="utf-8")
        typer.echo(f"Wrote {output}")


def main() -> None:  # pragma: no cover
    sys.exit(app())
