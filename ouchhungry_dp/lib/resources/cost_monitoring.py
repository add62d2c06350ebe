"""Resources of the cost monitor: where the GCP data comes from, and its settings."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

import dagster as dg
import pandas as pd

from ouchhungry_dp.monitoring.costs.cost_settings import CostConfig, load_cost_config
from ouchhungry_dp.monitoring.costs.labels import bigquery_job_labels
from ouchhungry_dp.monitoring.costs.source import (
    BigQueryCostSource,
    CostSource,
    SourceTables,
)
from ouchhungry_dp.monitoring.scaling.slots import jobs_timeline_sql


class GcpCostSourceResource(dg.ConfigurableResource):
    """Where the cost monitor reads GCP's facts (jobs, storage, billing, slot usage).

    Chosen per environment in ``lib/resources/by_environment.py``: the BigQuery tables
    below in prod, the simulated account (``simulated_cost_source.py``) locally."""

    def source(self, run_id: str | None = None,
               partition: str | None = None) -> AbstractContextManager[CostSource]:
        raise NotImplementedError

    def slot_usage(self, weeks: int, run_id: str | None = None) -> tuple[pd.DataFrame, str]:
        """Hourly slot demand of the last ``weeks`` and a label saying where it came from."""
        raise NotImplementedError


class BigQueryCostSourceResource(GcpCostSourceResource):
    """INFORMATION_SCHEMA, billing export and GCS inventory through
    ``dagster_gcp.BigQueryResource`` (application default credentials)."""

    project: str
    region: str = "us"
    billing_table: str = ""  # project.dataset.gcp_billing_export_v1_XXXXXX
    gcs_inventory_table: str = ""  # Storage Insights inventory loaded into BigQuery
    maximum_bytes_billed: int = 50 * 2**30

    @contextmanager
    def source(
        self, run_id: str | None = None, partition: str | None = None
    ) -> Iterator[CostSource]:
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

    def slot_usage(self, weeks: int, run_id: str | None = None) -> tuple[pd.DataFrame, str]:
        from dagster_gcp import BigQueryResource
        from google.cloud import bigquery

        config = bigquery.QueryJobConfig(
            labels=bigquery_job_labels(asset="platform_scaling_recommendation", run_id=run_id),
            maximum_bytes_billed=self.maximum_bytes_billed)
        sql = jobs_timeline_sql(self.project, self.region, weeks)
        with BigQueryResource(project=self.project, location=self.region).get_client() as client:
            usage = client.query(sql, job_config=config).result().to_dataframe()
        return usage, (f"INFORMATION_SCHEMA.JOBS_TIMELINE_BY_PROJECT, region-{self.region}, "
                       f"last {weeks} weeks ({len(usage)} hours)")


class CostMonitoringResource(dg.ConfigurableResource):
    """Prices and settings; a few settings can be overridden. (The HTML report goes
    through the ``outbound_files`` store: a local folder, or GCS in production.)"""

    prices_path: str | None = None
    settings_path: str | None = None
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
