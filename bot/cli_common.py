"""Helpers shared by the `ruthan` command groups: one way to fail, one way to read settings."""

from __future__ import annotations

import typer

from bot.settings import Settings, SettingsError, load_settings


def fail(message: str) -> typer.Exit:
    """Print `message` in red on stderr; raise the returned Exit to stop with status 1."""
    typer.secho(message, fg=typer.colors.RED, err=True)
    return typer.Exit(1)


def settings_or_exit() -> Settings:
    """The settings, or one clear sentence and exit status 1 (never a traceback)."""
    try:
        return load_settings()
    except SettingsError as exc:
        raise fail(str(exc)) from None
