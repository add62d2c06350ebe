"""Daily run with a month of history, and the monthly job + insights over that month.

    .venv/bin/python benchmarks/bench_history.py --rows 1000000 --days 30 --reference main

Issue 12, benchmarks (a) and (b). History: ``--days`` days of ``--month`` at
``--rows`` order items a day, written straight into a local warehouse by
``seed_history.py`` (same tables, dtypes and outbound records as the daily job;
minutes instead of 30 daily runs), or reused from ``--seed-dir`` (a folder that
``seed_history.py`` filled: ``data/`` and ``home/``). Each code version gets its own
copy of that history and runs, through the CLI (``bench_daily_run.run_job``: wall,
peak RSS of the largest process, per-step times from the run's event log):

1. the month decision of the next month (``<id>_publishable_cells_job``; the sensor
   runs it before the month's first daily run) from the seeded month;
2. the daily job for the next month's first day, with that month behind it;
3. the monthly job (monthly file + insights, delivered to the loopback sandbox) of
   the seeded month;

and, for the ratio, the daily job for the same day on an empty warehouse.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_daily_run import (
    DAGSTER,
    JOB,
    REPO,
    MemoryCap,
    export,
    job_env,
    print_table,
    run_daily,
    run_job,
)
from seed_history import store_decision_from_day

CONTRACT_ID = "ouchhungry"  # the partner whose jobs run (DESIGN.md's fixed job names)
MONTHLY_JOB = f"{CONTRACT_ID}_monthly_delivery"
DECISION_JOB = f"{CONTRACT_ID}_publishable_cells_job"
MONTHLY_ASSETS = {"monthly file only": f"{CONTRACT_ID}_sales_monthly_by_city",
                  "insights only": f"{CONTRACT_ID}_insights_monthly"}


def seed(target: Path, month: dt.date, days: int, rows: int, key: str) -> None:
    """Fills ``target/data`` and ``target/home`` with ``seed_history.py`` (its own process).

    Only a whole month is recorded in the Dagster instance: part of a month recorded
    there is incomplete history, on which the month decision waits (retries) by design;
    unrecorded, the decision reads the seeded days as a platform's first month would."""
    (target / "home").mkdir(parents=True)
    command = [sys.executable, str(REPO / "benchmarks" / "seed_history.py"),
               "--data-dir", str(target / "data"), "--first", month.isoformat(),
               "--days", str(days), "--rows", str(rows)]
    if (month + dt.timedelta(days=days)).month != month.month:
        command += ["--home", str(target / "home")]
    env = {**os.environ, "PYTHONPATH": str(REPO), "PSEUDONYMIZATION_KEY": key}
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"seeding failed:\n{result.stderr[-4000:]}")
    print(result.stdout.splitlines()[0], file=sys.stderr)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def run_with_history(code: Path, seeded: Path, workdir: Path, month: dt.date, rows: int,
                     sandbox_env: dict[str, str],
                     cap: MemoryCap | None) -> dict[str, dict[str, object]]:
    """The three runs of one code version on its own copy of the seeded history; if the
    monthly job fails (e.g. at the memory cap), its two products alone, to see which."""
    shutil.copytree(seeded, workdir)
    env = job_env(code, sandbox_env, workdir / "home", workdir / "data", rows)
    day, partition = next_month(month).isoformat(), month.isoformat()
    results = {"decision": run_job(DECISION_JOB, {"dagster/partition": day}, env, workdir,
                                   check=False, cap=cap)}
    if results["decision"]["failed"]:
        # Else the daily run would decide on first use, as the decision job failed to:
        # the daily path is measured with a stored record, as in production.
        store_decision_from_day(workdir / "data", day[:7], next_month(month) - dt.timedelta(1))
        print(f"{code}: decision job failed; record of {day[:7]} seeded", file=sys.stderr)
    results.update({
        "daily, month behind": run_job(JOB, {"dagster/partition": day}, env, workdir,
                                       check=False, cap=cap),
        "monthly + insights": run_job(MONTHLY_JOB, {"dagster/partition": partition}, env,
                                      workdir, check=False, cap=cap),
    })
    if results["monthly + insights"]["failed"]:
        for name, asset in MONTHLY_ASSETS.items():
            command = [DAGSTER, "asset", "materialize", "-m", "ouchhungry_dp.definitions",
                       "--select", asset, "--partition", partition]
            results[name] = run_job(asset, {}, env, workdir, check=False, cap=cap,
                                    command=command)
    return results


