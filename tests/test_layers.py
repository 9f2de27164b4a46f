"""The shape of the code (issue 19): layers that only point down, no import cycles, one writer of a
learner's phase, and no test double inside the production package.

The layer and forbidden-import rules are import-linter contracts in pyproject.toml ([tool.importlinter]);
this test runs them, so breaking a layer fails the suite with import-linter's explanation of the chain.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "scheduler", "devkit")


def test_the_import_contracts_are_kept() -> None:
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_no_module_imports_another_that_imports_it_back() -> None:
    graph = grimp.build_graph(*PACKAGES, exclude_type_checking_imports=True)
    cycles = []
    for module in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            back = graph.find_shortest_chain(importer=imported, imported=module)
            if back is not None:
                cycles.append(" -> ".join((module, *back)))
    assert cycles == []


def _phase_writes(path: Path) -> list[int]:
    """Lines of `path` that assign to an attribute named `phase` (`x.phase = ...`, `x.phase += ...`)."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        lines += [t.lineno for t in targets if isinstance(t, ast.Attribute) and t.attr == "phase"]
    return lines


def test_only_the_state_machine_writes_a_learners_phase() -> None:
    writers = {
        str(path.relative_to(ROOT)): lines
        for package in ("bot", "scheduler")
        for path in sorted((ROOT / package).rglob("*.py"))
        if (lines := _phase_writes(path))
    }
    assert list(writers) == ["bot/flow/machine.py"], writers


def test_the_line_stand_in_lives_outside_the_production_package() -> None:
    assert not (ROOT / "bot" / "standin.py").exists()
    assert (ROOT / "devkit" / "standin.py").exists()
