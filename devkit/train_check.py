"""Build bot/check/model/looks_like_scam.json: the `looks-like-scam` classifier beside the check's rules.

    .venv/bin/python -m devkit.train_check            # cross-validate, then train and write the model
    .venv/bin/python -m devkit.train_check --cv-only  # print the cross-validation only

Trains ONLY on:
- the hand-labelled rows of the splits dev, held-out-1 and held-out-2 (batches 1-3 of
  tests/data/check_eval/thai_sms_labels.tsv and the written messages of those batches): scam -> 1,
  genuine -> 0; spam (USSD subscriptions) and unclear rows are left out;
- optionally the rows of ../shared/data/thai-sms that are in no batch at all, with the corpus's own noisy
  labels (scam.txt -> 1, ok.txt and otp.txt -> 0, spam.txt left out).
held-out-3 and held-out-4 (batches 4 and 5) are never read for training or tuning: their ids are excluded
from the unlabelled rows too.

Choices (n-gram range, L2 strength, whether the noisy rows help, the threshold and the policy) are made by
5-fold cross-validation over the clean training rows only (noisy rows always stay on the training side).
Everything is seeded; the written file is byte-for-byte the same on every run.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from dataclasses import dataclass
from pathlib import Path

from bot.check import check_text, classifier, default_catalogue, urls
from bot.check.engine import clean, plain
from tests.check_eval_set import CORPUS, LABELS, corpus_examples, row_id, written_examples

SEED = 20261204
FOLDS = 5
EPOCHS = 10
LEARNING_RATE = 0.02
TRAIN_BATCHES = {1, 2, 3}  # dev, held-out-1, held-out-2
HELD_OUT_BATCHES = {4, 5}  # held-out-3, held-out-4: never read here
# The classifier may add at most this share of false warnings on genuine training messages (out of fold),
# on top of the rules'. The issue's ceiling is 10%; the rules alone are at about 3% there.
EXTRA_FALSE_WARNINGS = 0.03
MIN_WEIGHT = 0.02  # smaller weights are dropped from the shipped file (checked in cross-validation)


@dataclass(frozen=True)
class Row:
    text: str
    label: int  # 1 scam, 0 genuine
    clean: bool  # hand-labelled (True) or the corpus's own label (False)
    rules_warn: bool
    contact: bool  # has a link that is not official, a LINE ID, or a phone or account number
    features: str  # the normalised text


def _normalised(text: str) -> tuple[str, bool]:
    catalogue = default_catalogue()
    cleaned = clean(text)
    links = urls.find_links(plain(text))
    norm = classifier.normalise(cleaned, links, catalogue)
    return norm.text, classifier.has_contact(norm, bool(catalogue.line_id.search(cleaned)))


def _row(text: str, label: int, is_clean: bool) -> Row:
    norm, contact = _normalised(text)
    rules = check_text(text, use_classifier=False).verdict == "warning"
    return Row(text, label, is_clean, rules, contact, norm)


def training_rows(with_noisy: bool = True) -> list[Row]:
    labelled = [e for e in corpus_examples() + written_examples()]
    rows = [
        _row(e.text, 1 if e.label == "scam" else 0, True)
        for e in labelled
        if e.batch in TRAIN_BATCHES and e.label in ("scam", "genuine")
    ]
    if not with_noisy:
        return rows
    labelled_ids = {e.id for e in labelled}  # every batch, held-out ones included
    labelled_ids |= {
        line.split("\t", 1)[0] for line in LABELS.read_text(encoding="utf-8").splitlines() if "\t" in line
    }
    by_id: dict[str, set[int]] = {}
    texts: dict[str, str] = {}
    for name, label in (("scam.txt", 1), ("ok.txt", 0), ("otp.txt", 0)):
        for line in (CORPUS / name).read_text(encoding="utf-8").splitlines():
            if "|" not in line:
                continue
            text = line.split("|", 1)[1].strip()
            if not text:
                continue
            rid = row_id(text)
            by_id.setdefault(rid, set()).add(label)
            texts[rid] = text
    spam_ids = {
        row_id(line.split("|", 1)[1].strip())
        for line in (CORPUS / "spam.txt").read_text(encoding="utf-8").splitlines()
        if "|" in line
    }
    for rid in sorted(by_id):
        if rid in labelled_ids or rid in spam_ids or len(by_id[rid]) != 1:
            continue
        rows.append(_row(texts[rid], next(iter(by_id[rid])), False))
    return rows


def train(rows: list[Row], n_min: int, n_max: int, l2: float, seed: int = SEED) -> classifier.Model:
    """Logistic regression, AdaGrad, binary n-gram features; deterministic for a seed."""
    docs = [(sorted(classifier.feature_set(row.features, n_min, n_max)), row.label) for row in rows]
    weights: dict[str, float] = {}
    squares: dict[str, float] = {}
    bias, bias_square = 0.0, 0.0
    order = list(range(len(docs)))
    rng = random.Random(seed)
    for _ in range(EPOCHS):
        rng.shuffle(order)
        for index in order:
            grams, label = docs[index]
            z = bias + sum(weights.get(gram, 0.0) for gram in grams)
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            error = p - label
            bias_square += error * error
            bias -= LEARNING_RATE * error / math.sqrt(bias_square + 1e-8)
            for gram in grams:
                w = weights.get(gram, 0.0)
                g = error + l2 * w
                s = squares.get(gram, 0.0) + g * g
                squares[gram] = s
                weights[gram] = w - LEARNING_RATE * g / math.sqrt(s + 1e-8)
    kept = {gram: round(w, 4) for gram, w in sorted(weights.items()) if abs(w) >= MIN_WEIGHT}
    return classifier.Model(round(bias, 4), kept, 0.5, n_min, n_max)


def folds(rows: list[Row]) -> list[int]:
    """A fold number for every clean row (stratified by label), -1 for noisy rows."""
    rng = random.Random(SEED)
    assignment = [-1] * len(rows)
    for label in (0, 1):
        members = [i for i, row in enumerate(rows) if row.clean and row.label == label]
        rng.shuffle(members)
        for k, i in enumerate(members):
            assignment[i] = k % FOLDS
    return assignment


def out_of_fold(rows: list[Row], n_min: int, n_max: int, l2: float, noisy: bool) -> list[float | None]:
    fold_of = folds(rows)
    probs: list[float | None] = [None] * len(rows)
    for k in range(FOLDS):
        train_rows = [r for r, f in zip(rows, fold_of, strict=True) if f != k and (noisy or r.clean)]
        model = train(train_rows, n_min, n_max, l2)
        for i, (row, f) in enumerate(zip(rows, fold_of, strict=True)):
            if f == k:
                probs[i] = model.probability(row.features)
    return probs


POLICIES = ("any", "contact")


def _fires(row: Row, p: float, t: float, policy: str) -> bool:
    return p >= t and (policy == "any" or row.contact)


def choose_threshold(
    rows: list[Row], probs: list[float | None], policy: str
) -> tuple[float, dict[str, float]]:
    """The lowest threshold whose out-of-fold extra false warnings stay within EXTRA_FALSE_WARNINGS."""
    scored = [(row, p) for row, p in zip(rows, probs, strict=True) if p is not None]
    genuine = [(row, p) for row, p in scored if row.label == 0]
    scams = [(row, p) for row, p in scored if row.label == 1]
    best: tuple[float, dict[str, float]] = (1.0, {})
    # Thresholds on the logit scale (the scores of a sparse logistic regression crowd near 0 and 1).
    for step in range(48, -17, -1):
        t = round(1.0 / (1.0 + math.exp(-step / 4)), 6)
        extra = sum(1 for row, p in genuine if not row.rules_warn and _fires(row, p, t, policy))
        if extra / len(genuine) > EXTRA_FALSE_WARNINGS:
            break
        stats = {
            "threshold": t,
            "classifier_recall": sum(_fires(row, p, t, policy) for row, p in scams) / len(scams),
            "combined_recall": sum(row.rules_warn or _fires(row, p, t, policy) for row, p in scams)
            / len(scams),
            "rules_recall": sum(row.rules_warn for row, _ in scams) / len(scams),
            "rules_missed_caught": sum(
                (not row.rules_warn) and _fires(row, p, t, policy) for row, p in scams
            ),
            "rules_missed": sum(not row.rules_warn for row, _ in scams),
            "combined_false_warnings": sum(row.rules_warn or _fires(row, p, t, policy) for row, p in genuine)
            / len(genuine),
            "rules_false_warnings": sum(row.rules_warn for row, _ in genuine) / len(genuine),
        }
        best = (t, stats)
    return best


def _line(stats: dict[str, float]) -> str:
    get = stats.get
    return (
        f"t={get('threshold', 1.0):.4f} clf recall {get('classifier_recall', 0):.1%} "
        f"rules-missed caught {get('rules_missed_caught', 0):.0f}/{get('rules_missed', 0):.0f} "
        f"combined {get('combined_recall', 0):.1%} / false {get('combined_false_warnings', 0):.1%} "
        f"(rules {get('rules_recall', 0):.1%} / {get('rules_false_warnings', 0):.1%})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--cv-only", action="store_true")
    parser.add_argument("--out", type=Path, default=classifier.MODEL_PATH)
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"the Thai SMS corpus is not at {CORPUS}", file=sys.stderr)
        return 2
    rows = training_rows(with_noisy=True)
    n_clean = sum(r.clean for r in rows)
    print(
        f"training rows: {n_clean} hand-labelled ({sum(r.clean and r.label for r in rows)} scams), "
        f"{len(rows) - n_clean} corpus rows with the corpus's own labels"
    )
    results = []
    for n_min, n_max in ((1, 4), (2, 5)):
        for l2 in (0.001, 0.01):
            for noisy in (True, False):
                probs = out_of_fold(rows, n_min, n_max, l2, noisy)
                for policy in POLICIES:
                    t, stats = choose_threshold(rows, probs, policy)
                    results.append(((n_min, n_max, l2, noisy, policy), t, stats))
                    print(f"n={n_min}-{n_max} l2={l2:g} noisy={noisy!s:5} policy={policy:7} " + _line(stats))
    # Best: the most training scams warned by rules and classifier together (out of fold), then the fewest
    # genuine messages warned, then the classifier's own recall.
    best = max(
        results,
        key=lambda r: (
            round(r[2].get("combined_recall", 0.0), 4),
            -round(r[2].get("combined_false_warnings", 1.0), 4),
            round(r[2].get("classifier_recall", 0.0), 4),
        ),
    )
    (n_min, n_max, l2, noisy, policy), threshold, stats = best
    print(f"chosen: n={n_min}-{n_max} l2={l2:g} noisy={noisy} policy={policy} threshold={threshold:.4f}")
    if args.cv_only:
        return 0
    model = train([r for r in rows if noisy or r.clean], n_min, n_max, l2)
    data = {
        "about": "looks-like-scam classifier for bot.check, built by devkit/train_check.py (README.md here)",
        "trained_on": {
            "hand_labelled": n_clean,
            "corpus_labels": (len(rows) - n_clean) if noisy else 0,
            "splits": ["dev", "held-out-1", "held-out-2"],
        },
        "cross_validation": {k: round(v, 4) for k, v in sorted(stats.items())},
        "l2": l2,
        "policy": policy,
        "threshold": threshold,
        "n_min": n_min,
        "n_max": n_max,
        "bias": model.bias,
        "weights": model.weights,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(data, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8"
    )
    print(f"wrote {args.out} ({len(model.weights)} weights)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
