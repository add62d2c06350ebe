"""The simulated account is built once even when every step of a run asks at the same time,
and covers the day asked for with the same data on the days an older build covered."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb

from ouchhungry_dp.monitoring.costs import pipeline
from ouchhungry_dp.monitoring.costs.source import DuckDBCostSource
from ouchhungry_dp.sandbox.company_cloud import gcp_catalog as catalog
from ouchhungry_dp.sandbox.company_cloud.gcp_account import ensure_simulated_account

LATE_DAY = date(2026, 6, 30)  # past the catalog's window: the account must grow to it


# One builder: what a step process of a run does when it needs the account.
_BUILD = (
    "import sys; from datetime import date; "
    "from ouchhungry_dp.sandbox.company_cloud.gcp_account import "
    "covered_until, ensure_simulated_account; "
    "print(covered_until(ensure_simulated_account(sys.argv[1], date.fromisoformat(sys.argv[2]))))"
)


def test_concurrent_builders_leave_one_complete_account(tmp_path: Path, config) -> None:
    path = tmp_path / "account.duckdb"
    # Separate processes started together, as the steps of a multiprocess run or two runs
    # would be. Plain interpreters with a minimal environment: a multiprocessing pool
    # inherits the test worker's state, and after the rest of the suite it hung in a
    # pytest-xdist worker (2026-11-29) while the same test passed alone.
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path)}
    builders = [subprocess.Popen([sys.executable, "-c", _BUILD, str(path), LATE_DAY.isoformat()],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 env=env) for _ in range(4)]
    answers = []
    for builder in builders:
        out, err = builder.communicate(timeout=240)
        assert builder.returncode == 0, err
        answers.append(out.strip())
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
