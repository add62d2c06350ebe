"""Mutation testing of the engine's SQL: one-token mutants of the statements' text
(``scripts/sql_mutants.py``), each run against the engine tests that exercise it.

    .venv/bin/python scripts/sql_mutation.py [--jobs 2] [--only KEY ...] [--list] [--report]

mutmut 3.8 mutates no string literal, and every statement of ``products/engine/`` is
one. Each mutant is applied to a scratch copy of the package (``.mutation/sql/w<N>.<pid>``;
the worktree is never edited) and the tests of its statement run with ``-x``. A
worker keeps one Python process for all its mutants: before each one it writes the
mutated file, forgets the engine modules (and the engine tests and warehouse readers
that hold them) and calls ``pytest.main`` again, so the start-up (imports, plugins) is paid once;
the simulated months of the ``simulated`` fixture are built once per worker.

Outcome per mutant: ``killed`` (a test failed on a wrong result), ``invalid`` (a test
failed because sqlglot or DuckDB refused the text), ``error`` (DuckDB failed at run
time), ``timeout``, ``unchanged`` (the rendered statements equal the original's: sqlglot
normalised the change away, so no test can see it), ``survived``. The results are
appended to ``.mutation/sql/results.<pid>.jsonl`` (a re-run skips the mutants already there;
``--fresh`` starts over), equivalents with their reasons are in ``mutation.toml``
(``[sql.equivalent]``); ``--report`` prints the table of docs/testing.md.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sql_mutants import SqlMutant, mutants_of

ROOT = Path(__file__).resolve().parents[1]
SCRATCH = ROOT / ".mutation" / "sql"
ENGINE = "ouchhungry_dp/products/engine"
MODULES = (f"{ENGINE}/statements.py", f"{ENGINE}/insights_statements.py", f"{ENGINE}/query.py",
           f"{ENGINE}/month_inputs.py")
# Modules holding the engine's code or objects: forgotten before each mutant.
FORGET = ("ouchhungry_dp.products.engine", "ouchhungry_dp_tests.products.engine",
          "ouchhungry_dp.lib.warehouse")

T = "ouchhungry_dp_tests/products/engine/"
_EQ, _INS = f"{T}test_engine_equals_pandas.py::", f"{T}test_insights_engine_equals_pandas.py::"
_SPELL = f"{T}test_company_spellings_engine.py::"
STATEMENT_TESTS = [f"{T}test_engine_statements.py"]
# Cheapest first: with -x a killed mutant costs only the tests up to the first failure.
# Left out for their cost per surviving mutant (a survivor runs its whole list, ~1-2 min
# at nice 19 on the shared box): four of the six generated months of the monthly file,
# two of the three of the insights, and the two simulated-and-cleaned months. Fewer
# tests can only make fewer kills: a mutant listed as killed is killed by the suite.
MONTH_TESTS = [f"{_EQ}{n}" for n in (
    "test_a_city_with_exactly_k_customers", "test_customers_in_two_cities_and_two_states",
    "test_simulated_months_agree[12-1]", "test_simulated_months_agree[60-3]",
    "test_half_cent_amounts_round_as_pandas_rounds",
    "test_a_dominant_competitor", "test_a_brand_sold_in_two_segments",
    "test_an_empty_day_and_an_empty_history", "test_no_sales_at_all",
    "test_second_partner_agrees", "test_a_city_name_holding_the_separator_is_refused",
    "test_the_month_customers_come_back_once_each",
)] + [f"{_SPELL}test_the_monthly_file_agrees_and_suppresses_the_group"]
INSIGHT_TESTS = [f"{_INS}{n}" for n in (
    "test_the_penetration_rule_decides_the_same",
    "test_a_cross_sell_pair_at_exactly_k_and_one_short",
    "test_simulated_months_agree[1]", "test_two_brand_buyers_at_exactly_k",
    "test_a_dominant_competitor_keeps_the_national_share_out", "test_a_month_without_partner_sales",
    "test_no_sales_at_all", "test_second_partner_agrees",
    "test_a_product_name_holding_a_customer_name_is_replaced",
    "test_the_partners_off_contract_brand_is_own_in_both_paths",
)] + [f"{_SPELL}{n}" for n in ("test_the_insights_agree_and_hide_the_group",
                               "test_the_partners_company_under_another_spelling_is_own_in_both_paths")]
# Tests added to kill survivors: run for every mutant of their statements.
EXTRA_TESTS = [f"{T}test_engine_sql_by_hand.py"]
MONTH_OWNERS = {"decision_basis", "monthly_cells", "daily_reconciliation", "_decision_table",
                "_cells_table", "month_customer_identifiers"}


def tests_for(mutant: SqlMutant) -> list[str]:
    extra = [t for t in EXTRA_TESTS if (ROOT / t.split("::")[0]).exists()]
    if mutant.path.endswith("month_inputs.py"):  # the fingerprint's own DuckDB tests
        return [*STATEMENT_TESTS, f"{T}test_month_inputs.py"]
    if mutant.path.endswith("insights_statements.py"):
        return [*STATEMENT_TESTS, *extra, *INSIGHT_TESTS]
    if mutant.owner in MONTH_OWNERS:
        return [*STATEMENT_TESTS, *extra, *MONTH_TESTS]
    return [*STATEMENT_TESTS, *extra, *MONTH_TESTS, *INSIGHT_TESTS]


def all_mutants() -> list[SqlMutant]:
    return [m for path in MODULES for m in mutants_of(ROOT, path)]


def equivalents() -> dict[str, str]:
    config = tomllib.loads((ROOT / "mutation.toml").read_text())
    return config.get("sql", {}).get("equivalent", {})


# --- one worker: a scratch copy and one interpreter --------------------------------------

class _Failures:
    """pytest plugin: the first failing test and what it raised."""

    def __init__(self) -> None:
        self.first: tuple[str, str] | None = None

    def pytest_runtest_logreport(self, report) -> None:
        if report.failed and self.first is None:
            crash = getattr(report.longrepr, "reprcrash", None)
            self.first = (report.nodeid, crash.message if crash else str(report.longrepr))


def _forget() -> None:
    for name in [n for n in sys.modules if n.startswith(FORGET)]:
        del sys.modules[name]
    importlib.invalidate_caches()


def _rendered() -> dict[str, str]:
    """Every statement as DuckDB and BigQuery text (the statement tests' fixed inputs)."""
    _forget()
    module = importlib.import_module(f"{T.replace('/', '.')}test_engine_statements")
    return {name: q.for_duckdb("marts") + "\n--\n" + q.for_bigquery("p", "d")
            for name, q in module.QUERIES.items()}


def _outcome(code: int, failure: tuple[str, str] | None) -> str:
    if code == 0:
        return "survived"
    if code != 1 or failure is None:
        return f"pytest exit {code}"
    message = failure[1]
    if "Timeout" in message:
        return "timeout"
    if message.startswith(("sqlglot.errors", "ParseError")) or any(
            kind in message for kind in ("ParserException", "BinderException",
                                         "CatalogException")):
        return "invalid"
    if message.startswith("duckdb.") or "duckdb.duckdb." in message:
        return "error"
    return "killed"


def _memoise_simulated_days() -> None:
    """The ``simulated`` fixture's 61 cleaned days, built once per worker: the fixture is
    session-scoped, and each pytest.main is a session."""
    conftest = importlib.import_module("ouchhungry_dp_tests.products.conftest")
    clean_days, built = conftest._clean_days, {}

    def cached(first: str, last: str, products, seed: int):
        if (first, last, seed) not in built:
            built[(first, last, seed)] = clean_days(first, last, products, seed)
        return [frame.copy() for frame in built[(first, last, seed)]]

    conftest._clean_days = cached


def work(index: int, keys: list[str], timeout: int) -> None:
    """Runs ``keys`` in the scratch copy ``w<index>``; one JSON line per mutant."""
    copy = SCRATCH / f"w{index}.{os.getpid()}"  # runs side by side never share a copy
    for name in ("ouchhungry_dp", "ouchhungry_dp_tests"):
        shutil.rmtree(copy / name, ignore_errors=True)
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "setup.cfg", copy / "setup.cfg")
    os.chdir(copy)
    sys.path.insert(0, str(copy))
    sys.dont_write_bytecode = True  # a rewritten module is always compiled afresh
    os.environ["OUCHHUNGRY_ENV"] = "local"
    import pytest

    _memoise_simulated_days()
    wanted = {m.key: m for m in all_mutants()}
    baseline = _rendered()
    args = ["-x", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
            f"--timeout={timeout}", "-W", "ignore"]
    with (SCRATCH / f"results.{os.getpid()}.jsonl").open("a") as out:
        for key in keys:
            mutant = wanted[key]
            target = copy / mutant.path
            source = target.read_text()
            target.write_text(mutant.apply(source))
            started = time.monotonic()
            try:
                try:
                    unchanged = _rendered() == baseline
                except Exception as exc:
                    unchanged, refused = False, f"{type(exc).__module__}.{type(exc).__name__}"
                else:
                    refused = ""
                if unchanged:
                    outcome, failure = "unchanged", None
                else:
                    _forget()
                    plugin = _Failures()
                    code = pytest.main([*args, *tests_for(mutant)], plugins=[plugin])
                    failure = plugin.first
                    outcome = _outcome(int(code), failure)
                    if refused and outcome == "killed":
                        outcome = "invalid"
            finally:
                target.write_text(source)
            out.write(json.dumps({
                "key": key, "at": time.time(), "outcome": outcome,
                "seconds": round(time.monotonic() - started, 1),
                "failed": failure[0] if failure else None,
                "raised": failure[1][:300] if failure else None}) + "\n")
            out.flush()


