"""Readability checks for the elderly track: short phrases, short cards, everyday words.

`elderly_problems(content)` looks at every module listed in a track whose audience is `elderly`
(its title, summary, cards, and every question prompt, option and explanation) and returns one
problem per finding, each naming the file and the field the way the content loader does:

    curriculum/modules/elderly-x.yaml: cards.1: line 3 has 52 visible characters (at most 40)
    quizzes/elderly-x.yaml: elderly-x-q2.options.0: English word 'PIN'; write it in Thai for elderly learners

How length is measured
----------------------
Lengths count *visible* characters: every character except combining marks (Unicode category Mn:
Thai vowels written above or below a consonant such as ิ ี ุ ู ั and the tone marks ่ ้ ๊ ๋ ็ ์)
and line breaks. A combining mark sits on top of the previous letter and takes no width on screen,
so "ที่" is one visible character, not three. This is closer to how long the text looks and how
long it takes to read than `len()`, which content.py uses for its general 400-character limit.

The limits and why
------------------
Thai puts no spaces between words; a space marks the end of a clause or a sentence. A
space-separated *phrase* is therefore the unit a reader has to hold in mind at once.

- MAX_PHRASE = 32 visible characters per phrase (about 6-8 Thai words). Older readers are about
  43% slower on screen text (Nielsen Norman Group, via MedCity News 2013) and do better with
  short sentences; at a large font a LINE bubble holds roughly 18-20 Thai characters a line, so a
  phrase stays within two lines.
- MAX_LINE = 40 visible characters per line of a card, for the same reason: one thought per line,
  with a little room for two very short phrases ("วางสายได้เลย ไม่ต้องเกรงใจ").
- MAX_LINES = 6 lines per card. Senior-friendly guidelines call for large type (12-14 pt and up)
  and generous line spacing (Kurniawan & Zaphiris; NIA checklist, summarised by stedrayton.co 2007);
  at that size about six short lines fill a phone screen, and a card must fit on one screen.
- MAX_CARD = 225 visible characters per card. The general limit is 400 characters a card
  (content.MAX_CARD_CHARS, counted with `len()`); in this curriculum about 80% of characters are
  visible, so 400 is about 320 visible characters. Dividing by 1.43 for slower reading gives
  about 225, so an elderly card takes no longer to read than a full general card.
- MAX_PROMPT = 120, MAX_OPTION = 32 (one phrase: an answer must be readable at a glance on a
  button) and MAX_EXPLANATION = 150 visible characters (one or two short sentences).

Words
-----
- Latin-script words are allowed only if listed in EXPLAINED *and* one of their Thai explanations
  appears somewhere in the same module's cards (e.g. "OTP" needs "รหัสลับ" or "รหัส 6 หลัก").
  Web addresses (a token with a dot, such as thaipoliceonline.com) are allowed: learners may need
  to type or show them.
- Words in HARD_WORDS are flagged always: technical or formal words with an everyday alternative.

Only the standard library and bot.content are imported, so this runs anywhere the content loads.
"""

from __future__ import annotations

import re
import unicodedata

from bot.content import Audience, Content, Lesson

MAX_PHRASE = 32
MAX_LINE = 40
MAX_LINES = 6
MAX_CARD = 225
MAX_PROMPT = 120
MAX_OPTION = 32
MAX_EXPLANATION = 150

# Latin-script words an elderly module may use, each with the Thai words that must explain it
# somewhere in the same module's cards. Matching is case-sensitive on the word as written.
EXPLAINED: dict[str, tuple[str, ...]] = {
    "OTP": ("รหัสลับ", "รหัส 6 หลัก"),
    "SMS": ("ข้อความ",),
    "QR": ("คิวอาร์",),
    "AOC": ("1441",),
}

# Technical or formal words with a plainer everyday word; the value is the suggestion.
HARD_WORDS: dict[str, str] = {
    "ฟิชชิง": "ลิงก์ปลอม",
    "ฟิชชิ่ง": "ลิงก์ปลอม",
    "มัลแวร์": "แอปอันตราย",
    "แรนซัมแวร์": "แอปอันตราย",
    "แอปพลิเคชัน": "แอป",
    "แอพพลิเคชั่น": "แอป",
    "แพลตฟอร์ม": "แอป หรือ เว็บ",
    "อัลกอริทึม": "(อธิบายด้วยคำง่าย ๆ)",
    "ยูอาร์แอล": "ลิงก์",
    "เบราว์เซอร์": "(อธิบายด้วยคำง่าย ๆ)",
    "ไซเบอร์บูลลี่": "การรังแกกันทางเน็ต",
    "ดิจิทัลฟุตพริ้นท์": "สิ่งที่เราโพสต์ไว้",
    "รอยเท้าดิจิทัล": "สิ่งที่เราโพสต์ไว้",
    "ข้อมูลส่วนบุคคล": "ข้อมูลส่วนตัว",
    "พระราชกำหนด": "กฎหมาย",
    "ยืนยันตัวตนสองปัจจัย": "(อธิบายด้วยคำง่าย ๆ)",
    "ดำเนินการ": "ทำ",
    "ตรวจสอบความถูกต้อง": "เช็ก",
}

