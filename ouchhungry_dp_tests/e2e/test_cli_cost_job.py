"""The stage-1 cost job through the documented CLI command, with its default executor.

It used to fail here: every step built the simulated account at once (``Table with
name "gcp_jobs" already exists``), and a day past the account's window had no jobs,
so the empty table was never written and ``platform_cost_kpis`` could not load it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from pathlib import Path

import duckdb
import pytest

from ouchhungry_dp.defs.platform.costs import report_object
from ouchhungry_dp.sandbox.stack import SandboxStack
from ouchhungry_dp_tests.conftest import platform_env
from ouchhungry_dp_tests.e2e.test_cli_delivery import DAGSTER

pytestmark = pytest.mark.e2e
DAY = "2026-11-25"  # past the simulated account's catalog window: it must grow to it
COMMAND = ["job", "execute", "-m", "ouchhungry_dp.definitions", "-j", "platform_cost_monitoring"]


def _cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([DAGSTER, *args], env={**os.environ, **env}, capture_output=True,
                          text=True, timeout=900, cwd=Path(env["DAGSTER_HOME"]).parent)


@pytest.fixture(scope="module")
def env(sandbox: SandboxStack, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return platform_env(sandbox, tmp_path_factory.mktemp("cost_cli"))


def test_cost_job_for_a_day_succeeds_from_the_cli(env: dict[str, str]) -> None:
    result = _cli([*COMMAND, "--tags", json.dumps({"dagster/partition": DAY})], env)
    output = f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    assert result.returncode == 0, output
    assert "RUN_SUCCESS" in result.stdout + result.stderr
    data = Path(env["OUCHHUNGRY_DATA_DIR"])
    report = data / "outbound" / report_object(dt.date.fromisoformat(DAY))
    assert report.is_file() and "<html" in report.read_text()
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:
        jobs = con.execute("SELECT count(*), sum(estimated_cost_usd) FROM marts.bigquery_job_costs "
                           "WHERE CAST(usage_date AS DATE) = ?", [DAY]).fetchone()
        kpis = con.execute("SELECT count(*) FROM marts.platform_cost_kpis "
                           "WHERE CAST(kpi_date AS DATE) = ?", [DAY]).fetchone()
    assert jobs[0] > 0 and jobs[1] > 0 and kpis[0] > 0


def test_cost_job_without_a_partition_says_how_to_launch_it(env: dict[str, str]) -> None:
    result = _cli(COMMAND, env)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "is partitioned by day and the run has no partition" in output
    assert '"dagster/partition": "YYYY-MM-DD"' in output
