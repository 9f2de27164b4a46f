"""Lessons and quizzes as data: pydantic models, the loader, and cross-reference checks.

Layout on disk:
    curriculum/tracks.yaml          the tracks, each an ordered list of module IDs
    curriculum/modules/<id>.yaml    one module: cards and sources
    quizzes/<module id>.yaml        the questions that close that module

Every error names the file and the field, so authors can fix content without reading Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from bot.content_types import Audience, Id, ModelT, ThaiText
from bot.content_types import parse as parse_file
from bot.drills.content import DrillBank, load_drills

# A card must fit on one phone screen: about 8 short lines of Thai at LINE's default size.
MAX_CARD_CHARS = 400
# LINE shows at most 13 quick-reply buttons, but elderly learners get at most 3 choices and others 4.
MAX_OPTIONS = 4
MAX_ELDERLY_OPTIONS = 3
# Facts go stale: a module whose sources were last checked longer ago than this gets a warning.
MAX_CHECK_AGE = timedelta(days=365)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    title: ThaiText
    url: str | None = None


class Card(_Strict):
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_CARD_CHARS)]


class Module(_Strict):
    id: Id
    title: ThaiText
    summary: ThaiText | None = None
    cards: list[Card] = Field(min_length=2, max_length=4)
    sources: list[Source] = Field(min_length=1)
    # When an author last checked this module's facts against its sources (YAML date: 2026-12-04).
    last_checked: date | None = None


class Option(_Strict):
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
    # Short label for the quick-reply button; LINE cuts labels at 20 characters.
    label: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)] | None = None
    correct: bool = False
    # Words learners are likely to type for this option (e.g. "ใส่แมส" for "ใส่หน้ากาก").
    aliases: list[ThaiText] = []

    @property
    def button(self) -> str:
        return self.label or self.text[:20]


class Question(_Strict):
    id: Id
    kind: Literal["choice", "true_false"] = "choice"
    prompt: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
    options: list[Option] = Field(min_length=2, max_length=MAX_OPTIONS)
    explanation: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=400)]
    skill: Id
    scenario: bool = False
    # The right answer is "this one is genuine, go ahead": quizzes must not teach that everything is a scam.
    go_ahead: bool = False

    @model_validator(mode="after")
    def _one_correct_answer(self) -> Question:
        if sum(option.correct for option in self.options) != 1:
            raise ValueError("exactly one option must have correct: true")
        if self.kind == "true_false" and len(self.options) != 2:
            raise ValueError("a true_false question has exactly two options")
        return self

    @property
    def answer(self) -> int:
        return next(i for i, option in enumerate(self.options) if option.correct)


class Quiz(_Strict):
    module: Id
    questions: list[Question] = Field(min_length=3, max_length=5)


class Track(_Strict):
    id: Id
    title: ThaiText
    audience: Audience
    description: ThaiText | None = None
    modules: list[Id] = Field(min_length=1)


class TrackFile(_Strict):
    tracks: list[Track] = Field(min_length=1)


class ContentError(Exception):
    """Content failed to load; `problems` lists each one as 'file: field: message'."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Lesson:
    """A module with its quiz: what the learning flow walks through."""

    module: Module
    questions: tuple[Question, ...]

    @property
    def id(self) -> str:
        return self.module.id

    @property
    def steps(self) -> int:
        return len(self.module.cards) + len(self.questions)


@dataclass(frozen=True)
class Content:
    tracks: dict[str, Track]
    lessons: dict[str, Lesson]
    questions: dict[str, tuple[Lesson, Question]] = field(default_factory=dict)
    drills: DrillBank = field(default_factory=DrillBank)

    def track(self, track_id: str | None) -> Track | None:
        return self.tracks.get(track_id) if track_id else None

    def lessons_of(self, track: Track) -> list[Lesson]:
        return [self.lessons[module_id] for module_id in track.modules if module_id in self.lessons]

    def stats(self) -> dict[str, object]:
        return {
            "modules": len(self.lessons),
            "questions": len(self.questions),
            "cards": sum(len(lesson.module.cards) for lesson in self.lessons.values()),
            "scenario_questions": sum(q.scenario for _, q in self.questions.values()),
            "skills": sorted({q.skill for _, q in self.questions.values()}),
            "tracks": {
                track.id: {
                    "modules": len(track.modules),
                    "module_ids": list(track.modules),
                    "questions": sum(len(lesson.questions) for lesson in self.lessons_of(track)),
                }
                for track in self.tracks.values()
            },
        }


