"""A backfill of the daily job in runs of k days: wall and peak RSS of every run.

    .venv/bin/python benchmarks/bench_backfill.py --rows 20000 --days 365 --days-per-run 7
    .venv/bin/python benchmarks/bench_backfill.py --rows 1000000 --days 7 --days-per-run 1 \\
        --first 2026-10-01 --seed-dir /tmp/seeded-september

Issue 12, benchmark (c). ``OUCHHUNGRY_BACKFILL_DAYS_PER_RUN=k`` gives the daily
assets ``BackfillPolicy.multi_run(k)``: the daemon then launches one run per k
consecutive days, each tagged with its partition range. This launches exactly those
runs, one after the other, through the CLI (``dagster job execute -j
ouchhungry_daily_delivery`` with ``dagster/asset_partition_range_start`` / ``_end``),
without the daemon, so each run's own peak RSS and per-step times are measured
(``bench_daily_run.run_job``). Runs go on after a failed one (as a backfill does);
the table says which failed.

Days: ``--days`` from ``--first``, cut at the newest daily partition that exists
(the partitions start on 2026-01-01 and end yesterday, so "365 days" ends early
before 2027: the table says how many ran). ``--seed-dir`` starts from a copy of a
``seed_history.py`` folder instead of an empty warehouse. ``--plan`` prints the runs
without launching them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_daily_run import JOB, REPO, export, job_env, run_job

RANGE_START, RANGE_END = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"


def plan(first: dt.date, days: int, per_run: int, newest: dt.date) -> list[tuple[str, str]]:
    """(start, end) day of each run: consecutive chunks of ``per_run`` days."""
    last = min(first + dt.timedelta(days=days - 1), newest)
    chunks, start = [], first
    while start <= last:
        end = min(start + dt.timedelta(days=per_run - 1), last)
        chunks.append((start.isoformat(), end.isoformat()))
        start = end + dt.timedelta(days=1)
    return chunks


def newest_partition() -> dt.date:
    from ouchhungry_dp.lib.execution.partitions import daily_partitions

    return dt.date.fromisoformat(daily_partitions.get_last_partition_key() or "2026-01-01")


def backfill(code: Path, chunks: list[tuple[str, str]], rows: int, per_run: int,
             workdir: Path, seed_dir: Path | None,
             sandbox_env: dict[str, str]) -> list[dict[str, object]]:
    if seed_dir is not None:
        shutil.copytree(seed_dir, workdir)
    (workdir / "home").mkdir(parents=True, exist_ok=True)
    env = job_env(code, sandbox_env, workdir / "home", workdir / "data", rows,
                  OUCHHUNGRY_BACKFILL_DAYS_PER_RUN=str(per_run))
    results = []
    print(HEADER)
    for start, end in chunks:
        figures = run_job(JOB, {RANGE_START: start, RANGE_END: end}, env, workdir, check=False)
        results.append({"range": f"{start}..{end}", **figures})
        # Each run's row as soon as it ends: a long backfill cut short keeps its figures.
        print(run_row(results[-1]), flush=True)
    return results


HEADER = ("| run (days) | wall (s) | peak RSS (MB) | slowest step (s) | load (1 min) | failed |"
          "\n|---|---|---|---|---|---|")


def run_row(r: dict[str, object]) -> str:
    steps: dict[str, float] = r["steps"]  # type: ignore[assignment]
    slowest = max(steps.items(), key=lambda kv: kv[1]) if steps else ("-", 0.0)
    return (f"| {r['range']} | {r['wall_s']:.1f} | {r['peak_rss_mb']:,.0f} | "
            f"{slowest[0]} {slowest[1]:.1f} | {r['load']} | {'yes' if r['failed'] else ''} |")


def print_summary(name: str, results: list[dict[str, object]]) -> None:
    peaks = [float(r["peak_rss_mb"]) for r in results]  # type: ignore[arg-type]
    walls = [float(r["wall_s"]) for r in results]  # type: ignore[arg-type]
    failed = [str(r["range"]) for r in results if r["failed"]]
    print(f"\n{name}: {len(results)} runs")
    print(f"- peak RSS per run: min {min(peaks):,.0f} MB, median {statistics.median(peaks):,.0f}"
          f" MB, max {max(peaks):,.0f} MB (max/min {max(peaks) / min(peaks):.2f}x); "
          f"first half median {statistics.median(peaks[:max(1, len(peaks) // 2)]):,.0f} MB, "
          f"second half median {statistics.median(peaks[len(peaks) // 2:]):,.0f} MB")
    print(f"- wall: total {sum(walls):,.0f} s, median per run {statistics.median(walls):.1f} s")
    print(f"- failed runs: {', '.join(failed) if failed else 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000, help="order items a day")
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--first", type=dt.date.fromisoformat, default=dt.date(2026, 1, 1))
    parser.add_argument("--days-per-run", type=int, default=7,
                        help="OUCHHUNGRY_BACKFILL_DAYS_PER_RUN")
    parser.add_argument("--seed-dir", type=Path, help="start from a copy of this seeded history")
    parser.add_argument("--reference", help="git ref to measure first, e.g. main")
    parser.add_argument("--code", type=Path, help="measure this exported tree instead")
    parser.add_argument("--workdir", type=Path, help="where the warehouses go (default: /tmp)")
    parser.add_argument("--plan", action="store_true", help="print the runs, launch nothing")
    args = parser.parse_args()
    if args.first.day != 1:
        # A run that reaches the next month waits (retries, 10 min apart) for every day of
        # the month before to be cleaned, by design (decision.py): start on a month.
        parser.error("--first must be the first day of a month")
    if args.days_per_run < 1:
        parser.error("--days-per-run must be at least 1 (0, a single run, is not a backfill "
                     "in chunks)")
    chunks = plan(args.first, args.days, args.days_per_run, newest_partition())
    ran = (dt.date.fromisoformat(chunks[-1][1]) - args.first).days + 1 if chunks else 0
    print(f"backfill {args.first}..: {ran} of {args.days} day(s) exist, {args.rows:,} rows/day,"
          f" OUCHHUNGRY_BACKFILL_DAYS_PER_RUN={args.days_per_run}: {len(chunks)} runs")
    if args.plan:
        for start, end in chunks:
            print(f"| {start} | {end} |")
        return
    os.environ.setdefault("PSEUDONYMIZATION_KEY", os.urandom(32).hex())

    from ouchhungry_dp.sandbox.stack import SandboxStack

    with tempfile.TemporaryDirectory(prefix="bench_backfill_", dir=args.workdir) as tmp:
        root = Path(tmp)
        codes = {str(args.code) if args.code else "this tree": args.code or REPO}
        if args.reference:
            (root / "ref").mkdir()
            codes = {args.reference: export(args.reference, root / "ref"), **codes}
        (root / "sandbox").mkdir()
        with SandboxStack(root / "sandbox") as sandbox:
            for i, (name, code) in enumerate(codes.items()):
                results = backfill(code, chunks, args.rows, args.days_per_run, root / f"run{i}",
                                   args.seed_dir, sandbox.env())
                shutil.rmtree(root / f"run{i}")
                print_summary(name, results)
                sys.stdout.flush()


if __name__ == "__main__":
    main()
