"""The Thai calendar as learners and trainers read it: month names, short and full, and the Buddhist era.

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


THAI_MONTH_NAMES = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)


def long_day(value: date) -> str:
    """ "4 ธันวาคม พ.ศ. 2569": a date as a certificate writes it."""
    return f"{value.day} {THAI_MONTH_NAMES[value.month - 1]} พ.ศ. {value.year + BUDDHIST_ERA_OFFSET}"
