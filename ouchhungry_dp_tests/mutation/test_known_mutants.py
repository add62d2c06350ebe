"""Fast mutation guard for `make test`: every mutant in ``mutants.ALL`` must be killed.

Each mutant is applied to a scratch copy of the package and tests (the worktree is
never edited) and only its named tests run, in a subprocess; "killed" means pytest
exits 1 (a test failed), not 2-5 (collection or usage error, which would prove
nothing). Two mutants run at a time. The whole pass (``make mutation``) is too slow
for every commit; this replays what it found.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ouchhungry_dp_tests.mutation.mutant_types import Mutant
from ouchhungry_dp_tests.mutation.mutants import ALL

ROOT = Path(__file__).resolve().parents[2]
PYTEST_FAILED = 1


def _outcome(mutant: Mutant, scratch: Path) -> tuple[Mutant, int, str]:
    work = scratch / f"m{ALL.index(mutant)}"
    for name in ("ouchhungry_dp", "ouchhungry_dp_tests"):
        shutil.copytree(ROOT / name, work / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "setup.cfg", work / "setup.cfg")
    target = work / mutant.path
    source = target.read_text()
    spellings = ((mutant.original, mutant.mutated), *mutant.alternatives)
    found = [(old, new) for old, new in spellings if source.count(old) == 1]
    if not found:
        return mutant, -1, "the original text does not occur exactly once"
    target.write_text(source.replace(*found[0]))
    env = {**os.environ, "PYTHONPATH": str(work)}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *mutant.tests],
        cwd=work, env=env, capture_output=True, text=True, timeout=240,
    )
    return mutant, result.returncode, result.stdout[-1500:]


def test_mutant_texts_are_distinct_and_name_existing_tests() -> None:
    assert len({m.name for m in ALL}) == len(ALL)
    for mutant in ALL:
        assert (ROOT / mutant.path).is_file(), mutant.name
        for test in mutant.tests:
            assert (ROOT / test.split("::")[0]).is_file(), test


@pytest.mark.timeout(600)
def test_the_suite_kills_every_known_mutant(tmp_path: Path) -> None:
    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(lambda m: _outcome(m, tmp_path), ALL))
    survivors = [
        f"{m.name} (pytest exit {code}): {tail}"
        for m, code, tail in outcomes
        if code != PYTEST_FAILED
    ]
    assert not survivors, "\n\n".join(survivors)
