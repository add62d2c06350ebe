"""Check mutants mutmut cannot switch on (code run only at import) by editing the source.

    .venv/bin/python scripts/mutation_by_hand.py quality \\
        --tests ouchhungry_dp_tests/quality/test_rules_registry_errors.py \\
        --mutants ouchhungry_dp.quality.rules.x_enum_validator__mutmut_1 ...

mutmut activates a mutant per call, so a line that only runs at import (a module
constant, a class body, a closure factory called at import) survives whatever the tests
do. Here each named mutant of an area's last pass (``.mutation/<area>/``) is applied to a
fresh copy of the worktree's package by text replacement (its lines must occur exactly
once), and the given tests run in a new interpreter. Killed: pytest exits 1 (a test
failed) or 2 (the package no longer imports). Prints one line per mutant.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _diff(area: Path, name: str) -> tuple[str, str, str]:
    """(source path, original lines, mutated lines) of one mutant, from ``mutmut show``."""
    mutmut = str(Path(sys.executable).with_name("mutmut"))
    env = {**os.environ, "PYTHONPATH": str(area / "mutants")}
    lines = subprocess.run([mutmut, "show", name], cwd=area, env=env, check=True,
                           capture_output=True, text=True).stdout.splitlines()
    path = next(line[4:] for line in lines if line.startswith("--- "))
    old = "\n".join(x[1:] for x in lines if x.startswith("-") and not x.startswith("---"))
    new = "\n".join(x[1:] for x in lines if x.startswith("+") and not x.startswith("+++"))
    return path, old, new


def check(area: str, name: str, tests: list[str]) -> str:
    path, old, new = _diff(ROOT / ".mutation" / area, name)
    with tempfile.TemporaryDirectory(prefix="mutation-by-hand-") as scratch:
        work = Path(scratch)
        for folder in ("ouchhungry_dp", "ouchhungry_dp_tests"):
            shutil.copytree(ROOT / folder, work / folder,
                            ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copy(ROOT / "setup.cfg", work / "setup.cfg")
        source = (work / path).read_text()
        if source.count(old) != 1:
            return f"{name}: not applied (its lines occur {source.count(old)} times)"
        (work / path).write_text(source.replace(old, new))
        env = {**os.environ, "PYTHONPATH": str(work), "OUCHHUNGRY_ENV": "local",
               "OUCHHUNGRY_TEST_CACHE_DIR": str(ROOT / ".mutation" / area / "built-fixtures")}
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests],
            cwd=work, env=env, capture_output=True, text=True, check=False)
    verdict = {1: "killed (a test failed)", 2: "killed (the package does not import)"}.get(
        result.returncode, f"NOT killed (pytest exit {result.returncode})")
    return f"{name}: {verdict}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("area")
    parser.add_argument("--tests", nargs="+", required=True)
    parser.add_argument("--mutants", nargs="+", required=True)
    args = parser.parse_args(argv)
    # Exit 2 counts as killed only if the same tests collect and pass without a mutant.
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OUCHHUNGRY_ENV": "local"}
    clean = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                            *args.tests], cwd=ROOT, env=env, capture_output=True, check=False)
    if clean.returncode != 0:
        print(f"the tests fail without a mutant (pytest exit {clean.returncode})")
        return 1
    for name in args.mutants:
        print(check(args.area, name, args.tests), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
