"""What every kind of content shares (lessons, quizzes, drills): stable IDs, Thai text, audiences, and the
reading of a YAML file into a model with problems reported as 'file: field: message'.

A module of its own so that the content loaders (bot.content, bot.drills.content) both build on it without
importing each other in a circle. Imports nothing of the project.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TypeVar

import yaml
from pydantic import BaseModel, StringConstraints, ValidationError

ModelT = TypeVar("ModelT", bound=BaseModel)

# Stable IDs: lowercase ASCII, digits and dashes. Progress refers to them: never reuse one for new content.
Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,47}$")]
ThaiText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Audience(StrEnum):
    STUDENT = "student"
    ELDERLY = "elderly"
    GENERAL = "general"


def describe(path: Path, root: Path, error: ValidationError) -> Iterable[str]:
    """A validation error as 'file: field: message' lines, the file relative to the content root."""
    name = path.relative_to(root) if path.is_relative_to(root) else path
    for problem in error.errors():
        where = ".".join(str(part) for part in problem["loc"]) or "(file)"
        yield f"{name}: {where}: {problem['msg']}"


def read_yaml(path: Path, root: Path, problems: list[str]) -> object | None:
    """The file's YAML, or None with the reason appended to `problems`."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        problems.append(f"{path.relative_to(root)}: (file): cannot read YAML: {exc}")
        return None


def parse(model: type[ModelT], path: Path, root: Path, problems: list[str]) -> ModelT | None:
    """The file validated as `model`, or None with its problems appended."""
    data = read_yaml(path, root, problems)
    if data is None:
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems.extend(describe(path, root, exc))
        return None
