"""The production-volume benchmarks (issue 12) still run, in their smoke versions.

What fits in seconds: seeding a day of history the way the daily job stores it, the
BigQuery bytes estimate over it, and the backfill's plan of runs. The benchmarks that
launch Dagster runs through the CLI (``bench_history.py``, ``bench_backfill.py`` without
``--plan``) spend 15-40 s per run on this machine in Dagster's start-up alone, so their
smoke versions are documented in docs/benchmarks.md instead of run here. No timings
are asserted.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from ouchhungry_dp import tables

REPO = Path(__file__).resolve().parent.parent


def bench(script: str, *args: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(REPO), "PSEUDONYMIZATION_KEY": "k" * 32}
    result = subprocess.run([sys.executable, str(REPO / "benchmarks" / script), *args],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    data = tmp_path_factory.mktemp("seed") / "data"
    out = bench("seed_history.py", "--data-dir", str(data), "--first", "2026-09-01",
                "--days", "1", "--rows", "300")
    return data, out


def test_seed_history_writes_the_daily_jobs_tables_and_lists_its_partitions(
        seeded: tuple[Path, str]) -> None:
    data, out = seeded
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as conn:
        (rows,) = conn.execute("SELECT count(*) FROM marts.cleaned_transactions").fetchone()
        columns = [r[0] for r in conn.execute("DESCRIBE marts.cleaned_transactions").fetchall()]
        product = conn.execute("SELECT count(*) FROM marts.ouchhungry_sales_daily").fetchone()
    assert columns == list(tables.CLEANED_TRANSACTIONS)
    assert 250 < rows <= 300 and product[0] > 0
    assert f"cleaned_transactions {rows:,} rows in 1 partitions" in out
    assert f"| 2026-09-01 | {rows:,} |" in out
    assert (data / "outbound" / "_quality" / "transactions" / "2026-09-01.json").is_file()
    assert (data / "outbound" / "_decisions" / "ouchhungry" / "2026-09.csv").is_file()


def test_seed_history_summarises_a_range_starting_mid_month() -> None:
    # It crashed on its final print (a month key of the first day) after writing the data.
    import importlib.util

    spec = importlib.util.spec_from_file_location("seed_history",
                                                  REPO / "benchmarks" / "seed_history.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = module.summary(dt.date(2026, 9, 15), 2, {
        "seconds": 3.2, "rows": 5, "partitions": [("2026-09-15", 2), ("2026-09-16", 3)]})
    assert text.splitlines() == [
        "seeded 2 day(s), 2026-09-15..2026-09-16, in 3 s: cleaned_transactions 5 rows in "
        "2 partitions", "| 2026-09-15 | 2 |", "| 2026-09-16 | 3 |"]


def _engine_statements() -> set[str]:
    """The purpose of every statement the engine modules define."""
    sources = (REPO / "ouchhungry_dp" / "products" / "engine").glob("*.py")
    return {name for path in sources for name in re.findall(
        r'(?:EngineQuery|_partner_query)\(\s*"(\w+)"', path.read_text())}


def test_bytes_estimate_counts_every_engine_statement_within_its_partitions(
        seeded: tuple[Path, str]) -> None:
    data, _ = seeded
    out = bench("bench_bq_bytes.py", "--warehouse", str(data / "warehouse.duckdb"),
                "--day", "2026-09-01")
    rows = [line.split(" | ") for line in out.splitlines()
            if line.startswith("| ") and line.count("|") == 8 and "---" not in line]
    statements = [r for r in rows if r[1].endswith(" (SQL)")]
    # Every statement the engine defines is issued by a step and counted.
    assert {r[1].removesuffix(" (SQL)") for r in statements} == _engine_statements()
    assert len(_engine_statements()) >= 7  # the regex finds them (insights: one since session 5)
    # Each reads its partitions only: the previous month (August) for the decision,
    # the month (September) for the monthly file and the insights.
    assert {(r[0].lstrip("| "), r[3]) for r in statements} == {
        ("decision (month)", "31"), ("monthly", "30"), ("insights", "30")}
    totals = [line for line in out.splitlines() if line.count("|") == 4 and line.startswith(
        ("| daily |", "| decision (month) |", "| monthly |", "| insights |"))]
    assert [t.split(" | ")[0] for t in totals] == [
        "| daily", "| decision (month)", "| monthly", "| insights"]
    # The month's rows stay in the warehouse: the decision and the monthly file read
    # nothing through the Storage Read API.
    assert all(t.endswith("| 0.0 |") for t in totals[1:3])
    # The catalogue check reads the identifiers table, no customer snapshot of the past.
    check = [r for r in rows if "first_seen < day" in r[1]]
    assert [(r[0], r[2], r[3]) for r in check] == [("| daily", "customer_identifiers", "1")] * 2
    assert not [r for r in rows if r[0] == "| daily" and r[2] == "cleaned_customers"
                and r[3] != "1"]
    assert "| days of customer history |" in out


def test_backfill_plan_is_consecutive_runs_of_k_days() -> None:
    out = bench("bench_backfill.py", "--plan", "--first", "2026-02-01", "--days", "28",
                "--days-per-run", "7")
    assert "OUCHHUNGRY_BACKFILL_DAYS_PER_RUN=7: 4 runs" in out
    assert [line for line in out.splitlines() if line.startswith("| 2026-")] == [
        "| 2026-02-01 | 2026-02-07 |", "| 2026-02-08 | 2026-02-14 |",
        "| 2026-02-15 | 2026-02-21 |", "| 2026-02-22 | 2026-02-28 |"]
