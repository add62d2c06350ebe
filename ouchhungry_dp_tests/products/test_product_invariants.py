"""Property-based: whatever the sales and the decision, the monthly invariants hold."""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ouchhungry_dp.partners.contract import get_contract
from ouchhungry_dp.products.cells import decide_publishable_cells
from ouchhungry_dp.products.daily import build_daily_product
from ouchhungry_dp.products.guardrails import cells_under_minimum, reconcile_monthly_with_daily
from ouchhungry_dp.products.monthly import build_monthly_product

from .conftest import KEY, products_frame, rows_frame

CONTRACT = get_contract("ouchhungry")
PRODUCTS = products_frame()
PLACES = [("SP", "SAO PAULO"), ("SP", "CAMPINAS"), ("SP", "SANTOS"), ("RJ", "NITEROI"),
          ("RJ", "RIO DE JANEIRO"), ("AC", "RIO BRANCO")]  # fmt: skip
CODES = ["REF-HNG-0350", "SAL-OCH-0100", "REF-CLB-0350", "REF-GSU-0350", "SAL-BTR-0100"]

item = st.tuples(
    st.integers(1, 3),  # day of month
    st.integers(0, 60),  # customer
    st.sampled_from(range(len(PLACES))),
    st.sampled_from(CODES),
    st.integers(1, 4),
    st.sampled_from([4.99, 7.5, 12.0]),
)


def frame(items: list[tuple[int, int, int, str, int, float]], month: str) -> pd.DataFrame:
    records = [
        (f"{month}-{day:02d}", f"PED-{month}-{day}-{who}", f"CLI-{who}", *PLACES[place],
         code, quantity, price)
        for day, who, place, code, quantity, price in items
    ]  # fmt: skip
    return rows_frame(records)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    history=st.lists(item, max_size=120),
    month=st.lists(item, min_size=1, max_size=160),
)
def test_no_small_cell_and_exact_reconciliation(history: list, month: list) -> None:
    decision = decide_publishable_cells(frame(history, "2026-10"), PRODUCTS, CONTRACT)
    sales = frame(month, "2026-11")
    monthly = build_monthly_product(sales, PRODUCTS, decision, CONTRACT, month="2026-11")
    dailies = [
        build_daily_product(day, PRODUCTS, decision, CONTRACT, key=KEY)
        for _, day in sales.groupby("sale_date")
    ]
    assert cells_under_minimum(monthly, CONTRACT).passed
    outcome = reconcile_monthly_with_daily(monthly, dailies, min_customers=CONTRACT)
    assert outcome.passed, outcome.metadata
    total = outcome.metadata["units_daily"]
    assert outcome.metadata["units_monthly"] + outcome.metadata["suppressed_units"] == total
    published = monthly.loc[monthly["segment_share"].notna(), "segment_share"]
    assert ((published > 0) & (published <= 1)).all()
