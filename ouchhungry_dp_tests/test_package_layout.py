"""The house rule the layout rests on: only the Dagster wiring imports Dagster.

Domain code (cleaning, privacy, products, delivery, alerts, monitoring, the deck, …)
stays plain Python so it is testable without an instance and reusable outside Dagster;
``ouchhungry_dp/defs/`` wires it, and ``ouchhungry_dp/definitions.py`` is the code
location's entry point.
"""

from __future__ import annotations

import ast
from pathlib import Path

from ouchhungry_dp.settings import REPO_ROOT

PACKAGE = REPO_ROOT / "ouchhungry_dp"
WIRING = (PACKAGE / "defs", PACKAGE / "lib", PACKAGE / "definitions.py")


def dagster_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                 else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level
                 else [])
        found += [f"{path.relative_to(REPO_ROOT)}:{node.lineno} {name}" for name in names
                  if name.split(".")[0] == "dagster" or name.startswith("dagster_")]
    return found


def test_only_the_wiring_imports_dagster() -> None:
    outside = [p for p in PACKAGE.rglob("*.py")
               if not any(p == w or w in p.parents for w in WIRING)]
    assert len(outside) > 50  # the domain packages were found
    assert [hit for p in sorted(outside) for hit in dagster_imports(p)] == []
    assert dagster_imports(PACKAGE / "definitions.py")  # the check sees an import
