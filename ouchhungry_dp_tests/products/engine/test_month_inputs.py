"""The month's inputs fingerprint on a real DuckDB warehouse: it moves with one late row,
one corrected ``updated_at`` and one product re-filed in another segment, and not with
the order of the rows, another month's rows or an unchanged re-run."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from ouchhungry_dp.errors import DataQualityError
from ouchhungry_dp.products.engine.month_inputs import (
    FIELDS,
    changed_tables,
    fingerprint_bytes,
    fingerprint_from_rows,
    fingerprint_in_engine,
    inputs_file,
    month_inputs,
    parse_fingerprint,
    same_inputs_outcome,
)
from ouchhungry_dp_tests.products.conftest import month_frames, products_frame
from ouchhungry_dp_tests.products.engine.conftest import Warehouse

FIRST, LAST = dt.date(2026, 11, 1), dt.date(2026, 11, 30)
TX, PR = "cleaned_transactions", "cleaned_products"


def _snapshot(day: str) -> pd.DataFrame:
    stamp = pd.Timestamp(day)
    return products_frame().assign(snapshot_date=stamp, updated_at=stamp)


@pytest.fixture
def month() -> dict[str, pd.DataFrame]:
    # October's rows and snapshot are outside the month: they must not count.
    transactions = pd.concat([*month_frames("2026-10", 3, seed=4)[-2:],
                              *month_frames("2026-11", 5, seed=5)], ignore_index=True)
    products = pd.concat([_snapshot("2026-10-31"), _snapshot("2026-11-01"),
                          _snapshot("2026-11-15")], ignore_index=True)
    return {TX: transactions, PR: products}


def _fingerprint(tmp_path: Path, frames: dict[str, pd.DataFrame], name: str = "w") -> bytes:
    warehouse = Warehouse(tmp_path / f"{name}.duckdb")
    for table, frame in frames.items():
        warehouse.put(table, frame)
    return fingerprint_bytes("ouchhungry", "2026-11",
                             fingerprint_in_engine(warehouse.run, FIRST, LAST))


def _changed(tmp_path: Path, before: dict[str, pd.DataFrame],
             after: dict[str, pd.DataFrame]) -> list[str]:
    return changed_tables(
        parse_fingerprint(_fingerprint(tmp_path, before, "before"), "ouchhungry", "2026-11"),
        parse_fingerprint(_fingerprint(tmp_path, after, "after"), "ouchhungry", "2026-11"))


def test_the_fingerprint_is_the_months_aggregates(tmp_path: Path,
                                                   month: dict[str, pd.DataFrame]) -> None:
    tables = parse_fingerprint(_fingerprint(tmp_path, month), "ouchhungry", "2026-11")
    tx = month[TX].loc[month[TX]["sale_date"] >= pd.Timestamp(FIRST)]
    assert tables[TX]["rows"] == len(tx) == 150
    assert tables[TX]["units"] == int(tx["quantity"].sum())
    assert tables[TX]["cents"] == int((tx["total_amount"] * 100).round().sum())
    assert tables[TX]["updated_max"] == int(pd.Timestamp("2026-11-30").timestamp())
    assert tables[PR]["rows"] == 2 * len(products_frame())
    assert tables[PR]["snapshot_max"] == (dt.date(2026, 11, 15) - dt.date(1970, 1, 1)).days
    assert len(str(tables[PR]["catalogue_md5"])) == 32


def test_equal_under_row_order_and_other_months(tmp_path: Path,
                                                month: dict[str, pd.DataFrame]) -> None:
    shuffled = {t: f.sample(frac=1.0, random_state=3).reset_index(drop=True)
                for t, f in month.items()}
    other_month = {TX: pd.concat([month[TX], month_frames("2026-12", 2, seed=9)[0]]),
                   PR: pd.concat([month[PR], _snapshot("2026-12-01").assign(segment="x")])}
    reference = _fingerprint(tmp_path, month, "reference")
    assert _fingerprint(tmp_path, shuffled, "shuffled") == reference
    assert _fingerprint(tmp_path, other_month, "other") == reference


def test_one_late_row_changes_the_transactions(tmp_path: Path,
                                               month: dict[str, pd.DataFrame]) -> None:
    late = month[TX].tail(1).assign(transaction_id="IT-LATE", order_id="PED-LATE")
    after = {**month, TX: pd.concat([month[TX], late], ignore_index=True)}
    assert _changed(tmp_path, month, after) == [TX]


def test_one_corrected_updated_at_changes_the_transactions(
        tmp_path: Path, month: dict[str, pd.DataFrame]) -> None:
    # A row of the 5th corrected on the 10th: not the month's newest update.
    tx = month[TX].copy()
    row = tx.index[tx["sale_date"] == pd.Timestamp("2026-11-05")][0]
    tx.loc[row, "updated_at"] = pd.Timestamp("2026-11-10 12:00:00")
    assert _changed(tmp_path, month, {**month, TX: tx}) == [TX]


def test_a_catalogue_update_the_report_does_not_read_changes_nothing(
        tmp_path: Path, month: dict[str, pd.DataFrame]) -> None:
    """A re-run day re-extracts the catalogue with a competitor's new list price and
    ``updated_at``: nothing the report reads moved, so nothing holds it (the second
    attack of session 7 had a normal month's report and delivery held by this)."""
    products = month[PR].copy()
    on_15th = products.index[products["snapshot_date"] == pd.Timestamp("2026-11-15")]
    products.loc[on_15th[0], "list_price"] = 99.0
    products.loc[on_15th[0], "updated_at"] += pd.Timedelta(days=1)
    products.loc[on_15th[1], "updated_at"] -= pd.Timedelta(days=1)
    assert _changed(tmp_path, month, {**month, PR: products}) == []


def test_one_row_recoded_to_another_product_changes_the_transactions(
        tmp_path: Path, month: dict[str, pd.DataFrame]) -> None:
    """Same count, units, cents and ``updated_at``: only the product moved (the second
    attack moved a competitor's rows into the partner's segment this way)."""
    tx = month[TX].copy()
    codes = sorted(set(tx["product_code"].dropna()))
    row = tx.index[(tx["sale_date"] >= pd.Timestamp(FIRST)) & (tx["product_code"] == codes[0])][0]
    tx.loc[row, "product_code"] = codes[1]
    assert _changed(tmp_path, month, {**month, TX: tx}) == [TX]


def test_two_rows_swapping_products_change_the_transactions(
        tmp_path: Path, month: dict[str, pd.DataFrame]) -> None:
    tx = month[TX].copy()
    in_month = tx["sale_date"] >= pd.Timestamp(FIRST)
    first = tx.index[in_month][0]
    second = tx.index[in_month & (tx["product_code"] != tx.loc[first, "product_code"])
                      & (tx["total_amount"] != tx.loc[first, "total_amount"])][0]
    tx.loc[[first, second], "product_code"] = tx.loc[[second, first], "product_code"].to_numpy()
    assert _changed(tmp_path, month, {**month, TX: tx}) == [TX]


def test_one_product_refiled_in_another_segment_changes_the_catalogue(
        tmp_path: Path, month: dict[str, pd.DataFrame]) -> None:
    # The re-run of the 15th re-extracts the catalogue: same rows, same updated_at,
    # one competitor product filed in another segment.
    products = month[PR].copy()
    on_15th = products["snapshot_date"] == pd.Timestamp("2026-11-15")
    competitor = on_15th & (products["manufacturer"] != "OuchHungry")
    row = products.index[competitor][0]
    segments = set(products["segment"].dropna())
    products.loc[row, "segment"] = next(s for s in sorted(segments)
                                        if s != products.loc[row, "segment"])
    assert _changed(tmp_path, month, {**month, PR: products}) == [PR]


def test_two_products_swapping_segments_change_the_catalogue(
        tmp_path: Path, month: dict[str, pd.DataFrame]) -> None:
    """A count or per-segment sums would not move: the digest does."""
    products = month[PR].copy()
    on_15th = products.index[products["snapshot_date"] == pd.Timestamp("2026-11-15")]
    by_segment = products.loc[on_15th].drop_duplicates("segment")
    a, b = by_segment.index[:2]
    products.loc[[a, b], "segment"] = products.loc[[b, a], "segment"].to_numpy()
    assert _changed(tmp_path, month, {**month, PR: products}) == [PR]


def test_a_changed_month_fails_naming_tables_only() -> None:
    released = {TX: {"rows": 10, "cents": 500}, PR: {"rows": 3}}
    current = {TX: {"rows": 11, "cents": 2599}, PR: {"rows": 3}}
    outcome = same_inputs_outcome(released, current, "2026-11")
    assert not outcome.passed
    assert "cleaned_transactions" in outcome.description
    assert "cleaned_products" not in outcome.description
    assert "2599" not in outcome.description and "11" not in outcome.description.replace(
        "2026-11", "")
    assert same_inputs_outcome(released, dict(released), "2026-11").passed


def test_a_fingerprint_of_another_month_is_refused() -> None:
    data = fingerprint_bytes("ouchhungry", "2026-11", {TX: {"rows": 1}})
    with pytest.raises(DataQualityError, match="does not name"):
        parse_fingerprint(data, "ouchhungry", "2026-12")
    assert inputs_file("ouchhungry", "2026-11") == (
        "_published/ouchhungry/monthly_inputs_2026-11.json")


def test_a_month_without_rows_or_tables_gives_empty_fields(
        tmp_path: Path, month: dict[str, pd.DataFrame]) -> None:
    """No row in the month: counts 0, the rest None; no table yet: every field None."""
    october = {t: f.loc[f[c] < pd.Timestamp(FIRST)] for (t, f), c
               in zip(month.items(), ("sale_date", "snapshot_date"), strict=True)}
    empty = parse_fingerprint(_fingerprint(tmp_path, october), "ouchhungry", "2026-11")
    assert empty[TX] == {"rows": 0, "units": None, "cents": None, "updated_sum": None,
                         "updated_max": None, "products_md5": None}
    assert empty[PR]["rows"] == 0 and empty[PR]["catalogue_md5"] is None
    missing = fingerprint_from_rows(pd.DataFrame())
    assert missing == {t: dict.fromkeys(f) for t, f in FIELDS.items()}
    assert month_inputs(FIRST, LAST).purpose == "month_inputs"  # the BigQuery job label


def test_the_bytes_do_not_depend_on_the_order_of_the_fields() -> None:
    one = {TX: {"rows": 1, "cents": 2}, PR: {"rows": 3}}
    other = {PR: {"rows": 3}, TX: {"cents": 2, "rows": 1}}
    assert fingerprint_bytes("p", "2026-11", one) == fingerprint_bytes("p", "2026-11", other)


@pytest.mark.parametrize("body", [
    {"version": 1, "partner": "other", "month": "2026-11", "tables": {}},
    {"version": 2, "partner": "ouchhungry", "month": "2026-11", "tables": {}},
    {"version": 1, "partner": "ouchhungry", "month": "2026-11", "tables": []},
])
def test_a_fingerprint_of_another_partner_version_or_shape_is_refused(
        body: dict[str, object]) -> None:
    with pytest.raises(DataQualityError) as refused:
        parse_fingerprint(json.dumps(body).encode(), "ouchhungry", "2026-11")
    assert (refused.value.partner, refused.value.partition) == ("ouchhungry", "2026-11")


def test_a_table_on_one_side_only_has_changed() -> None:
    assert changed_tables({TX: {"rows": 1}}, {TX: {"rows": 1}, PR: {"rows": 0}}) == [PR]
    assert changed_tables({TX: {"rows": 1}, PR: {"rows": 0}}, {TX: {"rows": 1}}) == [PR]


def test_the_outcomes_say_what_was_compared() -> None:
    same = same_inputs_outcome({TX: {"rows": 1}}, {TX: {"rows": 1}}, "2026-11")
    assert same.description == ("the 2026-11 data is the one its released monthly file was "
                                "built on")
    assert same.metadata == {"changed_tables": []}
    changed = same_inputs_outcome({TX: {"rows": 1}}, {TX: {"rows": 2}}, "2026-11")
    assert changed.description == (
        "the 2026-11 data changed since its monthly file was released "
        "(cleaned_transactions): a report built now would reveal the change as a "
        "difference with the monthly file; held")
    assert changed.metadata == {"changed_tables": ["cleaned_transactions"]}
    assert changed.passed is False and same.passed is True


def test_a_null_sum_is_none_in_either_engine() -> None:
    """A NULL sum comes back as ``pd.NA`` in an Int64 column (BigQuery's reader) or as
    NaN in a float column (a numpy-backed frame): each is ``None`` in the fingerprint,
    never an error."""
    columns = [c for fields in FIELDS.values() for c in fields.values()]
    bigquery = pd.DataFrame({c: pd.array([pd.NA], dtype="Int64") for c in columns})
    numpy = pd.DataFrame({c: [float("nan")] for c in columns}).assign(
        pr_catalogue_md5=[None], tx_products_md5=[None])
    for row in (bigquery, numpy):
        row["tx_rows"] = [0]
        tables = fingerprint_from_rows(row)
        assert tables[TX]["rows"] == 0 and tables[TX]["units"] is None
        assert tables[TX]["updated_max"] is None
        assert tables[PR]["catalogue_md5"] is None
