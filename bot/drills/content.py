"""Drills as data: realistic messages, genuine and fake, that the learner judges "จริง" or "หลอก".

Layout on disk (all optional: content without `curriculum/drills/` simply has no drills):
    curriculum/drills/cues.yaml      the cue vocabulary: scam signs and trust signs, each with a Thai name
    curriculum/drills/checks.yaml    per track, the placement and final checks as matched pairs of drill IDs
    curriculum/drills/<name>.yaml    drills, any number of files (one per track or topic)

Loaded by `bot.content.load_content` into `Content.drills`; every error names the file and the field.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from bot.content_types import Audience, Id, ThaiText, parse, read_yaml

# What a learner sees fits one phone screen: a few bubbles of a few lines each.
MAX_BUBBLES = 6
MAX_BUBBLE_CHARS = 320
MAX_FEEDBACK_CHARS = 400
# A check is short enough to be kind: 8 to 10 items.
MIN_CHECK_ITEMS = 8
MAX_CHECK_ITEMS = 10
# Never tell a learner a genuine message is "safe": say what was found and how to check anyway.
FORBIDDEN_IN_FEEDBACK = ("ปลอดภัย",)

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_BUBBLE_CHARS)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
Feedback = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_FEEDBACK_CHARS)
]


class DrillKind(StrEnum):
    SMS = "sms"
    LINE_CHAT = "line_chat"
    LINE_OFFICIAL = "line_official"
    BANK_NOTICE = "bank_notice"
    WEB_PAGE = "web_page"
    PARCEL = "parcel"
    CALL_TRANSCRIPT = "call_transcript"
    EMAIL = "email"
    SOCIAL_POST = "social_post"


class CheckKind(StrEnum):
    PLACEMENT = "placement"
    FINAL = "final"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cue(_Strict):
    id: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,39}$")]
    kind: Literal["scam", "trust"]
    name: ThaiText
    explain: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class CueFile(_Strict):
    cues: list[Cue] = Field(min_length=1)


class Bubble(_Strict):
    """One bubble of the conversation; `me` marks the learner's own words (right side, a call's "เรา")."""

    text: Text
    me: bool = False


class DrillSource(_Strict):
    """Where a drill comes from: a public page (URL and its date) or the real pattern it follows."""

    title: ThaiText
    url: Annotated[str, StringConstraints(pattern=r"^https://\S+$")] | None = None
    date: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")] | None = None
    pattern: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)] | None = (
        None
    )

    @model_validator(mode="after")
    def _url_with_date_or_pattern(self) -> DrillSource:
        if self.url and not self.date:
            raise ValueError("a source URL needs the date it was read (date: YYYY-MM-DD)")
        if not self.url and not self.pattern:
            raise ValueError("give a url (with its date) or the real pattern the drill follows (pattern:)")
        return self


class Drill(_Strict):
    id: Id
    kind: DrillKind
    genuine: bool
    tracks: list[Literal["student", "elderly", "general"]] = Field(min_length=1)
    modules: list[Id] = Field(min_length=1)
    difficulty: Literal[1, 2, 3]
    cues: list[Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,39}$")]] = Field(min_length=1)
    # What the screen shows. Links are text only: the renderer never makes them tappable.
    sender: Short
    number: Short | None = None
    time: Short | None = None
    badge: Literal["green", "blue", "gray"] | None = None
    address: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=120)] | None = (
        None
    )
    subject: Short | None = None
    # What the learner just did, shown above the screen: "เพิ่งกดจ่ายค่าไฟในแอปธนาคาร". Genuine messages
    # are often genuine *because* they answer something the learner did.
    context: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)] | None = (
        None
    )
    messages: list[Bubble] = Field(min_length=1, max_length=MAX_BUBBLES)
    # Shown after the answer: why (pointing at the exact cue), then what to do or how to check anyway.
    feedback: Feedback
    tip: Feedback
    sources: list[DrillSource] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _plain_strings_are_bubbles(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("messages"), list):
            data = dict(data)
            data["messages"] = [{"text": m} if isinstance(m, str) else m for m in data["messages"]]
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Drill:
        if self.kind is DrillKind.WEB_PAGE and not self.address:
            raise ValueError("a web_page drill shows its address bar: give address")
        if self.badge and self.kind not in (DrillKind.LINE_OFFICIAL, DrillKind.LINE_CHAT):
            raise ValueError("badge is for LINE accounts only")
        if len(set(self.cues)) != len(self.cues):
            raise ValueError("a cue is listed twice")
        for word in FORBIDDEN_IN_FEEDBACK:
            if word in self.feedback or word in self.tip:
                raise ValueError(f"feedback and tip never call a message '{word}': say how to check instead")
        return self

    @property
    def main_cue(self) -> str:
        return self.cues[0]

    @property
    def verdict(self) -> str:
        return "real" if self.genuine else "scam"


class CheckPair(_Strict):
    placement: Id
    final: Id


class TrackChecks(_Strict):
    track: Id
    pairs: list[CheckPair] = Field(min_length=MIN_CHECK_ITEMS, max_length=MAX_CHECK_ITEMS)


class CheckFile(_Strict):
    checks: list[TrackChecks] = Field(min_length=1)


@dataclass(frozen=True)
class CheckSets:
    """One track's placement and final checks: equivalent items, in matched pairs."""

    track: str
    placement: tuple[str, ...]
    final: tuple[str, ...]

    def of(self, kind: CheckKind) -> tuple[str, ...]:
        return self.placement if kind is CheckKind.PLACEMENT else self.final


