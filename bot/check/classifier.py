"""A small text classifier beside the rules: does this message read like the scams Ruthan has seen?

Logistic regression over character n-grams of a normalised message (digits folded to 0, each link replaced
by one mark for its kind: official, shortener, LINE add-friend, other). Pure Python: the weights are a JSON
file shipped in bot/check/model/ and built reproducibly by `devkit/train_check.py` from the hand-labelled
training rows of tests/data/check_eval and the unlabelled rest of the Thai SMS corpus (MIT, see
bot/check/model/README.md). No network, no dictionary, a few hundred dictionary look-ups per message.

It only ever adds a sign (`looks-like-scam`); it never clears one the rules found and never says "safe".
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pythainlp.tokenize import tcc

from bot.check import urls
from bot.check.catalogue import Catalogue

MODEL_PATH = Path(__file__).resolve().parent / "model" / "looks_like_scam.json"

# One private-use character stands for a whole link, by kind.
OFFICIAL_LINK = "\ue001"
SHORT_LINK = "\ue002"
FRIEND_LINK = "\ue003"
OTHER_LINK = "\ue000"
_MARKS = {OFFICIAL_LINK, SHORT_LINK, FRIEND_LINK, OTHER_LINK}
# The corpus masks phone and ID numbers with X ("0XXXXXXXXX"); read such runs as digits.
_MASKED = re.compile(r"x{3,}")
# Evidence: at most this many pieces of at most this many characters each.
EVIDENCE_PIECES = 2
EVIDENCE_CHARS = 24
WORD_REACH = 8  # a quote widens to a space at most this many characters away


@dataclass(frozen=True)
class Normalised:
    text: str  # what the n-grams are read from
    spans: tuple[
        tuple[int, int], ...
    ]  # for each character of `text`, the span of the cleaned text it stands for


def link_mark(link: urls.Link, catalogue: Catalogue) -> str:
    if urls.owner(link, catalogue) is not None:
        return OFFICIAL_LINK
    if urls.is_add_friend(link, catalogue):
        return FRIEND_LINK
    if urls.is_shortener(link, catalogue):
        return SHORT_LINK
    return OTHER_LINK


def normalise(cleaned: str, links: Iterable[urls.Link], catalogue: Catalogue) -> Normalised:
    """`cleaned` is bot.check.engine.clean(text); `links` the links found in it."""
    marks: dict[int, tuple[int, str]] = {}  # start in cleaned -> (end, mark)
    covered: set[int] = set()  # every position inside a marked link
    distinct = {link.text.lower(): link for link in links}  # a link pasted 60 times is marked once per copy
    for needle, link in distinct.items():
        mark = link_mark(link, catalogue)
        start = cleaned.find(needle)
        while start >= 0:
            if start not in covered:
                marks[start] = (start + len(needle), mark)
                covered.update(range(start, start + len(needle)))
            start = cleaned.find(needle, start + len(needle))
    masked = _MASKED.sub(lambda m: "0" * len(m.group(0)), cleaned)
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(cleaned):
        if i in marks:
            end, mark = marks[i]
            out.append(mark)
            spans.append((i, end))
            i = end
            continue
        ch = masked[i]
        out.append("0" if ch.isdigit() else ch)
        spans.append((i, i + 1))
        i += 1
    return Normalised("".join(out), tuple(spans))


_NUMBER = re.compile(r"0[0 -]{7,}0")


def has_contact(normalised: Normalised, line_id: bool) -> bool:
    """A way to reach the sender or pay them: a link that is not official, a LINE ID, a phone or account
    number (digits already folded to 0)."""
    text = normalised.text
    return line_id or any(mark in text for mark in _MARKS - {OFFICIAL_LINK}) or bool(_NUMBER.search(text))


def ngrams(text: str, n_min: int, n_max: int) -> Iterable[tuple[str, int]]:
    """(n-gram, start) for every n-gram of the text padded with a space at both ends."""
    padded = f" {text} "
    for n in range(n_min, n_max + 1):
        for start in range(len(padded) - n + 1):
            yield padded[start : start + n], start - 1


def feature_set(text: str, n_min: int, n_max: int) -> set[str]:
    return {gram for gram, _ in ngrams(text, n_min, n_max)}


@dataclass(frozen=True)
class Model:
    bias: float
    weights: dict[str, float]
    threshold: float  # probability from which the sign fires
    n_min: int
    n_max: int
    policy: str = "any"  # "any": fires on its score alone; "contact": only with a way to reach the sender

    def probability(self, text: str) -> float:
        z = self.bias + sum(self.weights.get(gram, 0.0) for gram in feature_set(text, self.n_min, self.n_max))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def contributions(self, text: str) -> list[float]:
        """How much each character of `text` pushed the score up: each n-gram's weight spread over it."""
        per_char = [0.0] * len(text)
        seen: set[str] = set()
        for gram, start in ngrams(text, self.n_min, self.n_max):
            if gram in seen:
                continue
            seen.add(gram)
            weight = self.weights.get(gram, 0.0)
            if weight <= 0.0:
                continue
            inside = [i for i in range(start, start + len(gram)) if 0 <= i < len(text)]
            for i in inside:
                per_char[i] += weight / len(inside)
        return per_char


