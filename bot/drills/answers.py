"""Read a learner's verdict on a drill, tapped or typed: จริง / หลอก / ไม่แน่ใจ.

Typed replies go through the tolerant readers of bot/answers.py (typos, particles, elongation, Thai digits,
the wrong keyboard layout): "จิงค่ะ", "หลอกกก", "ปอม", "ข้อ 2", "๓", "ไม่รู้ค่ะ". Before them, a few negated
verdicts are read here, because "ไม่จริง" means scam and "ไม่หลอก" means real, while the generic option
matcher would see only the word it knows.
"""

from __future__ import annotations

import re
from enum import StrEnum

from bot.answers import classify, is_unsure, normalize


class Verdict(StrEnum):
    REAL = "real"
    SCAM = "scam"
    UNSURE = "unsure"


# The options in the order the buttons show them; digits 1-3 pick them in this order.
OPTIONS = ("จริง", "หลอก", "ไม่แน่ใจ")
ALIASES = (
    ("ของจริง", "ตัวจริง", "จริงค่ะ", "แท้", "ของแท้", "เชื่อได้", "real", "true"),
    ("ปลอม", "ของปลอม", "โกง", "มิจฉาชีพ", "มิจ", "หลอกลวง", "แก๊งคอล", "scam", "fake"),
    ("ไม่รู้", "ไม่ชัวร์", "ไม่ทราบ", "งง", "บอกไม่ได้", "ตอบไม่ได้", "not sure"),
)
_ORDER = (Verdict.REAL, Verdict.SCAM, Verdict.UNSURE)

# "ไม่จริง", "ไม่ใช่ของจริง" -> scam; "ไม่หลอก", "ไม่ได้หลอก", "ไม่ปลอม", "ไม่ใช่มิจฉาชีพ" -> real.
_NOT = r"(?:ไม่|ไม|ม่าย)(?:ได้|ใช่)?(?:ของ|ตัว)?"
_NEGATED_REAL = re.compile(rf"^{_NOT}(?:จริง|จิง|แท้)")
_NEGATED_SCAM = re.compile(rf"^{_NOT}(?:หลอก|ปลอม|โกง|มิจฉาชีพ|มิจ)")
# A bare "no" names no verdict: "ไม่ใช่" could mean "not real" or "not a scam"; ask again.
_BARE_NO = frozenset(("ไม่", "ไม่ใช่", "ไม่ใช่ค่ะ", "ไม่ใช่ครับ", "ม่าย", "no"))
_POSTBACK = {"real": Verdict.REAL, "scam": Verdict.SCAM, "unsure": Verdict.UNSURE}


def from_postback(value: str | None) -> Verdict | None:
    """The verdict a button sent (`v=real|scam|unsure`), or None for anything else."""
    return _POSTBACK.get(value or "")


def read_verdict(text: str) -> Verdict | None:
    """The verdict a typed reply gives, or None when it names none (or several)."""
    clean = normalize(text).replace(" ", "")
    if clean in _BARE_NO:
        return None
    if _NEGATED_REAL.match(clean) and not _NEGATED_SCAM.match(clean):
        return Verdict.SCAM
    if _NEGATED_SCAM.match(clean):
        return Verdict.REAL
    reading = classify(text, OPTIONS, ALIASES)
    if reading.kind == "choice" and reading.index is not None:
        return _ORDER[reading.index]
    if reading.kind == "unsure" or (reading.kind == "none" and is_unsure(text)):
        return Verdict.UNSURE
    return None
