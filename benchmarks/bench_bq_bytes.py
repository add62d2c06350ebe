"""Estimated BigQuery bytes per run, from the partitioned layout (an estimate, not a bill).

    .venv/bin/python benchmarks/bench_bq_bytes.py --warehouse /tmp/h/data/warehouse.duckdb \\
        --day 2026-09-15

No BigQuery figure can be measured here (the emulator's engine is not BigQuery's),
so this computes what each query or read of a run touches: which partitions
(the tables are day-partitioned, ``ouchhungry_dp/warehouse_ddl/``) and which columns,
times BigQuery's documented logical size of each type (pricing docs, "Data size
calculation": INT64, FLOAT64, DATE, DATETIME, TIMESTAMP 8 bytes; BOOL 1; STRING 2 +
its UTF-8 bytes; NULL 0). Average value sizes come from one seeded day of the local
warehouse (``seed_history.py`` writes the same columns; seed it at the volume to
estimate: nothing is scaled); the run's operations are read off the code (``PROFILES`` below, one
line each, with where in the code). Billing kinds differ: ``query`` (on-demand, per
TiB scanned), ``storage read`` (Storage Read API, per TiB read), ``load`` (free).
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ouchhungry_dp.lib.warehouse.bigquery_tables import DDL_DIR
from ouchhungry_dp.products.selection import CATALOGUE_ATTRIBUTES, TRANSACTION_COLUMNS

FIXED = {"INT64": 8, "FLOAT64": 8, "DATE": 8, "DATETIME": 8, "TIMESTAMP": 8, "BOOL": 1}
# Tables created from a frame (no DDL): BigQuery types from the DuckDB column types.
DUCKDB_TO_BQ = {"VARCHAR": "STRING", "BIGINT": "INT64", "INTEGER": "INT64", "DOUBLE": "FLOAT64",
                "DATE": "DATE", "TIMESTAMP": "DATETIME", "TIMESTAMP_NS": "DATETIME",
                "BOOLEAN": "BOOL"}
MONTH_DAYS = 30
INSIGHTS_MONTHS = 6  # the insights read the month and the 5 before it
MIB = 1024 * 1024


@dataclass(frozen=True)
class Operation:
    run: str
    what: str  # the code that issues it
    table: str
    days: int  # day partitions touched
    columns: tuple[str, ...] | None  # None: every column
    kind: str  # query / storage read / load


def _ops(run: str, rows: list[tuple[str, str, int, tuple[str, ...] | None, str]]
         ) -> list[Operation]:
    return [Operation(run, *row) for row in rows]


PRODUCT = "ouchhungry_sales_daily"
CUSTOMER_IDS = ("customer_id", "full_name", "email")
# Writes: a load into a staging table (free), then INSERT ... SELECT from it (a query
# over the staged day) after a DELETE of the partition (metadata-only when it removes
# whole partitions: counted as 0).
DAILY = _ops("daily", [
    ("raw asset: source extract (replica, day)", "raw_transactions", 1, None, "query"),
    *[(f"{step}: partition write (INSERT from staging)", t, 1, None, "query")
      for step, t in (("raw", "raw_transactions"), ("raw", "raw_customers"),
                      ("raw", "raw_products"), ("clean", "cleaned_transactions"),
                      ("clean", "transactions_quarantine"), ("clean", "cleaned_customers"),
                      ("clean", "cleaned_products"), ("product", PRODUCT))],
    *[(f"{step}: IO manager input", t, 1, None, "storage read")
      for step, t in (("clean_transactions", "raw_transactions"),
                      ("clean_transactions", "raw_customers"),
                      ("clean_transactions", "raw_products"),
                      ("clean_customers", "raw_customers"), ("clean_products", "raw_products"),
                      ("product", "cleaned_transactions"), ("product", "cleaned_products"),
                      ("product", "cleaned_customers"))],
])
INSIGHTS = _ops("monthly + insights", [
    ("insights: read_range 6 months", "cleaned_transactions", INSIGHTS_MONTHS * MONTH_DAYS,
     None, "storage read"),
    ("insights: trend_catalogue", "cleaned_products", INSIGHTS_MONTHS * MONTH_DAYS,
     (*CATALOGUE_ATTRIBUTES, "updated_at", "snapshot_date"), "storage read"),
])


def _identifiers(kind: str) -> list[Operation]:
    """identifiers_of_month, once for the monthly file's PII scan and once for the report's."""
    return _ops("monthly + insights", [
        (f"{step}: identifiers_of_month", "cleaned_customers", MONTH_DAYS, CUSTOMER_IDS, kind)
        for step in ("monthly", "insights")])
# s3-engine (4b6ef1a), products/engine/statements.py: the columns each statement names.
ITEM_COLUMNS = ("order_id", "customer_id", "state", "city", "quantity", "total_amount",
                "product_code", "sale_date")
CATALOGUE_COLUMNS = ("product_code", "brand", "manufacturer", "segment", "snapshot_date",
                     "updated_at")
DAILY_FILE_COLUMNS = ("state", "city", "brand", "customer_id", "order_id", "quantity",
                      "total_amount", "sale_date")


def _statement(run: str, name: str) -> list[Operation]:
    return _ops(run, [(f"{name} (SQL in the engine)", "cleaned_transactions", MONTH_DAYS,
                       ITEM_COLUMNS, "query"),
                      (f"{name}: catalogue", "cleaned_products", MONTH_DAYS, CATALOGUE_COLUMNS,
                       "query")])


PROFILES: dict[str, list[Operation]] = {
    # main at ce7fb66, read off the code.
    "main": [
        *DAILY,
        *_ops("decision (month)", [
            ("compute_decision: previous month", "cleaned_transactions", MONTH_DAYS,
             TRANSACTION_COLUMNS, "storage read"),
            ("compute_decision: catalogue", "cleaned_products", MONTH_DAYS, None,
             "storage read"),
        ]),
        *_ops("monthly + insights", [
            ("monthly: IO manager input", "cleaned_transactions", MONTH_DAYS, None,
             "storage read"),
            ("monthly: IO manager input", "cleaned_products", MONTH_DAYS, None, "storage read"),
            ("monthly: daily files input", PRODUCT, MONTH_DAYS, None, "storage read"),
        ]),
        *_identifiers("storage read"),
        *INSIGHTS,
    ],
    "s3-engine": [
        *DAILY,
        *_statement("decision (month)", "decision_basis"),
        *_statement("monthly + insights", "monthly_cells"),
        *_statement("monthly + insights", "segment_market"),
        *_ops("monthly + insights", [
            ("partner_catalogue_brands (SQL)", "cleaned_products", MONTH_DAYS,
             CATALOGUE_COLUMNS, "query"),
            ("daily_reconciliation (SQL)", PRODUCT, MONTH_DAYS, DAILY_FILE_COLUMNS, "query"),
        ]),
        *_identifiers("query"),  # month_customer_identifiers (SELECT DISTINCT)
        *INSIGHTS,
    ],
}


def ddl_types(table: str) -> dict[str, str] | None:
    path = DDL_DIR / f"{table}.sql"
    if not path.is_file():
        return None
    return dict(re.findall(r"^\s+(\w+) (STRING|INT64|FLOAT64|DATE|DATETIME|TIMESTAMP|BOOL),?$",
                           path.read_text(), flags=re.M))


def column_bytes(conn: duckdb.DuckDBPyConnection, table: str, partition: str,
                 day: str) -> tuple[dict[str, float], int]:
    """Average BigQuery logical bytes per row of each column on ``day``; and its row count."""
    described = conn.execute(f"DESCRIBE marts.{table}").fetchall()
    types = ddl_types(table) or {name: DUCKDB_TO_BQ.get(kind.split("(")[0], "STRING")
                                 for name, kind, *_ in described}
    where = f"CAST({partition} AS DATE) = DATE '{day}'"
    parts = []
    for name, _kind, *_ in described:
        bq = types.get(name, "STRING")
        size = f"2 + strlen(CAST({name} AS VARCHAR))" if bq == "STRING" else str(FIXED[bq])
        parts.append(f"coalesce(avg(CASE WHEN {name} IS NULL THEN 0 ELSE {size} END), 0)")
    values = conn.execute(f"SELECT count(*), {', '.join(parts)} FROM marts.{table} "
                          f"WHERE {where}").fetchone()
    assert values is not None
    return {name: float(v) for (name, *_), v in zip(described, values[1:], strict=True)}, \
        int(values[0])


PARTITION = {"cleaned_transactions": "sale_date", "cleaned_customers": "snapshot_date",
             "cleaned_products": "snapshot_date", PRODUCT: "sale_date"}


def estimate(warehouse: Path, day: str, profile: str) -> tuple[list[dict[str, object]], int]:
    """Bytes of every operation, each day of a range as large as ``day`` (rows and value
    sizes of the seeded day, not scaled: the customers and products a day references do
    not grow linearly with its order items); and the day's raw order items."""
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        tables = {op.table for op in PROFILES[profile]}
        sizes = {t: column_bytes(conn, t, PARTITION.get(t, "partition_date"), day)
                 for t in tables}
    out = []
    for op in PROFILES[profile]:
        per_row, day_rows = sizes[op.table]
        columns = op.columns or tuple(per_row)
        width = sum(per_row[c] for c in columns)
        out.append({"run": op.run, "what": op.what, "table": op.table, "days": op.days,
                    "columns": "all" if op.columns is None else len(columns),
                    "kind": op.kind, "bytes": width * day_rows * op.days})
    return out, sizes["raw_transactions"][1]


def print_estimate(result: list[dict[str, object]], rows: int) -> None:
    print(f"estimated BigQuery bytes per run, every day like the sample ({rows:,} raw order items) "
          f"({MONTH_DAYS}-day month; logical sizes, not a bill)")
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
    parser.add_argument("--profile", action="append", choices=list(PROFILES),
                        help="the code whose operations to count (default: every one)")
    args = parser.parse_args()
    for profile in args.profile or list(PROFILES):
        result, rows = estimate(args.warehouse, args.day, profile)
        print(f"\n## {profile}")
        print_estimate(result, rows)


if __name__ == "__main__":
    main()
