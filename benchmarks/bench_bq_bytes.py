"""Estimated BigQuery bytes per run of the current code, from the partitioned layout
(an estimate, not a bill).

    .venv/bin/python benchmarks/bench_bq_bytes.py --warehouse /tmp/h/data/warehouse.duckdb \\
        --day 2026-09-15

No BigQuery figure can be measured here (the emulator's engine is not BigQuery's),
so this computes what each query or read of a run touches: which partitions (the
tables are day-partitioned, ``ouchhungry_dp/warehouse_ddl/``) and which columns,
times BigQuery's documented logical size of each type (pricing docs, "Data size
calculation": INT64, FLOAT64, DATE, DATETIME, TIMESTAMP 8 bytes; BOOL 1; STRING 2 +
its UTF-8 bytes; NULL 0). Average value sizes and row counts come from one seeded
day of the local warehouse (``seed_history.py``; seed it at the volume to estimate:
nothing is scaled), every day of a range taken as large.

Two sources of operations:

* the engine statements (``ouchhungry_dp.products.engine``) are not listed by hand:
  the steps' own entry points (``decide_in_engine``, ``build_monthly_in_engine``,
  ``reconcile_in_engine``, ``insights_metrics_in_engine``, the month's identifiers)
  are run on empty copies of the tables with a runner that records every statement
  they issue. Each recorded statement is parsed with sqlglot, its columns qualified
  with the warehouse schema: the bytes are the columns it names of each table (the
  filter columns included, as BigQuery counts them) over the days between its
  ``@start`` and ``@end`` (the partition filters, held by
  ``test_every_partitioned_table_is_read_within_its_partitions``);
* the IO manager's loads, partition writes, the source extract and the readers'
  ``read_range``/``customer_identifiers`` are read off the code (``IO`` below, one
  line each, saying where).

Billing kinds differ: ``query`` (on-demand, per TiB scanned), ``storage read``
(Storage Read API, per TiB read); they are not added together.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import sqlglot
from sqlglot import exp
from sqlglot.optimizer.qualify import qualify
from sqlglot.optimizer.scope import traverse_scope

from ouchhungry_dp.lib.warehouse import customer_identifiers
from ouchhungry_dp.lib.warehouse.bigquery_tables import DDL_DIR
from ouchhungry_dp.partners.contract import PartnerContract, load_contracts
from ouchhungry_dp.products.engine import statements
from ouchhungry_dp.products.engine.insights import insights_metrics_in_engine
from ouchhungry_dp.products.engine.month_inputs import fingerprint_in_engine
from ouchhungry_dp.products.engine.monthly import (
    build_monthly_in_engine,
    decide_in_engine,
    reconcile_in_engine,
)
from ouchhungry_dp.products.engine.query import EngineQuery
from ouchhungry_dp.products.selection import CATALOGUE_ATTRIBUTES

FIXED = {"INT64": 8, "FLOAT64": 8, "DATE": 8, "DATETIME": 8, "TIMESTAMP": 8, "BOOL": 1}
# Tables created from a frame (no DDL): BigQuery types from the DuckDB column types.
DUCKDB_TO_BQ = {"VARCHAR": "STRING", "BIGINT": "INT64", "INTEGER": "INT64", "DOUBLE": "FLOAT64",
                "DATE": "DATE", "TIMESTAMP": "DATETIME", "TIMESTAMP_NS": "DATETIME",
                "BOOLEAN": "BOOL"}
MONTH_DAYS = 30
IDENTIFIERS = customer_identifiers.TABLE
MIB = 1024 * 1024
PARTITION = {"cleaned_transactions": "sale_date", "cleaned_customers": "snapshot_date",
             "cleaned_products": "snapshot_date", "raw_transactions": "partition_date",
             "raw_customers": "partition_date", "raw_products": "partition_date"}
DAILY, DECISION, MONTHLY, INSIGHTS = "daily", "decision (month)", "monthly", "insights"


@dataclass(frozen=True)
class Operation:
    run: str
    what: str  # the code that issues it
    table: str
    days: int  # day partitions touched
    columns: tuple[str, ...] | None  # None: every column
    kind: str  # query / storage read


def _io(contract: PartnerContract) -> list[Operation]:
    """Reads and writes that are not engine statements, read off the code."""
    product = contract.daily_asset
    writes = [(step, t) for step, t in (
        ("raw_*", "raw_transactions"), ("raw_*", "raw_customers"), ("raw_*", "raw_products"),
        ("clean_transactions", "cleaned_transactions"),
        ("clean_transactions", "transactions_quarantine"),
        ("clean_customers", "cleaned_customers"), ("clean_products", "cleaned_products"),
        ("daily product", product))]
    loads = [("clean_transactions", "raw_transactions"), ("clean_transactions", "raw_customers"),
             ("clean_transactions", "raw_products"), ("clean_customers", "raw_customers"),
             ("clean_products", "raw_products"), ("daily product", "cleaned_transactions"),
             ("daily product", "cleaned_products"), ("daily product", "cleaned_customers")]
    return [
        Operation(DAILY, "raw_transactions: source extract (replica, day)", "raw_transactions",
                  1, None, "query"),
        # A write: a free load into staging, a DELETE of the partition (metadata-only
        # when whole partitions go: 0), then INSERT ... SELECT over the staged day.
        *[Operation(DAILY, f"{step}: partition write (INSERT from staging)", t, 1, None,
                    "query") for step, t in writes],
        *[Operation(DAILY, f"{step}: IO manager input", t, 1, None, "storage read")
          for step, t in loads],
        # lib/warehouse/customer_identifiers.py: the write of cleaned_customers MERGEs the
        # day's names and e-mails into the table (both sides of the MERGE are billed) ...
        Operation(DAILY, "clean_customers: customer_identifiers MERGE (the day)",
                  "cleaned_customers", 1, ("full_name", "email", "snapshot_date"), "query"),
        Operation(DAILY, "clean_customers: customer_identifiers MERGE (the table)",
                  IDENTIFIERS, 1, ("value", "first_seen"), "query"),
        # ... and cleaning_assets._catalogue_identifiers reads it, in clean_products and
        # clean_transactions (the whole table: unpartitioned, first_seen < the day).
        *[Operation(DAILY, f"{step}: customer_identifiers (first_seen < day)", IDENTIFIERS,
                    1, ("value", "first_seen"), "query")
          for step in ("clean_products", "clean_transactions")],
        Operation(DAILY, "daily product: read_range products_quarantine (day)",
                  "products_quarantine", 1, None, "storage read"),
        Operation(INSIGHTS, "insights: trend_catalogue read_range (month)", "cleaned_products",
                  MONTH_DAYS, (*CATALOGUE_ATTRIBUTES, "updated_at", "snapshot_date"),
                  "storage read"),
    ]


Runner = Callable[[EngineQuery], pd.DataFrame]


def record_statements(conn: duckdb.DuckDBPyConnection, contract: PartnerContract,
                      month_first: dt.date) -> list[tuple[str, EngineQuery]]:
    """Every statement the decision, monthly and insights steps issue for the month
    starting ``month_first``, in order, run on ``conn`` (empty tables: the same
    statements run, only the rows are missing)."""
    month_last = (pd.Timestamp(month_first) + pd.offsets.MonthEnd(0)).date()
    month = month_first.strftime("%Y-%m")
    previous_last = month_first - dt.timedelta(days=1)
    previous_first = previous_last.replace(day=1)
    issued: list[tuple[str, EngineQuery]] = []

    def runner(run: str) -> Runner:
        def run_query(query: EngineQuery) -> pd.DataFrame:
            issued.append((run, query))
            return conn.execute(query.for_duckdb("marts"), query.duckdb_params()).df()
        return run_query

    # decision.py: the month's decision from the previous month (once a month).
    decision = decide_in_engine(runner(DECISION), contract, previous_first, previous_last)
    # product_assets._monthly_asset: the month's inputs fingerprint first, then the file.
    monthly_run = runner(MONTHLY)
    fingerprint_in_engine(monthly_run, month_first, month_last)
    monthly = build_monthly_in_engine(monthly_run, decision, contract, first=month_first,
                                      last=month_last, month=month)
    monthly_run(statements.month_customer_identifiers(month_first, month_last))
    reconcile_in_engine(monthly_run, monthly, contract.daily_asset, first=month_first,
                        last=month_last, min_customers=contract)
    # insights_asset.insights_asset.
    insights_run = runner(INSIGHTS)
    insights_run(statements.month_customer_identifiers(month_first, month_last))
    insights_metrics_in_engine(
        insights_run, contract, month=month, first=month_first, last=month_last,
        products=pd.DataFrame(columns=list(CATALOGUE_ATTRIBUTES), dtype="string"),
        monthly_products=monthly, published={}, known_identifiers=[])
    # ... and the fingerprint again, compared with the monthly step's.
    fingerprint_in_engine(insights_run, month_first, month_last)
    return issued


def _range_days(query: EngineQuery) -> int | None:
    params = {name: value for name, _, value in query.params}
    if "start" not in params or "end" not in params:
        return None
    return (params["end"] - params["start"]).days


def scanned_columns(query: EngineQuery, schema: dict[str, dict[str, str]]
                    ) -> dict[str, set[str]]:
    """Columns of each warehouse table the statement names, after sqlglot qualifies
    every column with the table it comes from (``SELECT *`` expanded)."""
    tree = sqlglot.parse_one(query.for_bigquery("project", "dataset"), read="bigquery")
    bq_schema = {"project": {"dataset": {t: {c: "STRING" for c in cols}
                                         for t, cols in schema.items()}}}
    tree = qualify(tree, schema=bq_schema, dialect="bigquery", validate_qualify_columns=False)
    used: dict[str, set[str]] = {}
    for scope in traverse_scope(tree):
        for alias, (_node, source) in scope.selected_sources.items():
            if not (isinstance(source, exp.Table) and source.db == "dataset"):
                continue
            names = {c.name for c in scope.columns if c.table == alias}
            used.setdefault(source.name, set()).update(names)
    return used


def statement_operations(recorded: list[tuple[str, EngineQuery]],
                         schema: dict[str, dict[str, str]]) -> list[Operation]:
    out = []
    for run, query in recorded:
        days = _range_days(query)
        for table, columns in sorted(scanned_columns(query, schema).items()):
            if days is None:
                raise ValueError(f"{query.purpose} reads {table} without @start/@end: "
                                 "every partition")
            out.append(Operation(run, f"{query.purpose} (SQL)", table, days,
                                 tuple(sorted(columns)), "query"))
    return out


def ddl_types(table: str) -> dict[str, str] | None:
    path = DDL_DIR / f"{table}.sql"
    if not path.is_file():
        return None
    return dict(re.findall(r"^\s+(\w+) (STRING|INT64|FLOAT64|DATE|DATETIME|TIMESTAMP|BOOL),?$",
                           path.read_text(), flags=re.M))


def column_bytes(conn: duckdb.DuckDBPyConnection, table: str, partition: str,
                 day: str) -> tuple[dict[str, float], int]:
    """Average BigQuery logical bytes per row of each column on ``day``; and its row count
    (none for a table the seeded day did not write, e.g. no quarantined product)."""
    if not conn.execute("SELECT count(*) FROM information_schema.tables WHERE "
                        "table_schema = 'marts' AND table_name = ?", [table]).fetchone()[0]:
        return {}, 0
    described = conn.execute(f"DESCRIBE marts.{table}").fetchall()
    types = ddl_types(table) or {name: DUCKDB_TO_BQ.get(kind.split("(")[0], "STRING")
                                 for name, kind, *_ in described}
    parts = []
    for name, _kind, *_ in described:
        bq = types.get(name, "STRING")
        size = f"2 + strlen(CAST({name} AS VARCHAR))" if bq == "STRING" else str(FIXED[bq])
        parts.append(f"coalesce(avg(CASE WHEN {name} IS NULL THEN 0 ELSE {size} END), 0)")
    values = conn.execute(f"SELECT count(*), {', '.join(parts)} FROM marts.{table} "
                          f"WHERE CAST({partition} AS DATE) = DATE '{day}'").fetchone()
    assert values is not None
    return {name: float(v) for (name, *_), v in zip(described, values[1:], strict=True)}, \
        int(values[0])


def _value_bytes(column: str) -> str:
    return f"CASE WHEN {column} IS NULL THEN 0 ELSE 2 + strlen(CAST({column} AS VARCHAR)) END"


def identifiers_bytes(conn: duckdb.DuckDBPyConnection, end: str
                      ) -> tuple[dict[str, float], int]:
    """Average bytes per row of the ``customer_identifiers`` table as it stands when the
    snapshots before ``end`` are in it (the seed has none: built from the snapshots, as
    the table's first creation does); and its rows."""
    values = conn.execute(
        f"SELECT count(*), coalesce(avg({_value_bytes('value')}), 0) FROM ("
        "SELECT DISTINCT value FROM (SELECT full_name AS value FROM marts.cleaned_customers "
        f"WHERE snapshot_date < DATE '{end}' UNION ALL SELECT email FROM "
        f"marts.cleaned_customers WHERE snapshot_date < DATE '{end}') WHERE value IS NOT NULL)"
    ).fetchone()
    assert values is not None
    return {"value": float(values[1]), "first_seen": float(FIXED["DATE"])}, int(values[0])


def identifiers_growth(conn: duckdb.DuckDBPyConnection, first: dt.date,
                       days: list[int]) -> list[tuple[int, float, float]]:
    """(days of history, MiB of the old scan of every snapshot, MiB of the table's read)
    for a run after ``days`` seeded days from ``first``."""
    out = []
    for n in days:
        end = (first + dt.timedelta(days=n)).isoformat()
        old = conn.execute(
            f"SELECT coalesce(sum({_value_bytes('full_name')} + {_value_bytes('email')} + "
            f"{FIXED['DATE']}), 0) FROM marts.cleaned_customers "
            f"WHERE snapshot_date < DATE '{end}'").fetchone()
        per_row, rows = identifiers_bytes(conn, end)
        assert old is not None
        out.append((n, float(old[0]) / MIB, sum(per_row.values()) * rows / MIB))
    return out


def _empty_copy(conn: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """The warehouse's tables, without rows, in memory (the statements' schema)."""
    empty = duckdb.connect()
    empty.execute("CREATE SCHEMA marts")
    for (table,) in conn.execute("SELECT table_name FROM information_schema.tables "
                                 "WHERE table_schema = 'marts'").fetchall():
        columns = ", ".join(f'"{name}" {kind}' for name, kind, *_ in
                            conn.execute(f"DESCRIBE marts.{table}").fetchall())
        empty.execute(f"CREATE TABLE marts.{table} ({columns})")
    return empty


def estimate(warehouse: Path, day: str, contract: PartnerContract
             ) -> tuple[list[dict[str, object]], int]:
    """Bytes of every operation of a day's, a month's decision's, the monthly file's and
    the insights' run; and the day's raw order items."""
    month_first = dt.date.fromisoformat(day).replace(day=1)
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        empty = _empty_copy(conn)
        schema = {t: {name: kind for name, kind, *_ in empty.execute(
            f"DESCRIBE marts.{t}").fetchall()} for (t,) in empty.execute(
            "SELECT table_name FROM information_schema.tables").fetchall()}
        recorded = record_statements(empty, contract, month_first)
        order = [DAILY, DECISION, MONTHLY, INSIGHTS]
        operations = sorted([*_io(contract), *statement_operations(recorded, schema)],
                            key=lambda op: order.index(op.run))
        partition = {**PARTITION, contract.daily_asset: "sale_date"}
        sizes = {t: column_bytes(conn, t, partition.get(t, "partition_date"), day)
                 for t in {op.table for op in operations} - {IDENTIFIERS}}
        # At the day's run: every snapshot before it (the seeded days before ``day``).
        sizes[IDENTIFIERS] = identifiers_bytes(conn, day)
    out = []
    for op in operations:
        per_row, day_rows = sizes[op.table]
        columns = op.columns or tuple(per_row)
        width = sum(per_row.get(c, 0.0) for c in columns)
        out.append({"run": op.run, "what": op.what, "table": op.table, "days": op.days,
                    "columns": "all" if op.columns is None else len(columns),
                    "kind": op.kind, "bytes": width * day_rows * op.days})
    return out, sizes["raw_transactions"][1]


def print_estimate(result: list[dict[str, object]], rows: int) -> None:
    print(f"estimated BigQuery bytes per run, every day like the sample ({rows:,} raw order "
          f"items; {MONTH_DAYS}-day month; logical sizes, not a bill)")
    print("| run | operation | table | day partitions | columns | kind | MiB |")
    print("|---|---|---|---|---|---|---|")
    for r in result:
        print(f"| {r['run']} | {r['what']} | {r['table']} | {r['days']} | {r['columns']} | "
              f"{r['kind']} | {float(r['bytes']) / MIB:,.1f} |")  # type: ignore[arg-type]
    print("\n| run | query (MiB) | storage read (MiB) |")
    print("|---|---|---|")
    for run in dict.fromkeys(str(r["run"]) for r in result):
        total = {kind: sum(float(r["bytes"]) for r in result  # type: ignore[arg-type]
                           if r["run"] == run and r["kind"] == kind)
                 for kind in ("query", "storage read")}
        print(f"| {run} | {total['query'] / MIB:,.1f} | {total['storage read'] / MIB:,.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, required=True,
                        help="a DuckDB warehouse seeded by seed_history.py")
    parser.add_argument("--day", required=True, help="a seeded day to take value sizes from")
    parser.add_argument("--partner", default="ouchhungry", help="the contract whose runs to count")
    parser.add_argument("--history", type=int, nargs="+", default=[1, 7, 30],
                        help="days of seeded customer history to compare the check's read at")
    args = parser.parse_args()
    contract = next(c for c in load_contracts() if c.id == args.partner)
    result, rows = estimate(args.warehouse, args.day, contract)
    print_estimate(result, rows)
    print_identifiers_growth(args.warehouse, args.history)


def print_identifiers_growth(warehouse: Path, history: list[int]) -> None:
    """The catalogue check's read against the days of customer history behind the run."""
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        first = conn.execute("SELECT CAST(min(snapshot_date) AS DATE) FROM "
                             "marts.cleaned_customers").fetchone()[0]
        growth = identifiers_growth(conn, first, history)
    print("\n| days of customer history | old scan of every snapshot (MiB) | "
          "customer_identifiers read (MiB) |")
    print("|---|---|---|")
    for n, old, new in growth:
        print(f"| {n} | {old:,.1f} | {new:,.2f} |")


if __name__ == "__main__":
    main()
