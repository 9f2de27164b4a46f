"""Typed quiz replies: the table in tests/data/typed_replies.yaml, commands, cleaning, and resource limits."""

from __future__ import annotations

import dataclasses
import json
import random
import re
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from bot import answers
from bot.answers import (
    Reading,
    classify,
    is_acknowledgement,
    is_unsure,
    normalize,
    read_age,
    read_choice,
    read_command,
    read_yes_no,
)

ROOT = Path(__file__).resolve().parents[1]
TABLE = yaml.safe_load((Path(__file__).parent / "data" / "typed_replies.yaml").read_text(encoding="utf-8"))
OPTION_SETS: dict[str, dict] = TABLE["option_sets"]
CASES: list[dict] = TABLE["cases"]
CHOICE_CASES = [case for case in CASES if "set" in case]
YES_NO_CASES = [case for case in CASES if "set" not in case]


def _case_id(number: int, case: dict) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", str(case["note"]).lower()).strip("-")
    return f"{number:03d}-{case.get('set', 'yes-no').replace('_', '-')}-{slug}"


def _params(cases: list[dict]) -> list:
    params = []
    for case in cases:
        number = CASES.index(case) + 1
        params.append(pytest.param(case, id=_case_id(number, case)))
    return params


def _options(case: dict) -> tuple[list[str], list[list[str]] | None]:
    option_set = OPTION_SETS[case["set"]]
    return option_set["options"], option_set.get("aliases")


# --------------------------------------------------------------------------------------------------------
# The table
# --------------------------------------------------------------------------------------------------------


def test_table_is_big_and_varied() -> None:
    assert len(CASES) >= 160
    assert {case["who"] for case in CASES} == {"elderly", "student", "anyone"}
    kinds = {str(case["expect"]) for case in CHOICE_CASES}
    assert {"0", "1", "2", "3", "ambiguous", "unsure", "none"} <= kinds
    assert {case["expect"] for case in YES_NO_CASES} == {"yes", "no", "none", "unsure"}
    replies = [case["reply"] for case in CASES]
    assert any(ch in reply for reply in replies for ch in "\u200b\u200c\u200d\ufeff\u00ad"), "zero-width"
    assert any("\u00a0" in reply for reply in replies), "non-breaking space"
    assert any(re.search("[๐-๙]", reply) for reply in replies), "Thai digits"
    assert any(reply.isascii() and re.search(r"[.=,;\[\]^]", reply) for reply in replies), "wrong layout"
    assert any(case.get("set") in {"mask", "police_call"} for case in CASES), "aliases"
    assert all(case["set"] in OPTION_SETS for case in CHOICE_CASES)


@pytest.mark.parametrize("case", _params(CHOICE_CASES))
def test_typed_reply_to_a_question(case: dict) -> None:
    options, aliases = _options(case)
    reading = classify(case["reply"], options, aliases)
    expected = case["expect"]
    if isinstance(expected, int) and not isinstance(expected, bool):
        assert reading == Reading("choice", expected)
    else:
        assert reading == Reading(expected)
    # read_choice agrees with classify: an index only for a choice.
    assert read_choice(case["reply"], options, aliases) == reading.index
    if expected == "unsure":
        assert is_unsure(case["reply"])


@pytest.mark.parametrize("case", _params(YES_NO_CASES))
def test_typed_yes_no(case: dict) -> None:
    expected = case["expect"]
    want = {"yes": True, "no": False, "none": None, "unsure": None}[expected]
    assert read_yes_no(case["reply"]) is want
    assert is_unsure(case["reply"]) is (expected == "unsure")


def test_every_non_choice_reading_has_no_index() -> None:
    for case in CHOICE_CASES:
        options, aliases = _options(case)
        reading = classify(case["reply"], options, aliases)
        assert (reading.index is not None) == (reading.kind == "choice")
        if reading.index is not None:
            assert 0 <= reading.index < len(options)


