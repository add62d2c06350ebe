"""Fixtures of the Dagster-wiring tests: a platform environment pointed at the loopback
sandbox and a real (temporary, SQLite) Dagster instance in its DAGSTER_HOME."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from ouchhungry_dp.sandbox.stack import SandboxStack
from ouchhungry_dp_tests.conftest import platform_env


@pytest.fixture
def env(sandbox: SandboxStack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    values = platform_env(sandbox, tmp_path)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


@pytest.fixture
def instance(env: dict[str, str]) -> Iterator[dg.DagsterInstance]:
    with dg.instance_for_test(temp_dir=env["DAGSTER_HOME"]) as test_instance:
        yield test_instance
