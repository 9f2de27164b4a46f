"""mypy passes on bot/ and scheduler/ with the project's configuration ([tool.mypy] in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_mypy_passes_on_bot_and_scheduler() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "bot", "scheduler"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, f"mypy found problems:\n{result.stdout}{result.stderr}"
