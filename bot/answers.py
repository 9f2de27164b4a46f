"""Read typed Thai quiz replies: choice letters, numbers, yes/no, "not sure", option words and commands.

Learners (elderly people and students) often type instead of pressing the quick-reply buttons:
"ข้อ ๒ ค่ะ", "ตอบกค่ะ", "ช่ายยย", "ถุกต้องครับ", "ไม่แน่ใจ", the option's own words with a typo, or Thai
typed with the English keyboard layout (".=j" for ใช่). This module turns such a reply into a `Reading`.

Pipeline (every step is a small helper below):

1. clean (`normalize`): keep the first 200 characters, NFC, drop zero-width characters and soft hyphens,
   NBSP and other spaces -> space, Thai and full-width digits -> ASCII, pythainlp `normalize` (repeated
   vowels and tone marks, เเ -> แ, mark order; skipped when a quick check shows it would change nothing),
   lowercase, punctuation and emoji -> space, collapse elongations (ถูกกก -> ถูก, ช่ายยย -> ช่าย, okkk -> ok;
   a word-initial run of ง stays "งง", "confused").
2. strip particles and lead-ins: a small longest-match lexer over the cleaned text knows polite particles
   (ครับ คับ ค่ะ คะ จ้า จ้ะ นะ ฮะ ...), lead-ins (ตอบ ข้อ เลือก คือ ...), fillers and tag questions.
   Regular expressions, not `word_tokenize`, which splits choice letters wrongly ('ตอบกค่ะ' -> ตอ|บก|ค่ะ).
   A glued particle is peeled only where a syllable can end (หน้า never loses "น้า"); commands try every
   peeling stage, since without a dictionary ตั้งค่า also looks like ตั้ง + ค่า.
3. letters (ก ข ค ง จ, a-e), digits and number words (สอง, ข้อแรก, ข้อสุดท้าย): the reply is read only if
   the lexer accounts for every character of it, so "ของ" or "ขอบคุณ" never turns into a letter.
4. yes/no words with negation: ใช่ ถูก แม่น จริง ok / ไม่ ผิด บ่ no; "ไม่" flips the next word (ไม่ผิด = yes),
   question tags (ใช่ไหม) make it a question, saying both (ใช่ ไม่ใช่) reads as nothing. "Not sure" in any
   polite form (ไม่ทราบค่ะ, ไม่รู้จริงๆ ครับ) is unsure: what is left besides it must name an answer to count.
5. soundex: a single unknown word is compared with udom83, which folds ใช่/ช่าย/ไช่ and ถูก/ถุก, gated by the
   first consonant and a short list of real words that share a code (ชาย, ช่วย...).
6. fuzzy match on the option texts and their aliases (rapidfuzz over a "skeleton" without tone marks or
   vowel length), conservative: a fragment must cover a fair share of the option, negation must agree
   ("ไม่คลิก" never matches "คลิกลิงก์"), and two close options make the reply ambiguous.

Two small readers sit beside the pipeline: `read_age` ("12 ขวบ", "สิบสองปี", "อายุ ๑๒ ค่ะ") for the age
question, and `is_acknowledgement` ("ได้ค่ะ", "เข้าใจแล้วค่ะ", 👍) for "got it" under a lesson card.

If nothing matches and the reply has no Thai but looks like keys typed on the wrong layout, the pipeline
runs once more on `eng_to_thai(reply)`.

No tokenizer dictionary, no spell checker (`correct()` flips ไช่ -> ไม่), no network: pythainlp is imported
with PYTHAINLP_OFFLINE=1 and PYTHAINLP_READ_ONLY=1. All functions are pure and thread-safe; per-question
option tables are cached with `functools.lru_cache`.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, cast

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")

from pythainlp.soundex import udom83
from pythainlp.util import eng_to_thai, thaiword_to_num
from pythainlp.util import normalize as thai_normalize
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

__all__ = [
    "Reading",
    "classify",
    "is_acknowledgement",
    "is_unsure",
    "normalize",
    "read_age",
    "read_choice",
    "read_command",
    "read_yes_no",
]

# Only this many characters of a reply are read: a 5,000-character paste costs the same as a short reply.
MAX_CHARS = 200

Kind = Literal["choice", "ambiguous", "unsure", "none"]


@dataclass(frozen=True, slots=True)
class Reading:
    """What a typed reply says: a choice (with its 0-based index), several/unclear, "not sure", or nothing."""

    kind: Kind
    index: int | None = None


_NONE = Reading("none")
_AMBIGUOUS = Reading("ambiguous")
_UNSURE = Reading("unsure")

# --------------------------------------------------------------------------------------------------------
# 1. Cleaning
# --------------------------------------------------------------------------------------------------------

_TONES = "\u0e48\u0e49\u0e4a\u0e4b"
_ABOVE = "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e4d\u0e47"
_BELOW = "\u0e38\u0e39"
_FOLLOW = "\u0e30\u0e32\u0e33\u0e45"
_LEAD_VOWELS = "\u0e40\u0e41\u0e42\u0e43\u0e44"
_DANGLING = f"{_ABOVE}{_BELOW}{_TONES}\u0e3a\u0e4c\u0e4d\u0e4e"
_NOREPEAT = f"{_FOLLOW}{_LEAD_VOWELS}{_ABOVE}{_BELOW}\u0e3a\u0e4c\u0e4d\u0e4e"


def _cleaning_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for ch in "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e":
        table[ord(ch)] = None
    for ch in (
        "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t\n\r\v\f"
    ):
        table[ord(ch)] = " "
    for offset in range(10):
        table[0x0E50 + offset] = str(offset)  # Thai digits ๐-๙
        table[0xFF10 + offset] = str(offset)  # full-width digits
    for offset in range(26):
        table[0xFF21 + offset] = chr(ord("a") + offset)  # full-width A-Z
        table[0xFF41 + offset] = chr(ord("a") + offset)  # full-width a-z
    return table


_CLEAN_TABLE = _cleaning_table()
_SPACES = re.compile(r" {2,}")
# Anything pythainlp.util.normalize would change once spaces are single and zero-width characters gone.
# When none of these is present the call (about 20 us) is skipped; tests check the shortcut is exact.
_NEEDS_THAI_NORMALIZE = re.compile(
    "|".join(
        [
            "\u0e40\u0e40",  # เเ -> แ
            f"[{_TONES}\u0e4c][{_ABOVE}{_BELOW}]",  # tone before vowel
            f"\u0e4d[{_TONES}]*\u0e32",  # nikhahit + aa -> sara am
            f"[{_FOLLOW}][{_TONES}]",  # follow vowel before tone
            "\u0e45",  # lakkhangyao
            f"([{_NOREPEAT}]) *\\1",  # repeated vowel or sign
            f"[{_TONES}]{{2,}}",  # several tone marks
            f"(?:^| )[{_DANGLING}]",  # dangling mark (also after a space)
        ]
    )
)
# Keep Thai letters, vowels and marks, ASCII letters and digits; everything else (punctuation, emoji,
# ๆ, ฯ, ฿) becomes a space.
_NOT_KEPT = re.compile("[^0-9a-z\u0e01-\u0e2e\u0e30-\u0e3a\u0e40-\u0e45\u0e47-\u0e4e ]+")
_THAI_RUN = re.compile(r"([ก-ฮ])\1+")
_LATIN_RUN = re.compile(r"([a-z])\1{2,}|([a-z])\2(?= |$)")
_KEEP_DOUBLE_AT_END = "ร"  # สรร, บรร: a real double consonant at the end of a word


def _fold_thai_run(match: re.Match[str]) -> str:
    """Collapse an elongated consonant: ถูกกก -> ถูก, ถูกก -> ถูก; a word-initial ง run stays งง (confused)."""
    run, letter = match.group(0), match.group(1)
    text, start, end = match.string, match.start(), match.end()
    if letter == "ง" and (start == 0 or text[start - 1] == " "):
        return "งง"
    if len(run) >= 3:
        return letter
    at_word_end = end == len(text) or text[end] == " "
    if at_word_end and letter not in _KEEP_DOUBLE_AT_END:
        return letter
    return run


def _fold_latin_run(match: re.Match[str]) -> str:
    return match.group(1) or match.group(2)


def _collapse_spaces(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def _fold_elongation(text: str) -> str:
    text = _THAI_RUN.sub(_fold_thai_run, text)
    return _LATIN_RUN.sub(_fold_latin_run, text)


def _precleaned(text: str) -> str:
    """Capped, NFC, zero-width characters removed, digits and spaces unified; case and punctuation kept."""
    text = unicodedata.normalize("NFC", text[:MAX_CHARS])
    return _collapse_spaces(text.translate(_CLEAN_TABLE))


def normalize(text: str) -> str:
    """The shared cleaning step: short, lowercase, single-spaced Thai/ASCII text without punctuation."""
    text = _precleaned(text).lower()
    if _NEEDS_THAI_NORMALIZE.search(text):
        text = thai_normalize(text)
    text = _collapse_spaces(_NOT_KEPT.sub(" ", text))
    return _fold_elongation(text)


def _skeleton(text: str) -> str:
    """A typo-tolerant key: no spaces, tone marks or thanthakhat; short/long vowels and look-alikes folded."""
    return text.translate(_SKELETON_TABLE)


_SKELETON_TABLE = str.maketrans(
    {
        " ": None,
        "\u0e48": None,
        "\u0e49": None,
        "\u0e4a": None,
        "\u0e4b": None,
        "\u0e4c": None,
        "\u0e47": None,
        "\u0e39": "\u0e38",  # ู -> ุ
        "\u0e35": "\u0e34",  # ี -> ิ
        "\u0e37": "\u0e36",  # ื -> ึ
        "\u0e43": "\u0e44",  # ใ -> ไ
        "ฃ": "ข",
        "ฅ": "ค",
        "ศ": "ส",
        "ษ": "ส",
        "ณ": "น",
        "ค": "ก",  # loanwords end either way: เช็ก/เช็ค, บล็อก/บล็อค, ลิงก์/ลิงค์
    }
)


def _wrong_layout(text: str) -> str | None:
    """Thai typed with the English layout ('.=j' -> 'ใช่'), or None when the reply does not look like that."""
    raw = _precleaned(text)
    if not raw or any("\u0e00" <= ch <= "\u0e7f" for ch in raw):
        return None
    keys = [ch for ch in raw if ch != " "]
    if len(keys) < 2 or not all(ch.isascii() for ch in keys) or all(ch.isdigit() for ch in keys):
        return None
    return normalize(eng_to_thai(raw))


# --------------------------------------------------------------------------------------------------------
# 2. A longest-match lexer for particles, lead-ins, letters, number words and yes/no words
# --------------------------------------------------------------------------------------------------------

_LAST = -100  # "ข้อสุดท้าย": the last option
_MIDDLE = -200  # "ข้อกลาง": the middle option (odd counts only)


class _Lexicon:
    """Reads a cleaned reply as a sequence of known words; None when some part of it is unknown."""

    def __init__(self, entries: Iterable[tuple[str, str, object]], digits: bool = False):
        self._table: dict[str, tuple[str, object]] = {}
        for word, kind, value in entries:
            self._table.setdefault(word, (kind, value))
        pieces = []
        for word in sorted(self._table, key=len, reverse=True):
            piece = re.escape(word)
            if word.isascii() and word[-1].isalpha():
                piece += "(?![a-z])"  # 'a' is a letter, 'ab' is not two of them
            elif word == "ขอ":
                piece += "(?![งบ])"  # ขอ (a typo of ข้อ), but not ของ or ขอบคุณ
            pieces.append(piece)
        if digits:
            pieces.append("[0-9](?![0-9])")  # one digit; 555 is laughter, not option 5
        self._pattern = re.compile("|".join(pieces))

    def scan(self, text: str) -> list[tuple[str, object]] | None:
        tokens: list[tuple[str, object]] = []
        pos, end = 0, len(text)
        while pos < end:
            if text[pos] == " ":
                pos += 1
                continue
            match = self._pattern.match(text, pos)
            if match is None:
                return None
            word = match.group()
            tokens.append(self._table.get(word) or ("core", int(word) - 1))
            pos = match.end()
        return tokens


def _words(text: str) -> list[str]:
    """Word lists are written as one space-separated string: easier for a Thai reader to check."""
    return text.split()


def _entries(kind: str, words: Iterable[str], value: object = None) -> list[tuple[str, str, object]]:
    return [(word, kind, value) for word in words]


# Particles that on their own mean "yes" (a reply of just "ค่ะ" to a yes/no question).
_YES_PARTICLES = _words(
    "ครับ ครับผม คับ คัฟ ครัฟ ครัช คร้าบ ค้าบ ขอรับ ฮะ ฮ่ะ ฮับ งับ ค่ะ ค่า ค้า คร่ะ จ้า จ้ะ จ๊ะ จ่ะ เจ้า เจ้าค่ะ"
)
# Particles and endings that add politeness or softness but no meaning ("คะ" alone is a question: "yes?").
_SOFT_ENDINGS = _words(
    "คะ นะ น่ะ น้า นะจ๊ะ จ๋า ย่ะ เด้อ เด้ เนาะ เน้อ ละ ล่ะ อ่ะ อะ อ่า แหละ นั่นแหละ ไง เลย มั้ง ละกัน แล้วกัน "
    "ก็แล้วกัน ก็ได้ แน่ ชัวร์ หน่อย จ้าา เพคะ หรอก สิ ซิ ดี ก่อน"
)
_TAG_QUESTIONS = _words(
    "ใช่ไหม ใช่มั้ย ใช่มั๊ย ใช่ป่ะ ใช่ปะ ใช่ป้ะ ใช่หรือเปล่า ใช่รึเปล่า ใช่เปล่า ถูกไหม ถูกมั้ย ถูกป่ะ ถูกปะ "
    "ถูกหรือเปล่า ถูกรึเปล่า ไหม มั้ย มั๊ย ป่ะ ปะ ป้ะ หรือเปล่า รึเปล่า หรอ เหรอ"
)
_VOCATIVES = _words("ลูก หลาน ครู คุณครู น้อง พี่ แอด แอดมิน บอท คุณ หนู")
_THANKS = _words("ขอบคุณ ขอบคุณมาก ขอบใจ thank thanks thx")
_PRONOUNS = _words("ผม หนู ฉัน ดิฉัน เรา ป้า ยาย ตา ลุง น้า ย่า ปู่ พ่อ แม่ กู เค้า")
# Lead-ins that point at an option: on their own ("ข้อ ค่ะ") they ask for a gentle "which one?".
_POINTERS = _words(
    "ข้อ ข่อ ขัอ ขอ ข้อที่ ข้อที ตอบ ตอบว่า ขอตอบ คำตอบ คำตอบคือ เลือก ขอเลือก คือ อัน อันที่ ตัว ตัวที่ ตัวเลือก "
    "ตัวเลือกที่ ที่ หมายเลข เลข เบอร์ ช้อย ช้อยส์ ช้อยซ์ choice option answer ans"
)
_POINTERS += [f"{p}{verb}" for p in _PRONOUNS for verb in ("เลือก", "ตอบ")]
# Fillers and hedges in front of an answer.
_FILLERS = _words(
    "อืม อื้ม เอ่อ เอิ่ม อ่อ งั้น ก็ ก็คือ ก็เป็น น่าจะ น่าจะเป็น คง คงจะ คงเป็น เป็น คิดว่า ว่า แต่ ถูก ถูกต้อง ใช่ ใช่แล้ว แล้ว"
)
_FILLERS += [f"{p}{verb}" for p in _PRONOUNS for verb in ("ว่า", "คิดว่า")]
_FILLERS += [f"{p} " for p in _PRONOUNS]  # "ยาย ข" but not "ตาก"
_SEPARATORS = _words("หรือ หรือว่า หรือไม่ก็ ไม่ก็ กับ และ แล้วก็ รึ or and")
# Words that make a reply more than a plain pick: "ไม่ใช่ข้อ ข", "งง".
_STOPS = _words("งง ไม่ ไม่ใช่ ไม่เอา ม่าย บ่ ยกเว้น นอกจาก not except")

_LETTERS = {"ก": 0, "ข": 1, "ฃ": 1, "ค": 2, "ฅ": 2, "ง": 3, "จ": 4, "ฉ": 5}
_LATIN_LETTERS = {letter: i for i, letter in enumerate("abcdef")}
_NUMBER_WORDS = {
    **dict.fromkeys(["หนึ่ง", "หนึง", "นึง", "one", "first", "1st", "เอ"], 0),
    **dict.fromkeys(["สอง", "two", "second", "2nd", "บี"], 1),
    **dict.fromkeys(["สาม", "three", "third", "3rd", "ซี"], 2),
    **dict.fromkeys(["สี่", "four", "fourth", "4th"], 3),
    **dict.fromkeys(["ห้า", "five", "fifth", "5th"], 4),
    **dict.fromkeys(["หก"], 5),
    **dict.fromkeys(["แรก", "แรกสุด"], 0),
    **dict.fromkeys(["สุดท้าย", "ท้ายสุด", "หลังสุด", "ล่างสุด", "last"], _LAST),
    **dict.fromkeys(["กลาง", "ตรงกลาง", "middle"], _MIDDLE),
}

_CHOICE_LEXICON = _Lexicon(
    [
        *_entries("stop", _STOPS),
        *[(w, "core", i) for w, i in (_LETTERS | _LATIN_LETTERS | _NUMBER_WORDS).items()],
        *_entries("polite", _YES_PARTICLES),
        *_entries("pointer", _POINTERS),
        *_entries("sep", _SEPARATORS),
        *_entries("fill", _FILLERS + _SOFT_ENDINGS + _TAG_QUESTIONS + _VOCATIVES + _THANKS),
    ],
    digits=True,
)

# Yes/no words. "neg" flips the next yes/no word; on its own it is a "no".
_YES_WORDS = _words(
    "ใช่ ช่าย ไช่ ใช้ ไช้ ชั่ย ใช ถูก ถุก ถูกต้อง ถุกต้อง ถูกต่อง ถูกเผง แม่น เห็นด้วย เออ "
    "โอเค โอเคร โอเช เค เยส ok okay oke okey okie oki yes yeah yep yup ya y correct true right"
)
# "Really / certainly": a yes on their own (and ไม่จริง is a no), but only emphasis after another answer:
# "ผิดแน่นอน" and "ผิดจริงๆ" are a plain no.
_AFFIRM_WORDS = _words("จริง จิง แน่นอน ชัวร์ sure really")
_NO_WORDS = _words("ผิด ผืด พิด เท็จ เปล่า ป่าว ปล่าว หามิได้ โน โนว no nope nah n wrong false incorrect")
_NEGATIONS = _words("ไม่ ไม ม่าย มะ บ่ มิ not")
_QUESTIONS = _words("ไหม มั้ย มั๊ย หรอ เหรอ หรือ รึ ป่ะ ปะ ป้ะ หรือเปล่า รึเปล่า ทำไม อะไร ยังไง อย่างไร")
_YES_NO_FILLERS = _words("แล้ว เลย ที่สุด มาก ก็ ก็ต้อง คิดว่า น่าจะ น่า คง ตอบ ตอบว่า ว่า ค่อนข้าง อืม เอ่อ แต่") + [
    f"{p}ว่า" for p in _PRONOUNS
]

_YES_NO_LEXICON = _Lexicon(
    [
        *_entries("yes", _YES_WORDS),
        *_entries("affirm", _AFFIRM_WORDS),
        *_entries("no", _NO_WORDS),
        *_entries("neg", _NEGATIONS),
        *_entries("question", _QUESTIONS),
        *_entries("polite", _YES_PARTICLES),
        *_entries("fill", _YES_NO_FILLERS + _SOFT_ENDINGS + _VOCATIVES + _THANKS),
    ]
)


# A particle glued to the word before it is peeled off only where a syllable may end: never after a leading
# vowel (เ แ โ ใ ไ), nor between ห and the low consonant it leads ("หน้า" does not end in the particle น้า).
_LEADING_VOWELS = frozenset("เแโใไ")
_LED_BY_HO_HIP = frozenset("งญนมยรลว")


def _inside_a_syllable(text: str, cut: int) -> bool:
    """Would cutting `text` at `cut` split a syllable, so that what follows is not a word of its own?"""
    if cut == 0 or text[cut - 1] == " ":
        return False
    before = text[cut - 1]
    return before in _LEADING_VOWELS or (before == "ห" and text[cut] in _LED_BY_HO_HIP)


class _Affixes:
    """Words peeled off the front (lead-ins) and the back (particles) of a reply before fuzzy matching."""

    def __init__(self, glued_leads: Iterable[str], spaced_leads: Iterable[str], endings: Iterable[str]):
        self._leads: dict[str, list[tuple[str, bool]]] = {}
        for word, glued in [*((w, True) for w in glued_leads), *((w, False) for w in spaced_leads)]:
            self._leads.setdefault(word[0], []).append((word, glued))
        self._endings: dict[str, list[str]] = {}
        for word in set(endings):
            self._endings.setdefault(word[-1], []).append(word)
        for group in self._leads.values():
            group.sort(key=lambda item: len(item[0]), reverse=True)
        for ending_group in self._endings.values():
            ending_group.sort(key=len, reverse=True)

    def strip(self, text: str) -> str:
        """ "ขอตอบ ใส่หน้ากากค่ะ" -> "ใส่หน้ากาก"; never strips a reply down to nothing."""
        return self.stages(text)[-1]

    def stages(self, text: str) -> list[str]:
        """The text after each word peeled off, in order: the last is `strip(text)`.

        Without a dictionary a word may end in letters that spell a particle (ตั้ง|ค่า, ระ|งับ); a reader
        that tries every stage finds "ตั้งค่าค่ะ" at "ตั้งค่า" as well as at "ตั้ง"."""
        found = [text]
        while text:
            word = next(
                (
                    w
                    for w in self._endings.get(text[-1], ())
                    if text.endswith(w) and w != text and not _inside_a_syllable(text, len(text) - len(w))
                ),
                None,
            )
            if word is None:
                break
            text = text[: -len(word)].rstrip()
            found.append(text)
        while text:
            lead = next(
                (
                    w
                    for w, glued in self._leads.get(text[0], ())
                    if text.startswith(w) and len(text) > len(w) and (glued or text[len(w)] == " ")
                ),
                None,
            )
            if lead is None:
                break
            text = text[len(lead) :].lstrip()
            found.append(text)
        return found


# Lead-ins peeled off even when glued to the next word ("ขอโทรถามลูก"); the reply is also compared as typed.
_GLUED_POINTERS = _words("ตอบ ขอตอบ ตอบว่า คำตอบ คำตอบคือ เลือก ขอเลือก ขอ")
# Question tags are not peeled off: "ใช่ไหม" alone asks back, it does not answer "ใช่".
# A vocative (ลูก, หลาน, ครู) is peeled only after a particle or a space: "ข้อ ข นะลูก", but "ถามลูกหลาน" stays.
_ENDINGS = (
    _YES_PARTICLES
    + _SOFT_ENDINGS
    + _THANKS
    + [f"{particle}{vocative}" for particle in _YES_PARTICLES + _SOFT_ENDINGS for vocative in _VOCATIVES]
    + [f" {vocative}" for vocative in _VOCATIVES]
)
_OPTION_AFFIXES = _Affixes(
    _GLUED_POINTERS,
    set(_POINTERS + _FILLERS + [f"{p}ว่า" for p in _PRONOUNS]) - {"ถูก", "ถูกต้อง", "ใช่", "ใช่แล้ว"},
    _ENDINGS,
)


def _strip_ends(text: str) -> str:
    return _OPTION_AFFIXES.strip(text)


# --------------------------------------------------------------------------------------------------------
# 3-5. Yes/no and "not sure"
# --------------------------------------------------------------------------------------------------------

_UNSURE_WORDS = re.compile(
    "|".join(
        [
            r"(?:ไม่|ไม|ม่าย|มะ|บ่|ยังไม่)\s?(?:ค่อย\s?)?(?:แน่ใจ|แน่จัย|แน่ไจ|แน่|รู้(?!จัก|สึก|ตัว)|รุ้(?!จัก)|รู(?![ก-ฮ\u0e48-\u0e4b])|"
            r"ทราบ(?!ที่มา)|มั่นใจ|ชัวร์|ชัว|เข้าใจ|ฮู้|ซู่)",
            r"(?:ตอบ|เดา|นึก|คิด)\s?(?:ไม่ได้|ไม่ถูก|ไม่ออก)",
            r"ยากจัง|ยากจุง",
            r"(?:^| )งง",
            r"\bidk\b|\bdunno\b|\bnot sure\b|\bno idea\b|\bdon ?t know\b",
        ]
    )
)
_ONLY_QUESTION_MARKS = re.compile(r"^[\s?？¿]+$")

# Unknown single words compared by sound with these (udom83 folds ใช่/ช่าย/ไช่/ใช้ and ถูก/ถุก, ผิด/ผืด).
_SOUNDEX_KEYWORDS = {"ใช่": True, "ถูก": True, "ถูกต้อง": True, "ผิด": False}
_CONSONANT = re.compile("[ก-ฮ]")


def _first_consonant(word: str) -> str:
    found = _CONSONANT.search(word)
    return found.group() if found else ""


_SOUNDEX_CODES = {(_first_consonant(w), udom83(w)): value for w, value in _SOUNDEX_KEYWORDS.items()}
# Real words that share a first consonant and a code with a keyword: never read them as yes or no.
# (udom83 gives a final ง the code of a final ย, hence ช้าง and ช่าง.)
_SOUNDEX_EXCLUDED = frozenset(_words("ชาย ชัย ไชย ชิง ชง ช้าง ช่าง ชั่ง เชย ช่วย ผัด ถก"))
_SKELETON_POLARITY = {_skeleton(w): True for w in _YES_WORDS + _AFFIRM_WORDS if not w.isascii()} | {
    _skeleton(w): False for w in _NO_WORDS if not w.isascii()
}
_NEG_PREFIX = re.compile("^(?:ไม่|ไม|ม่าย|มะ|บ่)")
_BOTH = "both"


def _polarity_by_sound(word: str) -> bool | None:
    """A single unknown word (ไช่, ถุกก, ผืด) read by its skeleton or its udom83 sound; None if unknown."""
    word = _fold_elongation(word)
    if not word or word in _SOUNDEX_EXCLUDED:
        return None
    skeleton = _skeleton(word)
    if skeleton in _SKELETON_POLARITY:
        return _SKELETON_POLARITY[skeleton]
    if len(word) > 7 or not "\u0e01" <= word[0] <= "\u0e44":
        return None
    return _SOUNDEX_CODES.get((_first_consonant(word), udom83(word)))


def _word_tokens(word: str) -> list[tuple[str, object]] | None:
    """Tokens of one space-separated word, falling back to sound for a word the lexicon does not know."""
    tokens = _YES_NO_LEXICON.scan(word)
    if tokens is not None:
        return tokens
    core = _strip_ends(word)
    negated = _NEG_PREFIX.match(core)
    if negated:
        core = core[negated.end() :]
    polarity = _polarity_by_sound(core)
    if polarity is None:
        return None
    token = ("yes" if polarity else "no", None)
    return [("neg", None), token] if negated else [token]


def _polarity(text: str) -> bool | str | None:
    """True/False for a yes/no reply, _BOTH when it says both, None when it says neither (or asks)."""
    if not text or _UNSURE_WORDS.search(text):
        return None
    tokens = _YES_NO_LEXICON.scan(text)
    if tokens is None:
        tokens = []
        for word in text.split(" "):
            word_tokens = _word_tokens(word)
            if word_tokens is None:
                return None
            tokens += word_tokens
    answers: set[bool] = set()
    pending_negation = affirmed = False
    polite_only = bool(tokens)
    for kind, _ in tokens:
        if kind == "question":
            return None
        if kind != "polite":
            polite_only = False
        if kind == "neg":
            if pending_negation:  # "ไม่ ไม่": an emphatic no
                answers.add(False)
            pending_negation = True
        elif kind in ("yes", "no") or (kind == "affirm" and pending_negation):
            answers.add((kind != "no") != pending_negation)
            pending_negation = False
        elif kind == "affirm":
            affirmed = True
    if pending_negation:
        answers.add(False)
    if polite_only or (affirmed and not answers):
        return True
    if len(answers) == 2:
        return _BOTH
    return answers.pop() if answers else None


# What may stand around "ไม่รู้" without adding an answer: particles, fillers and emphasis
# ("ไม่รู้เหมือนกันค่ะ", "ไม่ทราบจริงๆ ครับ", "ไม่แน่ใจเลยนะคะ").
_UNSURE_TAILS = _words("จริง จิง เลย เหมือนกัน ด้วย ทั้งนั้น สักนิด ซักนิด นัก เท่าไหร่ เท่าไร ว่ะ วะ ง่ะ ง่า")
_UNSURE_TAIL_LEXICON = _Lexicon(
    _entries(
        "fill",
        _YES_PARTICLES
        + _SOFT_ENDINGS
        + [word for word in _FILLERS if _polarity(word) is None]  # not ถูก/ใช่: "ไม่แน่ใจแต่คิดว่าถูก"
        + _VOCATIVES
        + _THANKS
        + _UNSURE_TAILS,
    )
)


def _unsure(text: str, clean: str) -> bool:
    return bool(_UNSURE_WORDS.search(clean)) or bool(_ONLY_QUESTION_MARKS.match(text[:MAX_CHARS]))


def is_unsure(text: str) -> bool:
    """True when the learner says they do not know: ไม่แน่ใจ, ไม่รู้ค่ะ, งง, ตอบไม่ได้, "???"."""
    clean = normalize(text)
    if _unsure(text, clean):
        return True
    converted = _wrong_layout(text)
    return bool(converted and _UNSURE_WORDS.search(converted))


def read_yes_no(text: str) -> bool | None:
    """True for yes/right (ใช่, ถูก, ช่ายยย, ค่ะ, ok), False for no/wrong (ไม่, ผิด, บ่แม่น), None otherwise."""
    polarity = _polarity(normalize(text))
    if polarity is None:
        converted = _wrong_layout(text)
        polarity = _polarity(converted) if converted else None
    return polarity if isinstance(polarity, bool) else None  # saying both is no answer


# --------------------------------------------------------------------------------------------------------
# 6. Options: explicit picks, yes/no options, fuzzy option text
# --------------------------------------------------------------------------------------------------------

# Negation in a skeleton (tone marks gone): ไม่, อย่า (not อยาก/อย่าง), ห้าม, ม่าย (not หมาย).
_NEGATION = re.compile("ไม|อยา(?![กง])|หาม|(?<!ห)มาย")
# How far back a negation reaches inside one space-separated chunk: ไม่รับ|เพิ่มเพื่อน, but not
# ถ้าไม่แน่ใจให้|โทรถามลูกหลาน.
_NEGATION_REACH = 5
_WH_QUESTION = re.compile("ทำไม|อะไร|ยังไง|อย่างไร|ได้ไง|ไหน")
_SEPARATOR = re.compile(" ?(?:หรือว่า|หรือไม่ก็|หรือ|ไม่ก็|กับ|และ|แล้วก็|(?<![a-z])(?:or|and)(?![a-z])) ?")
_MIN_FUZZY_CHARS = 3  # shorter replies must match an option or alias exactly (by skeleton)
_ACCEPT = 80  # a whole-text ratio this high picks the option
_FRAGMENT = 85  # a fragment (a third of the option or more) must match this well
_CLOSE = 10  # two options within this many points of each other: ask which one


@dataclass(frozen=True, slots=True)
class _Phrase:
    """An option text, an alias or a reply, ready for fuzzy matching."""

    index: int
    skeleton: str
    negated: bool
    chunk_starts: tuple[int, ...]  # for each skeleton letter: where its space-separated chunk starts

    @classmethod
    def of(cls, index: int, form: str) -> _Phrase:
        pieces: list[str] = []
        starts: list[int] = []
        for chunk in form.split(" "):
            piece = _skeleton(chunk)
            starts.extend([sum(map(len, pieces))] * len(piece))
            pieces.append(piece)
        skeleton = "".join(pieces)
        return cls(index, skeleton, bool(_NEGATION.search(skeleton)), tuple(starts))

    def negated_at(self, start: int, end: int) -> bool:
        """Is the part [start, end) negated, by a negation inside it or just before it in the same chunk?"""
        begin = (
            max(self.chunk_starts[start], start - _NEGATION_REACH)
            if start < len(self.chunk_starts)
            else start
        )
        return _NEGATION.search(self.skeleton, begin, end) is not None


@dataclass(frozen=True, slots=True)
class _Options:
    count: int
    exact: Mapping[str, frozenset[int]]  # skeleton of an option or alias -> indices
    phrases: tuple[_Phrase, ...]
    yes_index: int | None  # for options like ["ถูก", "ผิด"]: where a "yes" reply goes
    no_index: int | None
    unsure_index: int | None  # an option that is itself "ไม่แน่ใจ"
    mention_unsure: frozenset[int]  # options that say "ไม่แน่ใจ" among other words ("ถ้าไม่แน่ใจให้โทรถาม...")


def _forms(clean: str) -> tuple[str, ...]:
    """The reply as typed, and without its lead-ins and particles."""
    core = _strip_ends(clean)
    return (clean, core) if core and core != clean else (clean,)


def _only_filler(text: str) -> bool:
    """Nothing but particles and fillers ("ค่ะ", "แต่ ว่า"): what is left of "ไม่แน่ใจค่ะ" without ไม่แน่ใจ."""
    tokens = _CHOICE_LEXICON.scan(text)
    return tokens is not None and all(kind in ("fill", "polite") for kind, _ in tokens)


def _without_unsure(clean: str) -> str:
    return _collapse_spaces(_UNSURE_WORDS.sub(" ", clean))


@lru_cache(maxsize=2048)
def _prepare(options: tuple[str, ...], aliases: tuple[tuple[str, ...], ...]) -> _Options:
    exact: dict[str, set[int]] = {}
    phrases: list[_Phrase] = []
    unsure: list[int] = []
    mention_unsure: set[int] = set()
    for index, option in enumerate(options):
        extra = aliases[index] if index < len(aliases) else ()
        for text in (option, *extra):
            clean = normalize(text)
            if not clean:
                continue
            if _UNSURE_WORDS.search(clean):
                mention_unsure.add(index)
            for form in _forms(clean):
                phrase = _Phrase.of(index, form)
                exact.setdefault(phrase.skeleton, set()).add(index)
                phrases.append(phrase)
        clean_option = normalize(option)
        if _UNSURE_WORDS.search(clean_option) and _only_filler(_without_unsure(clean_option)):
            unsure.append(index)
    polarities = [_polarity(normalize(option)) for option in options]
    yes = [i for i, p in enumerate(polarities) if p is True]
    no = [i for i, p in enumerate(polarities) if p is False]
    yes_no = len(yes) == 1 and len(no) == 1
    return _Options(
        count=len(options),
        exact={key: frozenset(value) for key, value in exact.items()},
        phrases=tuple(phrases),
        yes_index=yes[0] if yes_no else None,
        no_index=no[0] if yes_no else None,
        unsure_index=unsure[0] if len(unsure) == 1 else None,
        mention_unsure=frozenset(mention_unsure),
    )


def _pick(indices: Iterable[int]) -> Reading:
    chosen = set(indices)
    if len(chosen) == 1:
        return Reading("choice", chosen.pop())
    return _AMBIGUOUS if chosen else _NONE


def _explicit(text: str, count: int) -> Reading | None:
    """Letters, digits and number words ("ข้อ ๒ ค่ะ", "ตอบกค่ะ", "ข้อสุดท้าย"); None if the reply is not one."""
    tokens = _CHOICE_LEXICON.scan(text)
    if not tokens or any(kind == "stop" for kind, _ in tokens):
        return None
    picks = [cast(int, value) for kind, value in tokens if kind == "core"]  # option numbers
    if not picks:
        return _AMBIGUOUS if any(kind == "pointer" for kind, _ in tokens) else None
    indices: set[int] = set()
    for pick in picks:
        if pick == _LAST:
            pick = count - 1
        elif pick == _MIDDLE:
            pick = count // 2 if count % 2 else -1
        assert isinstance(pick, int)  # "core" tokens are option indices (or the two markers, replaced above)
        indices.add(pick)
    if len(indices) > 1 or not 0 <= (index := next(iter(indices))) < count:
        return _AMBIGUOUS  # "ข้อ 2 หรือ 3", or "ข้อ 5" when there are three options: ask which one
    return Reading("choice", index)


def _exact_option(forms: Sequence[str], prepared: _Options) -> Reading | None:
    for form in forms:
        indices = prepared.exact.get(_skeleton(form))
        if indices:
            return _pick(indices)
    return None


def _yes_no_option(clean: str, prepared: _Options) -> Reading | None:
    if prepared.yes_index is None:
        return None
    polarity = _polarity(clean)
    if polarity is _BOTH:
        return _AMBIGUOUS
    if polarity is None:
        return None
    return Reading("choice", prepared.yes_index if polarity else prepared.no_index)


def _similarity(reply: _Phrase, phrase: _Phrase, partial: bool) -> float:
    """Whole-text similarity, or a near-exact fragment scored by how much of the longer text it covers.

    Negation must agree: "ไม่คลิก" is the opposite of "คลิกลิงก์", however close the letters are. For a
    fragment only the matched part counts, with what stands just before it in the same chunk, so "ลบทิ้ง"
    matches "ไม่กด ลบทิ้ง ..." while "รับเพิ่มเพื่อน" does not match "ไม่รับเพิ่มเพื่อน".
    """
    score = fuzz.ratio(reply.skeleton, phrase.skeleton) if reply.negated == phrase.negated else 0.0
    if partial:
        shorter, longer = sorted((reply, phrase), key=lambda p: len(p.skeleton))
        coverage = len(shorter.skeleton) / len(longer.skeleton)
        if len(shorter.skeleton) >= 4 and coverage >= 1 / 3:
            found = fuzz.partial_ratio_alignment(shorter.skeleton, longer.skeleton, score_cutoff=_FRAGMENT)
            if found is not None and shorter.negated == longer.negated_at(found.dest_start, found.dest_end):
                score = max(score, 80 + 15 * coverage * found.score / 100)
    return score


def _fuzzy_option(forms: Sequence[str], prepared: _Options, partial: bool) -> Reading | None:
    best: dict[int, float] = {}
    for form in forms:
        reply = _Phrase.of(-1, form)
        if len(reply.skeleton) < _MIN_FUZZY_CHARS:
            continue
        for phrase in prepared.phrases:
            score = _similarity(reply, phrase, partial)
            if score > best.get(phrase.index, 0):
                best[phrase.index] = score
    ranked = sorted(best.items(), key=lambda item: item[1], reverse=True)
    if not ranked or ranked[0][1] < _ACCEPT:
        return None
    if len(ranked) > 1 and ranked[1][1] >= _ACCEPT and ranked[0][1] - ranked[1][1] < _CLOSE:
        return _AMBIGUOUS
    return Reading("choice", ranked[0][0])


def _names_two_options(clean: str, prepared: _Options) -> bool:
    """ "ใส่หน้ากากกับล้างมือ", "โอนหรือวางสาย": parts joined by หรือ/กับ/และ name different options."""
    parts = [part for part in _SEPARATOR.split(clean) if part]
    if len(parts) < 2:
        return False
    named = set()
    for part in parts:
        forms = _forms(part)
        reading = _exact_option(forms, prepared) or _fuzzy_option(forms, prepared, partial=True)
        if reading is not None and reading.kind == "choice":
            named.add(reading.index)
    return len(named) > 1


def _by_text(clean: str, prepared: _Options) -> Reading | None:
    """The option's own words (or an alias), with typos."""
    if _WH_QUESTION.search(clean):
        return None  # "ทำไมต้องใส่หน้ากาก" asks about an option; it does not choose it
    if _names_two_options(clean, prepared):
        return _AMBIGUOUS
    return _fuzzy_option(_forms(clean), prepared, partial=True)


