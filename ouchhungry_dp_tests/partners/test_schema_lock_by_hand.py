"""The schema lock's semver rules (``partners.lock``) on hand-built products, each rule at
its boundary: the bump that is just enough passes, the one just short fails, with the
exact message a developer reads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ouchhungry_dp.partners.contract import Column, Product, Text, get_contract
from ouchhungry_dp.partners.lock import (
    SchemaChange,
    breaking_changes,
    check_contracts,
    main,
    snapshot,
    write_locks,
)

TEXT = Text(en="x", pt_BR="x")
BASE = [("day", "date"), ("brand", "string"), ("units", "integer")]


def product(version: str, columns: list[tuple[str, str]] = BASE, dataset: str = "p_daily",
            description: str = "x") -> Product:
    return Product(dataset=dataset, schema_version=version,
                   description=Text(en=description, pt_BR=description),
                   columns=[Column(name=n, type=t, description=TEXT) for n, t in columns])


def locked(version: str, columns: list[tuple[str, str]] = BASE) -> dict:
    return snapshot(product(version, columns))


def problems(old: str, new: str, columns: list[tuple[str, str]] = BASE) -> list[str]:
    return [str(c) for c in breaking_changes(locked(old), product(new, columns))]


def test_snapshot_is_the_dataset_version_and_typed_columns_in_order() -> None:
    assert snapshot(product("1.2.3")) == {
        "dataset": "p_daily", "schema_version": "1.2.3",
        "columns": [{"name": "day", "type": "date"}, {"name": "brand", "type": "string"},
                    {"name": "units", "type": "integer"}]}


def test_a_change_names_its_dataset() -> None:
    assert str(SchemaChange("p_daily", "column 'x' removed")) == "p_daily: column 'x' removed"
    (change,) = breaking_changes(locked("1.0.0"), product("0.9.9"))
    assert change.dataset == "p_daily"


@pytest.mark.parametrize(("old", "new"), [("2.0.0", "1.9.9"), ("1.1.0", "1.0.9"),
                                          ("1.0.1", "1.0.0")])
def test_a_version_never_goes_back(old: str, new: str) -> None:
    assert problems(old, new) == [f"p_daily: schema_version went back from {old}"]


@pytest.mark.parametrize("new", ["1.0.0", "1.0.1", "1.1.0", "2.0.0"])
def test_the_same_columns_need_no_bump(new: str) -> None:
    assert problems("1.0.0", new) == []


BREAKING = {
    "removed": ([("day", "date"), ("units", "integer")], "column 'brand' removed"),
    "retyped": ([("day", "date"), ("brand", "string"), ("units", "decimal")],
                "column 'units' changed type integer -> decimal"),
    "reordered": ([("brand", "string"), ("day", "date"), ("units", "integer")],
                  "columns reordered"),
}


@pytest.mark.parametrize("change", sorted(BREAKING))
def test_a_breaking_change_needs_a_major_bump(change: str) -> None:
    columns, message = BREAKING[change]
    for short in ("1.9.0", "1.0.1"):
        assert problems("1.0.0", short, columns) == [
            f"p_daily: {message} without a MAJOR version bump (locked 1.0.0, contract {short})"]
    assert problems("1.0.0", "2.0.0", columns) == []


def test_every_breaking_change_is_listed() -> None:
    columns = [("units", "decimal"), ("day", "date")]  # brand removed, units retyped, order
    assert problems("1.4.2", "1.5.0", columns) == [
        f"p_daily: {m} without a MAJOR version bump (locked 1.4.2, contract 1.5.0)"
        for m in ("column 'brand' removed", "column 'units' changed type integer -> decimal",
                  "columns reordered")]


def test_an_added_column_needs_a_minor_bump_and_is_no_reorder() -> None:
    columns = [("day", "date"), ("segment", "string"), ("brand", "string"),
               ("units", "integer"), ("city", "string")]
    assert problems("1.0.0", "1.0.1", columns) == [
        f"p_daily: column {n!r} added without a MINOR version bump (locked 1.0.0, "
        "contract 1.0.1)" for n in ("segment", "city")]
    for enough in ("1.1.0", "2.0.0"):
        assert problems("1.0.0", enough, columns) == []


def test_versions_compare_as_numbers_not_text() -> None:
    # "1.10.0" < "1.9.0" as text.
    assert problems("1.9.0", "1.10.0", [*BASE, ("city", "string")]) == []
    assert problems("1.10.0", "1.9.0") == ["p_daily: schema_version went back from 1.10.0"]


def test_a_removed_column_with_an_added_one_is_still_a_removal() -> None:
    columns = [("day", "date"), ("units", "integer"), ("city", "string")]
    assert problems("1.0.0", "1.1.0", columns) == [
        "p_daily: column 'brand' removed without a MAJOR version bump (locked 1.0.0, "
        "contract 1.1.0)"]


CONTRACT = get_contract("ouchhungry")


def test_check_contracts_reports_missing_stale_and_breaking_locks(tmp_path: Path) -> None:
    daily, monthly = CONTRACT.products.daily, CONTRACT.products.monthly
    assert check_contracts([CONTRACT], tmp_path) == ([], [daily.dataset, monthly.dataset])
    written = write_locks([CONTRACT], tmp_path / "new")
    assert written == [tmp_path / "new" / f"{daily.dataset}.json",
                       tmp_path / "new" / f"{monthly.dataset}.json"]
    assert written[0].read_text(encoding="utf-8") == json.dumps(snapshot(daily), indent=2) + "\n"
    assert check_contracts([CONTRACT], tmp_path / "new") == ([], [])
    # The daily lock at an older version with the same columns: stale, not breaking.
    stale = {**snapshot(daily), "schema_version": "0.0.0"}
    written[0].write_text(json.dumps(stale), encoding="utf-8")
    assert check_contracts([CONTRACT], tmp_path / "new") == ([], [daily.dataset])
    # A locked column the contract no longer has, at the same version: breaking.
    extra = snapshot(monthly)
    extra["columns"].append({"name": "gone", "type": "string"})
    written[1].write_text(json.dumps(extra), encoding="utf-8")
    violations, outdated = check_contracts([CONTRACT], tmp_path / "new")
    assert [str(v) for v in violations] == [
        f"{monthly.dataset}: column 'gone' removed without a MAJOR version bump (locked "
        f"{monthly.schema_version}, contract {monthly.schema_version})"]
    assert outdated == [daily.dataset, monthly.dataset]


def test_the_command_checks_refuses_and_writes(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    locks = tmp_path / "locks"
    assert main(["--check", "--lock-dir", str(locks)]) == 1
    err = capsys.readouterr().err
    daily = CONTRACT.products.daily.dataset
    assert f"OUTDATED: {daily} (run python -m ouchhungry_dp.partners.lock)" in err
    assert main(["--lock-dir", str(locks)]) == 0
    assert f"wrote {locks / (daily + '.json')}" in capsys.readouterr().out
    assert main(["--check", "--lock-dir", str(locks)]) == 0
    monthly = CONTRACT.products.monthly
    extra = snapshot(monthly)
    extra["columns"].append({"name": "gone", "type": "string"})
    (locks / f"{monthly.dataset}.json").write_text(json.dumps(extra), encoding="utf-8")
    before = (locks / f"{monthly.dataset}.json").read_text(encoding="utf-8")
    for argv in (["--check"], []):
        assert main([*argv, "--lock-dir", str(locks)]) == 1
        err = capsys.readouterr().err
        assert f"BREAKING: {monthly.dataset}: column 'gone' removed" in err
        assert "Bump schema_version by the rules above, then run this again." in err.splitlines()
    # A refused refresh leaves the lock as it was.
    assert (locks / f"{monthly.dataset}.json").read_text(encoding="utf-8") == before


def test_the_commands_help_names_the_gate_and_its_check(
        capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--help"])
    assert caught.value.code == 0
    out = " ".join(capsys.readouterr().out.split())  # argparse wraps lines
    assert "Breaking-change gate for the published schemas (no Dagster import)." in out
    assert "committed snapshot" not in out  # the first paragraph of the docstring only
    assert "--check verify only; exit 1 on problems" in out


def test_locks_are_written_into_a_new_nested_folder_and_rewritten_in_place(
        tmp_path: Path) -> None:
    folder = tmp_path / "a" / "b"
    first = write_locks([CONTRACT], folder)
    assert write_locks([CONTRACT], folder) == first
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in first)