@dataclass(frozen=True)
class DrillBank:
    """Every drill by ID, the cue vocabulary and the checks; lookups by module and track."""

    drills: dict[str, Drill] = field(default_factory=dict)
    cues: dict[str, Cue] = field(default_factory=dict)
    checks: dict[str, CheckSets] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.drills)

    def get(self, drill_id: str) -> Drill | None:
        return self.drills.get(drill_id)

    def final_ids(self) -> frozenset[str]:
        """Drills kept for the final checks: never shown in modules, review or the daily set."""
        return frozenset(i for sets in self.checks.values() for i in sets.final)

    def in_track(self, track: str, *, practice: bool = False) -> list[Drill]:
        reserved = self.final_ids() if practice else frozenset()
        return [d for d in self.drills.values() if track in d.tracks and d.id not in reserved]

    def in_module(self, module_id: str, *, track: str | None = None) -> list[Drill]:
        """The practice drills of a module (final-check items excluded), optionally within one track."""
        reserved = self.final_ids()
        return [
            d
            for d in self.drills.values()
            if module_id in d.modules and d.id not in reserved and (track is None or track in d.tracks)
        ]

    def check(self, track: str, kind: CheckKind) -> list[Drill]:
        sets = self.checks.get(track)
        return [self.drills[i] for i in sets.of(kind)] if sets else []

    def cue_names(self, drill: Drill) -> list[str]:
        return [self.cues[c].name for c in drill.cues if c in self.cues]


def load_drills(
    root: Path, *, modules: Iterable[str], tracks: dict[str, list[str]], problems: list[str]
) -> DrillBank:
    """Read curriculum/drills/ under `root`, appending 'file: field: message' to `problems`."""
    folder = root / "curriculum" / "drills"
    if not folder.is_dir():
        return DrillBank()
    known_modules = set(modules)

    cues: dict[str, Cue] = {}
    cue_path = folder / "cues.yaml"
    cue_file = parse(CueFile, cue_path, root, problems) if cue_path.exists() else None
    if not cue_path.exists():
        problems.append("curriculum/drills/cues.yaml: (file): missing")
    for cue in cue_file.cues if cue_file else []:
        if cue.id in cues:
            problems.append(f"curriculum/drills/cues.yaml: {cue.id}: cue id used twice")
        cues[cue.id] = cue

    drills: dict[str, Drill] = {}
    for path in sorted(folder.glob("*.yaml")):
        if path.name in ("cues.yaml", "checks.yaml"):
            continue
        rel = path.relative_to(root)
        for index, drill in _parse_drills(path, root, problems):
            where = f"{rel}: drills.{index} ({drill.id})"
            if drill.id in drills:
                problems.append(f"{where}: id: drill id used twice")
            drills[drill.id] = drill
            for module_id in drill.modules:
                if module_id not in known_modules:
                    problems.append(f"{where}: modules: no module with id '{module_id}'")
                elif not any(module_id in tracks[t] for t in drill.tracks if t in tracks):
                    problems.append(f"{where}: modules: '{module_id}' is in none of the drill's tracks")
            for track_id in drill.tracks:
                if track_id not in tracks:
                    problems.append(f"{where}: tracks: no track with id '{track_id}'")
            wanted = "trust" if drill.genuine else "scam"
            for cue_id in drill.cues:
                listed = cues.get(cue_id)
                if listed is None:
                    problems.append(f"{where}: cues: '{cue_id}' is not in curriculum/drills/cues.yaml")
                elif listed.kind != wanted:
                    problems.append(
                        f"{where}: cues: '{cue_id}' is a {listed.kind} cue; a "
                        f"{'genuine' if drill.genuine else 'scam'} drill lists {wanted} cues"
                    )

    checks: dict[str, CheckSets] = {}
    check_path = folder / "checks.yaml"
    check_file = parse(CheckFile, check_path, root, problems) if check_path.exists() else None
    for index, entry in enumerate(check_file.checks if check_file else []):
        where = f"curriculum/drills/checks.yaml: checks.{index}"
        sets = CheckSets(
            entry.track, tuple(p.placement for p in entry.pairs), tuple(p.final for p in entry.pairs)
        )
        problems.extend(f"{where}: {p}" for p in check_problems(entry, drills))
        checks[entry.track] = sets
        if entry.track not in tracks:
            problems.append(f"{where}.track: no track with id '{entry.track}'")

    return DrillBank(drills=drills, cues=cues, checks=checks)


