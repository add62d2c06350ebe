"""The source system the raw assets extract from.

Local: the deterministic simulator (no account anywhere). Prod: the
marketplace's replicated tables in BigQuery. Both return raw text frames with
the columns of ``ouchhungry_dp.tables``.
"""

from __future__ import annotations

import datetime as dt
import re
from abc import abstractmethod
from typing import Literal

import dagster as dg
import pandas as pd
from pydantic import PrivateAttr

from ouchhungry_dp import tables
from ouchhungry_dp.errors import ConfigurationError, ExtractionError

SourceTable = Literal["transactions", "customers", "products"]
RAW_COLUMNS: dict[str, tuple[str, ...]] = {
    "transactions": tables.RAW_TRANSACTIONS,
    "customers": tables.RAW_CUSTOMERS,
    "products": tables.RAW_PRODUCTS,
}


class SourceSystem(dg.ConfigurableResource):
    @abstractmethod
    def extract(self, table: SourceTable, day: dt.date) -> pd.DataFrame: ...

    def confirms_no_sales(self, day: dt.date) -> bool:
        """Whether the source states that ``day`` had (almost) no sales (the marketplace
        was closed). An empty or near-empty extract blocks delivery unless it does
        (docs/data-quality.md, "Volume"). Fails closed: a source that cannot say, says no."""
        return False


class SimulatedSourceSystem(SourceSystem):
    """Deterministic simulated marketplace; volume and defect rate are configurable."""

    seed: int = 42
    rows_per_day: int = 2000
    n_customers: int = 20_000
    defect_rate: float = 0.05
    # Days the simulated marketplace was closed (ISO dates): no orders, and confirmed.
    closed_days: list[str] = []  # noqa: RUF012 (pydantic copies field defaults)

    def confirms_no_sales(self, day: dt.date) -> bool:
        return day.isoformat() in self.closed_days

    def extract(self, table: SourceTable, day: dt.date) -> pd.DataFrame:
        from ouchhungry_dp import simulation

        if table == "transactions" and day.isoformat() in self.closed_days:
            # The simulated marketplace was closed that day: no order at all.
            return pd.DataFrame({c: pd.Series(dtype="string[pyarrow]") for c in RAW_COLUMNS[table]})
        config = simulation.SimulationConfig(
            seed=self.seed,
            rows_per_day=self.rows_per_day,
            n_customers=self.n_customers,
            defect_rate=self.defect_rate,
        )
        simulate = {
            "transactions": simulation.simulate_transactions,
            "customers": simulation.simulate_customers,
            "products": simulation.simulate_products,
        }[table]
        return simulate(day, config).frame


class BigQuerySourceSystem(SourceSystem):
    """Reads one day of the marketplace's replicated source tables in BigQuery."""

    project: str
    dataset: str
    location: str = "southamerica-east1"
    # `dataset.table` of the marketplace's operations calendar: one row (DATE column
    # `day`) per day it was closed. Empty: no day is ever confirmed closed.
    closed_days_table: str = ""
    _client: object = PrivateAttr(default=None)

    def confirms_no_sales(self, day: dt.date) -> bool:
        if not self.closed_days_table:
            return False
        if not re.fullmatch(r"[A-Za-z0-9_]+\.[A-Za-z0-9_]+", self.closed_days_table):
            raise ConfigurationError(
                f"closed_days_table {self.closed_days_table!r} is not `dataset.table`",
                hint="Name the operations calendar table as dataset.table (letters, digits, _).",
            )
        from google.cloud import bigquery

        if self._client is None:
            self._client = bigquery.Client(project=self.project, location=self.location)
        sql = (f"SELECT COUNT(*) AS n FROM `{self.project}.{self.closed_days_table}` "
               "WHERE day = @day")
        job_config = bigquery.QueryJobConfig(
            query_parameters=[bigquery.ScalarQueryParameter("day", "DATE", day)])
        rows = self._client.query(sql, job_config=job_config).result()  # type: ignore[attr-defined]
        return any(row["n"] > 0 for row in rows)

    def extract(self, table: SourceTable, day: dt.date) -> pd.DataFrame:
        from google.cloud import bigquery

        if self._client is None:
            self._client = bigquery.Client(project=self.project, location=self.location)
        columns = ", ".join(f"CAST({c} AS STRING) AS {c}" for c in RAW_COLUMNS[table])
        # Transactions are extracted by the day of the order (Sao Paulo time);
        # customers and products are full snapshots of the dimension tables.
        # Assumes the replica types ordered_at as TIMESTAMP. If it is text in mixed
        # formats (as the simulator models), SAFE_CAST gives NULL and such rows would
        # never be extracted, unseen by the conservation check: then extract by the
        # replica's ingestion partition instead and let the cleaning judge the dates.
        where = (
            "WHERE DATE(SAFE_CAST(ordered_at AS TIMESTAMP), 'America/Sao_Paulo') = @day"
            if table == "transactions"
            else ""
        )
        sql = f"SELECT {columns} FROM `{self.project}.{self.dataset}.{table}` {where}"
        job_config = bigquery.QueryJobConfig(
            query_parameters=[bigquery.ScalarQueryParameter("day", "DATE", day)],
            labels={"component": "ouchhungry_dp", "asset": f"raw_{table}"},
        )
        from google.api_core import exceptions as gexc

        try:
            frame = self._client.query(sql, job_config=job_config).to_dataframe()  # type: ignore[attr-defined]
        except (gexc.BadRequest, gexc.NotFound, gexc.Forbidden) as exc:
            # A dropped column, a missing table or a lost grant will not heal on retry.
            raise ExtractionError(
                f"extraction of source table {table} was refused",
                partition=day.isoformat(),
                detail=f"{type(exc).__name__}: {exc}",
                hint="Check the source schema (columns in ouchhungry_dp/tables.py), that the "
                "table is replicated and that the service account can read it.",
                transient=False,
            ) from exc
        except Exception as exc:
            raise ExtractionError(
                f"extraction of source table {table}",
                partition=day.isoformat(),
                detail=f"{type(exc).__name__}: {exc}",
                hint="BigQuery was unreachable or failed; the step retries with backoff.",
                transient=True,
            ) from exc
        return frame.astype("string[pyarrow]")
