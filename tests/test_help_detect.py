"""The "โดนหลอกแล้ว" detector on labelled tables: precision and recall printed and held to floors.

Two tables. `emergency_phrasings.yaml` was written together with the patterns: its figures are in-sample.
`emergency_phrasings_blind.yaml` was written before its author read the patterns; half `a` (by a hash of
the text) was then used to tune them, half `b` was not: half b's figures are the honest ones.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from bot.help import Situation, is_emergency
from bot.help.detect import clean, load_table

TABLE = yaml.safe_load(
    (Path(__file__).parent / "data" / "emergency_phrasings.yaml").read_text(encoding="utf-8")
)
POSITIVE: list[tuple[str, str]] = [(text, situation) for text, situation in TABLE["positive"]]
NEGATIVE: list[str] = TABLE["negative"]
QUIZZES = Path(__file__).resolve().parent.parent / "quizzes"
BLIND = yaml.safe_load(
    (Path(__file__).parent / "data" / "emergency_phrasings_blind.yaml").read_text(encoding="utf-8")
)

# The floors: the table is small (about 140 phrasings), so one miss costs about 1.2 points of recall and one
# false alarm about 1.2 points of precision. Recall matters more (a missed emergency costs money; a false
# alarm shows useful steps once), but a bot that cries wolf in lessons gets ignored: both are held at 0.95.
MIN_RECALL = 0.95
MIN_PRECISION = 0.95

# Floors on the blind table, below the figures measured when the patterns were frozen (see its header) by
# a few phrasings' margin. Half a was tuned on (measured 1.000 / 1.000). Half b was held out: measured 0.778
# recall (35 of 45) and 0.972 precision (1 false alarm in 40 negatives): it does NOT reach the 0.95 recall
# held on the in-sample table, and the floor says so rather than pretending.
BLIND_FLOORS = {"a": (0.95, 0.95), "b": (0.70, 0.90)}  # half: (recall, precision)


def _half(text: str) -> str:
    return "a" if hashlib.sha256(text.encode("utf-8")).digest()[0] % 2 == 0 else "b"


def _measure(positive: list[str], negative: list[str]) -> tuple[float, float, list[str], list[str]]:
    missed = [text for text in positive if is_emergency(text) is None]
    false_alarms = [text for text in negative if is_emergency(text) is not None]
    true_positives = len(positive) - len(missed)
    recall = true_positives / len(positive)
    precision = true_positives / ((true_positives + len(false_alarms)) or 1)
    return precision, recall, missed, false_alarms


def test_the_table_is_big_enough_and_labelled() -> None:
    assert len(POSITIVE) + len(NEGATIVE) >= 100
    assert len(POSITIVE) >= 50 and len(NEGATIVE) >= 50
    assert {situation for _, situation in POSITIVE} == {s.value for s in Situation}


def test_precision_and_recall_on_the_table(figures: Callable[[str], None]) -> None:
    precision, recall, missed, false_alarms = _measure([text for text, _ in POSITIVE], NEGATIVE)
    figures(
        f"emergency detection on {len(POSITIVE)} positive and {len(NEGATIVE)} negative phrasings "
        f"(in-sample: written with the patterns): precision {precision:.3f}, recall {recall:.3f}"
    )
    for text in missed:
        figures(f"  missed: {text[:60]}")
    for text in false_alarms:
        figures(f"  false alarm: {text[:60]}")
    assert recall >= MIN_RECALL, missed
    assert precision >= MIN_PRECISION, false_alarms


def test_the_blind_table_is_big_split_by_its_hash_and_labelled() -> None:
    positive, negative = BLIND["positive"], BLIND["negative"]
    assert len(positive) + len(negative) >= 160
    assert len(positive) >= 80 and len(negative) >= 80
    assert {situation for _, situation, _ in positive} == {s.value for s in Situation}
    assert [half for *_, half in positive + negative] == [_half(row[0]) for row in positive + negative]
    texts = [row[0] for row in positive + negative]
    assert len(set(texts)) == len(texts)


@pytest.mark.parametrize("half", ["a", "b"])
def test_precision_and_recall_on_each_half_of_the_blind_table(
    half: str, figures: Callable[[str], None]
) -> None:
    positive = [text for text, _, h in BLIND["positive"] if h == half]
    negative = [text for text, h in BLIND["negative"] if h == half]
    precision, recall, missed, false_alarms = _measure(positive, negative)
    kind = "tuned on" if half == "a" else "held out"
    figures(
        f"emergency detection, blind table half {half} ({kind}), {len(positive)} positive and "
        f"{len(negative)} negative phrasings: precision {precision:.3f}, recall {recall:.3f}, "
        f"{len(false_alarms)} false alarms"
    )
    if half == "b":  # the held-out half: what the detector still misses is worth reading
        for text in missed:
            figures(f"  missed (half b): {text[:60]}")
        for text in false_alarms:
            figures(f"  false alarm (half b): {text[:60]}")
    min_recall, min_precision = BLIND_FLOORS[half]
    assert recall >= min_recall, missed
    assert precision >= min_precision, false_alarms


def test_the_situation_is_the_most_urgent_one_named() -> None:
    wrong = [
        (text, expected, match.situation.value)
        for text, expected in POSITIVE
        if (match := is_emergency(text)) is not None and match.situation.value != expected
    ]
    # Situation is a softer target than detection: at most a few may resolve differently.
    assert len(wrong) <= len(POSITIVE) // 20, wrong
    blind_wrong = [
        (text, expected, match.situation.value)
        for text, expected, _ in BLIND["positive"]
        if (match := is_emergency(text)) is not None and match.situation.value != expected
    ]
    # Measured 4 of 95 detected (3 of them "โดนหลอกแล้ว ต้องแจ้งที่ไหน" read as scammed, labelled asking).
    assert len(blind_wrong) <= len(BLIND["positive"]) // 15, blind_wrong


@pytest.mark.parametrize(
    ("text", "situation"),
    [
        ("ช่วยด้วย โดนหลอกโอนเงิน", Situation.TRANSFERRED),
        ("ตำรวจวิดีโอคอลมา ตอนนี้ยังอยู่ในสาย โอนไปแล้วด้วย", Situation.ON_CALL),
        ("เผลอบอกโอทีพีไปแล้ว แล้วก็โอนเงินไปอีก", Situation.OTP),
        ("ถ้าโดนหลอกต้องทำยังไง", Situation.ASKING),
    ],
)
def test_the_examples_from_the_issue(text: str, situation: Situation) -> None:
    match = is_emergency(text)
    assert match is not None and match.situation is situation


def test_no_real_quiz_option_or_alias_triggers_it() -> None:
    """Mid-quiz, a learner types an option's words: none of them may open the urgent steps."""
    typed = []
    for path in sorted(QUIZZES.glob("*.yaml")):
        quiz = yaml.safe_load(path.read_text(encoding="utf-8"))
        for question in quiz["questions"]:
            for option in question["options"]:
                typed += [option["text"], option.get("label") or "", *map(str, option.get("aliases") or [])]
    alarms = [text for text in typed if text and is_emergency(text)]
    assert len(typed) > 300
    assert alarms == []


