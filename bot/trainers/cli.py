"""`ruthan admin ...`: trainer accounts from the command line (the first admin is created here)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from bot.cli_common import fail, settings_or_exit

admin_app = typer.Typer(help="Trainer accounts for the dashboard at /admin.", no_args_is_help=True)


def _new_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\n")
    return typer.prompt("Password (at least 10 characters)", hide_input=True, confirmation_prompt=True)


PasswordStdin = Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")]


@admin_app.command("create")
def admin_create(
    username: Annotated[str, typer.Option(prompt=True, help="What they type to sign in (a-z, 0-9, . _ -).")],
    display_name: Annotated[
        str,
        typer.Option(prompt="Name shown to learners (e.g. ครูสมศรี)", help="Shown to learners and trainers."),
    ],
    role: Annotated[str, typer.Option(help="admin (every class, manages accounts) or trainer.")] = "admin",
    password_stdin: PasswordStdin = False,
) -> None:
    """Create a trainer account (the first should be an admin); the password is stored hashed (argon2id)."""
    from bot.clock import SystemClock
    from bot.storage.db import make_engine, session_scope, upgrade
    from bot.storage.trainers import Role
    from bot.trainers import audit, auth

    if role not in ("admin", "trainer"):
        raise fail("--role must be admin or trainer.")
    settings = settings_or_exit()
    password = _new_password(password_stdin)
    upgrade(settings.sqlalchemy_url)
    engine = make_engine(settings.sqlalchemy_url)
    now = SystemClock().now()
    try:
        with session_scope(engine) as session:
            trainer = auth.create_trainer(
                session,
                username=username,
                password=password,
                display_name=display_name,
                role=Role(role),
                now=now,
                passwords=auth.Passwords(settings),
            )
            audit.record(
                session,
                None,
                "trainer.create",
                f"{role} {trainer.username} created",
                now=now,
                actor="command line",
            )
    except auth.AccountError as exc:
        raise fail(f"Not created: {exc}.") from None
    finally:
        engine.dispose()
    typer.echo(f"Created {role} '{trainer.username}'. Sign in at /admin/login on the running service.")


@admin_app.command("password")
def admin_password(
    username: Annotated[str, typer.Argument(help="The account to reset.")],
    password_stdin: PasswordStdin = False,
) -> None:
    """Set a new password (it also lifts a lock-out and signs the account out everywhere)."""
    from sqlmodel import select

    from bot.storage.db import make_engine, session_scope, upgrade
    from bot.storage.trainers import Trainer
    from bot.trainers import auth

    settings = settings_or_exit()
    name = auth.normalize_username(username)
    upgrade(settings.sqlalchemy_url)
    engine = make_engine(settings.sqlalchemy_url)
    try:
        with session_scope(engine) as session:
            trainer = session.exec(select(Trainer).where(Trainer.username == name)).first()
            if trainer is None:
                raise fail(f"No account '{name}'.")
            auth.set_password(session, trainer, _new_password(password_stdin), auth.Passwords(settings))
    except auth.AccountError as exc:
        raise fail(f"Not changed: {exc}.") from None
    finally:
        engine.dispose()
    typer.echo(f"Password changed for '{name}'.")


@admin_app.command("list")
def admin_list() -> None:
    """List trainer accounts."""
    from sqlmodel import col, select

    from bot.storage.db import make_engine, session_scope, upgrade
    from bot.storage.trainers import Trainer

    settings = settings_or_exit()
    upgrade(settings.sqlalchemy_url)
    engine = make_engine(settings.sqlalchemy_url)
    try:
        with session_scope(engine) as session:
            for trainer in session.exec(select(Trainer).order_by(col(Trainer.id))):
                state = "" if trainer.active else " (disabled)"
                typer.echo(f"{trainer.username}\t{trainer.role.value}\t{trainer.display_name}{state}")
    finally:
        engine.dispose()