def test_reading_is_frozen() -> None:
    reading = Reading("choice", 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        reading.index = 2  # type: ignore[misc]


def test_options_as_list_tuple_and_missing_aliases_read_the_same() -> None:
    options = ["ใส่หน้ากาก", "ล้างมือ", "ไม่ต้องทำอะไร"]
    assert read_choice("ล้างมือค่ะ", options) == 1
    assert read_choice("ล้างมือค่ะ", tuple(options), None) == 1
    assert read_choice("ล้างมือค่ะ", options, []) == 1
    assert read_choice("ใส่แมส", options) is None  # slang needs its alias...
    assert read_choice("ใส่แมส", options, [["ใส่แมส"]]) == 0  # ...and aliases may be shorter than options


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("ผิต", False),  # no list has these: udom83 folds them onto ผิด and ถูก
        ("ผิษ", False),
        ("ถูกค์", True),
        ("ถุ๊กก", True),
        ("ช้าง", None),  # real words with the sound code of ใช่ are never a yes
        ("ช่าง", None),
        ("เชย", None),
        ("ชาย", None),
        ("ช่วย", None),
        ("ทุก", None),  # same code as ถูก, different first consonant
    ],
)
def test_sound_alike_words(typed: str, expected: bool | None) -> None:
    assert read_yes_no(typed) is expected


def test_yes_no_words_map_only_onto_yes_no_options() -> None:
    safe = ["ปลอดภัย", "ไม่ปลอดภัย"]  # "ใช่" could mean either, depending on how the question is asked
    assert classify("ใช่", safe) == Reading("none")
    assert classify("ไม่", safe) == Reading("none")
    assert read_choice("ไม่ปลอดภัยค่ะ", safe) == 1
    assert read_choice("ปลอดภัย", safe) == 0


def test_readers_agree_across_threads() -> None:
    def read_all(_: int) -> list[object]:
        out: list[object] = []
        for case in CHOICE_CASES:
            options, aliases = _options(case)
            out.append(classify(case["reply"], options, aliases))
        out.extend(read_yes_no(case["reply"]) for case in YES_NO_CASES)
        return out

    expected = read_all(0)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(read_all, range(16)))
    assert all(result == expected for result in results)


# --------------------------------------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------------------------------------

COMMANDS = {
    "continue": ["เรียนต่อ", "ต่อ", "ไปต่อ"],
    "menu": ["เมนู"],
    "progress": ["ความคืบหน้า"],
    "review": ["ทบทวน"],
    "help": ["ช่วยด้วย"],
    "delete": ["ลบข้อมูลของฉัน", "ลบข้อมูล"],
}


@pytest.mark.parametrize(
    ("typed", "command"),
    [
        ("เรียนต่อ", "continue"),
        ("เรียนต่ออ", "continue"),
        ("เรียนต่อออออ ค่ะ", "continue"),
        ("ต่อค่ะ", "continue"),
        ("ไปต่อเลย", "continue"),
        ("giupo9jv", "continue"),  # เรียนต่อ on the English layout
        ("เมนู", "menu"),
        ("เมนุ", "menu"),
        ("เมนูค่ะ", "menu"),
        ("เม\u200bนู", "menu"),
        ("g,o^", "menu"),  # เมนู on the English layout
        ("ขอดูเมนูหน่อยค่ะ", "menu"),
        ("ความคืบหน้า", "progress"),
        ("ความคืบหนา", "progress"),
        ("ความคืบหน้าค่ะ", "progress"),  # หน้า ends in the letters of น้า, which is no particle here
        ("ขอดูความคืบหน้าหน่อยค่ะ", "progress"),
        ("ไปต่อเลยยย", "continue"),
        ("ต่อ", "continue"),
        ("ทบทวน", "review"),
        ("ทบทวณ", "review"),
        ("ช่วยด้วย", "help"),
        ("ช่วยด้วยค่ะ", "help"),
        ("ลบข้อมูล", "delete"),
        ("ลบข้อมูลของฉันค่ะ", "delete"),
    ],
)
def test_read_command(typed: str, command: str) -> None:
    assert read_command(typed, COMMANDS) == command


@pytest.mark.parametrize(
    "typed",
    [
        "สวัสดีค่ะ",
        "ฝนตก",
        "ตอ",  # one letter from ต่อ: too short to guess
        "ตก",
        "มา",
        "ดี",
        "กิน",
        "เมฆ",
        "เรียนรู้",
        "ต่อไม่ได้",
        "ไม่ลบข้อมูล",  # negated: must never delete
        "อย่าลบข้อมูลนะ",
        "ดูข้อมูลของฉัน",  # two letters from ลบข้อมูลของฉัน
        "ข",
        "ใช่",
        "ok",
        "😀",
        "",
    ],
)
def test_read_command_ignores_other_text(typed: str) -> None:
    assert read_command(typed, COMMANDS) is None


