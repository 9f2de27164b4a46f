"""The Thai calendar as learners and trainers read it: abbreviated month names and the Buddhist era.

Kept below both the conversation (bot/voice) and the pages (bot/web/dates.py), which share it.
"""

from __future__ import annotations

from datetime import date

BUDDHIST_ERA_OFFSET = 543
THAI_MONTHS = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)


def short_day(value: date) -> str:
    """ "12 ธ.ค.": the day and month, as said in a chat."""
    return f"{value.day} {THAI_MONTHS[value.month - 1]}"
