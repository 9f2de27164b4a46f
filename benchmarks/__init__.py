"""Benchmarks, run by hand (never timed tests): webhook throughput, fan-out, reading typed answers.

`python -m benchmarks.webhook`, `python -m benchmarks.fanout`, `python -m benchmarks.answers`; figures are
kept in docs/. They build the bot through `bot.services.Services` like the commands do, and talk to
`devkit.standin` instead of LINE. They may import `bot`, `scheduler` and `devkit`; nothing imports them.
"""

from __future__ import annotations

import os
import platform


def machine() -> str:
    """The machine a benchmark ran on, for its report: cores, CPU model, Python, system."""
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as info:
            model = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        model = platform.processor() or model
    return f"{os.cpu_count()} cores (nproc), {model}, Python {platform.python_version()}, {platform.system()}"
