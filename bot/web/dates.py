"""Dates as a Thai reader writes them: day, abbreviated month and Buddhist-era year (พ.ศ. = ค.ศ. + 543).

The English pages keep day/month/year in the Gregorian calendar.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.voice.calendar import BUDDHIST_ERA_OFFSET, THAI_MONTH_NAMES, THAI_MONTHS, long_day

__all__ = [
    "BUDDHIST_ERA_OFFSET",
    "THAI_MONTHS",
    "THAI_MONTH_NAMES",
    "day",
    "long_day",
    "moment",
    "month_names",
    "short_day",
    "year_label",
]


def day(value: date | datetime | None, lang: str = "th") -> str:
    """ "4 ธ.ค. 2569" in Thai, "04/12/2026" in English; "" for None."""
    if value is None:
        return ""
    if lang == "en":
        return value.strftime("%d/%m/%Y")
    return f"{value.day} {THAI_MONTHS[value.month - 1]} {value.year + BUDDHIST_ERA_OFFSET}"


def short_day(value: date, lang: str = "th") -> str:
    """A chart's axis label: "4 ธ.ค." or "04/12"."""
    return value.strftime("%d/%m") if lang == "en" else f"{value.day} {THAI_MONTHS[value.month - 1]}"


def moment(value: datetime | None, zone: ZoneInfo, lang: str = "th") -> str:
    """A local date and time: "4 ธ.ค. 2569 19:05"."""
    if value is None:
        return ""
    local = value.astimezone(zone)
    return f"{day(local, lang)} {local.strftime('%H:%M')}"


ENGLISH_MONTH_NAMES = tuple(date(2000, month, 1).strftime("%B") for month in range(1, 13))


def month_names(lang: str = "th") -> tuple[str, ...]:
    """The twelve months in full, for a date picker."""
    return ENGLISH_MONTH_NAMES if lang == "en" else THAI_MONTH_NAMES


def year_label(year: int, lang: str = "th") -> str:
    """A year as the reader counts it: 2569 (พ.ศ.) for 2026 in Thai."""
    return str(year) if lang == "en" else str(year + BUDDHIST_ERA_OFFSET)
