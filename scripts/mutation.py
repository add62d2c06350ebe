"""Run mutmut over one or more areas of mutation.toml, each in its own scratch copy.

    .venv/bin/python scripts/mutation.py delivery alerts [--max-children 2]

mutmut reads its settings from the working directory's setup.cfg and writes its
mutants beside it, so each area gets a copy of the package and the tests under
``.mutation/<area>/`` with a generated ``[mutmut]`` section: the worktree is never
mutated, and areas do not share (or invalidate) each other's results. The summary
per area is printed and written to ``.mutation/<area>/summary.json``.
"""

from __future__ import annotations

import argparse
import configparser
import fnmatch
import json
import os
import shutil
import subprocess
import sys
import tomllib
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRATCH = ROOT / ".mutation"
COPIED = ("ouchhungry_dp", "ouchhungry_dp_tests")
BUILT_FIXTURES = "built-fixtures"


def load_config(path: Path = ROOT / "mutation.toml") -> dict:
    return tomllib.loads(path.read_text())


def prepare(area: str, spec: dict[str, list[str]], skip_patterns: list[str]) -> Path:
    work = SCRATCH / area
    work.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(work / BUILT_FIXTURES, ignore_errors=True)
    for name in COPIED:
        shutil.rmtree(work / name, ignore_errors=True)
        shutil.copytree(
            ROOT / name, work / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    config["mutmut"] = {
        "source_paths": "ouchhungry_dp",
        "only_mutate": "\n" + "\n".join(spec["only_mutate"]),
        "also_copy": "\n" + "\n".join(["ouchhungry_dp_tests"]),
        "pytest_add_cli_args_test_selection": "\n" + "\n".join(spec["tests"]),
        "pytest_add_cli_args": "\n" + "\n".join(["-q", *spec.get("pytest_args", [])]),
        "use_git_change_detection": "false",
        # Tests added to kill survivors must re-run the mutants they cover.
        "on_dependency_change": "rerun",
        "do_not_mutate_patterns": "\n" + "\n".join(skip_patterns),
    }
    with (work / "setup.cfg").open("w") as handle:
        config.write(handle)
    return work


def _env(work: Path) -> dict[str, str]:
    # The scratch copy is not a developer checkout (no .git/Makefile), where the platform
    # refuses to guess its environment: the area's tests run as in a checkout, locally.
    # The privacy small months are built once per code of the builder for this scratch
    # copy (ouchhungry_dp_tests/privacy/cached_build.py; emptied by each new pass).
    return {**os.environ, "PYTHONPATH": str(work / "mutants"), "OUCHHUNGRY_ENV": "local",
            "OUCHHUNGRY_TEST_CACHE_DIR": str(work / BUILT_FIXTURES)}


def _unkilled(work: Path, env: dict[str, str], mutmut: list[str]) -> list[str]:
    listing = subprocess.run(
        [*mutmut, "results", "--all", "true"], cwd=work, env=env, check=True,
        capture_output=True, text=True,
    ).stdout
    return [line.split(":")[0].strip() for line in listing.splitlines()
            if line.strip().endswith((": survived", ": no tests"))]


def _no_tests(work: Path, env: dict[str, str], mutmut: list[str]) -> set[str]:
    listing = subprocess.run(
        [*mutmut, "results", "--all", "true"], cwd=work, env=env, check=True,
        capture_output=True, text=True,
    ).stdout
    return {line.split(":")[0].strip() for line in listing.splitlines()
            if line.strip().endswith(": no tests")}


def _refresh_unmutated_sources(work: Path) -> None:
    """New tests may use new test-only helpers of the package (e.g. a sandbox fault
    switch): copy every source file the area does not mutate, leave its mutated ones."""
    config = configparser.ConfigParser()
    config.read(work / "setup.cfg")
    globs = config["mutmut"]["only_mutate"].split()
    for source in (ROOT / "ouchhungry_dp").rglob("*.py"):
        relative = source.relative_to(ROOT)
        if any(fnmatch.fnmatch(str(relative), pattern) for pattern in globs):
            continue
        for target in (work / relative, work / "mutants" / relative):
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def recheck(work: Path, max_children: int) -> None:
    """After tests were added: refresh the tests in the scratch copy and re-run only the
    mutants not killed so far (per-test coverage is collected again for the new tests)."""
    env = _env(work)
    mutmut = [str(Path(sys.executable).with_name("mutmut"))]
    names = _unkilled(work, env, mutmut)
    for target in (work / "ouchhungry_dp_tests", work / "mutants" / "ouchhungry_dp_tests"):
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(ROOT / "ouchhungry_dp_tests", target,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    _refresh_unmutated_sources(work)
    (work / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)
    # mutmut skips mutants that already have a result: forget the unkilled ones' results.
    for meta_path in (work / "mutants").rglob("*.meta"):
        meta = json.loads(meta_path.read_text())
        for name in names:
            if name in meta["exit_code_by_key"]:
                meta["exit_code_by_key"][name] = None
        meta_path.write_text(json.dumps(meta))
    if names:
        subprocess.run([*mutmut, "run", "--max-children", str(max_children), *names],
                       cwd=work, env=env, check=True)


def run(area: str, work: Path, max_children: int) -> dict[str, object]:
    env = _env(work)
    mutmut = [str(Path(sys.executable).with_name("mutmut"))]
    command = [*mutmut, "run", "--max-children", str(max_children)]
    if subprocess.run(command, cwd=work, env=env).returncode != 0:
        # mutmut stops when a test fails in its first (clean) run; on the busy shared box
        # that is usually load, and a second run resumes from the results kept on disk.
        subprocess.run(command, cwd=work, env=env, check=True)
    subprocess.run([*mutmut, "export-cicd-stats"], cwd=work, env=env, check=True)
    stats = json.loads((work / "mutants" / "mutmut-cicd-stats.json").read_text())
    untested = _no_tests(work, env, mutmut)
    survivors = [n for n in _unkilled(work, env, mutmut) if n not in untested]
    summary = {"area": area, "date": datetime.now(UTC).isoformat(timespec="minutes"),
               **stats, "survivors": survivors}
    (work / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    return summary


def report(work: Path) -> str:
    """Markdown list of the surviving mutants of an area, grouped by function, one line each."""
    env = _env(work)
    mutmut = [str(Path(sys.executable).with_name("mutmut"))]
    lines: list[str] = []
    for name in _unkilled(work, env, mutmut):
        diff = subprocess.run([*mutmut, "show", name], cwd=work, env=env, capture_output=True,
                              text=True).stdout.splitlines()
        changed = [d[1:].strip() for d in diff if d[:1] in "-+" and d[:3] not in ("---", "+++")]
        short = name.replace("ouchhungry_dp.", "").replace("\u01c1", ".")
        lines.append(f"- `{short}`: `{' -> '.join(changed)[:160]}`")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    config = load_config()
    areas = config["area"]
    parser.add_argument("areas", nargs="+", choices=sorted(areas))
    parser.add_argument("--max-children", type=int, default=2)
    parser.add_argument(
        "--only", nargs="+", help="narrow the area's only_mutate globs (e.g. a few modules)"
    )
    parser.add_argument(
        "--recheck", action="store_true",
        help="keep the area's results; re-run only its surviving / untested mutants "
        "against the current tests",
    )
    parser.add_argument("--report", action="store_true", help="print the survivors, one a line")
    args = parser.parse_args(argv)
    for area in args.areas:
        if args.report:
            print(report(SCRATCH / area))
            continue
        if args.recheck:
            work = SCRATCH / area
            recheck(work, args.max_children)
        else:
            spec = {**areas[area], **({"only_mutate": args.only} if args.only else {})}
            work = prepare(area, spec, config.get("do_not_mutate_patterns", []))
        summary = run(area, work, args.max_children)
        print(json.dumps({k: v for k, v in summary.items() if k != "survivors"}))
        print("\n".join(f"  survived: {name}" for name in summary["survivors"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
