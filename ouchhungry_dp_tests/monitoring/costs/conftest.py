"""Shared fixtures: one simulated GCP account per test session (about 2 s to build)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ouchhungry_dp.monitoring.costs.cost_settings import CostConfig, load_cost_config
from ouchhungry_dp.monitoring.costs.source import DuckDBCostSource
from ouchhungry_dp.sandbox.company_cloud.gcp_account import build_simulated_account


@pytest.fixture(scope="session")
def account_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_simulated_account(tmp_path_factory.mktemp("gcp") / "account.duckdb")


@pytest.fixture(scope="session")
def source(account_path: Path) -> DuckDBCostSource:
    return DuckDBCostSource(account_path)


@pytest.fixture(scope="session")
def config() -> CostConfig:
    return load_cost_config()
