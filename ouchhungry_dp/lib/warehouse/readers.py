"""Warehouse access beyond the IO manager: ranges of history and partition counts.

The IO manager loads exactly the partitions an asset declares. The privacy
decision needs the previous month, and the volume check needs recent row
counts, so these read the same tables directly. Local: the DuckDB file the IO
manager writes. Prod: the BigQuery dataset the IO manager writes.
"""

from __future__ import annotations

import datetime as dt
import re
from abc import abstractmethod
from collections.abc import Sequence

import dagster as dg
import duckdb
import pandas as pd
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from ouchhungry_dp.errors import ConfigurationError
from ouchhungry_dp.lib.warehouse import customer_identifiers as identifiers
from ouchhungry_dp.lib.warehouse.bigquery_clients import BigQueryClients
from ouchhungry_dp.lib.warehouse.bigquery_tables import WarehouseTables
from ouchhungry_dp.products.engine.query import EngineQuery, date_range_params

# DuckDB spills hash aggregates, joins and sorts to a temporary folder beside the file.
ENGINE_MEMORY_LIMIT = "1GB"


@retry(retry=retry_if_exception_type(duckdb.IOException), reraise=True,
       stop=stop_after_attempt(10), wait=wait_exponential(multiplier=0.1, max=5))
def _connect(database: str) -> duckdb.DuckDBPyConnection:
    # The file takes one writer at a time across processes; another run's step may
    # hold it for a moment (the IO manager retries the same way). The memory limit
    # keeps a month's aggregates out of core: without it DuckDB may use 80 % of the
    # machine, and the insights' one statement over 30 x 1M rows took the monthly run
    # to 6.8 GB; with it, 1.4 GB (docs/benchmarks.md, "Session 5: merged").
    return duckdb.connect(database, config={"memory_limit": ENGINE_MEMORY_LIMIT})


def _projection(columns: Sequence[str] | None) -> str:
    # Only what the caller needs: a month of history is large in production.
    return ", ".join(columns) if columns else "*"


class WarehouseReader(dg.ConfigurableResource):
    """Reads a date range of a partitioned warehouse table (empty frame if it does not exist)."""

    @abstractmethod
    def read_range(
        self, table: str, column: str, start: dt.date, end: dt.date,
        columns: Sequence[str] | None = None,
    ) -> pd.DataFrame: ...

    @abstractmethod
    def row_counts(
        self, table: str, column: str, start: dt.date, end: dt.date
    ) -> dict[dt.date, int]: ...

    @abstractmethod
    def customer_identifiers(self, before: dt.date) -> list[str]:
        """Every distinct name and e-mail of the cleaned customers snapshotted before
        ``before`` (the catalogue's PII check; the customer base, not the orders), from
        the ``customer_identifiers`` table, built from the snapshots if missing."""

    @abstractmethod
    def aggregate(self, query: EngineQuery, asset: str | None = None) -> pd.DataFrame:
        """Runs an aggregate statement in the warehouse; only its result comes back.
        An empty frame without columns when one of its tables does not exist yet."""


_NAME = re.compile(r"[a-z_][a-z0-9_]*")


def row_counts_query(table: str, column: str, start: dt.date, end: dt.date) -> EngineQuery:
    """Rows per day of ``table`` over the days ``start..end`` (the volume check): one
    BigQuery-dialect statement, rendered for DuckDB by sqlglot as the products' engine
    statements are. The filter names the partition column only, so BigQuery prunes."""
    for what, name in (("table", table), ("column", column)):
        if not _NAME.fullmatch(name):
            raise ConfigurationError(f"row counts: {what} {name!r} is not a plain name",
                                     hint="lower-case letters, digits and underscores")
    sql = (f"SELECT DATE({column}) AS day, COUNT(*) AS n FROM {table} "
           f"WHERE {column} >= @start AND {column} < @end GROUP BY day")
    return EngineQuery("row_counts", sql, (table,), date_range_params(start, end))


def _counts(frame: pd.DataFrame) -> dict[dt.date, int]:
    if frame.empty:
        return {}
    days = (pd.Timestamp(d).date() for d in frame["day"])
    return {d: int(n) for d, n in zip(days, frame["n"], strict=True) if n}


