"""Wall time, per-step time and peak memory of the daily job, run through the CLI.

    .venv/bin/python benchmarks/bench_daily_run.py --rows 1000000 --reference main

What runs: ``dagster job execute -j ouchhungry_daily_delivery`` for one day, in a
subprocess, local mode (DuckDB warehouse, simulated source at ``--rows`` order
items a day; the job's in-process executor: every step in the run's process), delivering
to the loopback sandbox started here. Each run gets a fresh DAGSTER_HOME and
warehouse (no history). Peak RSS is that of the largest single process of the
run (``RUSAGE_CHILDREN`` of a wrapper around the CLI: Linux reports the largest
waited-for descendant). Per-step times come from the run's event log.

``--reference REF`` runs the same command first on the code of a git ref
(exported with ``git archive`` to a temporary folder, same virtualenv), so the
before/after pair is measured on the same busy machine minutes apart.
``--compare`` (with ``--reference``): both runs get the same PSEUDONYMIZATION_KEY, and
what they delivered and stored must be equal (``run_outputs.py``: the files' sha256, the
check outcomes, the warehouse tables' rows); exits 1 naming what differs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DAGSTER = str(Path(sys.executable).with_name("dagster"))
JOB = "ouchhungry_daily_delivery"
# Runs the CLI and prints the peak RSS (KiB) of its largest process, Python's own excluded.
# BENCH_CGROUP: a cgroup (v1 memory) to join first, so a run past its cap is killed alone.
WRAPPER = """
import os, resource, subprocess, sys
if os.environ.get("BENCH_CGROUP"):
    with open(os.path.join(os.environ["BENCH_CGROUP"], "cgroup.procs"), "w") as procs:
        procs.write(str(os.getpid()))
code = subprocess.call(sys.argv[1:])
print("PEAK_RSS_KIB", resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)
sys.exit(code)
"""


def step_times(home: Path) -> dict[str, float]:
    """Seconds per step (start to success or failure) of the newest run in this DAGSTER_HOME."""
    import dagster as dg

    os.environ["DAGSTER_HOME"] = str(home)
    with dg.DagsterInstance.get() as instance:
        runs = instance.get_runs(limit=1)
        if not runs:  # killed before Dagster recorded the run
            return {}
        (run,) = runs
        starts: dict[str, float] = {}
        times: dict[str, float] = {}
        for entry in instance.all_logs(run.run_id):
            event = entry.dagster_event
            if event is None or event.step_key is None:
                continue
            if event.event_type_value == "STEP_START":
                starts[event.step_key] = entry.timestamp
            elif event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE"):
                times[event.step_key] = entry.timestamp - starts[event.step_key]
        return times


def job_env(code: Path, sandbox_env: dict[str, str], home: Path, data_dir: Path, rows: int,
            **extra: str) -> dict[str, str]:
    """The environment of a local CLI run against ``data_dir``'s warehouse and store."""
    return {
        **os.environ, **sandbox_env,
        "PYTHONPATH": str(code), "OUCHHUNGRY_ENV": "local", "DAGSTER_HOME": str(home),
        "OUCHHUNGRY_DATA_DIR": str(data_dir), "OUCHHUNGRY_SIM_ROWS_PER_DAY": str(rows),
        "PSEUDONYMIZATION_KEY": os.environ.get("PSEUDONYMIZATION_KEY") or os.urandom(32).hex(),
        "EMAIL_FROM": "dados@marketplace.example",
        "DATA_TEAM_ALERT_EMAILS": "dados@marketplace.example",
        "OUCHHUNGRY_NOTIFY_EMAILS": "dados@ouchhungry.example",
        **extra,
    }


class MemoryCap:
    """A cgroup v1 memory limit for the runs (the machine is shared: a run of the old code
    that would need tens of GB is killed at the cap instead of starving everyone)."""

    ROOT = Path("/sys/fs/cgroup/memory")

    def __init__(self, megabytes: int) -> None:
        self.path = self.ROOT / f"ouchhungry_bench_{os.getpid()}"
        self.path.mkdir()
        (self.path / "memory.limit_in_bytes").write_text(str(megabytes * 1024 * 1024))
        self.megabytes = megabytes

    def reset(self) -> None:
        (self.path / "memory.failcnt").write_text("0")

    def hit(self) -> bool:
        return int((self.path / "memory.failcnt").read_text()) > 0

    def close(self) -> None:
        self.path.rmdir()