def _hedged(clean: str, prepared: _Options) -> Reading | None:
    """ "ไม่แน่ใจ แต่น่าจะข้อ ข", "ไม่แน่ใจ ขอโทรถามลูกก่อน": a guess is still an answer.

    What is left must say something: "ไม่ทราบค่ะ" leaves "ค่ะ" and "ไม่รู้จริงๆ" leaves "จริง", which are
    politeness and emphasis, never a "yes" (nor the option "จริง")."""
    rest = _without_unsure(clean)
    if not rest or _UNSURE_TAIL_LEXICON.scan(rest) is not None:
        return None
    reading = (
        _exact_option(_forms(rest), prepared)
        or _explicit(rest, prepared.count)
        or _yes_no_option(rest, prepared)
    )
    if reading is None and not _only_filler(rest):
        reading = _by_text(rest, prepared)
    return reading if reading is not None and reading.kind == "choice" else None


def _classify_clean(clean: str, prepared: _Options) -> Reading | None:
    if not clean:
        return None
    reading = (
        _exact_option(_forms(clean), prepared)
        or _explicit(clean, prepared.count)
        or _yes_no_option(clean, prepared)
    )
    if reading is not None:
        return reading
    if _UNSURE_WORDS.search(clean):
        # An option may itself contain "ไม่แน่ใจ" ("ถ้าไม่แน่ใจให้โทรถามลูกหลาน"): only a whole-option match
        # counts then, never the fragment "ไม่แน่ใจ".
        if (hedged := _hedged(clean, prepared)) is not None:
            return hedged
        if prepared.unsure_index is not None:
            return Reading("choice", prepared.unsure_index)
        whole = _fuzzy_option(_forms(clean), prepared, partial=False)
        if whole is not None and whole.index is not None and whole.index not in prepared.mention_unsure:
            whole = None  # "ไม่รู้จริงๆ" is close to "ไม่จริง" by letters, but it says "I don't know"
        return whole or _UNSURE
    return _by_text(clean, prepared)


