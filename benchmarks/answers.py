"""How fast bot.answers reads typed replies, and what importing it costs in memory.

    .venv/bin/python -m benchmarks.answers

Single thread, over the replies in tests/data/typed_replies.yaml. Prints Markdown tables. The per-question
option tables are cached (as in production: a question is read many times); the replies themselves are not.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from benchmarks import machine

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "tests" / "data" / "typed_replies.yaml"
MIN_SECONDS = 1.0

RSS_PROBE = """
import json, sys, time
def rss_mb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1024
before = rss_mb()
started = time.perf_counter()
if sys.argv[1] != "bare":
    import bot.answers as answers
imported = time.perf_counter() - started
if sys.argv[1] == "used":
    answers.read_choice("ข้อ ๒ ค่ะ", ["ก", "ข", "ค"]); answers.read_yes_no("ช่ายยย"); answers.is_unsure("งง")
    answers.read_command("เมนุ", {"menu": ["เมนู"]})
print(json.dumps({"before": before, "after": rss_mb(), "import_s": imported}))
"""


def _rss(mode: str) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", RSS_PROBE, mode], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def _rate(calls: list[Callable[[], object]]) -> tuple[float, float]:
    """Readings per second and mean microseconds per reading, repeating the calls for MIN_SECONDS."""
    for call in calls:  # warm the option caches and the regex caches
        call()
    count, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < MIN_SECONDS:
        for call in calls:
            call()
        count += len(calls)
    return count / elapsed, elapsed / count * 1e6


def main() -> None:
    from bot import answers

    table = yaml.safe_load(TABLE.read_text(encoding="utf-8"))
    sets = table["option_sets"]
    cases = table["cases"]
    questions = [
        (case["reply"], sets[case["set"]]["options"], sets[case["set"]].get("aliases"))
        for case in cases
        if "set" in case
    ]
    replies = [case["reply"] for case in cases]
    commands = {"continue": ["เรียนต่อ", "ต่อ", "ไปต่อ"], "menu": ["เมนู"], "help": ["ช่วยด้วย"]}

    benchmarks = {
        "read_choice": [lambda r=r, o=o, a=a: answers.read_choice(r, o, a) for r, o, a in questions],
        "read_yes_no": [lambda r=r: answers.read_yes_no(r) for r in replies],
        "classify": [lambda r=r, o=o, a=a: answers.classify(r, o, a) for r, o, a in questions],
        "is_unsure": [lambda r=r: answers.is_unsure(r) for r in replies],
        "read_command": [lambda r=r: answers.read_command(r, commands) for r in replies],
        "normalize": [lambda r=r: answers.normalize(r) for r in replies],
    }

    import pythainlp
    import rapidfuzz

    print("## bot.answers benchmark\n")
    print(f"- machine: {machine()}")
    versions = f"pythainlp {pythainlp.__version__}, rapidfuzz {rapidfuzz.__version__}"
    print(f"- Python {platform.python_version()}, {versions}")
    print(f"- replies: {len(questions)} question replies, {len(replies)} replies in all, single thread\n")
    print("| function | readings/s | mean us/reading |")
    print("|---|---:|---:|")
    for name, calls in benchmarks.items():
        per_second, micros = _rate(calls)
        print(f"| {name} | {per_second:,.0f} | {micros:.1f} |")

    bare, imported, used = _rss("bare"), _rss("import"), _rss("used")
    print("\n| process | RSS MB | vs bare interpreter |")
    print("|---|---:|---:|")
    print(f"| bare interpreter | {bare['after']:.1f} | |")
    print(
        f"| after `import bot.answers` ({imported['import_s'] * 1000:.0f} ms) | {imported['after']:.1f} "
        f"| +{imported['after'] - bare['after']:.1f} |"
    )
    print(f"| after the first readings | {used['after']:.1f} | +{used['after'] - bare['after']:.1f} |")


if __name__ == "__main__":
    main()
