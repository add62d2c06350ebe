"""Property-based: whatever the sales and the decision, the monthly invariants hold."""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ouchhungry_dp.partners.contract import get_contract
from ouchhungry_dp.products.cells import assign_locations, decide_locations
from ouchhungry_dp.products.daily import build_daily_product
from ouchhungry_dp.products.guardrails import cells_under_minimum, reconcile_monthly_with_daily
from ouchhungry_dp.products.monthly import build_monthly_product
from ouchhungry_dp.products.selection import partner_items

from .conftest import KEY, customers_buying, products_frame, rows_frame

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


def basis_customers_per_label(history: pd.DataFrame, decision: pd.DataFrame) -> pd.Series:
    """Oracle: distinct basis customers behind each published label, recounted from the
    history rows (not from the decision's stored counts)."""
    located = assign_locations(partner_items(history, PRODUCTS, CONTRACT), decision)
    return located.groupby(["pub_state", "pub_city", "location_level"])["customer_id"].nunique()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    history=st.lists(item, max_size=120),
    month=st.lists(item, min_size=1, max_size=160),
)
def test_no_small_cell_and_exact_reconciliation(history: list, month: list) -> None:
    basis = frame(history, "2026-10")
    decision = decide_locations(basis, PRODUCTS, CONTRACT)
    sales = frame(month, "2026-11")
    monthly = build_monthly_product(sales, PRODUCTS, decision, CONTRACT, month="2026-11")
    dailies = [
        build_daily_product(day, PRODUCTS, decision, CONTRACT, key=KEY)
        for _, day in sales.groupby("sale_date")
    ]
    everything = pd.concat(dailies, ignore_index=True)
    assert cells_under_minimum(monthly, decision, CONTRACT).passed
    assert cells_under_minimum(everything, decision, CONTRACT).passed
    outcome = reconcile_monthly_with_daily(monthly, dailies, min_customers=CONTRACT)
    assert outcome.passed, outcome.metadata
    assert outcome.metadata["units_monthly"] == outcome.metadata["units_daily"]
    # Every location label of the daily files is in the monthly file.
    labels = ["state", "city", "location_level"]
    assert set(map(tuple, everything[labels].to_numpy())) <= set(
        map(tuple, monthly[labels].to_numpy()))
    # Every label above the whole country has >= k customers in the basis (recounted).
    counts = basis_customers_per_label(basis, decision) if len(basis) else pd.Series(dtype=int)
    named = decision["level"].ne("country").any()
    for state, city, level in set(map(tuple, everything[labels].to_numpy())):
        if level == "country" and not named:
            continue
        assert counts.get((state, city, level), 0) >= CONTRACT.privacy.min_customers_per_cell
    published = monthly.loc[monthly["segment_share"].notna(), "segment_share"]
    assert ((published > 0) & (published <= 1)).all()


@settings(max_examples=40, deadline=None)
@given(size=st.sampled_from([9, 10, 11]), residual=st.sampled_from([9, 10, 11]))
def test_city_and_residual_at_k_minus_one_k_and_k_plus_one(size: int, residual: int) -> None:
    """A city is named at exactly k customers; its state's residual (here towns of one
    customer each) must reach k too, else the city folds into it (complementary
    suppression). AC (k customers) is named on its own, but the country residual would
    then be empty: the smaller named state (AC) is folded into it."""
    k = CONTRACT.privacy.min_customers_per_cell
    towns = [
        row
        for i in range(residual)
        for row in customers_buying("2026-10-01", "SP", f"TOWN {i}", "SAL-OCH-0100", 1,
                                    prefix=f"T{i}")
    ]
    history = rows_frame(
        customers_buying("2026-10-01", "SP", "SAO PAULO", "REF-HNG-0350", size)
        + towns
        + customers_buying("2026-10-01", "AC", "RIO BRANCO", "REF-HNG-0350", k)
    )
    decision = decide_locations(history, PRODUCTS, CONTRACT).set_index(["state", "city"])
    city_named = size >= k and residual >= k
    assert (decision.loc[("SP", "SAO PAULO"), "level"] == "city") is city_named
    assert decision.loc[("SP", "TOWN 0"), "level"] == "state"
    expected_residual = residual if city_named else residual + size
    assert decision.loc[("SP", "TOWN 0"), "cell_customers"] == expected_residual
    assert decision.loc[("AC", "RIO BRANCO"), "level"] == "country"
    assert decision.loc[("AC", "RIO BRANCO"), "cell_customers"] == k