def _aliases_key(aliases: Sequence[Sequence[str]] | None) -> tuple[tuple[str, ...], ...]:
    if not aliases:
        return ()
    return tuple(
        () if group is None else (group,) if isinstance(group, str) else tuple(group) for group in aliases
    )


def classify(text: str, options: Sequence[str], aliases: Sequence[Sequence[str]] | None = None) -> Reading:
    """Read a typed reply to a question with `options` (aliases[i]: extra phrasings for option i)."""
    prepared = _prepare(tuple(options), _aliases_key(aliases))
    reading = _classify_clean(normalize(text), prepared)
    if reading is None or reading.kind == "ambiguous":
        # "5^d" is ถูก on the wrong layout, not "5 or d"; a clear reading of the converted text wins.
        converted = _wrong_layout(text)
        retry = _classify_clean(converted, prepared) if converted else None
        if retry is not None and (reading is None or retry.kind == "choice"):
            reading = retry
    if reading is None and _ONLY_QUESTION_MARKS.match(text[:MAX_CHARS]):
        return _UNSURE
    return reading or _NONE


def read_choice(
    text: str, options: Sequence[str], aliases: Sequence[Sequence[str]] | None = None
) -> int | None:
    """The 0-based index of the option the reply names, or None (no option, several, or out of range)."""
    reading = classify(text, options, aliases)
    return reading.index if reading.kind == "choice" else None