def load_model(path: Path = MODEL_PATH) -> Model:
    data = json.loads(path.read_text(encoding="utf-8"))
    return Model(
        bias=float(data["bias"]),
        weights={str(k): float(v) for k, v in data["weights"].items()},
        threshold=float(data["threshold"]),
        n_min=int(data["n_min"]),
        n_max=int(data["n_max"]),
        policy=str(data.get("policy", "any")),
    )


@lru_cache(maxsize=1)
def default_model() -> Model:
    return load_model()


@dataclass(frozen=True)
class Assessment:
    probability: float
    fires: bool
    evidence: str  # words of the message that drove the score, " … " between pieces


def evidence(model: Model, normalised: Normalised, cleaned: str) -> str:
    """The one or two short stretches of the message that pushed the score up most, quoted from `cleaned`."""
    per_char = model.contributions(normalised.text)
    pieces: list[tuple[float, int, int]] = []
    taken = [False] * len(per_char)
    for _ in range(EVIDENCE_PIECES):
        best: tuple[float, int, int] | None = None
        for start in range(len(per_char)):
            if taken[start] or normalised.text[start] == " ":
                continue
            total = 0.0
            for end in range(start, min(len(per_char), start + EVIDENCE_CHARS)):
                if taken[end]:
                    break
                total += per_char[end]
                if best is None or total > best[0]:
                    best = (total, start, end + 1)
        if best is None or best[0] <= 0.0:
            break
        pieces.append(best)
        for i in range(best[1], best[2]):
            taken[i] = True
    spans = sorted((normalised.spans[start][0], normalised.spans[end - 1][1]) for _, start, end in pieces)
    spans = [_to_word_edges(cleaned, start, end) for start, end in spans]
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    quoted = [cleaned[start:end].strip() for start, end in merged]
    return " … ".join(text for text in quoted if text)


def _to_word_edges(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a span to the spaces around it when they are near (Thai puts spaces between phrases), else to
    the edges of Thai character clusters, so a quote does not stop in the middle of a syllable."""
    edges = tcc.tcc_pos(text) | {0, len(text)}
    left = text.rfind(" ", 0, start + 1)
    if left >= 0 and start - left <= WORD_REACH:
        start = left + 1
    elif left < 0 and start <= WORD_REACH:
        start = 0
    else:
        start = max(edge for edge in edges if edge <= start)
    right = text.find(" ", end - 1)
    if right >= 0 and right - end <= WORD_REACH:
        end = right
    elif right < 0 and len(text) - end <= WORD_REACH:
        end = len(text)
    else:
        end = min(edge for edge in edges if edge >= end)
    return start, end


def assess(
    cleaned: str, links: Iterable[urls.Link], catalogue: Catalogue, model: Model | None = None
) -> Assessment:
    model = model or default_model()
    normalised = normalise(cleaned, links, catalogue)
    probability = model.probability(normalised.text)
    fires = probability >= model.threshold
    if fires and model.policy == "contact":
        fires = has_contact(normalised, bool(catalogue.line_id.search(cleaned)))
    return Assessment(probability, fires, evidence(model, normalised, cleaned) if fires else "")
