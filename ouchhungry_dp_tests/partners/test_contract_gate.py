"""The breaking-change gate and the contract loader's own guards."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from ouchhungry_dp.errors import ConfigurationError
from ouchhungry_dp.partners import contract as contract_module
from ouchhungry_dp.partners.contract import (
    CONTRACTS_DIR,
    get_contract,
    load_contracts,
    parse_contract,
)
from ouchhungry_dp.partners.lock import LOCK_DIR, breaking_changes, check_contracts, main, snapshot

PRODUCTION_YAML = (CONTRACTS_DIR / "ouchhungry.yaml").read_text(encoding="utf-8")


Edit = Callable[[dict[str, Any]], None]


def edited(edit: Edit) -> str:
    data = yaml.safe_load(PRODUCTION_YAML)
    edit(data["products"]["monthly"])
    return yaml.safe_dump(data, allow_unicode=True)


def monthly_changes(edit: Edit) -> list[str]:
    contract = parse_contract(edited(edit))
    locked = json.loads((LOCK_DIR / "ouchhungry_sales_monthly_by_city.json").read_text())
    return [str(c) for c in breaking_changes(locked, contract.products.monthly)]


def test_committed_contracts_match_their_schema_lock() -> None:
    violations, outdated = check_contracts(load_contracts(CONTRACTS_DIR))
    assert violations == [] and outdated == []
    assert main(["--check", "--contracts-dir", str(CONTRACTS_DIR)]) == 0


def _retype(product: dict[str, Any]) -> None:
    product["columns"][6]["type"] = "decimal"  # units_sold integer -> decimal


def _drop(product: dict[str, Any]) -> None:
    del product["columns"][10]  # orders


def _swap(product: dict[str, Any]) -> None:
    cols = product["columns"]
    cols[1], cols[2] = cols[2], cols[1]


@pytest.mark.parametrize(
    ("edit", "word"), [(_retype, "type"), (_drop, "removed"), (_swap, "reorder")]
)
def test_breaking_change_without_major_bump_fails(edit: Edit, word: str) -> None:
    problems = monthly_changes(edit)
    assert problems and word in problems[0] and "MAJOR" in problems[0]

    def with_minor_bump(product: dict[str, Any]) -> None:
        edit(product)
        product["schema_version"] = "1.1.0"

    assert monthly_changes(with_minor_bump)  # a minor bump is not enough

    def with_major_bump(product: dict[str, Any]) -> None:
        edit(product)
        product["schema_version"] = "2.0.0"

    assert monthly_changes(with_major_bump) == []


def test_added_column_needs_a_minor_bump() -> None:
    column = {"name": "new_metric", "type": "integer", "description": {"en": "x", "pt_BR": "x"}}

    def add(product: dict[str, Any]) -> None:
        product["columns"].append(column)

    def add_and_bump(product: dict[str, Any]) -> None:
        add(product)
        product["schema_version"] = "1.1.0"

    assert "MINOR" in monthly_changes(add)[0]
    assert monthly_changes(add_and_bump) == []


def test_descriptions_change_freely_but_versions_never_go_back() -> None:
    def describe(product: dict[str, Any]) -> None:
        product["columns"][0]["description"]["en"] = "Another wording"

    assert monthly_changes(describe) == []
    locked = snapshot(get_contract("ouchhungry").products.monthly) | {"schema_version": "3.0.0"}
    product = get_contract("ouchhungry").products.monthly
    assert "went back" in str(breaking_changes(locked, product)[0])


def test_lock_cli_refuses_to_relock_a_breaking_change(tmp_path: Path) -> None:
    contracts, locks = tmp_path / "contracts", tmp_path / "locks"
    contracts.mkdir()
    (contracts / "ouchhungry.yaml").write_text(PRODUCTION_YAML, encoding="utf-8")
    assert main(["--contracts-dir", str(contracts), "--lock-dir", str(locks)]) == 0
    (contracts / "ouchhungry.yaml").write_text(edited(_drop), encoding="utf-8")
    contract_module._load_dir.cache_clear()  # same path, new content
    assert main(["--check", "--contracts-dir", str(contracts), "--lock-dir", str(locks)]) == 1
    assert main(["--contracts-dir", str(contracts), "--lock-dir", str(locks)]) == 1
    assert (
        len(json.loads((locks / "ouchhungry_sales_monthly_by_city.json").read_text())["columns"])
        == 14
    )


def test_two_partners_may_not_share_a_salt(tmp_path: Path) -> None:
    fixture = Path(__file__).parent / "fixtures" / "crocante.yaml"
    text = fixture.read_text(encoding="utf-8").replace("crocante-2026", "ouchhungry")
    (tmp_path / "crocante.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "ouchhungry.yaml").write_text(PRODUCTION_YAML, encoding="utf-8")
    with pytest.raises(ConfigurationError, match="salt"):
        load_contracts(tmp_path)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('daily_cron: "0 6 * * *"', 'daily_cron: "every day"'),
        ("min_customers_per_cell: 10", "min_customers_per_cell: 1"),
    ],
)
def test_invalid_contract_values_are_refused(old: str, new: str) -> None:
    assert old in PRODUCTION_YAML
    with pytest.raises(ConfigurationError):
        parse_contract(PRODUCTION_YAML.replace(old, new))
