"""How well the check separates scams from genuine messages, on hand-labelled data (tests/check_eval_set.py).

Printed for every split (run with -s to see the table): the share of scams given at least one sign (target
>= 95%) and the share of genuine messages (OTPs, bank notices, parcel updates, shop and carrier messages)
wrongly given a warning (target <= 10%). Legal but costly USSD subscriptions ("spam") are reported apart.

What is asserted, and why:
- dev (the rows the rules were written against): both targets.
- every split: the false-warning target. A warning on a genuine OTP or bank notice teaches distrust of the
  real thing, so this one holds everywhere.
- held-out splits: recall is printed and guarded against regression a little below the level measured when
  the rules and the classifier were frozen; held-out-3 and held-out-4 are the clean splits (README "How
  well it does"); held-out-3 is below the 95% target.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from bot.check import check_text
from tests.check_eval_set import CORPUS, Example, corpus_examples, written_examples

RECALL_TARGET = 0.95
FALSE_WARNING_TARGET = 0.10
# Measured on 2026-12-04 after round 4 (rules + the looks-like-scam classifier, README): 78/79, 68/68, 61/65
# and 68/70. Regression guards with a little margin, not claims: held-out-1 and held-out-2 were used to write
# the rules and train the classifier; held-out-3 and held-out-4 are the clean ones. A change that loses
# held-out scams fails here; one that finds more should raise these floors.
HELD_OUT_RECALL_FLOOR = {"held-out-1": 0.97, "held-out-2": 0.97, "held-out-3": 0.90, "held-out-4": 0.94}


@dataclass
class Score:
    scams: int = 0
    scams_warned: int = 0
    genuine: int = 0
    genuine_warned: int = 0
    spam: int = 0
    spam_warned: int = 0

    def add(self, example: Example) -> None:
        warned = check_text(example.text).verdict == "warning"
        if example.label == "scam":
            self.scams += 1
            self.scams_warned += warned
        elif example.label == "genuine":
            self.genuine += 1
            self.genuine_warned += warned
        elif example.label == "spam":
            self.spam += 1
            self.spam_warned += warned

    @property
    def recall(self) -> float:
        return self.scams_warned / self.scams

    @property
    def false_warnings(self) -> float:
        return self.genuine_warned / self.genuine

    def line(self, name: str) -> str:
        spam = f"{self.spam_warned}/{self.spam}" if self.spam else "-"
        return (
            f"{name:<11} scams warned {self.scams_warned:>3}/{self.scams:<3} = {self.recall:6.1%}   "
            f"genuine warned {self.genuine_warned:>3}/{self.genuine:<3} = {self.false_warnings:5.1%}   "
            f"USSD subscriptions warned {spam}"
        )


def _scores(examples: list[Example]) -> dict[str, Score]:
    scores: dict[str, Score] = {}
    for example in examples:
        scores.setdefault(example.split, Score()).add(example)
        scores.setdefault("all", Score()).add(example)
    return scores


def _report(figures: Callable[[str], None], title: str, scores: dict[str, Score]) -> None:
    figures(title)
    for name in ("dev", "held-out-1", "held-out-2", "held-out-3", "held-out-4", "all"):
        if name in scores:
            figures("  " + scores[name].line(name))


def test_corpus_and_written_messages_meet_the_targets(figures: Callable[[str], None]) -> None:
    if not CORPUS.is_dir():
        pytest.skip(
            f"the Thai SMS corpus is not at {CORPUS} (../shared is absent); the written set still runs"
        )
    scores = _scores(corpus_examples() + written_examples())
    _report(figures, "Check evaluation (thai-sms corpus relabelled by hand + written messages):", scores)
    assert scores["dev"].recall >= RECALL_TARGET, scores["dev"].line("dev")
    for name, score in scores.items():
        assert score.false_warnings <= FALSE_WARNING_TARGET, score.line(name)
    for name, floor in HELD_OUT_RECALL_FLOOR.items():
        assert scores[name].recall >= floor, scores[name].line(name)


def test_written_messages_alone(figures: Callable[[str], None]) -> None:
    """Runs without ../shared: realistic LINE chats, call scripts, OTPs, bank notices and parcel updates."""
    scores = _scores(written_examples())
    _report(figures, "Check evaluation (written messages only):", scores)
    assert scores["all"].false_warnings <= FALSE_WARNING_TARGET, scores["all"].line("all")
    assert scores["dev"].recall >= RECALL_TARGET, scores["dev"].line("dev")


def test_every_label_row_is_in_the_corpus() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"the Thai SMS corpus is not at {CORPUS} (../shared is absent)")
    examples = corpus_examples()  # raises LookupError naming the row if a labelled id is missing
    assert len({example.id for example in examples}) == len(examples)
    assert {example.label for example in examples} == {"scam", "genuine", "spam", "unclear"}
