"""The insights' figures (``insights_metrics``) on frames of a few rows, counted by hand.

Each building block is called directly, so a broken rule fails here in milliseconds:
the partner's brand taken by company (brand *and* manufacturer), the national share
only behind enough undominated competitor companies (also on what the monthly file
left uncovered), the contract's minimum of customers for brands, repeat purchase,
product pairs and the two-brand share, cities only from published city cells, the
month's own totals from the released monthly file. Every expected number is counted
from the rows written in the test.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

from ouchhungry_dp.partners.contract import get_contract
from ouchhungry_dp.products.insights_metrics import (
    TREND_COLUMNS,
    _current_brands,
    _growth,
    _national_share_allowed,
    _ratio,
    _records,
    assemble_metrics,
    brand_months,
    city_figures,
    compute_metrics,
    contract_brands,
    repeat_and_cross_sell,
    share_and_index,
    top_pairs,
    trend_frame,
    two_brands_share,
)

from .conftest import products_frame, rows_frame

CONTRACT = get_contract("ouchhungry")  # k = 10, 3 competitor companies, (2, 85)
PRIVACY = CONTRACT.privacy
PARTNER = {"Hungry", "Ouch"}
MONTHLY = ["month", "brand", "location_level", "state", "city", "revenue", "units_sold",
           "customers_reached", "segment_share_level"]


def monthly_file(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    """Released monthly file rows (``MONTHLY``), typed as ``insights_asset`` reads them."""
    frame = pd.DataFrame(rows, columns=MONTHLY)
    return frame.astype({c: "string" for c in ("month", "brand", "location_level", "state",
                                               "city", "segment_share_level")})


def market(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    """``market_items``-like rows: (month, brand, manufacturer, segment, customer, order,
    state, city, quantity, cents)."""
    return pd.DataFrame(rows, columns=["month", "brand", "manufacturer", "segment",
                                       "customer_id", "order_id", "state", "city", "quantity",
                                       "amount_cents"])


# ---- small helpers ----------------------------------------------------------------------

def test_ratio() -> None:
    assert _ratio(1, 3) == 0.3333 and _ratio(2, 3) == 0.6667
    assert _ratio(0, 4) == 0.0 and isinstance(_ratio(1, 4), float)
    assert _ratio(5, 0) is None


def test_growth_against_the_previous_month() -> None:
    now = {"revenue": 110.0, "units": 90}
    assert _growth(now, {"revenue": 100.0, "units": 100}) == {"revenue": 0.1, "units": -0.1}
    assert _growth(now, {"revenue": 100.0, "units": 0}) == {"revenue": 0.1, "units": None}
    assert _growth(now, None) is None
    assert _growth(now, {}) is None
    assert _growth(now, {"revenue": None, "units": 100}) is None


def test_two_brands_share_needs_two_brands_and_k_customers_buying_both() -> None:
    assert two_brands_share(10, 40, 2, 10) == 0.25
    assert two_brands_share(9, 40, 2, 10) is None
    assert two_brands_share(10, 40, 1, 10) is None
    assert two_brands_share(10, 30, 3, 10) == 0.3333


def test_contract_brands_are_the_distinct_brands_sorted() -> None:
    own = pd.DataFrame({"brand": ["Ouch", None, "Hungry", "Ouch"]})
    assert contract_brands(own) == ["Hungry", "Ouch"]


def test_trend_frame() -> None:
    empty = trend_frame([])
    assert empty.empty and list(empty.columns) == list(TREND_COLUMNS)
    first = pd.DataFrame({"month": ["2026-10"], "brand": ["Hungry"]}, index=[7])
    second = pd.DataFrame({"month": ["2026-11"], "brand": ["Ouch"]}, index=[7])
    both = trend_frame([first, second])
    assert both.to_dict("list") == {"month": ["2026-10", "2026-11"], "brand": ["Hungry", "Ouch"]}
    assert list(both.index) == [0, 1]


def test_records_turn_missing_values_into_none_and_numbers_into_python_floats() -> None:
    frame = pd.DataFrame({"city": ["A", "B"], "revenue": np.array([1.5, np.nan]),
                          "units": [3, 4]})
    records = _records(frame)
    assert records == [{"city": "A", "revenue": 1.5, "units": 3},
                       {"city": "B", "revenue": None, "units": 4}]
    assert type(records[0]["revenue"]) is float


def test_share_and_index_only_where_the_competitors_pass() -> None:
    frame = pd.DataFrame({"units": [10, 5], "cents": [2000, 1500], "seg_units": [40, 20],
                          "seg_cents": [10000, 3000]})
    out = share_and_index(frame, np.array([True, False]))
    # 2000 / 10000; (2000 / 10) / (10000 / 40) = 200 / 250
    assert out["segment_share"].iloc[0] == pytest.approx(0.2)
    assert out["price_index"].iloc[0] == pytest.approx(80.0)
    assert np.isnan(out["segment_share"].iloc[1]) and np.isnan(out["price_index"].iloc[1])


# ---- the national share's rule ----------------------------------------------------------

def _segment(extra: list[tuple[Any, ...]] = ()) -> pd.DataFrame:
    """Refrigerantes, 2026-11: the partner in SP, four equal competitor companies (A and D
    in Sao Paulo city, B in Rio, C in Belo Horizonte); 2026-10: only A and B."""
    rows = [
        ("2026-11", "Hungry", "OuchHungry", "refrigerantes", "h1", "o1", "SP", "SAO PAULO", 5,
         5000),
        ("2026-11", "Alfa", "Alfa SA", "refrigerantes", "a1", "o2", "SP", "SAO PAULO", 10, 1000),
        ("2026-11", "Delta", "Delta SA", "refrigerantes", "d1", "o3", "SP", "SAO PAULO", 10,
         1000),
        ("2026-11", "Beta", "Beta SA", "refrigerantes", "b1", "o4", "RJ", "RIO", 10, 1000),
        ("2026-11", "Gama", "Gama SA", "refrigerantes", "c1", "o5", "MG", "BH", 10, 1000),
        ("2026-10", "Alfa", "Alfa SA", "refrigerantes", "a1", "o6", "SP", "SAO PAULO", 10, 1000),
        ("2026-10", "Beta", "Beta SA", "refrigerantes", "b1", "o7", "RJ", "RIO", 10, 1000),
        *extra,
    ]
    return market(rows)


def _sao_paulo_cell(month: str = "2026-11", brand: str = "Hungry",
                    level: str = "cell") -> tuple[Any, ...]:
    return (month, brand, "city", "SP", "SAO PAULO", 50.0, 5, 1, level)


def test_the_national_share_needs_the_months_own_competitors() -> None:
    seg, nothing = _segment(), monthly_file([])
    assert _national_share_allowed(seg, "2026-11", "Hungry", nothing, PARTNER, PRIVACY)
    # October: two companies only. November's four do not count for it.
    assert not _national_share_allowed(seg, "2026-10", "Hungry", nothing, PARTNER, PRIVACY)
    with_october = _segment([("2026-10", "Gama", "Gama SA", "refrigerantes", "c1", "o8",
                              "MG", "BH", 10, 1000)])
    assert _national_share_allowed(with_october, "2026-10", "Hungry", nothing, PARTNER,
                                   PRIVACY)


def test_the_rest_after_the_published_cells_must_pass_too() -> None:
    seg = _segment()
    # Sao Paulo's cell share published: what is left is Beta and Gama, two companies.
    published = monthly_file([_sao_paulo_cell()])
    assert not _national_share_allowed(seg, "2026-11", "Hungry", published, PARTNER, PRIVACY)
    # A third company outside Sao Paulo city: the rest passes.
    more = _segment([("2026-11", "Epsilon", "Epsilon SA", "refrigerantes", "e1", "o9", "RJ",
                      "RIO", 10, 1000)])
    assert _national_share_allowed(more, "2026-11", "Hungry", published, PARTNER, PRIVACY)


def test_only_this_brands_cells_of_this_month_count_as_published() -> None:
    seg = _segment()
    for other in (_sao_paulo_cell(brand="Ouch"), _sao_paulo_cell(month="2026-10")):
        assert _national_share_allowed(seg, "2026-11", "Hungry", monthly_file([other]),
                                       PARTNER, PRIVACY)


def test_a_country_share_leaves_nothing_to_difference() -> None:
    country = ("2026-11", "Hungry", "country", "*", "*", 50.0, 5, 1, "country")
    assert _national_share_allowed(_segment(), "2026-11", "Hungry", monthly_file([country]),
                                   PARTNER, PRIVACY)


# ---- per brand and month ----------------------------------------------------------------

def _brand_market() -> pd.DataFrame:
    rows = [
        # November: Hungry of the partner, 3 customers, 10 units, 5000 cents ...
        ("2026-11", "Hungry", "OuchHungry", "refrigerantes", "h1", "o1", "SP", "A", 2, 1000),
        ("2026-11", "Hungry", "OuchHungry", "refrigerantes", "h1", "o2", "SP", "A", 1, 500),
        ("2026-11", "Hungry", "OuchHungry", "refrigerantes", "h2", "o3", "SP", "A", 3, 1500),
        ("2026-11", "Hungry", "OuchHungry", "refrigerantes", "h3", "o4", "SP", "A", 4, 2000),
        # ... and a brand "Hungry" of another company: in the segment, never the partner's.
        ("2026-11", "Hungry", "Impostora Ltda", "refrigerantes", "x1", "o5", "SP", "A", 5,
         9000),
        ("2026-11", "Alfa", "Alfa SA", "refrigerantes", "a1", "o6", "SP", "A", 10, 10000),
        ("2026-11", "Beta", "Beta SA", "refrigerantes", "b1", "o7", "SP", "A", 10, 10000),
        ("2026-11", "Gama", "Gama SA", "refrigerantes", "c1", "o8", "SP", "A", 10, 10000),
        ("2026-11", "Ouch", "OuchHungry", "salgados", "u1", "o9", "SP", "A", 2, 800),
        # October: Hungry and two competitor companies only.
        ("2026-10", "Hungry", "OuchHungry", "refrigerantes", "h1", "o10", "SP", "A", 1, 700),
        ("2026-10", "Alfa", "Alfa SA", "refrigerantes", "a1", "o11", "SP", "A", 1, 1000),
        ("2026-10", "Beta", "Beta SA", "refrigerantes", "b1", "o12", "SP", "A", 1, 1000),
    ]
    return market(rows)


def test_brand_months_count_the_partners_company_only() -> None:
    trend = brand_months(_brand_market(), CONTRACT, monthly_file([]), PARTNER)
    got = trend.loc[:, ["brand", "month", "segment", "units", "cents", "customers",
                        "seg_units", "seg_cents"]]
    assert got.to_dict("records") == [
        {"brand": "Hungry", "month": "2026-10", "segment": "refrigerantes", "units": 1,
         "cents": 700, "customers": 1, "seg_units": 3, "seg_cents": 2700},
        {"brand": "Hungry", "month": "2026-11", "segment": "refrigerantes", "units": 10,
         "cents": 5000, "customers": 3, "seg_units": 45, "seg_cents": 44000},
        {"brand": "Ouch", "month": "2026-11", "segment": "salgados", "units": 2, "cents": 800,
         "customers": 1, "seg_units": 2, "seg_cents": 800},
    ]
    share, index = trend["segment_share"].tolist(), trend["price_index"].tolist()
    # October: two competitor companies; salgados: none. November: A, B, C, equal.
    assert math.isnan(share[0]) and math.isnan(index[0])
    assert math.isnan(share[2]) and math.isnan(index[2])
    assert share[1] == pytest.approx(5000 / 44000)
    assert index[1] == pytest.approx(100 * (5000 / 10) / (44000 / 45))


def test_a_brand_without_rows_is_left_out() -> None:
    rows = _brand_market()
    trend = brand_months(rows.loc[rows["brand"] != "Ouch"], CONTRACT, monthly_file([]),
                         PARTNER)
    assert trend["brand"].tolist() == ["Hungry", "Hungry"]
    # The contract's first brand without rows: the next one is still counted.
    trend = brand_months(rows.loc[rows["brand"] != "Hungry"], CONTRACT, monthly_file([]),
                         PARTNER)
    assert trend["brand"].tolist() == ["Ouch"]
    assert brand_months(rows.iloc[0:0], CONTRACT, monthly_file([]), PARTNER).empty


def test_brand_months_withhold_the_share_the_monthly_file_would_isolate() -> None:
    rows = _brand_market()
    # Sao Paulo "A" holds every row; its cell share published: nothing is left (sum 0).
    covered = monthly_file([("2026-11", "Hungry", "city", "SP", "A", 50.0, 10, 3, "cell")])
    trend = brand_months(rows, CONTRACT, covered, PARTNER)
    assert trend["segment_share"].iloc[1] == pytest.approx(5000 / 44000)
    # Beta and Gama elsewhere, Alfa in "A": the rest is two companies.
    moved = rows.copy()
    moved.loc[moved["brand"].isin(["Beta", "Gama"]), "city"] = "B"
    trend = brand_months(moved, CONTRACT, covered, PARTNER)
    assert math.isnan(trend["segment_share"].iloc[1])


# ---- buying behaviour -------------------------------------------------------------------

def _own(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["brand", "customer_id", "order_id", "product_code"])


BUYING = _own([
    ("Hungry", "h1", "o1", "P1"), ("Hungry", "h1", "o1", "P2"),
    ("Hungry", "h1", "o9", "P1"), ("Hungry", "h1", "o9", "P2"),
    ("Hungry", "h2", "o3", "P1"), ("Hungry", "h2", "o3", "P2"),
    ("Hungry", "h3", "o4", "P1"), ("Hungry", "h3", "o4", "P2"), ("Hungry", "h3", "o4", "P3"),
    ("Hungry", "h4", "o5", "P1"), ("Hungry", "h4", "o5", "P2"), ("Hungry", "h4", "o5", "P1"),
    ("Hungry", "h4", "o6", "P3"),
    ("Ouch", "u1", "o8", "S1"), ("Ouch", "u2", "o10", "S1"),
])
NAMES = {"P1": "Zeta Cola", "P2": "Alfa Cola", "P3": "P3", "S1": "Batata"}


def test_repeat_purchase_and_pairs_by_hand() -> None:
    got = repeat_and_cross_sell(BUYING, 4, NAMES)
    # Hungry: h1 2 orders, h2 1, h3 1, h4 2 -> 2 of 4 bought more than once. Ouch: 2
    # customers, under the minimum of 4.
    assert got["repeat_purchase_rate"] == {"Hungry": 0.5, "Ouch": None}
    # P1+P2: orders o1, o9, o3, o4, o5 (5) of customers h1-h4 (4); P1+P3, P2+P3: o4 only.
    assert got["top_product_pairs"] == [{"products": ["Alfa Cola", "Zeta Cola"], "orders": 5}]
    # Nobody buys both brands.
    assert got["customers_buying_two_brands_share"] is None


def test_the_minimum_counts_customers_not_orders() -> None:
    got = repeat_and_cross_sell(BUYING, 5, NAMES)
    assert got["repeat_purchase_rate"] == {"Hungry": None, "Ouch": None}
    assert got["top_product_pairs"] == []  # P1+P2: 5 orders but 4 customers
    low = repeat_and_cross_sell(BUYING, 2, NAMES)
    assert low["repeat_purchase_rate"] == {"Hungry": 0.5, "Ouch": 0.0}
    assert low["top_product_pairs"] == [{"products": ["Alfa Cola", "Zeta Cola"], "orders": 5}]


def test_the_repeat_rate_is_rounded_to_four_places() -> None:
    # One of three customers orders twice: 1 / 3.
    own = _own([("Hungry", "a", "o1", "P1"), ("Hungry", "a", "o2", "P1"),
                ("Hungry", "b", "o3", "P1"), ("Hungry", "c", "o4", "P1")])
    assert repeat_and_cross_sell(own, 3, NAMES)["repeat_purchase_rate"] == {"Hungry": 0.3333}


def test_customers_buying_both_brands() -> None:
    rows = [("Hungry", f"x{i}", f"ox{i}", "P1") for i in range(3)]
    rows += [("Ouch", f"x{i}", f"oy{i}", "S1") for i in range(3)]
    rows += [("Hungry", f"y{i}", f"oz{i}", "P1") for i in range(3)]
    own = _own(rows)
    # x0-x2 of 6 customers buy both brands.
    assert repeat_and_cross_sell(own, 3, NAMES)["customers_buying_two_brands_share"] == 0.5
    assert repeat_and_cross_sell(own, 4, NAMES)["customers_buying_two_brands_share"] is None
    hungry = own.loc[own["brand"] == "Hungry"]
    assert repeat_and_cross_sell(hungry, 3, NAMES)["customers_buying_two_brands_share"] is None


def test_top_pairs_keep_the_five_with_most_orders_among_those_with_k_customers() -> None:
    counted = pd.DataFrame(
        [("P1", "P2", 20, 9), ("P1", "P3", 15, 10), ("P1", "P4", 30, 12), ("P2", "P3", 5, 10),
         ("P2", "P4", 8, 11), ("P3", "P4", 12, 10), ("P3", "P5", 7, 50), ("P4", "P5", 3, 10)],
        columns=["product_code_a", "product_code_b", "orders", "customers"])
    names = {"P1": "Zeta", "P2": "Alfa", "P3": "Beta", "P4": "Gama", "P5": "Delta"}
    pairs = top_pairs(counted, 10, names)
    assert pairs == [
        {"products": ["Gama", "Zeta"], "orders": 30},
        {"products": ["Beta", "Zeta"], "orders": 15},
        {"products": ["Beta", "Gama"], "orders": 12},
        {"products": ["Alfa", "Gama"], "orders": 8},
        {"products": ["Beta", "Delta"], "orders": 7},
    ]
    assert all(type(p["orders"]) is int for p in pairs)


# ---- the month's brands and cities ------------------------------------------------------

def test_the_months_units_and_revenue_are_the_released_files_totals() -> None:
    trend = pd.DataFrame({
        # Fizz is not in the released file: left out, and the brands after it kept.
        "brand": ["Hungry", "Fizz", "Ouch"], "segment": ["refrigerantes", "x", "salgados"],
        "customers": [12, 50, 30], "units": [999, 999, 999], "cents": [1, 1, 1],
        "segment_share": [0.123456, 0.5, np.nan], "price_index": [97.456, 100.0, np.nan]})
    released = monthly_file([
        ("2026-11", "Hungry", "city", "SP", "A", 10.10, 3, 1, "cell"),
        ("2026-11", "Hungry", "state", "RJ", "*", 20.25, 4, 1, "cell"),
        ("2026-11", "Ouch", "city", "SP", "A", 5.0, 1, 1, "cell"),
        ("2026-10", "Hungry", "city", "SP", "A", 999.0, 99, 1, "cell"),
    ])
    assert _current_brands(trend, released, "2026-11") == {
        "Hungry": {"units": 7, "revenue": 30.35, "customers": 12, "segment": "refrigerantes",
                   "segment_share": 0.1235, "price_index": 97.5},
        "Ouch": {"units": 1, "revenue": 5.0, "customers": 30, "segment": "salgados",
                 "segment_share": None, "price_index": None},
    }


CITY_REVENUE = [1200, 1100, 1000, 900, 800, 700, 600, 500, 400, 300, 200, 100]


def _city_file() -> pd.DataFrame:
    rows = [("2026-11", "Hungry", "city", "SP", f"C{i + 1:02d}", float(r), i + 1, 10 * (i + 1),
             "cell") for i, r in enumerate(CITY_REVENUE)]
    rows += [
        ("2026-11", "Hungry", "state", "RJ", "*", 99999.0, 1, 1, "cell"),  # not a city
        ("2026-10", "Hungry", "city", "SP", "C12", 50.0, 1, 1, "cell"),  # growth 1.0
        ("2026-10", "Hungry", "city", "SP", "C01", 900.0, 1, 1, "cell"),  # 0.3333
        ("2026-10", "Ouch", "city", "SP", "C01", 10.0, 1, 1, "cell"),  # another brand
        ("2026-10", "Hungry", "city", "SP", "C02", 1100.0, 1, 1, "cell"),  # 0.0
        ("2026-10", "Hungry", "city", "SP", "C03", 0.0, 1, 1, "cell"),  # no base: left out
        ("2026-10", "Hungry", "city", "SP", "C10", 0.5, 1, 1, "cell"),  # 300 / 0.5 - 1
        ("2026-10", "Hungry", "city", "SP", "C05", 400.0, 1, 1, "cell"),  # 1.0
        ("2026-10", "Hungry", "city", "SP", "C07", 200.0, 1, 1, "cell"),  # 2.0
        ("2026-10", "Hungry", "city", "SP", "C11", 400.0, 1, 1, "cell"),  # -0.5: sixth
        ("2026-09", "Hungry", "city", "SP", "C04", 1.0, 1, 1, "cell"),  # not the previous
        ("2026-10", "Hungry", "state", "SP", "*", 1.0, 1, 1, "cell"),  # not a city
    ]
    return monthly_file(rows)


def _city_customers() -> pd.DataFrame:
    # (city, active, outside, competitors, top_outside)
    rows = [("C01", 100, 40, 3, 34),  # top = 85 % of outside exactly: allowed
            ("C02", 300, 40, 3, 35),  # 87.5 %: n/d
            ("C04", 70, 20, 4, 10),  # allowed, 40 / 70
            ("C05", 90, 9, 4, 2)]  # 9 outside customers, under k: n/d
    frame = pd.DataFrame(
        [("SP", c, *figures) for c, *figures in rows],
        columns=["state", "city", "active_customers", "outside_customers", "competitors",
                 "top_outside"])
    return frame.set_index(["state", "city"])


def test_top_cities_come_from_the_months_city_cells_with_a_guarded_penetration() -> None:
    got = city_figures(_city_file(), _city_customers(), "2026-11", "2026-10", PRIVACY)
    top = got["top_cities"]
    assert [c["city"] for c in top] == [f"C{i:02d}" for i in range(1, 11)]
    assert top[0] == {"state": "SP", "city": "C01", "brand": "Hungry", "revenue": 1200.0,
                      "units_sold": 1, "customers_reached": 10, "penetration": 0.1}
    # C02: dominated; C03: no customers figures; C04: 40 / 70; C05: under k outside.
    assert [c["penetration"] for c in top[1:5]] == [None, None, 0.5714, None]
    assert all(c["penetration"] is None for c in top[5:])


def test_rising_cities_grow_against_the_previous_months_cell_of_the_same_brand() -> None:
    got = city_figures(_city_file(), _city_customers(), "2026-11", "2026-10", PRIVACY)
    rising = [(c["city"], c["brand"], c["revenue"], c["growth"]) for c in got["rising_cities"]]
    assert rising == [("C10", "Hungry", 300.0, 599.0), ("C07", "Hungry", 600.0, 2.0),
                      ("C05", "Hungry", 800.0, 1.0), ("C12", "Hungry", 100.0, 1.0),
                      ("C01", "Hungry", 1200.0, 0.3333)]
    assert set(got["rising_cities"][0]) == {"state", "city", "brand", "revenue", "growth"}


def test_no_city_cell_gives_no_cities() -> None:
    state_only = monthly_file([("2026-11", "Hungry", "state", "SP", "*", 5.0, 1, 1, "cell")])
    got = city_figures(state_only, _city_customers(), "2026-11", "2026-10", PRIVACY)
    assert got == {"top_cities": [], "rising_cities": []}


# ---- the whole month's figures ----------------------------------------------------------

def _assembled(month: str = "2026-11", published: dict | None = None,
               released: list[tuple[Any, ...]] = ()) -> dict[str, Any]:
    trend = pd.DataFrame({
        "month": [month, month], "brand": ["Hungry", "Ouch"],
        "segment": ["refrigerantes", "salgados"], "units": [1, 1], "cents": [1, 1],
        # Ouch: 9 customers, one under the contract's k = 10.
        "customers": [10, 9], "segment_share": [0.2, 0.5], "price_index": [90.0, 100.0]})
    buying = {"repeat_purchase_rate": {"Hungry": 0.3}, "top_product_pairs": [],
              "customers_buying_two_brands_share": None}
    customers = pd.DataFrame(
        [("SP", "A", 100, 40, 3, 30)],
        columns=["state", "city", "active_customers", "outside_customers", "competitors",
                 "top_outside"]).set_index(["state", "city"])
    return assemble_metrics(CONTRACT, month=month, trend=trend,
                            monthly_products=monthly_file(list(released)),
                            published=published, buying=buying, customers=customers)


RELEASED = [
    ("2026-11", "Hungry", "city", "SP", "A", 110.0, 11, 10, "cell"),
    ("2026-11", "Ouch", "city", "SP", "A", 50.0, 5, 9, "cell"),
    ("2026-10", "Hungry", "city", "SP", "A", 100.0, 10, 10, "cell"),
    ("2026-09", "Hungry", "city", "SP", "A", 70.0, 7, 10, "cell"),
    ("2026-12", "Hungry", "city", "SP", "A", 1.0, 1, 10, "cell"),
]
SEPTEMBER = {"2026-09": {"Hungry": {"units": 8, "revenue": 80.0, "customers": 12,
                                    "segment_share": 0.15, "price_index": 95.0}}}


def test_assemble_metrics_by_hand() -> None:
    got = _assembled(published=SEPTEMBER, released=RELEASED)
    assert got == {
        "partner": "OuchHungry",
        "month": "2026-11",
        "previous_month": "2026-10",
        # Ouch is left out (9 customers); units and revenue are the released file's.
        "brands": {"Hungry": {"units": 11, "revenue": 110.0, "customers": 10,
                              "segment": "refrigerantes", "segment_share": 0.2,
                              "price_index": 90.0}},
        # October has no released report: its monthly file's totals (100.0, 10 units).
        "growth_vs_previous_month": {"Hungry": {"revenue": 0.1, "units": 0.1}},
        # September from its released figures (not its file's 70.0); December is later.
        "segment_share_trend": {"Hungry": {"2026-09": 0.15, "2026-10": None, "2026-11": 0.2}},
        "revenue_trend": {"Hungry": {"2026-09": 80.0, "2026-10": 100.0, "2026-11": 110.0}},
        "repeat_purchase_rate": {"Hungry": 0.3},
        "top_product_pairs": [],
        "customers_buying_two_brands_share": None,
        "top_cities": [{"state": "SP", "city": "A", "brand": "Hungry", "revenue": 110.0,
                        "units_sold": 11, "customers_reached": 10, "penetration": 0.1},
                       {"state": "SP", "city": "A", "brand": "Ouch", "revenue": 50.0,
                        "units_sold": 5, "customers_reached": 9, "penetration": 0.09}],
        "rising_cities": [{"state": "SP", "city": "A", "brand": "Hungry", "revenue": 110.0,
                           "growth": 0.1}],
    }


def test_without_a_previous_month_there_is_no_growth() -> None:
    released = [r for r in RELEASED if r[0] != "2026-10"]
    got = _assembled(published=SEPTEMBER, released=released)
    assert got["growth_vs_previous_month"] == {}
    assert got["revenue_trend"] == {"Hungry": {"2026-09": 80.0, "2026-11": 110.0}}
    nothing = _assembled(released=[r for r in RELEASED if r[0] == "2026-11"])
    assert nothing["growth_vs_previous_month"] == {}
    assert nothing["segment_share_trend"] == {"Hungry": {"2026-11": 0.2}}


def test_the_previous_month_of_january_is_last_december() -> None:
    released = [("2026-01", "Hungry", "city", "SP", "A", 120.0, 12, 10, "cell"),
                ("2025-12", "Hungry", "city", "SP", "A", 100.0, 10, 10, "cell")]
    got = _assembled(month="2026-01", released=released)
    assert got["previous_month"] == "2025-12"
    assert got["growth_vs_previous_month"] == {"Hungry": {"revenue": 0.2, "units": 0.2}}


def test_compute_metrics_reads_the_months_rows_of_the_partners_company() -> None:
    lata, garrafa, impostor = "REF-HNG-0350", "REF-HNG-0600", "REF-IMP-0350"
    products = products_frame()
    # A brand "Hungry" of another company; a partner product whose name holds a customer.
    products = pd.concat([products, products.iloc[[0]].assign(
        product_code=impostor, product_name="Impostora Cola", manufacturer="Impostora Ltda",
        ean="7890000000999")], ignore_index=True)
    products.loc[products["product_code"] == garrafa, "product_name"] = "Cola da Maria Souza"
    day = "2026-11-30"
    rows = []
    for i in range(10):  # 10 customers, each an order of both bottles; 3 come back
        rows += [(day, f"PED-H{i}", f"CLI-H{i}", "SP", "SAO PAULO", lata, 1, 5.0),
                 (day, f"PED-H{i}", f"CLI-H{i}", "SP", "SAO PAULO", garrafa, 1, 8.0)]
    rows += [(day, f"PED-R{i}", f"CLI-H{i}", "SP", "SAO PAULO", lata, 1, 5.0) for i in range(3)]
    # The impostor's 5 customers (counted as the partner's, the rates would be over 15
    # customers) and an October sale (another month: never recomputed).
    rows += [(day, f"PED-I{i}", f"CLI-I{i}", "SP", "SAO PAULO", impostor, 1, 5.0)
             for i in range(5)]
    rows += [("2026-10-31", "PED-Z", "CLI-Z", "SP", "SAO PAULO", lata, 1, 5.0)]
    # Three competitor companies, one customer and R$ 5.00 each, all in Sao Paulo city.
    rows += [(day, f"PED-C{i}", f"CLI-C{i}", "SP", "SAO PAULO", p, 1, 5.0)
             for i, p in enumerate(("REF-CLB-0350", "REF-GSU-0350", "REF-TNO-0350"))]
    released = [("2026-11", "Hungry", "city", "SP", "SAO PAULO", 145.0, 23, 10, "cell")]
    october = {"2026-10": {"Hungry": {"units": 20, "revenue": 100.0, "customers": 11,
                                      "segment_share": 0.5, "price_index": 99.0}}}
    got = compute_metrics(CONTRACT, month="2026-11", transactions=rows_frame(rows),
                          products=products, monthly_products=monthly_file(released),
                          published=october, known_identifiers=["Maria Souza"])
    hungry = got["brands"]["Hungry"]
    assert (hungry["units"], hungry["revenue"], hungry["customers"]) == (23, 145.0, 10)
    # Segment: the partner's 14500 cents and 23 units, the impostor's 2500 and 5, the
    # competitors' 1500 and 3. The cell covers every competitor row: nothing is left over.
    assert hungry["segment_share"] == round(14500 / 18500, 4)
    assert hungry["price_index"] == round(100 * (14500 / 23) / (18500 / 31), 1)
    assert got["revenue_trend"] == {"Hungry": {"2026-10": 100.0, "2026-11": 145.0}}
    assert got["growth_vs_previous_month"] == {"Hungry": {"revenue": 0.45, "units": 0.15}}
    assert got["repeat_purchase_rate"] == {"Hungry": 0.3}
    assert got["top_product_pairs"] == [{"products": sorted([garrafa, "Hungry Cola Lata 350ml"]),
                                         "orders": 10}]
    assert [c["city"] for c in got["top_cities"]] == ["SAO PAULO"]
