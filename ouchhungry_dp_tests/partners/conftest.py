"""The committed schema locks are restored after every partners test.

The lock command writes ``partners/schema_lock/`` when it is not pointed elsewhere. The
tests always point it at a temporary folder, but a broken command (a mutation-testing
mutant that drops ``--lock-dir``, or a real regression) would rewrite the package's
locks, and every later test would then compare the contracts with the wrong snapshot:
the mutation pass of 2026-11-29 saw exactly that (docs/testing.md, "partners").
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ouchhungry_dp.partners.lock import LOCK_DIR


@pytest.fixture(autouse=True)
def committed_locks_kept() -> Iterator[None]:
    before = {path: path.read_bytes() for path in LOCK_DIR.glob("*.json")}
    yield
    for path in set(LOCK_DIR.glob("*.json")) - set(before):
        path.unlink()
    for path, data in before.items():
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