def _parse_drills(path: Path, root: Path, problems: list[str]) -> list[tuple[int, Drill]]:
    """Each drill of a file validated on its own, so one broken drill does not hide the others' problems."""
    rel = path.relative_to(root)
    data = read_yaml(path, root, problems)
    if data is None:
        return []
    if isinstance(data, dict):
        problems.extend(f"{rel}: {key}: Extra inputs are not permitted" for key in data if key != "drills")
    items = data.get("drills") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        problems.append(f"{rel}: drills: a list of at least one drill is required")
        return []
    parsed = []
    for index, item in enumerate(items):
        try:
            parsed.append((index, Drill.model_validate(item)))
        except ValidationError as exc:
            for problem in exc.errors():
                where = ".".join(str(part) for part in ("drills", index, *problem["loc"]))
                problems.append(f"{rel}: {where}: {problem['msg']}")
    return parsed


def check_problems(entry: TrackChecks, drills: dict[str, Drill]) -> list[str]:
    """Why a track's placement and final checks are not matched, if they are not.

    Each pair must agree on genuine/scam, kind, difficulty and main cue (the first listed), so the two
    sets have the same mix of all four; no drill may appear twice, and every drill must be in the track.
    """
    problems: list[str] = []
    seen: Counter[str] = Counter()
    for index, pair in enumerate(entry.pairs):
        seen.update((pair.placement, pair.final))
        a, b = drills.get(pair.placement), drills.get(pair.final)
        for name, drill in (("placement", a), ("final", b)):
            drill_id = getattr(pair, name)
            if drill is None:
                problems.append(f"pairs.{index}.{name}: no drill with id '{drill_id}'")
            elif entry.track not in drill.tracks:
                problems.append(f"pairs.{index}.{name}: '{drill_id}' is not in track '{entry.track}'")
        if a is None or b is None:
            continue
        for what, left, right in (
            ("genuine", a.genuine, b.genuine),
            ("kind", a.kind, b.kind),
            ("difficulty", a.difficulty, b.difficulty),
            ("main cue", a.main_cue, b.main_cue),
        ):
            if left != right:
                problems.append(
                    f"pairs.{index}: not matched on {what}: '{a.id}' has {left}, '{b.id}' has {right}"
                )
    problems.extend(f"'{drill_id}' is used {n} times" for drill_id, n in seen.items() if n > 1)
    genuine = sum(drills[p.placement].genuine for p in entry.pairs if p.placement in drills)
    if entry.pairs and not 0 < genuine < len(entry.pairs):
        problems.append("a check needs both genuine and scam items")
    return problems


def genuine_share(drills: Iterable[Drill]) -> float:
    items = list(drills)
    return sum(d.genuine for d in items) / len(items) if items else 0.0


__all__ = [
    "Audience",
    "CheckKind",
    "CheckSets",
    "Cue",
    "Drill",
    "DrillBank",
    "DrillKind",
    "check_problems",
    "genuine_share",
    "load_drills",
]
