"""How long `ruthan check` takes: a text check and a screenshot check (Tesseract, Thai + English).

    .venv/bin/python -m benchmarks.check

Texts: the written evaluation messages (tests/data/check_eval/written.yaml), each checked once per round, in
one process with the signs already loaded (as in the running bot). Screenshots: phone-like SMS pictures of
a few of those messages (1080 px wide), drawn with Sarabun, each read and checked end to end. Prints
Markdown. Targets: p95 0.3 s for a text check, 4 s for a screenshot check.
"""

from __future__ import annotations

import sys
import time

from benchmarks import machine
from bot.check import check_image, check_text, ocr_problem
from tests.check_eval_set import written_examples
from tests.check_screens import raqm_problem, sms_screenshot

TEXT_ROUNDS = 20
SCREENSHOTS = 12


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _row(name: str, values: list[float], target: float) -> str:
    p50, p95 = _percentile(values, 0.5), _percentile(values, 0.95)
    verdict = "met" if p95 <= target else "MISSED"
    return (
        f"| {name} | {len(values)} | {p50 * 1000:.1f} ms | {p95 * 1000:.1f} ms | {target:.1f} s ({verdict}) |"
    )


def main() -> int:
    texts = [example.text for example in written_examples()]
    check_text("warm-up: https://kbank-th.co ภายในวันนี้")  # loads the signs, pythainlp and the suffix list
    text_times: list[float] = []
    for _ in range(TEXT_ROUNDS):
        for text in texts:
            started = time.perf_counter()
            check_text(text)
            text_times.append(time.perf_counter() - started)
    print("## `ruthan check` timings\n")
    print(f"- machine: {machine()}")
    with open("/proc/loadavg") as loadavg:
        print(f"- load average at start (1, 5, 15 min): {' '.join(loadavg.read().split()[:3])}\n")
    print("| check | runs | p50 | p95 | p95 target |")
    print("|---|---:|---:|---:|---|")
    print(_row("text", text_times, 0.3))
    problem = ocr_problem() or raqm_problem()
    if problem:
        print(f"\nScreenshot check skipped: {problem}")
        return 0
    shots = [sms_screenshot(text, sender="SMS") for text in texts[:SCREENSHOTS]]
    check_image(shots[0])  # warm-up: Tesseract's Thai model into the page cache
    image_times: list[float] = []
    for shot in shots:
        started = time.perf_counter()
        check_image(shot)
        image_times.append(time.perf_counter() - started)
    print(_row("screenshot (1080 px, OCR + check)", image_times, 4.0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
