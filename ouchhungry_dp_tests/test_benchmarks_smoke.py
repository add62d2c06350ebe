"""The production-volume benchmarks (issue 12) still run, in their smoke versions.

What fits in seconds: seeding a day of history the way the daily job stores it, the
BigQuery bytes estimate over it, and the backfill's plan of runs. The benchmarks that
launch Dagster runs through the CLI (``bench_history.py``, ``bench_backfill.py`` without
``--plan``) spend 15-40 s per run on this machine in Dagster's start-up alone, so their
smoke versions are documented in docs/benchmarks.md instead of run here. No timings
are asserted.
"""

from __future__ import annotations

import os
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


def test_bytes_estimate_prints_every_run_of_the_seeded_layout(seeded: tuple[Path, str]) -> None:
    data, _ = seeded
    out = bench("bench_bq_bytes.py", "--warehouse", str(data / "warehouse.duckdb"),
                "--day", "2026-09-01")
    # One summary per code version (main, s3-engine): three runs each, two billing kinds.
    assert out.count("| run | query (MiB) | storage read (MiB) |") == 2
    totals = [line for line in out.splitlines() if line.startswith(
        ("| daily |", "| decision (month) |", "| monthly + insights |")) and line.count("|") == 4]
    assert len(totals) == 6
    # main ships the month's rows to pandas (storage read); the engine sums them in SQL.
    main_decision, engine_decision = (t for t in totals if t.startswith("| decision"))
    assert main_decision.startswith("| decision (month) | 0.0 |")
    assert engine_decision.endswith("| 0.0 |")
    # The insights read six months of cleaned transactions, the monthly job one.
    assert "| insights: read_range 6 months | cleaned_transactions | 180 | all |" in out


def test_backfill_plan_is_consecutive_runs_of_k_days() -> None:
    out = bench("bench_backfill.py", "--plan", "--first", "2026-02-01", "--days", "28",
                "--days-per-run", "7")
    assert "OUCHHUNGRY_BACKFILL_DAYS_PER_RUN=7: 4 runs" in out
    assert [line for line in out.splitlines() if line.startswith("| 2026-")] == [
        "| 2026-02-01 | 2026-02-07 |", "| 2026-02-08 | 2026-02-14 |",
        "| 2026-02-15 | 2026-02-21 |", "| 2026-02-22 | 2026-02-28 |"]
