"""The simulated account is built once even when every step of a run asks at the same time,
and covers the day asked for with the same data on the days an older build covered."""

from __future__ import annotations

import multiprocessing
from datetime import date
from pathlib import Path

import duckdb

from ouchhungry_dp.monitoring.costs import pipeline
from ouchhungry_dp.monitoring.costs.source import DuckDBCostSource
from ouchhungry_dp.sandbox.company_cloud import gcp_catalog as catalog
from ouchhungry_dp.sandbox.company_cloud.gcp_account import covered_until, ensure_simulated_account

LATE_DAY = date(2026, 6, 30)  # past the catalog's window: the account must grow to it


def _ensure(path: str) -> str:
    return str(covered_until(ensure_simulated_account(path, LATE_DAY)))


def test_concurrent_builders_leave_one_complete_account(tmp_path: Path, config) -> None:
    path = tmp_path / "account.duckdb"
    # Separate processes, as the steps of a multiprocess run or two runs would be.
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        answers = pool.map(_ensure, [str(path)] * 4)
    assert answers == [LATE_DAY.isoformat()] * 4
    assert sorted(p.name for p in tmp_path.iterdir()) == ["account.duckdb",
                                                          "account.duckdb.lock"]
    with duckdb.connect(str(path), read_only=True) as con:
        days = con.execute("SELECT count(DISTINCT CAST(creation_time AT TIME ZONE "
                           "'America/Sao_Paulo' AS DATE)) FROM gcp_jobs").fetchone()[0]
    assert days == (LATE_DAY - catalog.START).days + 1
    jobs = pipeline.job_costs(DuckDBCostSource(path), config, LATE_DAY)
    assert len(jobs) > 0 and jobs["estimated_cost_usd"].sum() > 0


def test_a_longer_account_holds_the_same_days_as_a_shorter_one(
    tmp_path: Path, account_path: Path, config
) -> None:
    longer = ensure_simulated_account(tmp_path / "longer.duckdb", LATE_DAY)
    same_day = {}
    for path in (account_path, longer):
        jobs = pipeline.job_costs(DuckDBCostSource(path), config, catalog.SPIKE_DAY)
        same_day[path] = jobs.sort_values("job_id").reset_index(drop=True)
    short, long_ = same_day.values()
    assert len(short) > 0
    assert short["job_id"].tolist() == long_["job_id"].tolist()
    assert short["estimated_cost_usd"].sum() == long_["estimated_cost_usd"].sum()


def test_an_account_that_covers_the_day_is_not_rebuilt(tmp_path: Path) -> None:
    path = ensure_simulated_account(tmp_path / "account.duckdb", LATE_DAY)
    built = path.stat().st_mtime_ns, path.stat().st_ino
    ensure_simulated_account(path, date(2026, 3, 1))
    assert (path.stat().st_mtime_ns, path.stat().st_ino) == built
