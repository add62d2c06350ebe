"""The penetration's denominator figures, counted by hand on a small market.

The rows below name every customer; the expected figures are counted from them
here (who bought from the partner's company under any spelling, who bought only
from others, which companies those are), not by the code under test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ouchhungry_dp.partners.contract import get_contract
from ouchhungry_dp.products.penetration import (
    city_customers,
    company_rows,
    fold_companies,
    penetration_allowed,
)

CONTRACT = get_contract("ouchhungry")  # the partner's company: "OuchHungry"; (2, 85); k = 10
SP, RJ = ("SP", "SAO PAULO"), ("RJ", "NITEROI")


def buys(place: tuple[str | None, str | None], customer: str | None, maker: str) -> dict:
    return {"state": place[0], "city": place[1], "customer_id": customer, "manufacturer": maker,
            "brand": "b"}


def market() -> pd.DataFrame:
    """SAO PAULO: P1-P4 are the partner's (P4 under another spelling, P1 also buys Co A):
    not outside. Outside: A1-A8 (Co A), B1-B4 (Co B), B5-B6 ("CO B LTDA.", Co B too),
    C1-C2 and A1 (Co C). 4 + 8 + 6 + 2 = 20 customers, 16 outside; companies Co A 8,
    Co B 4 + 2 = 6, Co C 3. NITEROI: two partner customers only. Rows without a
    customer, a city or a state are not counted anywhere."""
    rows = [buys(SP, f"P{i}", "OuchHungry") for i in (1, 2, 3)]
    rows += [buys(SP, "P4", "OUCHHUNGRY LTDA."), buys(SP, "P1", "Co A")]
    rows += [buys(SP, f"A{i}", "Co A") for i in range(1, 9)]
    rows += [buys(SP, f"B{i}", "Co B") for i in range(1, 5)]
    rows += [buys(SP, f"B{i}", "CO B LTDA.") for i in (5, 6)]
    rows += [buys(SP, c, "Co C") for c in ("C1", "C2", "A1")]
    rows += [buys(RJ, f"R{i}", "OuchHungry") for i in (1, 2)]
    rows += [buys(SP, None, "Co D"), buys(("SP", None), "D1", "Co D"), buys((None, "X"), "D2",
                                                                            "Co D")]
    return pd.DataFrame(rows).astype("string")


EXPECTED_ROWS = {
    ("RJ", "NITEROI", None): (2, 0, None),
    ("SP", "SAO PAULO", "Co A"): (20, 16, 8),
    ("SP", "SAO PAULO", "Co B"): (20, 16, 4),
    ("SP", "SAO PAULO", "CO B LTDA."): (20, 16, 2),
    ("SP", "SAO PAULO", "Co C"): (20, 16, 3),
}


def rows_by_spelling(rows: pd.DataFrame) -> dict:
    return {(str(r.state), str(r.city), None if pd.isna(r.manufacturer) else r.manufacturer):
            (int(r.active_customers), int(r.outside_customers),
             None if pd.isna(r.customers) else int(r.customers))
            for r in rows.itertuples(index=False)}


def test_a_categorical_market_counts_only_the_customers_it_has() -> None:
    # Categories nobody bought in (a state, a city, a customer) are no city and no
    # customer: the same rows as the plain-text market.
    plain = market()
    categorical = plain.astype({
        "state": pd.CategoricalDtype([*sorted(plain["state"].dropna().unique()), "TO"]),
        "city": pd.CategoricalDtype([*sorted(plain["city"].dropna().unique()), "PALMAS"]),
        "customer_id": pd.CategoricalDtype([*plain["customer_id"].dropna().unique(), "Z9"]),
    })
    assert rows_by_spelling(company_rows(categorical, CONTRACT)) == EXPECTED_ROWS


def test_company_rows_give_each_spellings_outside_customers() -> None:
    rows = company_rows(market(), CONTRACT)
    assert list(rows.columns) == ["state", "city", "active_customers", "outside_customers",
                                  "manufacturer", "customers"]
    assert rows_by_spelling(rows) == EXPECTED_ROWS


def expected(top_sp: int) -> pd.DataFrame:
    index = pd.MultiIndex.from_arrays([pd.array(["RJ", "SP"], dtype="string"),
                                       pd.array(["NITEROI", "SAO PAULO"], dtype="string")],
                                      names=["state", "city"])
    return pd.DataFrame({"active_customers": [2, 20], "outside_customers": [0, 16],
                         "competitors": [0, 3], "top_outside": [0, top_sp]},
                        index=index).astype("int64")


def test_the_largest_companies_customers_are_summed_spellings_merged() -> None:
    rows = company_rows(market(), CONTRACT)
    # n = 2: Co A 8 + Co B 6; n = 1: Co A; n = 3: every company.
    pd.testing.assert_frame_equal(city_customers(market(), CONTRACT), expected(8 + 6))
    pd.testing.assert_frame_equal(fold_companies(rows, 1), expected(8))
    pd.testing.assert_frame_equal(fold_companies(rows, 3), expected(8 + 6 + 3))


def test_fold_companies_takes_the_rows_in_any_order_and_types() -> None:
    rows = company_rows(market(), CONTRACT).iloc[::-1].reset_index(drop=True)
    rows = rows.astype({"state": object, "city": object})
    pd.testing.assert_frame_equal(fold_companies(rows, 2), expected(8 + 6))


def test_a_city_without_figures_is_never_allowed() -> None:
    cities = pd.DataFrame({"active_customers": [40, np.nan], "outside_customers": [20, np.nan],
                           "competitors": [3, np.nan], "top_outside": [17, np.nan],
                           "other": ["x", "y"]}, index=["A", "B"])
    allowed = penetration_allowed(cities, CONTRACT.privacy)
    assert allowed.tolist() == [True, False]
    assert allowed.index.tolist() == ["A", "B"]
    assert allowed.dtype == bool
    # One figure missing is as good as none: the rule cannot be checked. With a small
    # k % a missing top read as 0 would pass.
    one_gap = pd.DataFrame({"active_customers": [60], "outside_customers": [50],
                            "competitors": [3], "top_outside": [np.nan]})
    small_k = CONTRACT.privacy.model_copy(update={"dominance_k_percent": 1.0})
    assert penetration_allowed(one_gap, small_k).tolist() == [False]
    assert penetration_allowed(one_gap.fillna(0), small_k).tolist() == [True]
    # The hand-counted SAO PAULO: 3 companies, 14 of 16 outside (87.5 % > 85 %): n/d.
    assert penetration_allowed(expected(14), CONTRACT.privacy).tolist() == [False, False]


@settings(max_examples=60, deadline=None)
@given(outside=st.integers(10, 5_000), k=st.sampled_from([50, 85, 95]))
@example(outside=200, k=85)  # 171 / 200 = 85.5 %: refused
def test_the_n_largest_at_exactly_k_percent_pass_one_customer_more_fails(
        outside: int, k: int) -> None:
    # Integer oracle: top / outside <= k / 100  <=>  100 * top <= k * outside.
    privacy = CONTRACT.privacy.model_copy(update={"dominance_k_percent": float(k)})
    at_k = k * outside // 100  # the largest count still within k %
    cities = pd.DataFrame({"active_customers": outside + 5, "outside_customers": outside,
                           "competitors": 3, "top_outside": [at_k, at_k + 1]})
    assert 100 * at_k <= k * outside < 100 * (at_k + 1)
    assert penetration_allowed(cities, privacy).tolist() == [True, False]