# --- the driver ---------------------------------------------------------------------------

FINAL = {"killed", "invalid", "error", "timeout", "unchanged", "survived"}


def results() -> dict[str, dict]:
    found: dict[str, dict] = {}
    for path in sorted(SCRATCH.glob("results.*.jsonl")):
        for line in path.read_text().splitlines():
            row = json.loads(line)
            if row["key"] not in found or found[row["key"]]["at"] < row["at"]:
                found[row["key"]] = row  # the latest run of a mutant counts
    return found


def run(jobs: int, only: list[str] | None, timeout: int) -> None:
    SCRATCH.mkdir(parents=True, exist_ok=True)
    done = {k for k, row in results().items() if row["outcome"] in FINAL}
    keys = [m.key for m in all_mutants() if (only and m.key in only)
            or (not only and m.key not in done)]
    print(f"{len(keys)} mutants to run, {jobs} worker(s)", flush=True)
    started = time.monotonic()
    workers = [subprocess.Popen(
        [sys.executable, __file__, "--worker", str(i), "--timeout", str(timeout),
         "--only", *keys[i::jobs]]) for i in range(jobs) if keys[i::jobs]]
    for i, worker in enumerate(workers):
        worker.wait()
        shutil.rmtree(SCRATCH / f"w{i}.{worker.pid}", ignore_errors=True)  # its own copy only
    minutes = (time.monotonic() - started) / 60
    print(f"{len(keys)} mutants in {minutes:.1f} min ({len(keys) / max(minutes, 1e-9):.1f} "
          "a minute)")