# --------------------------------------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------------------------------------

_COMMAND_EXTRA_ENDINGS = _words("หน่อย ที ด้วย ก่อน เลย")
_COMMAND_LEADS = _PRONOUNS + _words("ขอ อยาก อยากจะ ขอดู ดู กด พิมพ์ เปิด")
# Three ways to read a command: particles off ("ช่วยด้วยค่ะ"), everything polite off ("ขอดูเมนูหน่อยค่ะ").
_COMMAND_TRIMS = (
    _Affixes((), (), _ENDINGS),
    _Affixes((), (), _ENDINGS + _COMMAND_EXTRA_ENDINGS),
    _Affixes(_COMMAND_LEADS, (), _ENDINGS + _COMMAND_EXTRA_ENDINGS),
)
_COMMAND_NEGATION = re.compile("^(?:ไม่|ม่าย|อย่า|ยังไม่|บ่|ไม่ต้อง|ไม่เอา|not |don t |dont )")


@dataclass(frozen=True, slots=True)
class _CommandPhrase:
    name: str
    compact: str  # without spaces, tone marks kept: short phrases must match this exactly
    skeleton: str  # longer phrases may differ from this by one typo
    negated: bool


@lru_cache(maxsize=256)
def _prepare_commands(key: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[_CommandPhrase, ...]:
    phrases = []
    for name, texts in key:
        for text in texts:
            clean = normalize(text)
            if clean:
                negated = bool(_COMMAND_NEGATION.match(clean))
                phrases.append(_CommandPhrase(name, clean.replace(" ", ""), _skeleton(clean), negated))
    return tuple(phrases)


def _command_distance(form: tuple[str, str], phrase: _CommandPhrase) -> int | None:
    """0 for the phrase itself, 1 for one typo in a phrase of 4+ letters, None otherwise.

    `form` is the reply without spaces and its skeleton, worked out once for all the phrases."""
    compact, skeleton = form
    if compact == phrase.compact:
        return 0
    if len(phrase.skeleton) < 4:
        return None  # "ต่อ" is exact only: "ตอ" or "ตก" must not continue the lesson
    distance = Levenshtein.distance(skeleton, phrase.skeleton, score_cutoff=1)
    return distance if distance <= 1 else None


def _match_command(clean: str, phrases: tuple[_CommandPhrase, ...]) -> str | None:
    if not clean:
        return None
    forms = [
        (form.replace(" ", ""), _skeleton(form))
        for form in {stage for trim in _COMMAND_TRIMS for stage in trim.stages(clean)}
    ]
    negated = bool(_COMMAND_NEGATION.match(clean))
    best: dict[str, int] = {}
    for phrase in phrases:
        if negated and not phrase.negated:
            continue  # "ไม่ลบข้อมูล" must never delete anything
        for form in forms:
            distance = _command_distance(form, phrase)
            if distance is not None and distance < best.get(phrase.name, 2):
                best[phrase.name] = distance
    if not best:
        return None
    lowest = min(best.values())
    names = [name for name, distance in best.items() if distance == lowest]
    return names[0] if len(names) == 1 else None  # a typo halfway between two commands: ask again


def read_command(text: str, commands: Mapping[str, Sequence[str]]) -> str | None:
    """The name of the command the reply types ("เมนุค่ะ" -> "menu"), or None; conservative on purpose."""
    key = tuple(
        (name, (phrases,) if isinstance(phrases, str) else tuple(phrases))
        for name, phrases in commands.items()
    )
    phrases = _prepare_commands(key)
    found = _match_command(normalize(text), phrases)
    if found is None:
        converted = _wrong_layout(text)
        found = _match_command(converted, phrases) if converted else None
    return found


# --------------------------------------------------------------------------------------------------------
# Ages and acknowledgements
# --------------------------------------------------------------------------------------------------------

_AGE_NUMBER = "[0-9]{1,3}|(?:หนึ่ง|สอง|สาม|สี่|ห้า|หก|เจ็ด|แปด|เก้า|สิบ|ยี่|เอ็ด|ร้อย)+"
_AGE_LEADS = "|".join(["อายุ", "ตอนนี้", "ปีนี้", *sorted(_PRONOUNS, key=len, reverse=True)])
_AGE = re.compile(
    rf"^(?:(?:{_AGE_LEADS}) ?)*(?P<number>{_AGE_NUMBER}) ?(?:ขวบ|ปี|years? old|yo|y)?(?: ?(?:แล้ว|เต็ม|กว่า))?$"
)


def read_age(text: str) -> int | None:
    """An age typed as a number: "12", "๑๒", "12 ขวบ", "สิบสองปี", "อายุ 12 ค่ะ"; None for anything else.

    The reply must be only the age (with อายุ/a pronoun before it, ขวบ/ปี after it and particles), so
    "ต่ำกว่า 10 ปี" or "ข้อ 2" are not ages. Whether the age is plausible is the caller's business."""
    clean = normalize(text)
    for form in _COMMAND_TRIMS[1].stages(clean):
        found = _AGE.match(form)
        if found:
            number = found.group("number")
            if number.isdigit():
                return int(number)
            try:
                return thaiword_to_num(number)
            except ValueError:  # number words in an order that is no number ("สองสอง")
                return None
    return None


# "Got it" on a lesson card: ได้ค่ะ, เข้าใจแล้วค่ะ, อ่านแล้ว, or a thumbs-up typed as an emoji.
_ACK_WORDS = _words(
    "ได้ ได้เลย เข้าใจ เข้าใจแล้ว รับทราบ ทราบแล้ว อ่านแล้ว อ่านจบแล้ว อ่านจบ จบแล้ว เรียบร้อย เรียบร้อยแล้ว "
    "ดี ดีมาก เยี่ยม เยี่ยมเลย เก่ง สุดยอด ok โอเค เค"
)
_ACK_LEXICON = _Lexicon(
    [
        *_entries("ack", _ACK_WORDS),
        *_entries("fill", _YES_PARTICLES + _SOFT_ENDINGS + _VOCATIVES + _THANKS + _words("แล้ว ครับ ค่ะ")),
    ]
)
_ACK_EMOJI = frozenset("👍👌✅🆗✔💯👏🙆🙏")
_EMOJI_MODIFIERS = frozenset("\ufe0f\u200d") | {chr(c) for c in range(0x1F3FB, 0x1F400)}


def is_acknowledgement(text: str) -> bool:
    """True for "got it" (ได้ค่ะ, เข้าใจแล้วค่ะ, โอเค, 👍): the learner is ready to go on."""
    marks = [ch for ch in text[:MAX_CHARS] if not ch.isspace() and ch not in _EMOJI_MODIFIERS]
    if marks and all(ch in _ACK_EMOJI for ch in marks):
        return True
    clean = normalize(text)
    if not clean or _UNSURE_WORDS.search(clean):
        return False
    tokens = _ACK_LEXICON.scan(clean)
    return tokens is not None and any(kind == "ack" for kind, _ in tokens)