def test_cleaning_removes_spaces_particles_stay_and_elongation_folds() -> None:
    assert clean("โดน หลอก\u200b แล้ว ค่าาา") == "โดนหลอกแล้วค่า"
    assert clean("โอนนนนไปแล้ว ๕๐๐๐ บาท") == "โอนไปแล้ว5000บาท"
    assert clean("") == ""


def test_a_very_long_message_is_read_at_both_ends() -> None:
    filler = "เล่าเรื่องทั่วไป " * 400
    assert is_emergency(filler + "ตอนนี้โอนไปแล้วค่ะ") is not None
    assert is_emergency(filler) is None


def test_the_phrase_table_names_every_situation_it_uses() -> None:
    table = load_table()
    assert set(table.strong) == set(Situation) - {Situation.ASKING}


@pytest.mark.parametrize(
    ("text", "situation"),
    [
        # A story about others is dropped; the same story with a cry for help, or the learner in it, is not.
        # (Known limit: a family word after the story word, "ลุงข้างบ้าน", reads as the learner's own.)
        ("ดูข่าวเมื่อคืน คนแก่ที่ลำปางโดนหลอกไปสามแสน", None),
        ("ดูข่าวเมื่อคืน แล้วเพิ่งรู้ว่าที่ผมโอนไปเมื่อวานโดนหลอก", Situation.TRANSFERRED),
        ("ข่าวว่าแก๊งนี้หลอกคนเยอะ หนูก็โดนหลอกไปแล้ว ช่วยด้วยค่ะ", Situation.SCAMMED),
        # Over or long ago: nothing to report, unless it asks what to do.
        ("ไลน์เคยโดนแฮกเมื่อปีที่แล้ว ตอนนี้กู้คืนได้แล้ว", None),
        ("สองปีก่อนโดนหลอกโอนเงิน ตอนนี้ยังแจ้งความได้ไหม", Situation.ASKING),
        # A joke with nothing at stake; a joke with money at stake still counts.
        ("โดนพี่หลอกว่าพรุ่งนี้สอบ 555", None),
        ("555 ขำไม่ออก โดนหลอกโอนเงินไปสองพัน", Situation.TRANSFERRED),
        # Hung up: not on the phone now, but what was done still counts.
        ("ตำรวจโทรมาขู่ แต่วางสายไปแล้ว", None),
        ("ตำรวจโทรมาขู่ โอนไปแล้วห้าพัน วางสายไปแล้ว", Situation.TRANSFERRED),
        # An app alone is everyday life; an app someone sent is not.
        ("โหลดแอปธนาคารจาก Play Store แล้วค่ะ", None),
        ("ลูกลงแอปเกมใหม่แล้ว", None),
        ("ลงแอปที่เขาส่งลิงก์มาแล้วค่ะ", Situation.APP),
    ],
)
def test_whole_message_context(text: str, situation: Situation | None) -> None:
    """News about others, things long over, jokes and everyday apps stay quiet; a cry for help does not."""
    match = is_emergency(text)
    assert (match and match.situation) == situation, match
