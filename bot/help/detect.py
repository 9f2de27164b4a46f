"""Does a message say "I've been scammed"? `is_emergency(text) -> Match | None`, tolerant and conservative.

The phrase table is data (`curriculum/help/emergency_phrases.yaml`, documented there). This module only
cleans the text and applies the table:

1. clean: NFC, lower case, zero-width characters, spaces and punctuation removed (Thai is written without
   spaces anyway, and learners type either way), Thai digits made Arabic, pythainlp's `normalize` (เเ -> แ,
   tone-mark order, repeated vowels), letters repeated three or more times folded (โอนนนน -> โอน);
2. find every hit of every situation: a `strong` pattern, or an `act` that is finished (แล้ว right after
   it, or a "recent" marker such as เมื่อกี้ / ตอนนี้ / ช่วยด้วย / an amount anywhere in the message);
3. drop hits with a guard right before them (ไม่ได้, เกือบ, บทเรียน, วิธี, ป้องกัน, ท่าน/คุณ as in a pasted
   SMS...) or right after them (ไหม, ยังไง, ง่าย...): they talk about scams rather than report one;
4. a hit right after ถ้า/หาก/กรณี counts only when the message asks what to do ("ถ้าโดนหลอกต้องทำยังไง"):
   situation `ASKING`. Decision for that borderline case: the urgent steps *are* the answer to the question,
   and a learner who was just scammed often asks it this way, so it is answered (with a calmer first line)
   rather than left to "ยังไม่เข้าใจ";
5. when the message asks about a pasted message ("อันนี้หลอกไหม" + SMS, or a link), only strong hits
   count: checking the message is the check helper's job, unless the learner also says they were scammed;
6. whole-message contexts, each ignored when the message cries for help (`distress`): a hit told as a
   story (news, TV...) with no word for the learner or their family between the story word and the hit is
   dropped; a message saying it is over or long ago ("ได้คืนแล้ว", "เมื่อปีที่แล้ว"), or laughing with
   nothing at stake ("โดนน้องหลอก 555"), reports nothing (a question in it still gets the steps); once the
   learner says they hung up, "on the phone now" is dropped; an app `act` alone needs a hint that someone
   else is behind it (sent it, told them, a link, an official...) and no official store named.

The most urgent situation wins (on the phone now, then an app installed, an OTP given, an account taken
over, money transferred, scammed in general), among the situations a `strong` pattern found if any: an
act is weaker evidence ("ตำรวจโทรมา" in a story about an app that froze the phone is not a call now).
No network, no tokenizer dictionary: regular expressions over at most `MAX_CHARS` characters.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

import yaml

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")

from pythainlp.util import normalize as thai_normalize

PHRASES = Path(__file__).resolve().parents[2] / "curriculum" / "help" / "emergency_phrases.yaml"

# A rambling message is read whole up to this length; anything longer is read at its start and its end.
MAX_CHARS = 4000
# How far before and after a hit its guards are looked for (spaceless characters).
GUARD_WINDOW = 16


class Situation(StrEnum):
    """What happened, most urgent first (the order `is_emergency` resolves ties in)."""

    ON_CALL = "on_call"  # on the phone with "police"/officials right now
    APP = "app"  # installed an app, or the screen moves by itself
    OTP = "otp"  # gave an OTP, PIN or card code
    TAKEOVER = "takeover"  # LINE/Facebook/bank account taken over
    TRANSFERRED = "transferred"  # transferred money to a scammer
    SCAMMED = "scammed"  # scammed in general (money gone, goods never came)
    ASKING = "asking"  # "ถ้าโดนหลอกต้องทำยังไง": the steps, with a calmer first line


URGENCY = list(Situation)


@dataclass(frozen=True, slots=True)
class Match:
    """An emergency: the main situation, every situation found, and the cleaned text that matched.

    `evidence` is learner text: never log it at info level (PDPA).
    """

    situation: Situation
    situations: tuple[Situation, ...]
    evidence: str


@dataclass(frozen=True)
class _Table:
    strong: dict[Situation, list[re.Pattern[str]]]
    acts: dict[Situation, list[re.Pattern[str]]]
    recent: re.Pattern[str]
    guards_before: re.Pattern[str]
    soft_guards_before: re.Pattern[str]
    distress: re.Pattern[str]
    guards_after: re.Pattern[str]
    hypothetical: re.Pattern[str]
    asking: re.Pattern[str]
    asks_about_message: re.Pattern[str]
    story: re.Pattern[str]
    self_words: re.Pattern[str]
    over: re.Pattern[str]
    joke: re.Pattern[str]
    stakes: re.Pattern[str]
    hung_up: re.Pattern[str]
    app_context: re.Pattern[str]
    official_store: re.Pattern[str]


def _expand(pattern: str, parts: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: parts[m.group(1)], pattern)


@cache
def load_table(path: Path = PHRASES) -> _Table:
    """Compile the phrase table; a broken pattern fails loudly, naming the file and the situation."""
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    parts: dict[str, str] = data["parts"]
    strong: dict[Situation, list[re.Pattern[str]]] = {}
    acts: dict[Situation, list[re.Pattern[str]]] = {}
    for name, entry in data["situations"].items():
        situation = Situation(name)
        try:
            strong[situation] = [re.compile(_expand(p, parts)) for p in entry.get("strong") or []]
            acts[situation] = [re.compile(_expand(p, parts)) for p in entry.get("acts") or []]
        except (re.error, KeyError) as error:
            raise ValueError(f"{path}: situations.{name}: {error}") from error

    def one(key: str) -> re.Pattern[str]:
        return re.compile(_expand(data[key], parts))

    return _Table(
        strong=strong,
        acts=acts,
        recent=one("recent"),
        guards_before=one("guards_before"),
        soft_guards_before=one("soft_guards_before"),
        distress=one("distress"),
        guards_after=one("guards_after"),
        hypothetical=one("hypothetical"),
        asking=one("asking"),
        asks_about_message=one("asks_about_message"),
        story=one("story"),
        self_words=one("self_words"),
        over=one("over"),
        joke=one("joke"),
        stakes=one("stakes"),
        hung_up=one("hung_up"),
        app_context=one("app_context"),
        official_store=one("official_store"),
    )


_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"))
_THAI_DIGITS = {0x0E50 + i: str(i) for i in range(10)}
_NOT_KEPT = re.compile("[^0-9a-z\u0e01-\u0e2e\u0e30-\u0e3a\u0e40-\u0e45\u0e47-\u0e4e]+")
_ELONGATED = re.compile(r"([ก-ฮa-z\u0e30-\u0e3a\u0e40-\u0e45\u0e47-\u0e4e])\1{2,}")
# Mai yamok (ๆ) repeats the word before it; it carries no meaning for detection.
_MAI_YAMOK = "\u0e46"


def clean(text: str) -> str:
    """The spaceless, lower-case form every pattern is written against."""
    if len(text) > MAX_CHARS:
        half = MAX_CHARS // 2
        text = f"{text[:half]} {text[-half:]}"
    text = unicodedata.normalize("NFC", text).translate(_ZERO_WIDTH).translate(_THAI_DIGITS).lower()
    text = thai_normalize(text.replace(_MAI_YAMOK, " "))
    text = _NOT_KEPT.sub("", text)
    return _ELONGATED.sub(r"\1", text)


def _guarded(table: _Table, text: str, start: int, end: int, distressed: bool) -> bool:
    before = text[max(0, start - GUARD_WINDOW) : start]
    if table.guards_before.search(before):
        return True
    if not distressed and table.soft_guards_before.search(before):
        return True
    return bool(table.guards_after.match(text[end : end + GUARD_WINDOW]))


def _hypothetical(table: _Table, text: str, start: int) -> bool:
    return bool(table.hypothetical.search(text[max(0, start - GUARD_WINDOW) : start]))


def _told_as_story(table: _Table, text: str, start: int) -> bool:
    """A story word (news, TV...) before the hit with no word for the learner or family after it."""
    stories = list(table.story.finditer(text, 0, start))
    return bool(stories) and not table.self_words.search(text, stories[-1].end(), start)


def _reports_nothing(table: _Table, text: str) -> bool:
    """It is over, long ago, or a joke with nothing at stake (ignored when the message cries for help)."""
    if table.over.search(text):
        return True
    return bool(table.joke.search(text)) and not table.stakes.search(text)


def is_emergency(text: str) -> Match | None:
    """The emergency a message reports, or None for anything else (topics, questions, quiz answers, SMS)."""
    cleaned = clean(text)
    if not cleaned:
        return None
    table = load_table()
    recent = bool(table.recent.search(cleaned))
    distressed = bool(table.distress.search(cleaned))
    about_a_message = bool(table.asks_about_message.search(cleaned))
    nothing_to_report = not distressed and _reports_nothing(table, cleaned)
    hung_up = bool(table.hung_up.search(cleaned))
    app_acts = distressed or (
        bool(table.app_context.search(cleaned)) and not table.official_store.search(cleaned)
    )
    found: dict[Situation, str] = {}
    found_strong: set[Situation] = set()
    asking = ""
    for situation in URGENCY:
        if situation is Situation.ON_CALL and hung_up:
            continue
        candidates = [(m, True) for p in table.strong.get(situation, []) for m in p.finditer(cleaned)]
        if recent and not about_a_message and (situation is not Situation.APP or app_acts):
            candidates += [(m, False) for p in table.acts.get(situation, []) for m in p.finditer(cleaned)]
        for hit, strong in candidates:
            start, end = hit.span()
            if _guarded(table, cleaned, start, end, distressed):
                continue
            if not distressed and _told_as_story(table, cleaned, start):
                continue
            if nothing_to_report or _hypothetical(table, cleaned, start):
                if table.asking.search(cleaned, end):
                    asking = asking or hit.group(0)
                continue
            found.setdefault(situation, hit.group(0))
            if strong:
                found_strong.add(situation)
                break
    if found:
        situations = tuple(s for s in URGENCY if s in found)
        main = next((s for s in situations if s in found_strong), situations[0])
        return Match(main, situations, found[main])
    if asking:
        return Match(Situation.ASKING, (Situation.ASKING,), asking)
    return None
