"""Breaking-change gate for the published schemas (no Dagster import).

``schema_lock/<dataset>.json`` is a committed snapshot of each published file's
schema (version, column names and types, in order). The contract may change only
by semantic-versioning rules, checked against the snapshot:

* removing, renaming, retyping or reordering a column breaks a partner's loader
  -> needs a MAJOR bump;
* adding a column -> needs at least a MINOR bump (positional CSV readers notice);
* descriptions -> free (they are documentation);
* a version may never go backwards.

``python -m ouchhungry_dp.partners.lock`` refreshes the snapshots, refusing when
a change lacks its bump; ``--check`` only verifies (CI and the test suite).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ouchhungry_dp.partners.contract import PartnerContract, Product, load_contracts

LOCK_DIR = Path(__file__).parent / "schema_lock"


def _semver(text: str) -> tuple[int, int, int]:
    major, minor, patch = (int(part) for part in text.split("."))
    return major, minor, patch


def snapshot(product: Product) -> dict[str, Any]:
    return {
        "dataset": product.dataset,
        "schema_version": product.schema_version,
        "columns": [{"name": c.name, "type": c.type} for c in product.columns],
    }


@dataclass(frozen=True)
class SchemaChange:
    dataset: str
    problem: str

    def __str__(self) -> str:
        return f"{self.dataset}: {self.problem}"


def breaking_changes(locked: dict[str, Any], product: Product) -> list[SchemaChange]:
    """What in ``product`` violates semver against the ``locked`` snapshot (empty = ok)."""
    dataset = product.dataset
    old_version, new_version = _semver(locked["schema_version"]), _semver(product.schema_version)
    old = [(c["name"], c["type"]) for c in locked["columns"]]
    new = [(c.name, c.type) for c in product.columns]
    old_types, new_types = dict(old), dict(new)
    problems: list[str] = []
    if new_version < old_version:
        problems.append(f"schema_version went back from {locked['schema_version']}")
    removed = [name for name in old_types if name not in new_types]
    retyped = [n for n in old_types if n in new_types and old_types[n] != new_types[n]]
    kept_old_order = [n for n, _ in old if n in new_types]
    kept_new_order = [n for n, _ in new if n in old_types]
    reordered = kept_old_order != kept_new_order
    added = [name for name in new_types if name not in old_types]
    breaking = [
        *(f"column {n!r} removed" for n in removed),
        *(f"column {n!r} changed type {old_types[n]} -> {new_types[n]}" for n in retyped),
        *(["columns reordered"] if reordered else []),
    ]
    if breaking and new_version[0] <= old_version[0]:
        problems.extend(
            f"{change} without a MAJOR version bump (locked {locked['schema_version']}, "
            f"contract {product.schema_version})"
            for change in breaking
        )
    if added and new_version[:2] <= old_version[:2]:
        problems.extend(
            f"column {n!r} added without a MINOR version bump (locked "
            f"{locked['schema_version']}, contract {product.schema_version})"
            for n in added
        )
    return [SchemaChange(dataset, p) for p in problems]


def _lock_path(lock_dir: Path, dataset: str) -> Path:
    return lock_dir / f"{dataset}.json"


def check_contracts(
    contracts: list[PartnerContract], lock_dir: Path = LOCK_DIR
) -> tuple[list[SchemaChange], list[str]]:
    """(violations, outdated datasets): a missing or stale snapshot is 'outdated'."""
    violations: list[SchemaChange] = []
    outdated: list[str] = []
    for contract in contracts:
        for product in (contract.products.daily, contract.products.monthly):
            path = _lock_path(lock_dir, product.dataset)
            if not path.exists():
                outdated.append(product.dataset)
                continue
            locked = json.loads(path.read_text(encoding="utf-8"))
            violations.extend(breaking_changes(locked, product))
            if locked != snapshot(product):
                outdated.append(product.dataset)
    return violations, outdated


def write_locks(contracts: list[PartnerContract], lock_dir: Path = LOCK_DIR) -> list[Path]:
    lock_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for contract in contracts:
        for product in (contract.products.daily, contract.products.monthly):
            path = _lock_path(lock_dir, product.dataset)
            path.write_text(json.dumps(snapshot(product), indent=2) + "\n", encoding="utf-8")
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="verify only; exit 1 on problems")
    parser.add_argument("--contracts-dir", type=Path, default=None)
    parser.add_argument("--lock-dir", type=Path, default=LOCK_DIR)
    args = parser.parse_args(argv)
    contracts = load_contracts(args.contracts_dir)
    violations, outdated = check_contracts(contracts, args.lock_dir)
    for violation in violations:
        print(f"BREAKING: {violation}", file=sys.stderr)
    if violations:
        print("Bump schema_version by the rules above, then run this again.", file=sys.stderr)
        return 1
    if args.check:
        for dataset in outdated:
            print(
                f"OUTDATED: {dataset} (run python -m ouchhungry_dp.partners.lock)", file=sys.stderr
            )
        return 1 if outdated else 0
    for path in write_locks(contracts, args.lock_dir):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