def stale_modules(content: Content, today: date, max_age: timedelta = MAX_CHECK_AGE) -> list[str]:
    """Warnings (not errors) for modules whose facts were never checked or were checked too long ago."""
    warnings = []
    for module_id, lesson in sorted(content.lessons.items()):
        checked = lesson.module.last_checked
        where = f"curriculum/modules/{module_id}.yaml: last_checked"
        if checked is None:
            warnings.append(f"{where}: missing; check the sources and add the date")
        elif today - checked > max_age:
            warnings.append(
                f"{where}: {checked.isoformat()} is more than {max_age.days} days ago; recheck the facts"
            )
    return warnings


def load_content(root: Path) -> Content:
    """Load and cross-check all content under `root`; raise ContentError listing every problem found."""
    problems: list[str] = []
    modules: dict[str, Module] = {}
    quizzes: dict[str, Quiz] = {}
    tracks: dict[str, Track] = {}

    def parse(model: type[ModelT], path: Path) -> ModelT | None:
        return parse_file(model, path, root, problems)

    for path in sorted((root / "curriculum" / "modules").glob("*.yaml")):
        module = parse(Module, path)
        if module is None:
            continue
        if module.id != path.stem:
            problems.append(f"{path.relative_to(root)}: id: '{module.id}' must match the file name")
        modules[module.id] = module

    for path in sorted((root / "quizzes").glob("*.yaml")):
        quiz = parse(Quiz, path)
        if quiz is None:
            continue
        if quiz.module not in modules:
            problems.append(f"{path.relative_to(root)}: module: no module with id '{quiz.module}'")
        if quiz.module in quizzes:
            problems.append(f"{path.relative_to(root)}: module: a second quiz for '{quiz.module}'")
        quizzes[quiz.module] = quiz

    tracks_path = root / "curriculum" / "tracks.yaml"
    track_file = parse(TrackFile, tracks_path) if tracks_path.exists() else None
    if not tracks_path.exists():
        problems.append("curriculum/tracks.yaml: (file): missing")
    for index, track in enumerate(track_file.tracks if track_file else []):
        where = f"curriculum/tracks.yaml: tracks.{index}"
        if track.id in tracks:
            problems.append(f"{where}.id: duplicate track id '{track.id}'")
        tracks[track.id] = track
        for position, module_id in enumerate(track.modules):
            if module_id not in modules:
                problems.append(f"{where}.modules.{position}: no module with id '{module_id}'")
            elif module_id not in quizzes:
                problems.append(f"{where}.modules.{position}: module '{module_id}' has no quiz")
        if len(set(track.modules)) != len(track.modules):
            problems.append(f"{where}.modules: a module is listed twice")
        if track.audience is Audience.ELDERLY:
            for module_id in track.modules:
                for question in quizzes[module_id].questions if module_id in quizzes else ():
                    if len(question.options) > MAX_ELDERLY_OPTIONS:
                        problems.append(
                            f"quizzes/{module_id}.yaml: {question.id}.options: the elderly track "
                            f"'{track.id}' allows at most {MAX_ELDERLY_OPTIONS} choices"
                        )

    lessons: dict[str, Lesson] = {}
    questions: dict[str, tuple[Lesson, Question]] = {}
    for module_id, module in modules.items():
        if module_id not in quizzes:
            problems.append(f"curriculum/modules/{module_id}.yaml: id: no quiz in quizzes/ for this module")
            continue
        lesson = Lesson(module=module, questions=tuple(quizzes[module_id].questions))
        lessons[module_id] = lesson
        for question in lesson.questions:
            if question.id in questions:
                problems.append(f"quizzes/{module_id}.yaml: {question.id}: question id used twice")
            questions[question.id] = (lesson, question)

    # Drills refer to modules and tracks: loaded last.

    track_modules = {track_id: list(track.modules) for track_id, track in tracks.items()}
    drills = load_drills(root, modules=modules, tracks=track_modules, problems=problems)
    if problems:
        raise ContentError(problems)
    return Content(tracks=tracks, lessons=lessons, questions=questions, drills=drills)
