"""Read a time of day as Thai learners type it: "18:30", "เตือน 7 โมงเช้า", "หกโมงเย็น", "2 ทุ่ม",
"บ่าย 3", "ตีห้าครึ่ง", "เที่ยง", "ตอนเย็นค่ะ", "7pm".

Thai speech counts the day in six-hour parts: ตี 1-5 (01:00-05:00), N โมง(เช้า) (06:00-11:00), เที่ยง
(12:00), บ่าย N (โมง) (13:00-15:00), N โมงเย็น (16:00-18:00), N ทุ่ม (19:00-23:00), เที่ยงคืน (00:00).
"N นาฬิกา" and "18:30" are the 24-hour clock. A bare "N โมง" is read as people say it (บ่าย for 1-5,
morning for 7-11); "หกโมง" is 06:00 or 18:00 alike, so both are returned and the learner is asked.

`read_time` returns the candidate times as minutes after midnight: none, one, or two when it cannot
tell. A bare number ("2") is never a time: it is the second button.
"""

from __future__ import annotations

import re
import unicodedata

# The three words the reminder buttons stand for, and their everyday neighbours.
DAY_PARTS = {
    "เช้า": 8 * 60,
    "กลางวัน": 12 * 60,
    "เที่ยง": 12 * 60,
    "เที่ยงวัน": 12 * 60,
    "เย็น": 19 * 60,
    "ค่ำ": 19 * 60,
}

# Everything around the time that says nothing about it: requests, "at", "every day", politeness.
_FILLER_WORDS = (
    "ช่วย ให้ ตั้ง เปลี่ยน เป็น เวลา เตือน ตอน ช่วง ประมาณ ราวๆ ราว ทุกวัน ทุกๆวัน วันละครั้ง"
    " ค่ะ คะ ครับ คับ จ้า จ้ะ จ๊ะ นะ น้า ด้วย หน่อย เลย ละกัน แล้วกัน ดีกว่า ก็ได้ ได้ไหม ได้มั้ย"
)
_FILLERS = re.compile("|".join(sorted(_FILLER_WORDS.split(" "), key=len, reverse=True)))  # longest first
# Number words, longest first ("สิบเอ็ด" before "สิบ", "หนึ่ง" before "นึง").
_NUMBERS = (
    ("สิบเอ็ด", "11"),
    ("สิบสอง", "12"),
    ("หนึ่ง", "1"),
    ("นึง", "1"),
    ("สอง", "2"),
    ("สาม", "3"),
    ("สี่", "4"),
    ("ห้า", "5"),
    ("หก", "6"),
    ("เจ็ด", "7"),
    ("แปด", "8"),
    ("เก้า", "9"),
    ("สิบ", "10"),
)
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_HALF = "ครึ่ง"
# Minutes after a spoken hour: "ครึ่ง" (half past), "15", "15นาที".
_MINUTES = rf"(?P<half>{_HALF})?(?:(?P<min>\d{{1,2}})(?:นาที)?)?"

_CLOCK = re.compile(r"(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?(?P<unit>น\.?|นาฬิกา)?")
_ENGLISH = re.compile(r"(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?(?P<ap>am|pm|a\.m\.|p\.m\.)")
_SPOKEN = (
    # (pattern, hour of "N" as said -> hour on the 24-hour clock, or None if N cannot be said that way)
    (re.compile(rf"ตี(?P<n>\d{{1,2}}){_MINUTES}"), lambda n: n if 1 <= n <= 5 else None),
    # "2 ทุ่ม", and "ทุ่ม" or "ทุ่มนึง" for the first
    (re.compile(rf"(?:(?P<n>\d{{1,2}})ทุ่ม|ทุ่ม1?){_MINUTES}"), lambda n: 18 + n if 1 <= n <= 5 else None),
    # "บ่าย 2", "บ่ายสองโมง", and "บ่ายโมง" for the first ("บ่าย" alone is no hour)
    (
        re.compile(rf"บ่าย(?:(?P<n>\d{{1,2}})(?:โมง)?|โมง){_MINUTES}"),
        lambda n: 12 + n if 1 <= n <= 5 else None,
    ),
    (re.compile(rf"(?P<n>\d{{1,2}})โมงเช้า{_MINUTES}"), lambda n: n if 1 <= n <= 11 else None),
    (re.compile(rf"(?P<n>\d{{1,2}})โมงเย็น{_MINUTES}"), lambda n: 12 + n if 1 <= n <= 11 else None),
)
_BARE_HOURS = re.compile(rf"(?P<n>\d{{1,2}})โมง{_MINUTES}")
_LABEL = re.compile(rf"(?:{'|'.join(DAY_PARTS)})(?P<time>\d.*)")
_NOON = re.compile(rf"เที่ยง(?:วัน|ตรง)?{_MINUTES}")


def read_time(text: str, *, day_parts: bool = True) -> list[int]:
    """The times of day (minutes after midnight) the message names: [] if none, two if it is ambiguous.
    `day_parts=False`: a part of the day alone ("เย็น") is not read as a time."""
    s = _compact(text)
    if not s or len(s) > 40:
        return []
    if s in DAY_PARTS:
        return [DAY_PARTS[s]] if day_parts else []
    if match := _LABEL.fullmatch(s):  # a button's label typed out: "เย็น 19:00"
        s = match["time"]
    if s == "เที่ยงคืน" or s == "6ทุ่ม":
        return [0]
    if match := _CLOCK.fullmatch(s):
        if match["m"] is None and match["unit"] is None:
            return []  # a bare number is a button, not an hour
        return _at(int(match["h"]), int(match["m"] or 0))
    if match := _ENGLISH.fullmatch(s):
        hour = int(match["h"])
        if not 1 <= hour <= 12:
            return []
        return _at(hour % 12 + (12 if match["ap"].startswith("p") else 0), int(match["m"] or 0))
    for pattern, hour_of in _SPOKEN:
        if match := pattern.fullmatch(s):
            spoken = hour_of(int(match["n"] or 1))
            return _at(spoken, _minutes(match)) if spoken is not None else []
    if match := _NOON.fullmatch(s):
        return _at(12, _minutes(match))
    if match := _BARE_HOURS.fullmatch(s):
        n, minutes = int(match["n"]), _minutes(match)
        if 1 <= n <= 5:
            return _at(12 + n, minutes)  # "สองโมง": บ่ายสองโมง
        if n == 6:
            return _at(6, minutes) + _at(18, minutes)  # หกโมงเช้า or หกโมงเย็น: ask
        if 7 <= n <= 12:
            return _at(n, minutes)
    return []


def _compact(text: str) -> str:
    """Lowercase, Thai digits as ASCII, number words as digits, no spaces and nothing that is not time."""
    s = unicodedata.normalize("NFC", text).lower().translate(_THAI_DIGITS)
    s = re.sub(r"[\s\u200b!?,'\"~]+", "", s)
    s = re.sub(r"(.)\1{2,}", r"\1", s)  # "ค่ะะะ"
    s = _FILLERS.sub("", s)
    for word, digits in _NUMBERS:
        s = s.replace(word, digits)
    return s.rstrip(".") if not s.endswith("น.") else s


def _minutes(match: re.Match[str]) -> int:
    if match["half"]:
        return 30
    return int(match["min"] or 0)


def _at(hour: int, minute: int) -> list[int]:
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return []
    return [hour * 60 + minute]
