"""Issue 15's breakages, reproduced by hand: apply one, run its area's tests, restore it.

    .venv/bin/python scripts/breakages.py              # every breakage, one at a time
    .venv/bin/python scripts/breakages.py --only i j   # some of them
    .venv/bin/python scripts/breakages.py --list       # what would be applied, and where

Each breakage is one exact edit of a source file in this worktree (the text must occur
exactly once, so a refactor that moves the code stops the script instead of testing
nothing). The script refuses a file with uncommitted changes, applies the edit, runs
the breakage's area tests (whole test files, not only the test expected to fail, so
the table says every test that notices), then restores the file with
``git checkout -- <file>`` whatever happens. It prints one markdown row per breakage:
what was broken, where, and the tests that failed. The delivery and alert breakages
are the fast guard's own edits (``ouchhungry_dp_tests/mutation/mutants.py``); the
product, privacy and quality ones live here because their tests launch Dagster runs,
which the guard in ``make test`` cannot afford.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ouchhungry_dp_tests.mutation.mutants import ISSUE_15  # noqa: E402

TESTS = "ouchhungry_dp_tests"
DELIVERY = (f"{TESTS}/delivery",)
ALERTS = (f"{TESTS}/alerts",)
# The daily file's publishing gate in real Dagster runs (the monthly file's, which
# repeats the same checks on another file, is left out for time): each check's own
# module, about ten Dagster runs each.
GATE = (f"{TESTS}/defs/test_publishing_gate.py",)
EVERY_CHECK = (f"{TESTS}/defs/test_publishing_gate_every_check.py",)
# The product tests that build files, shares and insights from frames (no Dagster run,
# no PII-scan corpus): the whole products folder takes ~20 min per breakage on the
# shared box, these a few minutes.
SHARES = tuple(f"{TESTS}/products/{name}.py" for name in (
    "test_dominance", "test_competitor_companies", "test_insights", "test_product_monthly",
    "test_second_partner", "engine/test_insights_engine_equals_pandas",
    "engine/test_engine_equals_pandas"))
CELLS = tuple(f"{TESTS}/products/{name}.py" for name in (
    "test_small_cell_boundaries", "test_product_invariants", "test_product_daily",
    "test_product_monthly", "test_product_month_run", "test_second_partner"))
QUALITY = (f"{TESTS}/quality",)


@dataclass(frozen=True)
class Breakage:
    key: str
    what: str
    path: str
    original: str
    broken: str
    area: tuple[str, ...]
    # The test the docs name for it (must be among the failures).
    expected: str
    alternatives: tuple[tuple[str, str], ...] = ()


def _from_guard(key: str, prefix: str, area: tuple[str, ...]) -> Breakage:
    mutant = next(m for m in ISSUE_15 if m.name.startswith(prefix))
    return Breakage(key, mutant.name.split(": ", 1)[1], mutant.path, mutant.original,
                    mutant.mutated, area, mutant.tests[0], mutant.alternatives)


PRODUCT_ASSETS = "ouchhungry_dp/defs/products/product_assets.py"

BREAKAGES = [
    _from_guard("a", "a:", DELIVERY),
    _from_guard("b", "b:", DELIVERY),
    _from_guard("c", "c:", DELIVERY),
    _from_guard("d", "d:", ALERTS),
    _from_guard("e", "e:", ALERTS),
    _from_guard("f1", "f1:", ALERTS),
    _from_guard("f2", "f2:", ALERTS),
    _from_guard("g", "g:", ALERTS),
    _from_guard("h", "h:", ALERTS),
    # The doc sentences issue 15 found proved by less than they say.
    _from_guard("x1", "docs: host-key", DELIVERY),
    _from_guard("x2", "docs: Retry-After", DELIVERY),
    _from_guard("x3", "docs: backoff", DELIVERY),
    _from_guard("x4", "docs: a changed file", DELIVERY),
    Breakage(
        "i", "`same_sha256_everywhere` always passes",
        "ouchhungry_dp/defs/delivery/delivery_assets.py",
        "check_name=\"same_sha256_everywhere\", passed=not mismatches,",
        "check_name=\"same_sha256_everywhere\", passed=True,",
        GATE, f"{TESTS}/defs/test_publishing_gate.py::"
        "test_same_sha256_everywhere_fails_on_a_tampered_sftp_receipt_and_withholds_the_email",
    ),
    Breakage(
        "j", "the daily PII scan is given no known identifiers",
        PRODUCT_ASSETS,
        "known_identifiers=identifier_values(tx, cleaned_customers)),",
        "known_identifiers=[]),",
        GATE, f"{TESTS}/defs/test_publishing_gate.py::"
        "test_the_daily_pii_scan_is_given_the_days_known_identifiers",
    ),
    Breakage(
        "k", "insights count competitors by brand, not by company",
        "ouchhungry_dp/products/segment_share.py",
        'companies = company_keys(competitors["manufacturer"]).nunique()',
        'companies = competitors["brand"].nunique()',
        SHARES, f"{TESTS}/products/test_competitor_companies.py::"
        "test_the_insights_national_share_needs_three_competing_companies_not_three_brands",
    ),
    Breakage(
        "k2", "monthly segment share counts competitors by brand, not by company",
        "ouchhungry_dp/products/segment_share.py",
        '_competitor=company_keys(rows["manufacturer"]).where(',
        '_competitor=rows["brand"].where(',
        SHARES, f"{TESTS}/products/test_competitor_companies.py::"
        "test_the_monthly_share_needs_three_competing_companies_not_three_brands",
    ),
    Breakage(
        "l1", "small-cell guardrail lets k - 1 customers through",
        "ouchhungry_dp/products/guardrails.py",
        "(basis < minimum)", "(basis < minimum - 1)",
        CELLS, f"{TESTS}/products/test_small_cell_boundaries.py::"
        "test_a_published_cell_passes_exactly_from_k_customers",
    ),
    Breakage(
        "l2", "small-cell guardrail refuses exactly k customers",
        "ouchhungry_dp/products/guardrails.py",
        "(basis < minimum)", "(basis <= minimum)",
        CELLS, f"{TESTS}/products/test_small_cell_boundaries.py::"
        "test_a_published_cell_passes_exactly_from_k_customers",
    ),
    Breakage(
        "l3", "month decision opens cells at k - 1 customers",
        "ouchhungry_dp/products/cells.py",
        "k = contract.privacy.min_customers_per_cell\n",
        "k = contract.privacy.min_customers_per_cell - 1\n",
        CELLS, f"{TESTS}/products/test_product_invariants.py::"
        "test_city_and_residual_at_k_minus_one_k_and_k_plus_one",
    ),
    Breakage(
        "m", "`pseudonym_properties` never called (always passes)",
        PRODUCT_ASSETS,
        '"pseudonym_properties": guardrails.pseudonym_properties(',
        '"pseudonym_properties": (lambda *a, **k: guardrails.CheckOutcome(True, "skipped"))(',
        EVERY_CHECK, f"{TESTS}/defs/test_publishing_gate_every_check.py::"
        "test_a_failed_blocking_check_stops_the_run_holds_the_file_and_alerts_the_data_team",
    ),
    Breakage(
        "n1", "the cleaned customers' CPF schema rule calls the cleaning's validator",
        "ouchhungry_dp/quality/schemas.py",
        "return check_digits.is_valid_cpf(values)",
        "return validators.is_valid_cpf(values)",
        QUALITY, f"{TESTS}/quality/test_quality_schema_oracle.py::"
        "test_the_schemas_never_call_the_cleaning_validators",
    ),
    Breakage(
        "n2", "the cleaning's CPF validator ignores the second check digit",
        "ouchhungry_dp/quality/validators.py",
        "        & (_mod11_digit(codes[:, :10], _CPF_WEIGHTS_2) == codes[:, 10])\n",
        "",
        QUALITY, f"{TESTS}/quality/test_quality_schema_oracle.py::"
        "test_check_digit_implementations_agree",
    ),
]

BY_KEY = {b.key: b for b in BREAKAGES}


def _git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True)


def _edit(breakage: Breakage) -> tuple[str, int]:
    """(the broken source, the 1-based line of the edit); the text must occur exactly once."""
    source = (ROOT / breakage.path).read_text()
    for old, new in ((breakage.original, breakage.broken), *breakage.alternatives):
        if source.count(old) == 1:
            return source.replace(old, new), source[: source.index(old)].count("\n") + 1
    raise SystemExit(f"{breakage.key}: the original text does not occur exactly once in "
                     f"{breakage.path}")


def _failures(junit: Path) -> list[str]:
    """Test ids (path::name) of the failed or erroring test cases in a junit report."""
    failed = []
    for case in ET.parse(junit).getroot().iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            module = case.get("classname", "").replace(".", "/")
            failed.append(f"{module}.py::{case.get('name')}")
    return failed


def run(breakage: Breakage, workers: int) -> dict[str, object]:
    target = ROOT / breakage.path
    if _git("status", "--porcelain", "--", breakage.path).stdout.strip():
        raise SystemExit(f"{breakage.path} has uncommitted changes: commit or stash them first")
    broken, line = _edit(breakage)
    junit = Path(tempfile.mkstemp(prefix=f"breakage-{breakage.key}-", suffix=".xml")[1])
    parallel = ["-n", str(workers), "--dist", "loadfile"] if workers > 1 else []
    command = ["nice", "-n", "10", sys.executable, "-m", "pytest", "-q", *parallel,
               f"--junitxml={junit}", *breakage.area]
    started = time.monotonic()
    try:
        target.write_text(broken)
        result = subprocess.run(command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                                capture_output=True, text=True)
    finally:
        _git("checkout", "--", breakage.path)
    failed = _failures(junit) if junit.stat().st_size else []
    junit.unlink()
    return {
        "key": breakage.key, "what": breakage.what, "where": f"{breakage.path}:{line}",
        "exit": result.returncode, "failed": failed, "seconds": round(time.monotonic() - started),
        "expected_failed": any(f == breakage.expected or f.startswith(breakage.expected)
                               for f in failed),
        "tail": result.stdout[-600:] if result.returncode not in (0, 1) else "",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="*", choices=sorted(BY_KEY), default=None)
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--workers", type=int, default=2, help="pytest-xdist workers")
    args = parser.parse_args()
    chosen = [BY_KEY[k] for k in args.only] if args.only else BREAKAGES
    if args.list:
        for b in chosen:
            print(f"{b.key}\t{b.path}:{_edit(b)[1]}\t{b.what}\t{' '.join(b.area)}")
        return
    print("| # | breakage | where | area tests run | tests that failed | named test failed |")
    print("|---|---|---|---|---|---|")
    for breakage in chosen:
        row = run(breakage, args.workers)
        failed = "<br>".join(f"`{f.removeprefix(TESTS + '/')}`" for f in row["failed"])
        area = ", ".join(a.removeprefix(TESTS + "/") for a in breakage.area)
        verdict = "yes" if row["expected_failed"] else "**no**"
        print(f"| {row['key']} | {row['what']} | `{row['where']}` | {area} "
              f"({row['seconds']} s, exit {row['exit']}) | {failed or '**none**'} | {verdict} |",
              flush=True)
        if row["tail"]:
            print(f"<!-- {row['key']}: pytest exit {row['exit']}: {row['tail']} -->", flush=True)


if __name__ == "__main__":
    main()
