"""The simulated source extracts only the customers and products the day's orders reference."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from ouchhungry_dp.lib.resources.source_systems import SimulatedSourceSystem
from ouchhungry_dp.quality.cleaning import clean_transactions
from ouchhungry_dp.simulation import simulate_customers, simulate_products
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
