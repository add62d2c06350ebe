"""The insights from warehouse sums (``engine/insights.py``) on a few hand-written rows.

Each case runs ``insights_metrics_in_engine`` on a real DuckDB file and
``compute_metrics`` on the same rows, asserts both equal, and asserts the figure
the case is about, counted by hand (k = 10, three competitor companies, (2, 85)).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ouchhungry_dp.partners.contract import PartnerContract
from ouchhungry_dp.products.engine import insights_statements
from ouchhungry_dp.products.engine.insights import _rows, _trend, insights_metrics_in_engine
from ouchhungry_dp.products.engine.monthly import (
    makers_in_engine,
    market_from_rows,
    own_spellings,
    partner_brands,
)
from ouchhungry_dp.products.insights_metrics import _month_key, brand_months, compute_metrics
from ouchhungry_dp.products.selection import latest_catalogue, market_items, partner_brand_names

from ..conftest import customers_buying, products_frame, rows_frame
from ..test_insights_metrics_by_hand import monthly_file
from .conftest import Warehouse
from .test_engine_equals_pandas import CLB, FZZ, GSU, HNG, NOV, TNO, snapshot

MONTH = "2026-11"
OCH100 = "SAL-OCH-0100"


def both_paths(warehouse: Warehouse, contract: PartnerContract, rows: pd.DataFrame | None,
               monthly: pd.DataFrame, published: dict | None = None) -> dict[str, Any]:
    """Both paths on ``rows`` (None: the warehouse holds no table at all), the same
    released ``monthly`` file and past reports' ``published`` figures; asserts them
    equal and returns the metrics."""
    products = snapshot(products_frame(), NOV[0])
    if rows is not None:
        warehouse.put("cleaned_transactions", rows)
        warehouse.put("cleaned_products", products)
    catalogue = latest_catalogue(products)
    actual = insights_metrics_in_engine(warehouse.run, contract, month=MONTH, first=NOV[0],
                                        last=NOV[1], products=catalogue,
                                        monthly_products=monthly, published=published)
    expected = compute_metrics(contract, month=MONTH,
                               transactions=rows_frame([]) if rows is None else rows,
                               products=catalogue, monthly_products=monthly,
                               published=published)
    assert actual == expected
    return actual


def test_a_warehouse_without_its_tables_reports_no_sales(
        warehouse: Warehouse, contract: PartnerContract) -> None:
    """Before the first load every statement returns a frame without columns: the
    report is the one of a month without sales, not an error."""
    country = ("2026-11", "Hungry", "country", "*", "*", 100.0, 10, 10, "country")
    nothing = monthly_file([country]).iloc[:0]  # no row, the released file's dtypes
    metrics = both_paths(warehouse, contract, None, nothing)
    assert metrics["brands"] == {} and metrics["top_product_pairs"] == []
    assert metrics["repeat_purchase_rate"] == {}
    assert metrics["customers_buying_two_brands_share"] is None


def test_a_later_brand_is_reported_when_the_first_sold_nothing(
        warehouse: Warehouse, contract: PartnerContract) -> None:
    """Only Ouch (the contract's second brand) sold; October's report printed it."""
    assert contract.partner.brand_names == ["Hungry", "Ouch"]
    rows = rows_frame(customers_buying("2026-11-03", "SP", "SAO PAULO", OCH100, 12))
    ouch = ("2026-11", "Ouch", "country", "*", "*", 120.0, 12, 12, "country")
    october = {"2026-10": {"Ouch": {"units": 10, "revenue": 100.0, "customers": 10,
                                    "segment_share": None, "price_index": None}}}
    metrics = both_paths(warehouse, contract, rows, monthly_file([ouch]), october)
    assert list(metrics["brands"]) == ["Ouch"]
    assert metrics["brands"]["Ouch"]["customers"] == 12
    # Against the printed October: R$ 100.00 and 10 units -> R$ 120.00 and 12 units.
    assert metrics["growth_vs_previous_month"] == {"Ouch": {"revenue": 0.2, "units": 0.2}}
    assert metrics["revenue_trend"] == {"Ouch": {"2026-10": 100.0, "2026-11": 120.0}}


def test_the_national_share_is_withheld_when_the_rest_of_a_published_cell_fails(
        warehouse: Warehouse, contract: PartnerContract) -> None:
    """Four competitor companies nationally (50.00 each: no dominance), two of them in
    Sao Paulo. With Hungry's Sao Paulo cell share published, what is left is two
    companies (Rio, Belo Horizonte): the national share would reveal it, so it is
    withheld. With only a country row published nothing is left to difference."""
    day = "2026-11-03"
    sales = customers_buying(day, "SP", "SAO PAULO", HNG, 10, prefix="H")
    for product, (state, city) in ((CLB, ("SP", "SAO PAULO")), (FZZ, ("SP", "SAO PAULO")),
                                   (GSU, ("RJ", "RIO DE JANEIRO")),
                                   (TNO, ("MG", "BELO HORIZONTE"))):
        sales += customers_buying(day, state, city, product, 5, prefix=product[4:7])
    rows = rows_frame(sales)
    country = ("2026-11", "Hungry", "country", "*", "*", 100.0, 10, 10, "country")
    shown = both_paths(warehouse, contract, rows, monthly_file([country]))
    # 100.00 of 300.00 in the segment; both prices 10.00 a unit.
    assert shown["brands"]["Hungry"]["segment_share"] == round(100 / 300, 4)
    assert shown["brands"]["Hungry"]["price_index"] == 100.0
    cell = ("2026-11", "Hungry", "city", "SP", "SAO PAULO", 100.0, 10, 10, "cell")
    withheld = both_paths(warehouse, contract, rows, monthly_file([cell]))
    assert withheld["brands"]["Hungry"]["segment_share"] is None
    assert withheld["brands"]["Hungry"]["price_index"] is None


def test_the_trend_rows_are_brand_months_rows(warehouse: Warehouse,
                                             contract: PartnerContract) -> None:
    """``_trend`` stands for ``brand_months``: the same rows, columns and dtypes. Ouch's
    products have no segment here, so its segment sums are missing (not the market's)."""
    products = snapshot(products_frame(), NOV[0])
    products.loc[products["brand"] == "Ouch", "segment"] = pd.NA
    rows = rows_frame(customers_buying("2026-11-03", "SP", "SAO PAULO", HNG, 3)
                      + customers_buying("2026-11-03", "SP", "SAO PAULO", CLB, 2)
                      + customers_buying("2026-11-03", "RJ", "RIO", OCH100, 2))
    warehouse.put("cleaned_transactions", rows)
    warehouse.put("cleaned_products", products)
    nothing = pd.DataFrame({"month": pd.Series([], dtype="string"),
                            "brand": pd.Series([], dtype="string")})
    makers = makers_in_engine(warehouse.run, *NOV)
    parts = insights_statements.split_parts(warehouse.run(insights_statements.insights_month(
        contract, own_spellings(makers, contract), *NOV)))
    brands = _rows(parts["insights_brands"], insights_statements.PARTS["insights_brands"])
    got = _trend(contract, brands.astype({"brand": str}),
                 market_from_rows(parts["segment_market"]), month=MONTH,
                 monthly_products=nothing, partner=partner_brands(makers, contract))
    market = market_items(rows, products)
    market["month"] = _month_key(market["sale_date"])
    expected = brand_months(market, contract, nothing, partner_brand_names(products, contract))
    columns = ["month", "brand", "units", "cents", "customers", "seg_cents", "seg_units"]
    pd.testing.assert_frame_equal(got[columns], expected[columns])
    # Hungry: 3 units, R$ 30.00 of a segment of 5 units, R$ 50.00; Ouch: no segment.
    assert got[columns].astype(object).where(got[columns].notna(), None).values.tolist() == [
        [MONTH, "Hungry", 3, 3000, 3, 5000, 5], [MONTH, "Ouch", 2, 2000, 2, None, None]]
