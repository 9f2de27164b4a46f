"""Banks and public hotlines as content (`curriculum/help/*.yaml`), and reading a bank name a learner types.

Only entries marked `verified: true` get a tap-to-call button; an unverified bank is still recognised by name
so the bot can say "call the number on the back of your card or in your passbook" instead of guessing.
"""

from __future__ import annotations

import os
import re
import unicodedata
from datetime import date
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from rapidfuzz import fuzz, process

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")

from pythainlp.tokenize import word_tokenize

HELP_DIR = Path(__file__).resolve().parents[2] / "curriculum" / "help"
MAX_SHORT_NAME = 16  # "โทร " + the short name must fit LINE's 20-character button label


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceRef(_Strict):
    url: str
    title: str

    @field_validator("url")
    @classmethod
    def _web_address(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")):
            raise ValueError("a source needs a full web address")
        return value


class Bank(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9-]{1,15}$")
    name_th: str
    name_en: str
    short: str = Field(max_length=MAX_SHORT_NAME)
    aliases: tuple[str, ...] = Field(min_length=1)
    phone: str | None = Field(default=None, pattern=r"^\d{3,10}$")
    unconfirmed_phone: str | None = None
    press: str | None = None
    verified: bool
    sources: tuple[SourceRef, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _phone_only_when_verified(self) -> Bank:
        if self.verified and not self.phone:
            raise ValueError("a verified bank needs its phone")
        if not self.verified and self.phone:
            raise ValueError("an unverified number must not be in `phone` (use `unconfirmed_phone`)")
        return self

    @property
    def tel(self) -> str | None:
        """The tel: URI of a verified hotline, else None."""
        return f"tel:{self.phone}" if self.verified and self.phone else None

    @property
    def display_phone(self) -> str:
        """The number as Thai people write it (02-888-8888, 1333), with its menu choice if any."""
        if not self.phone:
            return ""
        digits = self.phone
        shown = f"{digits[:2]}-{digits[2:5]}-{digits[5:]}" if len(digits) == 9 else digits
        return f"{shown} กด {self.press}" if self.press else shown


class Hotline(_Strict):
    id: str
    name_th: str
    name_en: str
    phone: str = Field(pattern=r"^\d{3,10}$")
    verified: bool
    note: str | None = None
    sources: tuple[SourceRef, ...] = Field(min_length=1)

    @property
    def tel(self) -> str | None:
        return f"tel:{self.phone}" if self.verified else None


class Site(_Strict):
    id: str
    name_th: str
    url: str
    verified: bool
    note: str | None = None
    sources: tuple[SourceRef, ...] = Field(min_length=1)


class HelpContent(_Strict):
    checked: date
    banks: tuple[Bank, ...]
    pick_first: tuple[str, ...]
    only_alone: frozenset[str] = frozenset()
    hotlines: tuple[Hotline, ...]
    sites: tuple[Site, ...]
    steps_sources: tuple[SourceRef, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _references(self) -> HelpContent:
        ids = [bank.id for bank in self.banks]
        if len(ids) != len(set(ids)):
            raise ValueError("bank ids must be unique")
        for bank_id in self.pick_first:
            bank = self.bank(bank_id)
            if bank is None or not bank.verified:
                raise ValueError(f"pick_first: {bank_id!r} is not a verified bank")
        owners: dict[str, str] = {}
        for bank in self.banks:
            for alias in bank.aliases:
                key = alias_key(alias)
                if owners.setdefault(key, bank.id) != bank.id:
                    raise ValueError(f"alias {alias!r} names both {owners[key]} and {bank.id}")
        return self

    def bank(self, bank_id: str) -> Bank | None:
        return next((bank for bank in self.banks if bank.id == bank_id), None)

    def hotline(self, hotline_id: str) -> Hotline:
        return next(h for h in self.hotlines if h.id == hotline_id)

    def site(self, site_id: str) -> Site:
        return next(s for s in self.sites if s.id == site_id)

    def first_choices(self, count: int) -> list[Bank]:
        return [bank for bank_id in self.pick_first[:count] if (bank := self.bank(bank_id))]


def _read(path: Path) -> dict:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise ValueError(f"{path}: {error}") from error


@cache
def load_help_content(root: Path = HELP_DIR) -> HelpContent:
    """Load and validate banks.yaml and hotlines.yaml; errors name the file."""
    banks, hotlines = _read(root / "banks.yaml"), _read(root / "hotlines.yaml")
    try:
        return HelpContent(
            checked=min(banks["checked"], hotlines["checked"]),
            banks=banks["banks"],
            pick_first=banks["pick_first"],
            only_alone=frozenset(alias_key(alias) for alias in banks.get("only_alone") or ()),
            hotlines=hotlines["hotlines"],
            sites=hotlines["sites"],
            steps_sources=hotlines["steps_sources"],
        )
    except (KeyError, ValueError) as error:
        raise ValueError(f"{root}/banks.yaml, hotlines.yaml: {error}") from error


# ----- reading a typed bank name --------------------------------------------------------------------------

_NOT_KEPT = re.compile("[^0-9a-z\u0e01-\u0e2e\u0e30-\u0e3a\u0e40-\u0e45\u0e47-\u0e4e]+")
_TONES = re.compile("[\u0e48-\u0e4c]")
# Keys have no tone marks, so lead-ins and particles are written without them too.
_LEAD_INS = re.compile(r"^(?:ธนาคาร|แบงก|แบงค|แบง|บัญชี|ของ|ใช|เปน|bank)+")
_PARTICLES = re.compile(r"(?:คะ|ครับ|คับ|จา|จะ|นะ|เดอ|เจา|ฮะ|คา|คระ)+$")


def alias_key(text: str) -> str:
    """Spaceless, lower-case, punctuation-free and without tone marks: ไทยพาณิชย์ ~ ไทยพานิช."""
    text = unicodedata.normalize("NFC", text).lower()
    return _TONES.sub("", _NOT_KEPT.sub("", text))


def read_bank(text: str, content: HelpContent | None = None) -> Bank | None:
    """The bank a learner named ("กสิกรค่ะ", "ธ.ก.ส.", "scb", "ไทยพานิด"), or None when unsure or ambiguous."""
    content = content or load_help_content()
    key = alias_key(text)
    key = _PARTICLES.sub("", _LEAD_INS.sub("", key)) or key
    if not key:
        return None
    table = {alias_key(alias): bank for bank in content.banks for alias in bank.aliases}
    if key in table:
        return table[key]
    # The longest alias inside the reply ("ใช้กรุงไทยค่ะ", "บัญชีออมสินของแม่").
    inside = sorted((alias for alias in table if len(alias) >= 3 and alias in key), key=len, reverse=True)
    if inside and len({table[alias].id for alias in inside if len(alias) == len(inside[0])}) == 1:
        return table[inside[0]]
    # A typo: a clear best fuzzy match, well ahead of any other bank's best.
    scored = process.extract(key, list(table), scorer=fuzz.ratio, limit=8)
    best_by_bank: dict[str, float] = {}
    for alias, score, _ in scored:
        bank_id = table[alias].id
        best_by_bank[bank_id] = max(best_by_bank.get(bank_id, 0.0), score)
    ranked = sorted(best_by_bank.items(), key=lambda item: item[1], reverse=True)
    if ranked and ranked[0][1] >= 80 and (len(ranked) == 1 or ranked[0][1] - ranked[1][1] >= 10):
        return content.bank(ranked[0][0])
    return None


# A bank's name inside a longer message ("โอนจากกสิกรไปแล้ว ช่วยด้วย") counts only when the alias is this long
# (spaceless, no tone marks) and not one of the aliases listed under `only_alone` in banks.yaml.
MIN_MENTION = 4
MENTION_CHARS = 1000  # a bank is looked for in the first 1,000 characters of a message
_LATIN_WORD = re.compile(r"[a-z0-9 ]+")


def bank_mentioned(text: str, content: HelpContent | None = None) -> Bank | None:
    """The one bank a longer message names ("บัญชีกสิกรโดนดูดเงิน"), or None when none or several are named.

    Stricter than `read_bank`: no fuzzy matching, Latin aliases only as whole words ("bay" is not in "ebay"),
    and aliases that are everyday words or place names ("กรุงเทพ", "แลนด์") never count inside a sentence.
    """
    content = content or load_help_content()
    lowered = unicodedata.normalize("NFC", text[:MENTION_CHARS]).lower()
    key, edges = _words(lowered)
    named: set[str] = set()
    for bank in content.banks:
        for alias in bank.aliases:
            alias_k = alias_key(alias)
            if len(alias_k) < MIN_MENTION or alias_k in content.only_alone:
                continue
            if _LATIN_WORD.fullmatch(alias.lower()):
                pattern = (
                    r"(?<![a-z0-9])" + r"\s*".join(map(re.escape, alias.lower().split())) + r"(?![a-z0-9])"
                )
                if re.search(pattern, lowered):
                    named.add(bank.id)
            elif any(
                start in edges and start + len(alias_k) in edges for start in _occurrences(key, alias_k)
            ):
                named.add(bank.id)
    return content.bank(named.pop()) if len(named) == 1 else None


def _words(text: str) -> tuple[str, set[int]]:
    """The message's spaceless key, and where its words start and end ("กสิกร" is no word of "กสิกรรม")."""
    edges, offset, parts = {0}, 0, []
    for word in word_tokenize(text, engine="newmm", keep_whitespace=False):
        part = alias_key(word)
        parts.append(part)
        offset += len(part)
        edges.add(offset)
    return "".join(parts), edges


def _occurrences(text: str, part: str) -> list[int]:
    return [m.start() for m in re.finditer(f"(?={re.escape(part)})", text)]