class DuckDBWarehouseReader(WarehouseReader):
    database: str
    schema_: str = "marts"

    def _query(self, tables: str | Sequence[str], sql: str,
               params: list[object] | dict[str, object]) -> pd.DataFrame:
        names = [tables] if isinstance(tables, str) else list(tables)
        with _connect(self.database) as conn:
            found = conn.execute(
                "SELECT count(DISTINCT table_name) FROM information_schema.tables "
                "WHERE table_schema = ? AND list_contains(?, table_name)",
                [self.schema_, names],
            ).fetchone()
            if not found or found[0] < len(set(names)):
                return pd.DataFrame()
            return conn.execute(sql, params).df()

    def customer_identifiers(self, before: dt.date) -> list[str]:
        with _connect(self.database) as conn:
            return identifiers.read_duckdb(conn, self.schema_, before)

    def aggregate(self, query: EngineQuery, asset: str | None = None) -> pd.DataFrame:
        return self._query(query.tables, query.for_duckdb(self.schema_), query.duckdb_params())

    def read_range(self, table: str, column: str, start: dt.date, end: dt.date,
                   columns: Sequence[str] | None = None) -> pd.DataFrame:
        sql = (
            f"SELECT {_projection(columns)} FROM {self.schema_}.{table} "
            f"WHERE {column} >= ? AND {column} < ? + INTERVAL 1 DAY"
        )
        return self._query(table, sql, [start, end])

    def row_counts(
        self, table: str, column: str, start: dt.date, end: dt.date
    ) -> dict[dt.date, int]:
        return _counts(self.aggregate(row_counts_query(table, column, start, end)))


class BigQueryWarehouseReader(WarehouseReader):
    """The dataset the prod IO manager writes: Storage Read API reads, metadata row counts."""

    bigquery: BigQueryClients
    dataset: str

    def read_range(self, table: str, column: str, start: dt.date, end: dt.date,
                   columns: Sequence[str] | None = None) -> pd.DataFrame:
        frame = WarehouseTables(self.bigquery, self.dataset).read(
            table, column, start, end + dt.timedelta(days=1), list(columns) if columns else None)
        return pd.DataFrame() if frame is None else frame

    def customer_identifiers(self, before: dt.date) -> list[str]:
        return identifiers.read_bigquery(self.bigquery, self.dataset, before)

    def aggregate(self, query: EngineQuery, asset: str | None = None) -> pd.DataFrame:
        tables = WarehouseTables(self.bigquery, self.dataset)
        if any(tables.get(t) is None for t in query.tables):
            return pd.DataFrame()
        return self.bigquery.query(query.for_bigquery(self.bigquery.project, self.dataset),
                                   list(query.all_params()), query.purpose, asset)

    def row_counts(
        self, table: str, column: str, start: dt.date, end: dt.date
    ) -> dict[dt.date, int]:
        target = WarehouseTables(self.bigquery, self.dataset).get(table)
        if target is None:
            return {}
        partitioning = target.time_partitioning
        if partitioning and partitioning.field == column and partitioning.type_ == "DAY":
            # Partition metadata: the counts without scanning a byte of the table.
            sql = (
                "SELECT partition_id, total_rows AS n FROM "
                f"`{self.bigquery.project}.{self.dataset}.INFORMATION_SCHEMA.PARTITIONS` "
                "WHERE table_name = @table AND partition_id BETWEEN @first AND @last"
            )
            frame = self.bigquery.query(sql, [
                ("table", "STRING", table), ("first", "STRING", start.strftime("%Y%m%d")),
                ("last", "STRING", end.strftime("%Y%m%d"))], "row_counts", table)
            days = [dt.datetime.strptime(p, "%Y%m%d").date() for p in frame["partition_id"]]
            return {d: int(n) for d, n in zip(days, frame["n"], strict=True) if n}
        # Not day-partitioned on the column (a table created from a frame): the statement.
        return _counts(self.aggregate(row_counts_query(table, column, start, end), table))
