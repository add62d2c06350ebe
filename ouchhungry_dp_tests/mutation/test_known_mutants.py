"""Mutation guard: every known mutant (``mutants.ALL``) must be killed.

Each mutant is applied to a scratch copy of the package and tests (the worktree is
never edited) and only its named tests run, in a subprocess; "killed" means pytest
exits 1 (a test failed), not 2-5 (collection or usage error, which would prove
nothing). Two mutants run at a time. The whole pass (``make mutation``) is too slow
for every commit; this replays what it found.

``make test`` replays the fast mutants (a few seconds each, mostly interpreter and
import start-up); the ones marked ``slow`` (real Dagster runs, bcrypt keys, SMTP
relays with retries) run with ``make mutation-guard-full`` (marker ``mutation_full``,
left out by default in ``setup.cfg``).

Start-up is most of a fast mutant's cost, so each of the two workers keeps one scratch
copy for all its mutants, with byte-code caching on: a mutant recompiles only the file
it changed (its cached byte code is deleted whenever the file is rewritten, so a
mutant never runs another's code), and the file is restored before the next mutant.
"""

from __future__ import annotations

import importlib.util
import os
import queue
import shutil
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ouchhungry_dp_tests.mutation.mutant_types import Mutant
from ouchhungry_dp_tests.mutation.mutants import ALL

ROOT = Path(__file__).resolve().parents[2]
PYTEST_FAILED = 1
WORKERS = 2
FAST = [m for m in ALL if not m.slow]
SLOW = [m for m in ALL if m.slow]


def _write(target: Path, text: str) -> None:
    target.write_text(text)
    # Byte code is validated by the source's mtime (seconds) and size: a rewrite within
    # the same second and of the same size would otherwise run the stale byte code.
    Path(importlib.util.cache_from_source(str(target))).unlink(missing_ok=True)


def _outcome(mutant: Mutant, work: Path) -> tuple[Mutant, int, str]:
    target = work / mutant.path
    source = target.read_text()
    spellings = ((mutant.original, mutant.mutated), *mutant.alternatives)
    found = [(old, new) for old, new in spellings if source.count(old) == 1]
    if not found:
        return mutant, -1, "the original text does not occur exactly once"
    _write(target, source.replace(*found[0]))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    try:
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
             *mutant.tests],
            # The privacy small months, built once per code for this guard run
            # (privacy/cached_build.py): shared by both workers' copies, gone with tmp_path.
            cwd=work, env={**env, "PYTHONPATH": str(work),
                           "OUCHHUNGRY_TEST_CACHE_DIR": str(work.parent / "built-fixtures")},
            capture_output=True, text=True, timeout=240,
        )
    finally:
        _write(target, source)
    return mutant, result.returncode, result.stdout[-1500:]


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[queue.Queue[Path]]:
    """One scratch copy per worker, handed to one mutant at a time."""
    free: queue.Queue[Path] = queue.Queue()
    for i in range(WORKERS):
        work = tmp_path / f"w{i}"
        for name in ("ouchhungry_dp", "ouchhungry_dp_tests"):
            shutil.copytree(ROOT / name, work / name,
                            ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copy(ROOT / "setup.cfg", work / "setup.cfg")
        free.put(work)
    yield free


def _survivors(mutants: list[Mutant], free: queue.Queue[Path]) -> list[str]:
    def run(mutant: Mutant) -> tuple[Mutant, int, str]:
        work = free.get()
        try:
            return _outcome(mutant, work)
        finally:
            free.put(work)

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        outcomes = list(pool.map(run, mutants))
    return [f"{m.name} (pytest exit {code}): {tail}"
            for m, code, tail in outcomes if code != PYTEST_FAILED]


def test_mutant_texts_are_distinct_and_name_existing_tests() -> None:
    assert len({m.name for m in ALL}) == len(ALL)
    for mutant in ALL:
        assert (ROOT / mutant.path).is_file(), mutant.name
        for test in mutant.tests:
            assert (ROOT / test.split("::")[0]).is_file(), test


def test_a_restored_file_runs_its_own_code_again(scratch: queue.Queue[Path]) -> None:
    """The reused copy is safe: a mutant and the restore after it, both rewriting one file
    within the same second at the same size, are each compiled afresh."""
    work = scratch.get()
    probe = work / "ouchhungry_dp_tests" / "mutation" / "probe_module.py"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    answers = []
    for text in ("VALUE = 'aa'\n", "VALUE = 'bb'\n", "VALUE = 'aa'\n"):
        _write(probe, text)
        answers.append(subprocess.run(
            [sys.executable, "-c", "from ouchhungry_dp_tests.mutation.probe_module import "
             "VALUE; print(VALUE)"],
            cwd=work, env={**env, "PYTHONPATH": str(work)}, capture_output=True, text=True,
            check=True).stdout.strip())
    assert answers == ["aa", "bb", "aa"]


@pytest.mark.timeout(600)
def test_the_suite_kills_every_fast_known_mutant(scratch: queue.Queue[Path]) -> None:
    survivors = _survivors(FAST, scratch)
    assert not survivors, "\n\n".join(survivors)


@pytest.mark.mutation_full
@pytest.mark.timeout(900)
def test_the_suite_kills_every_slow_known_mutant(scratch: queue.Queue[Path]) -> None:
    assert SLOW, "no slow mutant left: drop this test and the make target"
    survivors = _survivors(SLOW, scratch)
    assert not survivors, "\n\n".join(survivors)