_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
_WEB_ADDRESS = re.compile(r"\S+\.[A-Za-z]{2,}\S*")


def visible_length(text: str) -> int:
    """Characters that take width on screen: all but combining marks (Thai vowels above/below, tones)."""
    return sum(1 for ch in text if ch not in "\r\n" and unicodedata.category(ch) != "Mn")


def _length_problems(where: str, text: str, limit: int, what: str) -> list[str]:
    problems = []
    size = visible_length(text)
    if size > limit:
        problems.append(
            f"{where}: {what} has {size} visible characters (at most {limit} for elderly learners)"
        )
    for phrase in text.split():
        if _WEB_ADDRESS.fullmatch(phrase):
            continue
        size = visible_length(phrase)
        if size > MAX_PHRASE:
            problems.append(
                f"{where}: the phrase '{phrase}' has {size} visible characters (at most {MAX_PHRASE}); "
                "split it with a space or shorten it"
            )
    return problems


def _word_problems(where: str, text: str, card_text: str) -> list[str]:
    problems = []
    for word, plain in HARD_WORDS.items():
        if word in text:
            problems.append(f"{where}: hard word '{word}'; use an everyday word such as {plain}")
    for match in _LATIN_WORD.finditer(_WEB_ADDRESS.sub(" ", text)):
        word = match.group()
        glosses = EXPLAINED.get(word)
        if glosses is None:
            problems.append(f"{where}: English word '{word}'; write it in Thai for elderly learners")
        elif not any(gloss in card_text for gloss in glosses):
            wanted = " or ".join(f"'{gloss}'" for gloss in glosses)
            problems.append(f"{where}: '{word}' needs a Thai explanation in this module's cards ({wanted})")
    return problems


def _lesson_problems(lesson: Lesson) -> list[str]:
    module = lesson.module
    module_file = f"curriculum/modules/{module.id}.yaml"
    quiz_file = f"quizzes/{module.id}.yaml"
    card_text = "\n".join(card.text for card in module.cards)
    problems: list[str] = []

    def check(where: str, text: str, limit: int, what: str) -> None:
        problems.extend(_length_problems(where, text, limit, what))
        problems.extend(_word_problems(where, text, card_text))

    check(f"{module_file}: title", module.title, MAX_PHRASE, "the title")
    if module.summary:
        check(f"{module_file}: summary", module.summary, MAX_PROMPT, "the summary")
    for index, card in enumerate(module.cards):
        where = f"{module_file}: cards.{index}"
        check(where, card.text, MAX_CARD, "the card")
        lines = [line for line in card.text.splitlines() if line.strip()]
        if len(lines) > MAX_LINES:
            problems.append(
                f"{where}: {len(lines)} lines (at most {MAX_LINES} fit one screen at a large font)"
            )
        for number, line in enumerate(lines, start=1):
            size = visible_length(line)
            if size > MAX_LINE:
                problems.append(f"{where}: line {number} has {size} visible characters (at most {MAX_LINE})")
    for question in lesson.questions:
        where = f"{quiz_file}: {question.id}"
        check(f"{where}.prompt", question.prompt, MAX_PROMPT, "the prompt")
        for index, option in enumerate(question.options):
            check(f"{where}.options.{index}", option.text, MAX_OPTION, "the option")
        check(f"{where}.explanation", question.explanation, MAX_EXPLANATION, "the explanation")
    return problems


def elderly_problems(content: Content) -> list[str]:
    """Every readability problem in the modules of elderly-audience tracks; empty when all is well."""
    problems: list[str] = []
    seen: set[str] = set()
    for track in content.tracks.values():
        if track.audience is not Audience.ELDERLY:
            continue
        for lesson in content.lessons_of(track):
            if lesson.id not in seen:
                seen.add(lesson.id)
                problems.extend(_lesson_problems(lesson))
    return problems
