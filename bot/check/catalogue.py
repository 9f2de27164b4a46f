"""The signs and the official-domain allowlist, loaded from curriculum/ and validated once.

Both files are content (authors edit them without touching Python): `curriculum/signs.yaml` and
`curriculum/official-domains.yaml`. Problems are reported with the file and the field, like the curriculum's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

CONTENT_ROOT = Path(__file__).resolve().parents[2]

UrlRule = Literal["lookalike", "idn", "shortener", "apk", "ios-profile", "add-friend", "brand-mismatch"]
LINK = "link"  # the condition "the message has a link that is not an official domain"
OTHER_SIGN = "other-sign"  # any other sign was found
LINK_ONLY = "link-only"  # the message is little more than its links
LINE_ID = "line-id"  # a LINE ID to add is written out (signs.yaml `line_id`)
CONDITIONS = frozenset({LINK, OTHER_SIGN, LINK_ONLY, LINE_ID})


class CatalogueError(ValueError):
    """The signs or the allowlist do not validate; each problem names the file and the field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Trigger(_Strict):
    url: UrlRule | None = None
    patterns: tuple[str, ...] = ()
    unless_before: str | None = None
    requires_any: tuple[str, ...] = ()
    classifier: bool = False  # fired by bot/check/classifier.py (the "looks like a scam" score), not a rule

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, patterns: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in patterns:
            re.compile(pattern)
        return patterns


class SignSpec(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,47}$")
    text_th: str = Field(min_length=10, max_length=160)
    module: str
    elderly_module: str
    trigger: Trigger


class SignsFile(_Strict):
    signs: tuple[SignSpec, ...]
    shorteners: tuple[str, ...]
    add_friend: tuple[str, ...]
    line_id: str


class Organisation(_Strict):
    name: str
    domains: tuple[str, ...] = Field(min_length=1)
    aliases: tuple[str, ...] = ()
    names_th: tuple[str, ...] = ()
    source: str = Field(pattern=r"^https://")
    checked: date


class DomainsFile(_Strict):
    organisations: tuple[Organisation, ...]


@dataclass(frozen=True)
class Catalogue:
    signs: tuple[SignSpec, ...]
    shorteners: frozenset[str]
    add_friend: re.Pattern[str]
    line_id: re.Pattern[str]
    organisations: tuple[Organisation, ...]

    def sign(self, sign_id: str) -> SignSpec:
        for spec in self.signs:
            if spec.id == sign_id:
                return spec
        raise KeyError(sign_id)


def _read(path: Path, model: type[BaseModel], problems: list[str], root: Path) -> BaseModel | None:
    shown = path.relative_to(root) if path.is_relative_to(root) else path
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return model.model_validate(raw)
    except OSError as exc:
        problems.append(f"{shown}: cannot read ({exc.strerror})")
    except yaml.YAMLError as exc:
        problems.append(f"{shown}: not valid YAML ({exc})")
    except ValidationError as exc:
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"])
            problems.append(f"{shown}: {where}: {error['msg']}")
    return None


def load_catalogue(root: Path = CONTENT_ROOT) -> Catalogue:
    """Read and cross-check both files under `root` (the repository by default); raise CatalogueError."""
    problems: list[str] = []
    signs = _read(root / "curriculum" / "signs.yaml", SignsFile, problems, root)
    domains = _read(root / "curriculum" / "official-domains.yaml", DomainsFile, problems, root)
    if problems:
        raise CatalogueError(problems)
    assert isinstance(signs, SignsFile) and isinstance(domains, DomainsFile)
    modules = {path.stem for path in (root / "curriculum" / "modules").glob("*.yaml")}
    ids = [spec.id for spec in signs.signs]
    where = "curriculum/signs.yaml"
    for index, spec in enumerate(signs.signs):
        if ids.count(spec.id) > 1:
            problems.append(f"{where}: signs.{index}.id: '{spec.id}' is used twice")
        for field in ("module", "elderly_module"):
            if getattr(spec, field) not in modules:
                problems.append(f"{where}: signs.{index}.{field}: no module with id '{getattr(spec, field)}'")
        if spec.trigger.url is None and not spec.trigger.patterns and not spec.trigger.classifier:
            problems.append(f"{where}: signs.{index}.trigger: needs `url`, `patterns` or `classifier`")
        for needed in spec.trigger.requires_any:
            if needed not in CONDITIONS and needed not in ids:
                problems.append(f"{where}: signs.{index}.trigger.requires_any: no sign with id '{needed}'")
    if problems:
        raise CatalogueError(problems)
    return Catalogue(
        signs=signs.signs,
        shorteners=frozenset(domain.lower() for domain in signs.shorteners),
        add_friend=re.compile("|".join(signs.add_friend), re.IGNORECASE),
        line_id=re.compile(signs.line_id),
        organisations=domains.organisations,
    )


@lru_cache(maxsize=1)
def default_catalogue() -> Catalogue:
    """The repository's catalogue, loaded once per process."""
    return load_catalogue()