def test_a_command_ending_in_the_letters_of_a_particle_is_still_read() -> None:
    """Without a dictionary ตั้ง|ค่า looks like ตั้ง + ค่า: every peeling stage is tried, not only the last."""
    settings = {"settings": ["ตั้งค่า"], "check": ["ระงับ"]}
    assert read_command("ตั้งค่า", settings) == "settings"
    assert read_command("ตั้งค่าค่ะ", settings) == "settings"
    assert read_command("ระงับครับ", settings) == "check"


@pytest.mark.parametrize(
    ("clean", "stripped"),
    [
        ("ความคืบหน้าค่ะ", "ความคืบหน้า"),  # ห leads น: no syllable ends between them
        ("ถามคนแปลกหน้า", "ถามคนแปลกหน้า"),
        ("เจ้า", "เจ้า"),  # never cut after a leading vowel
        ("ใส่หน้ากากนะคะ", "ใส่หน้ากาก"),
        ("ขนะ", "ข"),  # a glued particle after a letter still goes
    ],
)
def test_particles_are_peeled_only_where_a_syllable_ends(clean: str, stripped: str) -> None:
    assert answers._strip_ends(clean) == stripped


def test_read_command_does_not_guess_between_two_commands() -> None:
    close = {"one": ["ทบทวน"], "two": ["ทบทวม"]}
    assert read_command("ทบทวน", close) == "one"
    assert read_command("ทบทวณ", close) == "one"  # ณ for น is folded, not a typo
    assert read_command("ทบทวบ", close) is None  # one typo from both


# --------------------------------------------------------------------------------------------------------
# Ages and "got it"
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "age"),
    [
        ("12", 12),
        ("๑๒", 12),
        ("12 ขวบ", 12),
        ("12ขวบค่ะ", 12),
        ("สิบสองปี", 12),
        ("อายุ 12 ค่ะ", 12),
        ("หนูอายุเก้าขวบค่ะ", 9),
        ("ผม 15 ปีครับ", 15),
        ("ยี่สิบเอ็ด", 21),
        ("0", 0),  # an age the caller finds impossible, not a non-age
        ("ต่ำกว่า 10 ปี", None),  # the buttons' words are read as choices, not ages
        ("10 ปีขึ้นไป", None),
        ("ข้อ 2", None),
        ("สองสอง", None),
        ("สวัสดีค่ะ", None),
        ("", None),
    ],
)
def test_read_age(typed: str, age: int | None) -> None:
    assert read_age(typed) == age


@pytest.mark.parametrize(
    ("typed", "got_it"),
    [
        ("ได้ค่ะ", True),
        ("เข้าใจแล้วค่ะ", True),
        ("อ่านแล้วครับ", True),
        ("โอเคค่ะ", True),
        ("👍", True),
        ("👍🏽👍🏽", True),
        ("👌", True),
        ("ไม่เข้าใจ", False),
        ("ยังไม่เข้าใจค่ะ", False),
        ("ไม่ได้", False),
        ("ขอบคุณค่ะ", False),
        ("😢", False),
        ("ข", False),
        ("", False),
    ],
)
def test_is_acknowledgement(typed: str, got_it: bool) -> None:
    assert is_acknowledgement(typed) is got_it


# --------------------------------------------------------------------------------------------------------
# Cleaning
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("ข้อ ๒ ค่ะ", "ข้อ 2 ค่ะ"),
        ("\u200bข\u200c้อ\u200d \u2060๑\ufeff", "ข้อ 1"),
        ("ข\u00adค่ะ", "ขค่ะ"),
        ("ใช่\u00a0\u00a0ค่ะ", "ใช่ ค่ะ"),
        ("  ถูก\t\nค่ะ  ", "ถูก ค่ะ"),
        ("ค่ะะะ", "ค่ะ"),
        ("ถูกกก", "ถูก"),
        ("ถูกก", "ถูก"),
        ("ช่ายยย", "ช่าย"),
        ("ถูกต้องงง", "ถูกต้อง"),  # not the word งง
        ("งงงง", "งง"),  # the word งง, not the letter ง
        ("สรร", "สรร"),  # a real double consonant
        ("เเม่น", "แม่น"),
        ("คะ่", "ค่ะ"),
        ("OKKK!!!", "ok"),
        ("Yes 👍", "yes"),
        ("ข. ค่ะ 🙏🏻", "ข ค่ะ"),
        ("ใช่ๆๆ", "ใช่"),
        ("５", "5"),
        ("ข้อ b\u0301", "ข้อ b"),  # a stray combining accent goes
        ("😀", ""),
    ],
)
def test_normalize(raw: str, clean: str) -> None:
    assert normalize(raw) == clean


