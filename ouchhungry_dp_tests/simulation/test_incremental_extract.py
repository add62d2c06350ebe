"""The simulated source extracts only the customers and products the day's orders reference."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from ouchhungry_dp.lib.resources.source_systems import SimulatedSourceSystem
from ouchhungry_dp.quality.cleaning import clean_transactions
from ouchhungry_dp.simulation import extract, simulate_customers, simulate_products
from ouchhungry_dp.simulation.extract import referenced_by_orders
from ouchhungry_dp_tests.simulation.conftest import DAY, DIRTY

FULL = {"customers": simulate_customers, "products": simulate_products}
KEYS = {"customers": "customer_id", "products": "product_code"}


@pytest.mark.parametrize("table", ["customers", "products"])
def test_extract_is_the_referenced_rows_of_the_full_table(table: str, dirty_transactions) -> None:
    key = KEYS[table]
    full = FULL[table](DAY, DIRTY)
    extract = referenced_by_orders(DAY, DIRTY, table)
    referenced = set(dirty_transactions.frame[key].dropna())
    expected = full.frame[full.frame[key].isin(referenced)].reset_index(drop=True)
    pd.testing.assert_frame_equal(extract.frame, expected)
    assert len(extract.frame) > 0
    if table == "customers":  # not every customer orders on a given day
        assert len(extract.frame) < len(full.frame)


@pytest.mark.parametrize("table", ["customers", "products"])
def test_defect_labels_still_point_at_their_values(table: str) -> None:
    full = FULL[table](DAY, DIRTY)
    extract = referenced_by_orders(DAY, DIRTY, table)
    assert len(extract.defects) > 0

    def labelled(t) -> pd.DataFrame:  # (key, column, kind, value) of every label
        values = [t.frame[c].iloc[r] for r, c in zip(t.defects["row"], t.defects["column"],
                                                     strict=True)]
        return pd.DataFrame({"key": t.frame[KEYS[table]].iloc[t.defects["row"]].to_numpy(),
                             "column": t.defects["column"].to_numpy(),
                             "kind": t.defects["kind"].to_numpy(), "value": values})

    kept = labelled(extract)
    everything = labelled(full)
    in_extract = everything[everything["key"].isin(set(extract.frame[KEYS[table]]))]
    pd.testing.assert_frame_equal(
        kept.sort_values(list(kept.columns), ignore_index=True).astype(str),
        in_extract.sort_values(list(kept.columns), ignore_index=True).astype(str))


def test_referential_checks_judge_the_same_rows_as_against_the_full_tables() -> None:
    day = dt.date(2026, 11, 20)
    source = SimulatedSourceSystem(rows_per_day=3000, defect_rate=0.2)
    items = source.extract("transactions", day)
    config = DIRTY.__class__(rows_per_day=3000, defect_rate=0.2)
    results = []
    for customers, products in (
            (source.extract("customers", day), source.extract("products", day)),
            (simulate_customers(day, config).frame, simulate_products(day, config).frame)):
        result = clean_transactions(items, partition_date=day,
                                    known_customer_ids=customers["customer_id"],
                                    known_product_codes=products["product_code"])
        results.append(result.reasons)
    assert results[0] == results[1]
    assert results[0].get("unknown_customer", 0) > 0 and results[0].get("unknown_product", 0) > 0


def test_the_extracts_after_the_items_reuse_their_keys_instead_of_generating_the_day(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The daily run extracts the items first (step priority), then customers and
    # products in the same process: the day is generated once, and the extracts are
    # the same as a customers or products extract on its own (generating the day).
    day, config = dt.date(2026, 11, 21), DIRTY.__class__(rows_per_day=2500, defect_rate=0.2)
    alone = {table: referenced_by_orders(day, config, table).frame for table in FULL}
    extract._REFERENCES.clear()
    generated: list[dt.date] = []
    real = extract.simulate_transactions
    monkeypatch.setattr(extract, "simulate_transactions",
                        lambda d, c: generated.append(d) or real(d, c))
    source = SimulatedSourceSystem(rows_per_day=2500, defect_rate=0.2)
    items = source.extract("transactions", day)
    after = {table: source.extract(table, day) for table in FULL}
    assert generated == [day]
    for table, key in KEYS.items():
        pd.testing.assert_frame_equal(after[table], alone[table])
        assert set(after[table][key]) == set(items[key].dropna()) & set(
            FULL[table](day, config).frame[key])


def test_the_keys_of_only_the_last_days_are_kept() -> None:
    extract._REFERENCES.clear()
    config = DIRTY.__class__(rows_per_day=300, defect_rate=0.0)
    days = [dt.date(2026, 11, d) for d in (1, 2, 3)]
    for day in days:
        extract.day_items(day, config)
    assert [day for day, _ in extract._REFERENCES] == days[-extract._REMEMBERED_DAYS:]
