"""The labelled evaluation set for `bot.check`: hand labels for rows of ../shared/data/thai-sms plus messages
written for it (tests/data/check_eval/). Each row has a stable id (sha256 of the text, 12 hex digits); a
fixed 30% of batch-1 ids, and batches 2, 3, 4 and 5, were held out (see Example.split)."""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
LABELS = HERE / "data" / "check_eval" / "thai_sms_labels.tsv"
WRITTEN = HERE / "data" / "check_eval" / "written.yaml"
CORPUS = HERE.parent.parent / "shared" / "data" / "thai-sms"


@dataclass(frozen=True)
class Example:
    id: str
    text: str
    label: str  # scam | genuine | spam (legal but costly subscriptions) | unclear (left out of the figures)
    source: str
    note: str
    batch: int = 1

    @property
    def split(self) -> str:
        """Which part of the evaluation this row belongs to.

        dev: what the rules were written against. held-out-1: batch-1 rows set aside by id, and batch 2
        (labelled after the first round of rules); measured once, then used to improve the rules, so no
        longer clean. held-out-2: batch 3, labelled after the second round of rules; measured once, then
        used to improve the rules, so no longer clean either. held-out-3: batch 4, labelled before the third
        round of rules and never used to write them. held-out-4: batch 5, labelled (and its written messages
        written) before the fourth round (rules and the classifier) and never used to write or tune them.
        """
        if self.batch == 5:
            return "held-out-4"
        if self.batch == 4:
            return "held-out-3"
        if self.batch == 3:
            return "held-out-2"
        if self.batch == 2 or int(self.id, 16) % 10 < 3:
            return "held-out-1"
        return "dev"


def row_id(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def corpus_texts(root: Path = CORPUS) -> dict[str, str]:
    """Every message of the corpus by id (missing when ../shared is absent: callers skip)."""
    texts: dict[str, str] = {}
    for path in sorted(root.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if "|" not in line:
                continue
            text = line.split("|", 1)[1].strip()
            if text:
                texts.setdefault(row_id(text), text)
    return texts


def corpus_examples(root: Path = CORPUS) -> list[Example]:
    texts = corpus_texts(root)
    rows = [line for line in LABELS.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    examples = []
    for row in csv.DictReader(rows, delimiter="\t"):
        if row["id"] not in texts:
            raise LookupError(f"{LABELS.name}: id {row['id']} is not in {root}")
        examples.append(
            Example(
                row["id"],
                texts[row["id"]],
                row["label"],
                f"thai-sms/{row['file']}",
                row["note"],
                int(row["batch"]),
            )
        )
    return examples


def written_examples() -> list[Example]:
    data = yaml.safe_load(WRITTEN.read_text(encoding="utf-8"))
    return [
        Example(
            row_id(item["text"]),
            item["text"],
            item["label"],
            f"written/{item['kind']}",
            "",
            item.get("batch", 1),
        )
        for item in data["messages"]
    ]