def run_job(job: str, tags: dict[str, str], env: dict[str, str], cwd: Path,
            *, check: bool = True, cap: MemoryCap | None = None,
            command: list[str] | None = None) -> dict[str, object]:
    """One ``dagster job execute`` run (or ``command``): wall, peak RSS of its largest
    process, step times of the newest run in its DAGSTER_HOME.

    ``check=False`` keeps a failed run's figures (``"failed": True``) instead of stopping.
    ``cap``: run inside that memory cgroup; ``"capped"`` says whether it reached the cap."""
    command = command or [DAGSTER, "job", "execute", "-m", "ouchhungry_dp.definitions",
                          "-j", job, "--tags", json.dumps(tags)]
    command = [sys.executable, "-c", WRAPPER, *command]
    if cap is not None:
        cap.reset()
        env = {**env, "BENCH_CGROUP": str(cap.path)}
    started, load_before = time.perf_counter(), os.getloadavg()[0]
    # cwd outside the repository: dagster would load a developer's .env from there.
    result = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - started
    load = f"{load_before:.1f}-{os.getloadavg()[0]:.1f}"  # 1-min load average, start-end
    if result.returncode != 0:
        failure = f"{job} {tags} failed ({env['PYTHONPATH']}):\n{result.stderr[-4000:]}"
        if check:
            raise SystemExit(failure)
        print(failure, file=sys.stderr)
    peak = next(int(line.split()[1]) for line in result.stderr.splitlines()
                if line.startswith("PEAK_RSS_KIB"))
    figures = {"wall_s": wall, "peak_rss_mb": peak / 1024, "failed": result.returncode != 0,
               "load": load, "capped": cap is not None and cap.hit(),
               "steps": step_times(Path(env["DAGSTER_HOME"]))}
    # As soon as it ends: a long benchmark cut short keeps what it measured.
    print(f"{job} {tags} ({env['PYTHONPATH']}): {json.dumps(figures)}", file=sys.stderr,
          flush=True)
    return figures


def run_daily(code: Path, rows: int, day: str, sandbox_env: dict[str, str],
              workdir: Path, *, outputs: bool = False) -> dict[str, object]:
    """The daily job for ``day`` on a fresh DAGSTER_HOME and warehouse (no history);
    ``outputs``: also the digests of what it delivered and stored (``run_outputs``)."""
    home = workdir / "dagster_home"
    home.mkdir(parents=True)
    env = job_env(code, sandbox_env, home, workdir / "data", rows)
    figures = run_job(JOB, {"dagster/partition": day}, env, workdir)
    if outputs:
        from run_outputs import digests

        figures["outputs"] = digests(workdir / "data")
    return figures


def export(ref: str, target: Path) -> Path:
    archive = subprocess.run(["git", "-C", str(REPO), "archive", ref], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def print_table(results: dict[str, dict[str, object]], label: str = "measure") -> None:
    names = list(results)
    print(f"| {label} | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for key, label in (("wall_s", "wall (s)"), ("peak_rss_mb", "peak RSS, largest process (MB)")):
        print(f"| {label} | " + " | ".join(f"{results[n][key]:,.1f}" for n in names) + " |")
    print("| load average (1 min, start-end) | "
          + " | ".join(str(results[n].get("load", "-")) for n in names) + " |")
    if any(results[n].get("failed") for n in names):
        print("| run failed | " + " | ".join(
            ("killed at the memory cap" if results[n].get("capped") else "yes")
            if results[n].get("failed") else "no" for n in names) + " |")
    steps = sorted({s for r in results.values() for s in r["steps"]})  # type: ignore[attr-defined]
    for step in steps:
        cells = [results[n]["steps"].get(step) for n in names]  # type: ignore[attr-defined]
        print(f"| step {step} (s) | " + " | ".join("-" if c is None else f"{c:.1f}"
                                                  for c in cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--day", default="2026-11-20")
    parser.add_argument("--reference", help="git ref to measure first, e.g. main")
    parser.add_argument("--compare", action="store_true",
                        help="with --reference: the two runs' outputs must be byte-equal")
    args = parser.parse_args()
    if args.compare and not args.reference:
        parser.error("--compare needs --reference")
    # One key for every run of this invocation: pseudonyms (so files) depend on it.
    os.environ.setdefault("PSEUDONYMIZATION_KEY", os.urandom(32).hex())

    from ouchhungry_dp.sandbox.stack import SandboxStack

    with tempfile.TemporaryDirectory(prefix="bench_daily_") as tmp:
        root = Path(tmp)
        codes = {"this tree": REPO}
        if args.reference:
            (root / "ref").mkdir()
            codes = {f"reference {args.reference}": export(args.reference, root / "ref"),
                     **codes}
        results = {}
        (root / "sandbox").mkdir()
        with SandboxStack(root / "sandbox") as sandbox:
            for i, (name, code) in enumerate(codes.items()):
                results[name] = run_daily(code, args.rows, args.day, sandbox.env(),
                                          root / f"run{i}", outputs=args.compare)
                print(f"{name}: {results[name]['wall_s']:.1f} s, "
                      f"{results[name]['peak_rss_mb']:.0f} MB", file=sys.stderr)
    print(f"daily job, {args.rows:,} rows/day, day {args.day}, no history, CLI, local mode")
    print_table(results)
    if args.compare:
        compare_outputs(results)


def compare_outputs(results: dict[str, dict[str, object]]) -> None:
    from run_outputs import differences

    (before_name, before), (after_name, after) = results.items()
    outputs = before["outputs"], after["outputs"]
    print(f"\n{len(outputs[1])} outputs of {after_name} compared with {before_name} "
          "(same PSEUDONYMIZATION_KEY):")
    for name, digest in outputs[1].items():  # type: ignore[attr-defined]
        print(f"- {name}: {digest}")
    differ = differences(*outputs)  # type: ignore[arg-type]
    if differ:
        print("DIFFERENT:\n" + "\n".join(differ))
        raise SystemExit(1)
    print("all equal")


if __name__ == "__main__":
    main()
