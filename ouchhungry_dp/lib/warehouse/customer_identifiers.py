"""Every customer name and e-mail with the first day it was cleaned: the catalogue's PII
check without reading the customers' history on each run.

The catalogue check (``cleaning_assets._catalogue_identifiers``) needs every distinct
``full_name`` and ``email`` of the customers snapshotted before the run's first day.
Reading them off every earlier ``cleaned_customers`` partition grew with the days of
history (320 MiB a call at a year in BigQuery, twice a day). ``customer_identifiers``
keeps one row per distinct value and ``first_seen``, the earliest snapshot holding it:

* **kept in the write of ``cleaned_customers``**: the IO managers merge the written
  days into it on the same connection (DuckDB, one writer at a time) or in the same
  transaction as the partition replacement (BigQuery), so no reader sees a day's
  customers without its identifiers. The MERGE keeps the earlier day: writing a day
  again changes nothing, and a backfill in any order ends with the earliest day.
* **created from the history there is** the first time it is needed (a warehouse
  that had ``cleaned_customers`` before this table): one ``CREATE ... AS SELECT``,
  atomic, so it never exists half-filled.
* **read** with ``first_seen < before``: the values of the snapshots before
  ``before``, as the full scan returned them. A value that a re-materialized day no
  longer holds keeps that day (the scan would have dropped it): the check can only
  be stricter, never let a name through that a scan of the table as written would
  have caught.

The table holds personal data: the same dataset and labels as ``cleaned_customers``,
never read outside the warehouse except as the check's automaton in a step's memory.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from ouchhungry_dp.errors import ConfigurationError
from ouchhungry_dp.lib.warehouse.bigquery_clients import BigQueryClients, date_param
from ouchhungry_dp.lib.warehouse.bigquery_tables import WarehouseTables, ddl_for, window_filter
from ouchhungry_dp.products.engine.query import EngineQuery

TABLE = "customer_identifiers"
SOURCE = "cleaned_customers"
# A filter on the partition column that keeps every partition: cleaned_customers requires
# one (require_partition_filter), and the first build reads all of its history, once.
_ALL_DAYS = "snapshot_date >= DATE '1900-01-01'"


def _first_seen(where: str) -> str:
    """Each distinct name and e-mail of the snapshots ``where`` selects, and its first day."""
    return (
        "SELECT value, MIN(first_seen) AS first_seen FROM ("
        f"SELECT full_name AS value, CAST(snapshot_date AS DATE) AS first_seen FROM {SOURCE} "
        f"WHERE {where} UNION ALL "
        f"SELECT email AS value, CAST(snapshot_date AS DATE) AS first_seen FROM {SOURCE} "
        f"WHERE {where}) WHERE value IS NOT NULL GROUP BY value")


def merge_query(start: dt.date, end: dt.date) -> EngineQuery:
    """Merges the snapshots of the days ``[start, end)`` into the table, keeping the
    earlier ``first_seen`` of a value already there (idempotent, order-independent).
    Literal dates (``window_filter``): the BigQuery emulator binds no parameters in the
    scripts the partition writes run in."""
    days = _first_seen(window_filter("snapshot_date", start, end))
    sql = (f"MERGE {TABLE} AS t USING ({days}) AS s "
           "ON t.value = s.value "
           "WHEN MATCHED AND s.first_seen < t.first_seen THEN UPDATE SET first_seen = s.first_seen "
           "WHEN NOT MATCHED THEN INSERT (value, first_seen) VALUES (s.value, s.first_seen)")
    return EngineQuery("customer_identifiers_merge", sql, (TABLE, SOURCE))


def read_query(before: dt.date) -> EngineQuery:
    # DISTINCT although MERGE keeps values unique: a copy made by hand must not double.
    return EngineQuery("customer_identifiers", f"SELECT DISTINCT value FROM {TABLE} "
                       "WHERE first_seen < @before", (TABLE,), (date_param("before", before),))


def scan_query(before: dt.date) -> EngineQuery:
    """The values straight from the snapshots before ``before`` (the check when the table
    answers nothing: free when there is no such snapshot, the partitions are pruned)."""
    return EngineQuery("customer_identifiers_check",
                       f"SELECT value FROM ({_first_seen('snapshot_date < @before')}) LIMIT 1",
                       (SOURCE,), (date_param("before", before),))


def _values(frame: pd.DataFrame) -> list[str]:
    return [] if frame.empty else frame["value"].astype(str).tolist()


def _refuse_if_history(found: bool, where: str) -> None:
    if found:
        raise ConfigurationError(
            f"{where}: {TABLE} holds no customer identifier but {SOURCE} has snapshots "
            "before the day",
            hint=f"Drop {TABLE}; the next run of the cleaning rebuilds it from {SOURCE} "
            "(the catalogue's personal-data check would otherwise let customer names through).")


# DuckDB (local): the IO manager's connection or the reader's.

def _duckdb_has(conn: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    found = conn.execute("SELECT count(*) FROM information_schema.tables "
                         "WHERE table_schema = ? AND table_name = ?", [schema, table]).fetchone()
    return bool(found and found[0])


def ensure_duckdb(conn: duckdb.DuckDBPyConnection, schema: str) -> None:
    """Creates the table from every snapshot when missing (needs ``cleaned_customers``)."""
    if _duckdb_has(conn, schema, TABLE):
        return
    build = EngineQuery("customer_identifiers_build",
                        f"CREATE TABLE {TABLE} AS {_first_seen(_ALL_DAYS)}", (TABLE, SOURCE))
    conn.execute(build.for_duckdb(schema))


def merge_duckdb(conn: duckdb.DuckDBPyConnection, schema: str, start: dt.date,
                 end: dt.date) -> None:
    """After a write of ``cleaned_customers``' days ``[start, end)`` on ``conn``."""
    ensure_duckdb(conn, schema)
    conn.execute(merge_query(start, end).for_duckdb(schema))


