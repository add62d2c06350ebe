"""Resources of the cost monitor: where the GCP data comes from, and its settings."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg

from ouchhungry_dp.monitoring.costs.config import CostConfig, load_cost_config
from ouchhungry_dp.monitoring.costs.labels import bigquery_job_labels
from ouchhungry_dp.monitoring.costs.source import (
    BigQueryCostSource,
    CostSource,
    DuckDBCostSource,
    SourceTables,
)

DEFAULT_SIMULATED_PATH = ".sandbox/gcp_account.duckdb"


class GcpCostSourceResource(dg.ConfigurableResource):
    """``simulated``: the local DuckDB account (built on first use, deterministic);
    ``bigquery``: INFORMATION_SCHEMA, billing export and GCS inventory through
    ``dagster_gcp.BigQueryResource`` (application default credentials)."""

    mode: str = "simulated"
    simulated_path: str = DEFAULT_SIMULATED_PATH
    project: str = ""
    region: str = "us"
    billing_table: str = ""  # project.dataset.gcp_billing_export_v1_XXXXXX
    gcs_inventory_table: str = ""  # Storage Insights inventory loaded into BigQuery
    maximum_bytes_billed: int = 50 * 2**30

    @contextmanager
    def source(
        self, run_id: str | None = None, partition: str | None = None
    ) -> Iterator[CostSource]:
        if self.mode == "simulated":
            path = Path(self.simulated_path)
            if not path.exists():
                from ouchhungry_dp.sandbox.gcp_account import build_simulated_account

                build_simulated_account(path)
            yield DuckDBCostSource(path)
            return
        from dagster_gcp import BigQueryResource

        tables = SourceTables.for_bigquery(
            project=self.project, region=self.region, billing_table=self.billing_table,
            gcs_inventory_table=self.gcs_inventory_table,
        )
        labels = bigquery_job_labels(
            asset="platform_cost_monitoring", partition=partition, run_id=run_id
        )
        with BigQueryResource(project=self.project, location=self.region).get_client() as client:
            yield BigQueryCostSource(
                client, tables, maximum_bytes_billed=self.maximum_bytes_billed, labels=labels
            )


class CostMonitoringResource(dg.ConfigurableResource):
    """Prices, settings and where the HTML report goes; a few settings can be overridden."""

    prices_path: str | None = None
    settings_path: str | None = None
    report_dir: str = ".sandbox/reports"
    monthly_budget_usd: float | None = None
    anomaly_sigma: float | None = None

    def config(self) -> CostConfig:
        overrides = {
            k: v
            for k, v in (
                ("monthly_budget_usd", self.monthly_budget_usd),
                ("anomaly_sigma", self.anomaly_sigma),
            )
            if v is not None
        }
        return load_cost_config(self.prices_path, self.settings_path, **overrides)
