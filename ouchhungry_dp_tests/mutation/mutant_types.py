"""The shape of a known mutant, shared by the mutant lists (``mutants.py`` and the
per-area ``mutants_*.py``), kept apart so that no list imports another."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mutant:
    name: str
    path: str
    original: str
    mutated: str
    tests: tuple[str, ...]
    # Other (original, mutated) spellings of the same breakage, for code being rewritten
    # elsewhere (the outbox moved from files to a table): the one found exactly once is used.
    alternatives: tuple[tuple[str, str], ...] = ()
    # Its tests cost well over the ~1.5 CPU-s of a pytest start-up (they import Dagster,
    # run it, load bcrypt keys or drive an SMTP relay): replayed by
    # `make mutation-guard-full` (.ci/run), not by `make test` (docs/testing.md).
    slow: bool = False


def _t(module: str, *names: str) -> tuple[str, ...]:
    return tuple(f"{module}::{name}" for name in names)
