"""The cost monitor's source locally: the simulated GCP account (a DuckDB file).

Local only. This is the one module of the platform that imports the simulated company
cloud (``ouchhungry_dp.sandbox.company_cloud``), and only the local branch of
``lib/resources/by_environment.py`` imports this module, so a production process never
loads the sandbox (``ouchhungry_dp_tests/test_package_layout.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import ClassVar

import pandas as pd

from ouchhungry_dp.lib.resources.cost_monitoring import GcpCostSourceResource
from ouchhungry_dp.monitoring.costs.source import CostSource, DuckDBCostSource
from ouchhungry_dp.monitoring.scaling.slots import simulate_slot_usage
from ouchhungry_dp.sandbox.company_cloud.gcp_account import ensure_simulated_account
from ouchhungry_dp.settings import data_dir

SIMULATED_ACCOUNT_FILE = "simulated_gcp_account.duckdb"


def default_simulated_path() -> str:
    # Under the data folder, never the working directory: the webserver, the daemon's
    # run workers and the CLI may each start somewhere else.
    return str(data_dir() / SIMULATED_ACCOUNT_FILE)


class SimulatedCostSourceResource(GcpCostSourceResource):
    """The local DuckDB account: built on first use (file lock, atomic rename),
    deterministic, extended to the day asked for."""

    local_only: ClassVar[bool] = True  # refused in prod (by_environment.refuse_local_only_in_prod)
    simulated_path: str = ""  # empty: default_simulated_path()

    @contextmanager
    def source(
        self, run_id: str | None = None, partition: str | None = None
    ) -> Iterator[CostSource]:
        # Extended to the day asked for, so a partition of today has data like the
        # planted days of the catalog.
        until = date.fromisoformat(partition) if partition else None
        yield DuckDBCostSource(
            ensure_simulated_account(self.simulated_path or default_simulated_path(), until))

    def slot_usage(self, weeks: int, run_id: str | None = None) -> tuple[pd.DataFrame, str]:
        usage = simulate_slot_usage(weeks=weeks)
        return usage, ("simulated hourly profile (local; prod reads "
                       "INFORMATION_SCHEMA.JOBS_TIMELINE_BY_PROJECT)")
