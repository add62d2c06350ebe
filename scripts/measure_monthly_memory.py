"""Peak RSS and wall time of the monthly product step, before and after a change.

    .venv/bin/python scripts/measure_monthly_memory.py --rows 100000 --days 10 --reference main

Backfills ``--days`` days of October 2026 at ``--rows`` order items a day in one
run (local mode: DuckDB warehouse, simulated source), then materializes the
monthly asset for that month once with the code of ``--reference`` (exported with
``git archive``) and once with this checkout, each on its own copy of the same
warehouse, through the CLI (one process: peak RSS of the largest child of a
wrapper). The month is incomplete, so the file is held, not released; both held
files must be byte-identical. Then the insights report of that month (``--insights``)
with each version, after its own monthly file: the held reports must be identical.
Then the month decision of November (October as its
basis) with each version's ``compute_decision``, in its own process on the same
warehouse: the step the decision asset (and a daily run deciding on first use) runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DAGSTER = str(Path(sys.executable).with_name("dagster"))
WRAPPER = """
import resource, subprocess, sys
code = subprocess.call(sys.argv[1:])
print("PEAK_RSS_KIB", resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)
sys.exit(code)
"""
DAILY_CHAIN = ("raw_transactions,raw_customers,raw_products,cleaned_transactions,"
               "transactions_quarantine,cleaned_customers,customers_quarantine,"
               "cleaned_products,products_quarantine,ouchhungry_sales_daily")
MONTHLY = "ouchhungry_sales_monthly_by_city"
INSIGHTS = "ouchhungry_insights_monthly"
DECIDE = """
import datetime as dt, os, sys
from pathlib import Path
from ouchhungry_dp.defs.products.decision import compute_decision
from ouchhungry_dp.lib.warehouse.readers import DuckDBWarehouseReader
from ouchhungry_dp.partners.contract import get_contract
from ouchhungry_dp.products.csv_files import to_csv_bytes
database = Path(os.environ["OUCHHUNGRY_DATA_DIR"]) / "warehouse.duckdb"
reader = DuckDBWarehouseReader(database=str(database), schema_="marts")
decision = compute_decision(reader, get_contract("ouchhungry"), dt.date(2026, 11, 1))
Path(sys.argv[1]).write_bytes(to_csv_bytes(decision))
"""


def _env(code: Path, work: Path, rows: int, key: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(code), "OUCHHUNGRY_ENV": "local",
            "DAGSTER_HOME": str(work / "dagster_home"), "OUCHHUNGRY_DATA_DIR": str(work / "data"),
            "OUCHHUNGRY_SIM_ROWS_PER_DAY": str(rows), "PSEUDONYMIZATION_KEY": key,
            "OUCHHUNGRY_BACKFILL_DAYS_PER_RUN": "0", "EMAIL_FROM": "dados@marketplace.example",
            "DATA_TEAM_ALERT_EMAILS": "dados@marketplace.example",
            "OUCHHUNGRY_NOTIFY_EMAILS": "dados@ouchhungry.example"}


def _cli(args: list[str], env: dict[str, str], cwd: Path,
         may_fail: bool = False) -> tuple[float, float]:
    """(wall seconds, peak RSS in MiB) of one CLI call; raises on failure unless
    ``may_fail`` (a step whose blocking checks fail by design, e.g. an incomplete month)."""
    return _measure([DAGSTER, *args], env, cwd, may_fail)


def _measure(command: list[str], env: dict[str, str], cwd: Path,
             may_fail: bool = False) -> tuple[float, float]:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", WRAPPER, *command], env=env, cwd=cwd,
                            capture_output=True, text=True)
    wall = time.perf_counter() - started
    if result.returncode != 0 and not (may_fail and "PEAK_RSS_KIB" in result.stderr):
        raise SystemExit(f"{command[:3]} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    peak = int(result.stderr.rsplit("PEAK_RSS_KIB", 1)[1].split()[0])
    return wall, peak / 1024


def _insights(root: Path, reference: Path, rows: int, key: str) -> None:
    """The insights step of October with each version, on its own monthly file."""
    reports = {}
    for name, code in (("before", reference), ("after", REPO)):
        work = root / name
        wall, peak = _cli(["asset", "materialize", "-m", "ouchhungry_dp.definitions",
                           "--select", INSIGHTS, "--partition", "2026-10-01"],
                          # Incomplete month: the report is held, its run fails its checks.
                          _env(code, work, rows, key), root, may_fail=True)
        files = sorted((work / "data").rglob(f"{INSIGHTS.replace('_monthly', '')}_2026-10.html"))
        reports[name] = files[0].read_bytes() if files else b""
        print(f"insights {name} ({code.name}): {wall:.1f} s, peak RSS {peak:.0f} MiB, "
              f"report {len(reports[name])} bytes")
    print("insights reports byte-identical:", reports["before"] == reports["after"] != b"")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=10)
    parser.add_argument("--reference", default="main")
    parser.add_argument("--insights", action="store_true",
                        help="also the insights report step, after the monthly file")
    args = parser.parse_args()
    key = os.urandom(32).hex()
    with tempfile.TemporaryDirectory(prefix="monthly-mem-") as tmp:
        root = Path(tmp)
        reference = root / "reference"
        reference.mkdir()
        archive = subprocess.run(["git", "archive", args.reference], cwd=REPO, check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(reference)], input=archive, check=True)
        data = root / "prepared"
        (data / "dagster_home").mkdir(parents=True)
        last = f"2026-10-{args.days:02d}"
        wall, peak = _cli(["asset", "materialize", "-m", "ouchhungry_dp.definitions", "--select",
                           DAILY_CHAIN, "--partition-range", f"2026-10-01...{last}"],
                          _env(REPO, data, args.rows, key), root)
        print(f"backfill {args.days} days x {args.rows} rows: {wall:.0f} s, {peak:.0f} MiB")
        held = {}
        for name, code in (("before", reference), ("after", REPO)):
            work = root / name
            shutil.copytree(data, work)
            wall, peak = _cli(["asset", "materialize", "-m", "ouchhungry_dp.definitions",
                               "--select", MONTHLY, "--partition", "2026-10-01"],
                              _env(code, work, args.rows, key), root)
            files = sorted((work / "data").rglob(f"{MONTHLY}_2026-10.csv"))
            held[name] = files[0].read_bytes() if files else b""
            print(f"monthly {name} ({code.name}): {wall:.1f} s, peak RSS {peak:.0f} MiB, "
                  f"file {len(held[name])} bytes")
        print("monthly files byte-identical:", held["before"] == held["after"] != b"")
        if args.insights:
            _insights(root, reference, args.rows, key)
        decisions = {}
        for name, code in (("before", reference), ("after", REPO)):
            out = root / f"decision-{name}.csv"
            wall, peak = _measure([sys.executable, "-c", DECIDE, str(out)],
                                  _env(code, root / name, args.rows, key), root)
            decisions[name] = out.read_bytes()
            locations = len(decisions[name].splitlines()) - 1
            print(f"decision {name}: {wall:.1f} s, peak RSS {peak:.0f} MiB, "
                  f"{locations} locations")
        print("decisions byte-identical:", decisions["before"] == decisions["after"])


if __name__ == "__main__":
    main()
