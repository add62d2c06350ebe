"""The warehouse reader returns whole days, first and last of a range included."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
import sqlglot
from sqlglot import exp

from ouchhungry_dp.errors import ConfigurationError
from ouchhungry_dp.lib.warehouse.readers import DuckDBWarehouseReader, row_counts_query


def _warehouse(tmp_path: Path) -> DuckDBWarehouseReader:
    database = tmp_path / "w.duckdb"
    days = pd.date_range("2026-09-30", "2026-11-01", freq="D")
    frame = pd.DataFrame({"sale_date": days.repeat(2), "customer_id": "C", "city": "X"})
    with duckdb.connect(str(database)) as conn:
        conn.execute("CREATE SCHEMA marts")
        conn.register("frame_view", frame)
        conn.execute("CREATE TABLE marts.cleaned_transactions AS SELECT * FROM frame_view")
    return DuckDBWarehouseReader(database=str(database))


def test_range_includes_both_ends_and_projects_columns(tmp_path: Path) -> None:
    reader = _warehouse(tmp_path)
    october = reader.read_range("cleaned_transactions", "sale_date", dt.date(2026, 10, 1),
                                dt.date(2026, 10, 31), columns=["sale_date", "customer_id"])
    days = sorted(pd.to_datetime(october["sale_date"]).dt.date.unique())
    assert days[0] == dt.date(2026, 10, 1) and days[-1] == dt.date(2026, 10, 31)
    assert len(days) == 31 and len(october) == 62
    assert list(october.columns) == ["sale_date", "customer_id"]


def test_row_counts_per_day_and_a_missing_table_is_empty(tmp_path: Path) -> None:
    reader = _warehouse(tmp_path)
    counts = reader.row_counts("cleaned_transactions", "sale_date", dt.date(2026, 10, 30),
                               dt.date(2026, 11, 1))
    assert counts == {dt.date(2026, 10, 30): 2, dt.date(2026, 10, 31): 2,
                      dt.date(2026, 11, 1): 2}
    assert reader.read_range("no_such_table", "sale_date", dt.date(2026, 10, 1),
                             dt.date(2026, 10, 2)).empty


def test_reader_waits_for_another_process_holding_the_file(tmp_path: Path) -> None:
    reader = _warehouse(tmp_path)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True);"
         " time.sleep(1.5)", reader.database],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        counts = reader.row_counts("cleaned_transactions", "sale_date", dt.date(2026, 10, 1),
                                   dt.date(2026, 10, 1))
    finally:
        holder.wait(timeout=30)
    assert counts == {dt.date(2026, 10, 1): 2}


def test_customer_identifiers_are_the_distinct_names_and_emails_before_the_day(
        tmp_path: Path) -> None:
    database = tmp_path / "c.duckdb"
    frame = pd.DataFrame({
        "snapshot_date": pd.to_datetime(["2026-09-01", "2026-09-02", "2026-09-03"]),
        "customer_id": ["A", "A", "B"], "full_name": ["Ana Lima", "Ana Lima", "Bia Reis"],
        "email": ["ana@x.com.br", None, "bia@x.com.br"], "cpf": ["1", "1", "2"]})
    with duckdb.connect(str(database)) as conn:
        conn.execute("CREATE SCHEMA marts")
        conn.register("frame_view", frame)
        conn.execute("CREATE TABLE marts.cleaned_customers AS SELECT * FROM frame_view")
    reader = DuckDBWarehouseReader(database=str(database))
    found = reader.customer_identifiers(before=dt.date(2026, 9, 3))
    assert sorted(found) == ["Ana Lima", "ana@x.com.br"]  # distinct, no CPF, not day 3
    assert DuckDBWarehouseReader(database=str(tmp_path / "none.duckdb")).customer_identifiers(
        before=dt.date(2026, 9, 3)) == []


def test_row_counts_is_one_statement_whose_duckdb_rendering_counts_every_day(
        tmp_path: Path) -> None:
    """The volume check's counts: the BigQuery-dialect statement rendered for DuckDB,
    against pandas' count of the same rows (times of day, a day with no rows, both ends
    of the range and one day past it); the emulator runs the BigQuery rendering
    (``prod/test_engine_sql.py``)."""
    rng = np.random.default_rng(7)
    stamps = pd.Timestamp("2026-10-01") + pd.to_timedelta(
        rng.integers(0, 9 * 24 * 3600, size=500), unit="s")
    stamps = stamps[stamps.normalize() != pd.Timestamp("2026-10-04")]
    frame = pd.DataFrame({"sale_date": stamps, "partition_date": stamps.normalize().date})
    database = tmp_path / "counts.duckdb"
    with duckdb.connect(str(database)) as conn:
        conn.execute("CREATE SCHEMA marts")
        conn.register("frame_view", frame)
        conn.execute("CREATE TABLE marts.raw_transactions AS SELECT * FROM frame_view")
    reader = DuckDBWarehouseReader(database=str(database))
    first, last = dt.date(2026, 10, 2), dt.date(2026, 10, 8)
    end = pd.Timestamp(last) + pd.Timedelta(days=1)
    inside = stamps[(stamps >= pd.Timestamp(first)) & (stamps < end)]
    expected = {d.date(): int(n) for d, n in inside.normalize().value_counts().items()}
    assert dt.date(2026, 10, 4) not in expected and len(expected) == 6
    for column in ("sale_date", "partition_date"):  # a timestamp and a DATE column
        assert reader.row_counts("raw_transactions", column, first, last) == expected, column
    query = row_counts_query("raw_transactions", "sale_date", first, last)
    bigquery = sqlglot.parse_one(query.for_bigquery("p", "d"), read="bigquery")
    where = bigquery.find(exp.Where)
    assert {c.name for c in where.find_all(exp.Column)} == {"sale_date"}
    assert {p.name for p in where.find_all(exp.Parameter)} == {"start", "end"}
    assert dict((n, v) for n, _, v in query.params) == {"start": first,
                                                      "end": last + dt.timedelta(days=1)}


def test_row_counts_refuses_a_name_that_is_not_a_plain_identifier() -> None:
    with pytest.raises(ConfigurationError, match="not a plain name"):
        row_counts_query("raw_transactions; DROP TABLE x", "sale_date", dt.date(2026, 10, 1),
                         dt.date(2026, 10, 2))


def test_engine_statements_run_under_a_memory_limit(tmp_path: Path) -> None:
    # Without a limit DuckDB may take 80 % of the machine: the monthly insights over
    # 30 x 1M rows reached 6.8 GB (docs/benchmarks.md). The limit makes it spill instead.
    reader = _warehouse(tmp_path)
    setting = reader._query("cleaned_transactions",
                            "SELECT current_setting('memory_limit') AS m", [])["m"].iloc[0]
    number, unit = setting.split()
    scale = {"KiB": 2**10, "MiB": 2**20, "GiB": 2**30}[unit]
    assert float(number) * scale <= 2**30
