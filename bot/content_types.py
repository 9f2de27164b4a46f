"""The vocabulary every kind of content shares (lessons, quizzes, drills): stable IDs, Thai text, audiences.

A module of its own so that the content loaders (bot.content, bot.drills.content) both build on it without
importing each other in a circle. Imports nothing of the project.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import StringConstraints

# Stable IDs: lowercase ASCII, digits and dashes. Progress refers to them: never reuse one for new content.
Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,47}$")]
ThaiText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Audience(StrEnum):
    STUDENT = "student"
    ELDERLY = "elderly"
    GENERAL = "general"
