"""`ruthan check`: the chat's "ส่งมาให้รู้ทันดู" check, for trainers and for testing, on the same code path."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from bot.check.engine import CheckResult


def check(
    text: Annotated[
        str | None, typer.Argument(help="The message or link to check; '-' reads it from standard input.")
    ] = None,
    image: Annotated[
        Path | None, typer.Option("--image", help="A screenshot to read with Tesseract (Thai + English).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Check a forwarded message, link or screenshot for known warning signs (never says "safe")."""
    # Imported here: every other `ruthan` command starts without loading the signs, pythainlp or Pillow.
    from bot.check.engine import check_text
    from bot.check.ocr import NotAnImage, OcrUnavailable, check_image

    if (text is None) == (image is None):
        raise typer.BadParameter("give either TEXT (or '-' for standard input) or --image FILE")
    if image is not None:
        try:
            result = check_image(image.read_bytes())
        except OSError as exc:
            typer.secho(f"Cannot read {image}: {exc.strerror}.", fg=typer.colors.RED, err=True)
            raise typer.Exit(2) from None
        except (OcrUnavailable, NotAnImage) as exc:
            typer.secho(f"Cannot check {image}: {exc}", fg=typer.colors.RED, err=True)
            raise typer.Exit(2) from None
    else:
        assert text is not None
        result = check_text(sys.stdin.read() if text == "-" else text)
    if as_json:
        typer.echo(json.dumps(result.as_json(), ensure_ascii=False))
    else:
        typer.echo(describe(result))


def describe(result: CheckResult) -> str:
    """The result for a person at a terminal: the verdict, then each sign with the words that show it."""
    if result.verdict == "not_a_message":
        return "not_a_message: this looks like a greeting or a command, not a forwarded message."
    if result.verdict == "no_signs_found":
        return (
            "no_signs_found: no known warning sign (this does not mean the message is genuine).\n"
            f"lesson: {result.module}"
        )
    lines = [f"warning: {len(result.signs)} sign(s); lesson: {result.module}"]
    for sign in result.signs:
        lines.append(f"- {sign.id} ({sign.module}): {sign.text_th}")
        lines.append(f"    “{sign.evidence}”")
    return "\n".join(lines)
