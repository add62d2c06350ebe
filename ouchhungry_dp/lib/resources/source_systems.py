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

from ouchhungry_dp import tables
from ouchhungry_dp.errors import ConfigurationError, ExtractionError
from ouchhungry_dp.lib.execution.partitions import TIMEZONE
from ouchhungry_dp.lib.warehouse.bigquery_clients import BigQueryClients

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
        from ouchhungry_dp.simulation.extract import day_items, referenced_by_orders

        if day.isoformat() in self.closed_days:
            # The simulated marketplace was closed that day: no order at all, so the
            # customers and products extracts (only what the orders reference) are empty.
            return pd.DataFrame({c: pd.Series(dtype="string[pyarrow]") for c in RAW_COLUMNS[table]})
        config = simulation.SimulationConfig(
            seed=self.seed,
            rows_per_day=self.rows_per_day,
            n_customers=self.n_customers,
            defect_rate=self.defect_rate,
        )
        if table == "transactions":
            return day_items(day, config).frame
        # Only what the day's orders reference, as the production source query does.
        return referenced_by_orders(day, config, table).frame


def source_query(table: SourceTable, project: str, dataset: str) -> str:
    """The extraction SQL (GoogleSQL, parameter ``@day``) of one source table.

    Transactions: the items ordered on the day (America/Sao_Paulo), filtered as a
    timestamp range so a replica partitioned on ``ordered_at`` is pruned to it.
    Customers and products: only those the day's items reference (not a daily
    full copy of every customer's personal data); the referential checks of the
    cleaning compare the items with exactly this extract.
    Assumes the replica types ordered_at as TIMESTAMP (formatted back to ISO 8601
    with the local offset, as the cleaning reads it). If it is text in mixed
    formats, such rows would never be extracted, unseen by the conservation check:
    then extract by the replica's ingestion partition and let the cleaning judge.
    """
    source = f"`{project}.{dataset}"
    day_items = (
        f"SELECT * FROM {source}.transactions` WHERE ordered_at >= "
        f"TIMESTAMP(@day, '{TIMEZONE}') AND ordered_at < "
        f"TIMESTAMP(DATE_ADD(@day, INTERVAL 1 DAY), '{TIMEZONE}')"
    )

    def text(column: str) -> str:
        if column == "ordered_at":
            iso = "'%Y-%m-%dT%H:%M:%S%Ez'"
            return f"FORMAT_TIMESTAMP({iso}, ordered_at, '{TIMEZONE}') AS ordered_at"
        return f"CAST({column} AS STRING) AS {column}"

    columns = ", ".join(text(c) for c in RAW_COLUMNS[table])
    if table == "transactions":
        return f"SELECT {columns} FROM ({day_items})"
    key = {"customers": "customer_id", "products": "product_code"}[table]
    return (f"SELECT {columns} FROM {source}.{table}` WHERE {key} IN "
            f"(SELECT {key} FROM ({day_items}) WHERE {key} IS NOT NULL)")


class BigQuerySourceSystem(SourceSystem):
    """Reads one day of the marketplace's replicated source tables in BigQuery."""

    bigquery: BigQueryClients
    dataset: str
    # `dataset.table` of the marketplace's operations calendar: one row (DATE column
    # `day`) per day it was closed. Empty: no day is ever confirmed closed.
    closed_days_table: str = ""

    def confirms_no_sales(self, day: dt.date) -> bool:
        if not self.closed_days_table:
            return False
        if not re.fullmatch(r"[A-Za-z0-9_]+\.[A-Za-z0-9_]+", self.closed_days_table):
            raise ConfigurationError(
                f"closed_days_table {self.closed_days_table!r} is not `dataset.table`",
                hint="Name the operations calendar table as dataset.table (letters, digits, _).",
            )
        sql = (f"SELECT COUNT(*) AS n FROM `{self.bigquery.project}.{self.closed_days_table}` "
               "WHERE day = @day")
        frame = self.bigquery.query(sql, [("day", "DATE", day)], "closed_day_check",
                                    "raw_transactions")
        return bool(len(frame)) and int(frame["n"].iloc[0]) > 0

    def extract(self, table: SourceTable, day: dt.date) -> pd.DataFrame:
        from google.api_core import exceptions as gexc

        sql = source_query(table, self.bigquery.project, self.dataset)
        try:
            # Rows of one day: a query result, read through the REST API.
            frame = self.bigquery.query(sql, [("day", "DATE", day)], "extract", f"raw_{table}")
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
