"""Where the cost data comes from: BigQuery in prod, a DuckDB file locally.

The SQL under ``sql/`` is written once, in BigQuery's dialect, with ``${table}``
placeholders for the fully qualified source tables. BigQuery runs it as is;
locally sqlglot (a maintained SQL transpiler, rather than a second hand-written
copy of every query) translates it to DuckDB against the simulated account.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

import pandas as pd
import sqlglot

from ouchhungry_dp.errors import ConfigurationError, ExtractionError

from .labels import bigquery_job_labels

SQL_DIR = Path(__file__).parent / "sql"
QUERY_NAMES = ("jobs", "table_storage", "table_last_read", "billing", "gcs_inventory")


@dataclass(frozen=True)
class SourceTables:
    """Fully qualified names of the source tables, in BigQuery syntax."""

    jobs: str
    table_storage: str
    columns: str
    billing: str
    gcs_inventory: str

    @classmethod
    def for_bigquery(
        cls, *, project: str, region: str, billing_table: str, gcs_inventory_table: str
    ) -> SourceTables:
        info = f"`{project}`.`region-{region.lower()}`.INFORMATION_SCHEMA"
        return cls(
            jobs=f"{info}.JOBS",
            table_storage=f"{info}.TABLE_STORAGE",
            columns=f"{info}.COLUMNS",
            billing=f"`{billing_table}`",
            gcs_inventory=f"`{gcs_inventory_table}`",
        )


def render_sql(name: str, tables: SourceTables) -> str:
    """The BigQuery SQL of query ``name`` with the source tables filled in."""
    if name not in QUERY_NAMES:
        raise ConfigurationError(f"cost query {name!r}", hint=f"known queries: {QUERY_NAMES}")
    template = string.Template((SQL_DIR / f"{name}.sql").read_text(encoding="utf-8"))
    return template.substitute(vars(tables))


@functools.lru_cache(maxsize=32)
def to_duckdb(bigquery_sql: str) -> str:
    return sqlglot.transpile(bigquery_sql, read="bigquery", write="duckdb")[0]


class CostSource(Protocol):
    """Runs one of the named cost queries with named parameters."""

    def query(self, name: str, **params: Any) -> pd.DataFrame: ...


class DuckDBCostSource:
    """The simulated GCP account (see ``ouchhungry_dp.sandbox.company_cloud.gcp_account``)."""

    TABLES = SourceTables(
        jobs="gcp_jobs",
        table_storage="gcp_table_storage",
        columns="gcp_columns",
        billing="gcp_billing_export",
        gcs_inventory="gcs_inventory",
    )

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.exists():
            raise ConfigurationError(
                "opening the simulated GCP account",
                detail=f"{self.path} does not exist",
                hint="build it with ouchhungry_dp.sandbox.company_cloud.gcp_account"
                ".build_simulated_account",
            )

    def query(self, name: str, **params: Any) -> pd.DataFrame:
        import duckdb

        sql = to_duckdb(render_sql(name, self.TABLES))
        try:
            with duckdb.connect(str(self.path), read_only=True) as con:
                return con.execute(sql, _duckdb_params(params)).df()
        except duckdb.Error as exc:
            raise ExtractionError(
                f"cost query {name!r} on the simulated account",
                detail=str(exc).splitlines()[0],
                hint="rebuild the simulated account; check the SQL under monitoring/costs/sql",
            ) from exc


def _duckdb_params(params: Mapping[str, Any]) -> dict[str, Any]:
    # DuckDB compares TIMESTAMPTZ columns with aware datetimes exactly like BigQuery.
    return {k: (pd.Timestamp(v).to_pydatetime() if isinstance(v, datetime) else v)
            for k, v in params.items()}


class BigQueryCostSource:
    """Prod: INFORMATION_SCHEMA, billing export and GCS inventory through a BigQuery client.

    ``client`` is a ``google.cloud.bigquery.Client`` (e.g. from
    ``dagster_gcp.BigQueryResource.get_client()``). Every query is labelled and capped
    with ``maximum_bytes_billed``: the monitor obeys the guardrails it recommends.
    """

    def __init__(
        self,
        client: Any,
        tables: SourceTables,
        *,
        maximum_bytes_billed: int = 50 * 2**30,
        labels: Mapping[str, str] | None = None,
    ) -> None:
        self.client = client
        self.tables = tables
        self.maximum_bytes_billed = maximum_bytes_billed
        self.labels = dict(labels or bigquery_job_labels(asset="platform_cost_monitoring"))

    def query(self, name: str, **params: Any) -> pd.DataFrame:
        from google.cloud import bigquery

        config = bigquery.QueryJobConfig(
            query_parameters=[_bq_param(k, v) for k, v in params.items()],
            labels=self.labels,
            maximum_bytes_billed=self.maximum_bytes_billed,
        )
        try:
            job = self.client.query(render_sql(name, self.tables), job_config=config)
            return job.result().to_dataframe()
        except Exception as exc:  # google.api_core errors share no useful base here
            raise ExtractionError(
                f"cost query {name!r} on BigQuery",
                detail=f"{type(exc).__name__}: {str(exc)[:300]}",
                hint="check the service account's roles (bigquery.resourceViewer, "
                "billing export dataset reader) and the region in the settings",
                transient=getattr(exc, "code", None) in (429, 500, 503),
            ) from exc


def _bq_param(name: str, value: Any) -> Any:
    from google.cloud import bigquery

    if isinstance(value, datetime):
        return bigquery.ScalarQueryParameter(name, "TIMESTAMP", value)
    if isinstance(value, date):
        return bigquery.ScalarQueryParameter(name, "DATE", value)
    if isinstance(value, bool):
        return bigquery.ScalarQueryParameter(name, "BOOL", value)
    if isinstance(value, int):
        return bigquery.ScalarQueryParameter(name, "INT64", value)
    if isinstance(value, float):
        return bigquery.ScalarQueryParameter(name, "FLOAT64", value)
    return bigquery.ScalarQueryParameter(name, "STRING", str(value))