def report() -> str:
    mutants, found, same = all_mutants(), results(), equivalents()
    lines = ["| module | mutants | killed (wrong result) | killed (invalid SQL) | "
             "killed (run-time error / timeout) | equivalent | survived | not run | "
             "killed / non-equivalent |", "|---|---|---|---|---|---|---|---|---|"]
    survivors = []
    for path in MODULES:
        mine = [m for m in mutants if m.path == path]
        if not mine:
            continue
        outcomes = Counter()
        for m in mine:
            row = found.get(m.key)
            outcome = "not run" if row is None else row["outcome"]
            if (outcome in ("survived", "unchanged") and m.key in same) or outcome == "unchanged":
                outcome = "equivalent"
            outcomes[outcome] += 1
            if outcome == "survived":
                survivors.append(f"- `{m.key}` ({m.operator}, line {m.line}): `{m.change()}`")
        killed = outcomes["killed"] + outcomes["invalid"] + outcomes["error"] + outcomes["timeout"]
        alive = killed + outcomes["survived"]
        lines.append(
            f"| `{Path(path).name}` | {len(mine)} | {outcomes['killed']} | {outcomes['invalid']}"
            f" | {outcomes['error']} / {outcomes['timeout']} | {outcomes['equivalent']} | "
            f"{outcomes['survived']} | {outcomes['not run']} | "
            f"{100 * killed / alive if alive else 100:.1f} % ({killed} / {alive}) |")
    return "\n".join([*lines, "", *survivors])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", nargs="+", help="mutant keys (default: those not run yet)")
    parser.add_argument("--timeout", type=int, default=180, help="seconds per test")
    parser.add_argument("--list", action="store_true", help="print the mutants, one a line")
    parser.add_argument("--report", action="store_true", help="print the results table")
    parser.add_argument("--fresh", action="store_true", help="forget earlier results")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker is not None:
        work(args.worker, args.only or [], args.timeout)
    elif args.list:
        for m in all_mutants():
            print(f"{m.key}\t{m.operator}\tline {m.line}\t{m.change()}")
    elif args.report:
        print(report())
    else:
        if args.fresh:
            for path in SCRATCH.glob("results.*.jsonl"):
                path.unlink()
        run(args.jobs, args.only, args.timeout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
