"""A real outbound folder and a gate key in the environment (records are signed with a
key derived from PSEUDONYMIZATION_KEY, read at each use)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ouchhungry_dp.lib.resources.outbound_store import LocalFileStore

GATE_TEST_KEY = "a" * 40


@pytest.fixture(autouse=True)
def gate_key_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PSEUDONYMIZATION_KEY", GATE_TEST_KEY)


@pytest.fixture
def store(tmp_path: Path) -> LocalFileStore:
    return LocalFileStore(root=str(tmp_path / "outbound"))
