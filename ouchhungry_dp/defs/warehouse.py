"""Warehouse access beyond the IO manager: ranges of history and partition counts.

The IO manager loads exactly the partitions an asset declares. The privacy
decision needs the previous month, and the volume check needs recent row
counts, so these read the same tables directly. Local: the DuckDB file the IO
manager writes. Prod: the BigQuery dataset the IO manager writes.
"""

from __future__ import annotations

import datetime as dt
from abc import abstractmethod
from collections.abc import Sequence

import dagster as dg
import duckdb
import pandas as pd
from pydantic import PrivateAttr
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential


@retry(retry=retry_if_exception_type(duckdb.IOException), reraise=True,
       stop=stop_after_attempt(10), wait=wait_exponential(multiplier=0.1, max=5))
def _connect(database: str) -> duckdb.DuckDBPyConnection:
    # The file takes one writer at a time across processes; another run's step may
    # hold it for a moment (the IO manager retries the same way).
    return duckdb.connect(database)


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


class DuckDBWarehouseReader(WarehouseReader):
    database: str
    schema_: str = "marts"

    def _query(self, table: str, sql: str, params: list[object]) -> pd.DataFrame:
        with _connect(self.database) as conn:
            exists = conn.execute(
                "SELECT count(*) FROM information_schema.tables "
                "WHERE table_schema = ? AND table_name = ?",
                [self.schema_, table],
            ).fetchone()
            if not exists or exists[0] == 0:
                return pd.DataFrame()
            return conn.execute(sql, params).df()

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
        sql = (
            f"SELECT CAST({column} AS DATE) AS day, count(*) AS n FROM {self.schema_}.{table} "
            f"WHERE {column} >= ? AND {column} < ? + INTERVAL 1 DAY GROUP BY 1"
        )
        frame = self._query(table, sql, [start, end])
        if frame.empty:
            return {}
        days = (pd.Timestamp(d).date() for d in frame["day"])
        return {d: int(n) for d, n in zip(days, frame["n"], strict=True)}


class BigQueryWarehouseReader(WarehouseReader):
    project: str
    dataset: str
    location: str = "southamerica-east1"
    _client: object = PrivateAttr(default=None)

    def _run(self, sql: str, params: list[tuple[str, str, object]]) -> pd.DataFrame:
        from google.api_core.exceptions import NotFound
        from google.cloud import bigquery

        if self._client is None:
            self._client = bigquery.Client(project=self.project, location=self.location)
        config = bigquery.QueryJobConfig(
            query_parameters=[bigquery.ScalarQueryParameter(n, t, v) for n, t, v in params],
            labels={"component": "ouchhungry_dp", "purpose": "history_read"},
        )
        try:
            return self._client.query(sql, job_config=config).to_dataframe()  # type: ignore[attr-defined]
        except NotFound:
            return pd.DataFrame()

    def read_range(self, table: str, column: str, start: dt.date, end: dt.date,
                   columns: Sequence[str] | None = None) -> pd.DataFrame:
        # The BigQuery pandas IO manager upper-cases column names on write.
        upper = [c.upper() for c in columns] if columns else None
        sql = (
            f"SELECT {_projection(upper)} FROM `{self.project}.{self.dataset}.{table}` "
            f"WHERE DATE({column.upper()}) BETWEEN @start AND @end"
        )
        frame = self._run(sql, [("start", "DATE", start), ("end", "DATE", end)])
        frame.columns = [c.lower() for c in frame.columns]
        return frame

    def row_counts(
        self, table: str, column: str, start: dt.date, end: dt.date
    ) -> dict[dt.date, int]:
        sql = (
            f"SELECT DATE({column.upper()}) AS day, COUNT(*) AS n "
            f"FROM `{self.project}.{self.dataset}.{table}` "
            f"WHERE DATE({column.upper()}) BETWEEN @start AND @end GROUP BY 1"
        )
        frame = self._run(sql, [("start", "DATE", start), ("end", "DATE", end)])
        return {d: int(n) for d, n in zip(frame.get("day", []), frame.get("n", []), strict=True)}