def ratios(results: dict[str, dict[str, object]], empty: dict[str, object]) -> list[str]:
    def peak(r: dict[str, object]) -> float:
        return float(r["peak_rss_mb"])  # type: ignore[arg-type]

    daily = results["daily, month behind"]
    return [f"daily with the month behind / daily without history, peak RSS: "
            f"{peak(daily) / peak(empty):.2f}x (target <= 1.25x)",
            f"monthly + insights / daily with the month behind, peak RSS: "
            f"{peak(results['monthly + insights']) / peak(daily):.2f}x (target <= 1.5x)",
            f"monthly + insights / daily without history, peak RSS: "
            f"{peak(results['monthly + insights']) / peak(empty):.2f}x"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="order items a day")
    parser.add_argument("--days", type=int, default=30, help="days of history seeded")
    parser.add_argument("--month", type=dt.date.fromisoformat, default=dt.date(2026, 9, 1),
                        help="first day of the seeded month")
    parser.add_argument("--seed-dir", type=Path, help="reuse this seeded history (read only)")
    parser.add_argument("--reference", help="git ref to measure first, e.g. main")
    parser.add_argument("--code", type=Path, help="measure this exported tree instead of "
                        "this one (e.g. a `git archive` of another branch)")
    parser.add_argument("--workdir", type=Path, help="where the copies go (default: /tmp)")
    parser.add_argument("--memory-cap-mb", type=int, default=0,
                        help="run inside a cgroup memory cap of this size (0: none)")
    args = parser.parse_args()
    os.environ.setdefault("PSEUDONYMIZATION_KEY", os.urandom(32).hex())

    from ouchhungry_dp.sandbox.stack import SandboxStack

    with tempfile.TemporaryDirectory(prefix="bench_history_", dir=args.workdir) as tmp:
        root = Path(tmp)
        seeded = args.seed_dir
        if seeded is None:
            seeded = root / "seed"
            seed(seeded, args.month, args.days, args.rows, os.environ["PSEUDONYMIZATION_KEY"])
        codes = {str(args.code) if args.code else "this tree": args.code or REPO}
        if args.reference:
            (root / "ref").mkdir()
            codes = {args.reference: export(args.reference, root / "ref"), **codes}
        (root / "sandbox").mkdir()
        tables = {}
        cap = MemoryCap(args.memory_cap_mb) if args.memory_cap_mb else None
        with SandboxStack(root / "sandbox") as sandbox:
            for i, (name, code) in enumerate(codes.items()):
                runs = run_with_history(code, seeded, root / f"run{i}", args.month, args.rows,
                                        sandbox.env(), cap)
                runs["daily, no history"] = run_daily(code, args.rows,
                                                      next_month(args.month).isoformat(),
                                                      sandbox.env(), root / f"empty{i}")
                shutil.rmtree(root / f"run{i}")  # a 30 x 1M warehouse is a few GB
                tables[name] = runs
                for run, figures in runs.items():
                    print(f"{name} / {run}: {figures['wall_s']:.1f} s, "
                          f"{figures['peak_rss_mb']:.0f} MB", file=sys.stderr)
        if cap is not None:
            cap.close()
    for name, runs in tables.items():
        print(f"\n{name}: {args.days} day(s) x {args.rows:,} rows of {args.month:%Y-%m} "
              f"behind; daily day {next_month(args.month)}; CLI, local mode")
        print_table(runs, label="run")
        for line in ratios(runs, runs["daily, no history"]):
            print(f"- {line}")


if __name__ == "__main__":
    main()
