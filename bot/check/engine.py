"""check_text: which warning signs a forwarded message shows, with the words that show them.

One code path for the chat and for `ruthan check`. Pure and fast (a few milliseconds): the patterns are
compiled once, no tokenizer dictionary is loaded, nothing touches the network or the disk after start-up.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Literal

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")

from pythainlp.util import normalize as thai_normalize

from bot.check import classifier, urls
from bot.check.catalogue import LINE_ID, LINK, LINK_ONLY, OTHER_SIGN, Catalogue, SignSpec, default_catalogue

Verdict = Literal["warning", "no_signs_found", "not_a_message"]

# A message longer than this is read up to here: a 20,000-character paste costs what a long SMS costs.
MAX_CHARS = 4000
MAX_EVIDENCE = 80
# A text this short, with no link, no phone or account number and no sign, is a greeting or a command
# ("สวัสดีค่ะ", "เมนู", "อันนี้หลอกไหม"), not something forwarded to be checked.
SHORT_MESSAGE = 30
# `unless_before` reads this many characters before a match ("ห้ามบอก" just before "otp").
UNLESS_WINDOW = 40
# A forwarded link with at most this many other characters ("ดูให้หน่อย bit.ly/x") is judged by the link alone.
LINK_ONLY_CHARS = 20


@dataclass(frozen=True)
class Sign:
    id: str
    text_th: str
    module: str
    evidence: str


@dataclass(frozen=True)
class CheckResult:
    verdict: Verdict
    signs: list[Sign] = field(default_factory=list)
    module: str | None = None

    def as_json(self) -> dict[str, object]:
        """Exactly the `ruthan check --json` shape."""
        return {
            "verdict": self.verdict,
            "signs": [asdict(sign) for sign in self.signs],
            "module": self.module,
        }


_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"))
_SPACELIKE = dict.fromkeys(map(ord, "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
                               "\u200a\u202f\u205f\u3000\t\r\v\f"), " ")  # fmt: skip
_THAI_DIGITS = {0x0E50 + d: str(d) for d in range(10)}
_SPACES = re.compile(r"[ ]{2,}")


def plain(text: str) -> str:
    """NFC, invisible characters removed, spaces and Thai digits unified; case kept (links are quoted)."""
    text = unicodedata.normalize("NFC", text[:MAX_CHARS])
    text = text.translate(_INVISIBLE).translate(_SPACELIKE).translate(_THAI_DIGITS)
    return _SPACES.sub(" ", text)


def clean(text: str) -> str:
    """`plain`, then lower case and Thai normalised: what the sign patterns read."""
    text = plain(text).lower()
    if any("\u0e00" <= ch <= "\u0e7f" for ch in text):
        # pythainlp folds เเ into แ, orders vowels and tone marks, drops duplicated marks: scammers' and OCR's
        # variants of the same word then match one pattern. It works line by line, keeping the newlines.
        text = "\n".join(thai_normalize(line) for line in text.split("\n"))
    return text


@dataclass(frozen=True)
class _Compiled:
    spec: SignSpec
    patterns: tuple[re.Pattern[str], ...]
    unless_before: re.Pattern[str] | None


# Tesseract often drops Thai tone marks and thanthakhat (วันนี้ -> วันนี): text read from a screenshot is
# matched with them removed from both the text and the patterns.
_TONE_MARKS = dict.fromkeys(map(ord, "\u0e48\u0e49\u0e4a\u0e4b\u0e4c"))


def without_tone_marks(text: str) -> str:
    return text.translate(_TONE_MARKS)


@lru_cache(maxsize=8)
def _compiled(catalogue: Catalogue, lenient: bool = False) -> tuple[_Compiled, ...]:
    fold = without_tone_marks if lenient else (lambda source: source)
    return tuple(
        _Compiled(
            spec=spec,
            patterns=tuple(re.compile(fold(pattern)) for pattern in spec.trigger.patterns),
            unless_before=re.compile(fold(spec.trigger.unless_before))
            if spec.trigger.unless_before
            else None,
        )
        for spec in catalogue.signs
    )


def _evidence(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_EVIDENCE else text[: MAX_EVIDENCE - 1] + "…"


def _pattern_evidence(compiled: _Compiled, text: str) -> str | None:
    for pattern in compiled.patterns:
        for match in pattern.finditer(text):
            before = text[max(0, match.start() - UNLESS_WINDOW) : match.start()]
            if compiled.unless_before is not None and compiled.unless_before.search(before):
                continue
            if match.group(0).strip():
                return _evidence(match.group(0))
    return None


def _url_evidence(rule: str, links: list[urls.Link], text: str, catalogue: Catalogue) -> str | None:
    for link in links:
        if rule == "lookalike":
            if urls.lookalike_of(link, catalogue) is not None:
                return _evidence(link.text)
        elif rule == "idn":
            if urls.is_idn(link):
                shown = link.text if link.host in link.text.lower() else f"{link.text} ({link.host})"
                return _evidence(shown)
        elif rule == "shortener":
            if urls.is_shortener(link, catalogue):
                return _evidence(link.text)
        elif rule == "apk":
            if urls.is_apk(link):
                return _evidence(link.text)
        elif rule == "ios-profile":
            if urls.is_ios_profile(link):
                return _evidence(link.text)
        elif rule == "add-friend":
            if urls.is_add_friend(link, catalogue):
                return _evidence(link.text)
        elif rule == "brand-mismatch":
            named = urls.named_organisations(_without_links(text, links), catalogue)
            if (
                named
                and urls.owner(link, catalogue) is None
                and not urls.is_add_friend(link, catalogue)
                and not urls.is_shortener(link, catalogue)  # its own sign: where it goes is unknown
            ):
                return _evidence(f"{named[0].name} … {link.text}")
    return None


def _without_links(text: str, links: list[urls.Link]) -> str:
    """The words of the message only: "kbank" inside kbank-th.co does not name the bank."""
    for link in links:
        text = text.replace(link.text.lower(), " ")
    return text


def _looks_like_a_message(text: str, links: list[urls.Link]) -> bool:
    if links:
        return True
    if len(text.strip()) >= SHORT_MESSAGE:
        return True
    return bool(re.search(r"\d{4,}|\*\d{3,}", text))


def check_text(
    text: str, catalogue: Catalogue | None = None, *, from_ocr: bool = False, use_classifier: bool = True
) -> CheckResult:
    """The warning signs in a message (or link) a learner forwarded; never a promise that it is genuine.

    `from_ocr`: the text was read from a screenshot, so tone marks are not relied on.
    `use_classifier=False`: the rules alone (devkit/train_check.py compares the two)."""
    catalogue = catalogue or default_catalogue()
    cleaned = clean(text)
    if from_ocr:
        cleaned = without_tone_marks(cleaned)
    links = urls.find_links(plain(text))
    unofficial_link = any(urls.owner(link, catalogue) is None for link in links)
    line_id = bool(catalogue.line_id.search(cleaned))
    link_only = bool(links) and len(_without_links(cleaned, links).strip()) <= LINK_ONLY_CHARS
    found: dict[str, str] = {}
    pending: list[tuple[_Compiled, str]] = []
    for compiled in _compiled(catalogue, from_ocr):
        trigger = compiled.spec.trigger
        if trigger.classifier:
            continue
        if trigger.url is not None:
            evidence = _url_evidence(trigger.url, links, cleaned, catalogue)
        else:
            evidence = _pattern_evidence(compiled, cleaned)
        if evidence is None:
            continue
        if trigger.requires_any:
            pending.append((compiled, evidence))
        else:
            found[compiled.spec.id] = evidence
    # Conditional signs may depend on each other (urgency on refund-bait): settle them until nothing changes.
    changed = True
    while changed:
        changed = False
        for compiled, evidence in pending:
            spec = compiled.spec
            if spec.id in found:
                continue
            facts = {LINK: unofficial_link, LINK_ONLY: link_only, LINE_ID: line_id, OTHER_SIGN: bool(found)}
            if any(facts.get(need, need in found) for need in spec.trigger.requires_any):
                found[spec.id] = evidence
                changed = True
    # The classifier (bot/check/classifier.py) speaks only where the rules found nothing: it adds its sign
    # to a message that would otherwise get `no_signs_found`, and never clears one the rules found.
    scored = [spec.id for spec in catalogue.signs if spec.trigger.classifier]
    if use_classifier and scored and not found and not link_only and _looks_like_a_message(cleaned, links):
        assessment = classifier.assess(cleaned, links, catalogue)
        if assessment.fires and assessment.evidence:
            found[scored[0]] = _evidence(assessment.evidence)
    signs = [
        Sign(id=spec.id, text_th=spec.text_th, module=spec.module, evidence=found[spec.id])
        for spec in catalogue.signs
        if spec.id in found
    ]
    if signs:
        return CheckResult(verdict="warning", signs=signs, module=signs[0].module)
    if not _looks_like_a_message(cleaned, links):
        return CheckResult(verdict="not_a_message")
    return CheckResult(verdict="no_signs_found", module="stop-think-ask-act")


def combine(results: list[CheckResult], catalogue: Catalogue | None = None) -> CheckResult:
    """One answer for several messages forwarded together: every sign once (its first evidence), in the
    catalogue's order; a warning if any message warns; not a message only if none of them is one."""
    catalogue = catalogue or default_catalogue()
    first: dict[str, Sign] = {}
    for result in results:
        for sign in result.signs:
            first.setdefault(sign.id, sign)
    signs = [first[spec.id] for spec in catalogue.signs if spec.id in first]
    if signs:
        return CheckResult(verdict="warning", signs=signs, module=signs[0].module)
    if any(result.verdict == "no_signs_found" for result in results):
        return CheckResult(verdict="no_signs_found", module="stop-think-ask-act")
    return CheckResult(verdict="not_a_message")