def test_normalize_is_idempotent_on_the_table() -> None:
    for case in CASES:
        once = normalize(case["reply"])
        assert normalize(once) == once


def test_long_input_is_capped() -> None:
    long = "ข " + "ก" * 4_998
    assert len(long) == 5_000
    assert len(normalize(long)) <= answers.MAX_CHARS
    assert normalize(long) == normalize(long[: answers.MAX_CHARS])
    options = ["ก", "ข", "ค"]
    assert classify(long, options) == classify(long[: answers.MAX_CHARS], options)
    # Whatever comes after the first 200 characters is not read at all.
    assert read_choice("สวัสดีค่ะ " * 500 + "ข", ["หนึ่ง", "สอง"]) is None
    assert read_yes_no("ฮ่า" * 2_000 + " ใช่") is None
    assert not is_unsure("ฮ่า" * 2_000 + " ไม่แน่ใจ")
    assert read_command("ฮ่า" * 2_000 + " เมนู", COMMANDS) is None


def test_skipping_pythainlp_normalize_never_skips_a_change() -> None:
    """normalize() calls pythainlp's normalize only when a quick check says it would change something."""
    from pythainlp.util import normalize as thai_normalize

    alphabet = "กขคงชถผมยรอ" + "ะาำิีึืุู" + "เแโใไ" + "่้๊๋" + "ั็์ํๅ" + "  "
    rng = random.Random(20241120)
    skipped = 0
    for _ in range(20_000):
        text = " ".join("".join(rng.choices(alphabet, k=rng.randint(1, 8))).split())
        if not answers._NEEDS_THAI_NORMALIZE.search(text):
            skipped += 1
            assert thai_normalize(text) == text, text
    assert skipped > 1_000  # the check does skip the call for ordinary text


# --------------------------------------------------------------------------------------------------------
# Offline, no dictionary, small memory
# --------------------------------------------------------------------------------------------------------

PROBE = textwrap.dedent(
    """
    import json, os, sys, yaml
    import bot.answers as answers
    table = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
    sets = table["option_sets"]
    for case in table["cases"]:
        if "set" in case:
            option_set = sets[case["set"]]
            answers.classify(case["reply"], option_set["options"], option_set.get("aliases"))
        answers.read_yes_no(case["reply"])
        answers.is_unsure(case["reply"])
        answers.read_command(case["reply"], {"menu": ["เมนู"], "continue": ["เรียนต่อ"]})
    import pythainlp.corpus.common as common
    import pythainlp.tokenize as tokenize
    rss_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmRSS:"))
    print(json.dumps({
        "words_loaded": len(common._THAI_WORDS),
        "trie_built": tokenize.word_dict_trie.cache_info().currsize,
        "offline": os.environ.get("PYTHAINLP_OFFLINE"),
        "read_only": os.environ.get("PYTHAINLP_READ_ONLY"),
        "rss_mb": rss_kb / 1024,
        "home_exists": os.path.exists(os.environ["HOME"]),
    }))
    """
)


def test_reading_loads_no_dictionary_and_needs_no_home(tmp_path: Path) -> None:
    home = tmp_path / "no-such-home"
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    table = Path(__file__).parent / "data" / "typed_replies.yaml"
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(table)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout)
    assert probe["words_loaded"] == 0  # pythainlp's word list was never read
    assert probe["trie_built"] == 0  # nor turned into the tokenizer's trie
    assert probe["offline"] == "1" and probe["read_only"] == "1"
    assert not probe["home_exists"]  # nothing was written under HOME
    assert probe["rss_mb"] < 60