def read_duckdb(conn: duckdb.DuckDBPyConnection, schema: str, before: dt.date) -> list[str]:
    if not _duckdb_has(conn, schema, SOURCE):
        return []  # nothing cleaned yet
    ensure_duckdb(conn, schema)
    query = read_query(before)
    values = _values(conn.execute(query.for_duckdb(schema), query.duckdb_params()).df())
    if not values:
        check = scan_query(before)
        _refuse_if_history(bool(conn.execute(check.for_duckdb(schema),
                                             check.duckdb_params()).fetchall()), schema)
    return values


# BigQuery (prod).

def _bigquery_has(clients: BigQueryClients, dataset: str, table: str) -> bool:
    return WarehouseTables(clients, dataset).get(table) is not None


def ensure_bigquery(clients: BigQueryClients, dataset: str) -> None:
    """Creates the table (``warehouse_ddl/customer_identifiers.sql``: clustered, filled
    from every snapshot in the same statement) when missing; needs ``cleaned_customers``."""
    if _bigquery_has(clients, dataset, TABLE):
        return
    ddl = ddl_for(TABLE)
    if ddl is None:
        raise ConfigurationError(f"no DDL for {TABLE}", hint="Restore warehouse_ddl/.")
    history = EngineQuery("customer_identifiers_build", _first_seen(_ALL_DAYS), (SOURCE,))
    sql = (ddl.replace("{table}", f"`{clients.project}.{dataset}.{TABLE}`")
           .replace("{history}", history.for_bigquery(clients.project, dataset)))
    clients.run(sql, [], "customer_identifiers_build", TABLE)


def merge_bigquery(clients: BigQueryClients, dataset: str, start: dt.date,
                   end: dt.date) -> str:
    """The MERGE for a write of ``cleaned_customers``' days ``[start, end)``, to run in
    that write's transaction (the table is created first if missing)."""
    ensure_bigquery(clients, dataset)
    return merge_query(start, end).for_bigquery(clients.project, dataset)


def read_bigquery(clients: BigQueryClients, dataset: str, before: dt.date) -> list[str]:
    if not _bigquery_has(clients, dataset, SOURCE):
        return []  # nothing cleaned yet
    ensure_bigquery(clients, dataset)
    query = read_query(before)
    values = _values(clients.query(query.for_bigquery(clients.project, dataset),
                                   list(query.all_params()), query.purpose, "cleaned_products"))
    if not values:
        check = scan_query(before)
        _refuse_if_history(not clients.query(
            check.for_bigquery(clients.project, dataset), list(check.all_params()),
            check.purpose, "cleaned_products").empty, dataset)
    return values
