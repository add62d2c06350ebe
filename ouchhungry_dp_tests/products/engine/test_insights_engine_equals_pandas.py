"""The insights figures from warehouse sums equal ``compute_metrics`` on the month's rows.

Each case stores the month (and the month before it) in a real DuckDB file, builds
the released monthly files with the pandas builder, then compares the metrics dict
of both paths (``==``, every figure and every privacy decision) and the rendered
report's HTML byte for byte.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from ouchhungry_dp.partners.contract import PartnerContract
from ouchhungry_dp.products.cells import decide_locations
from ouchhungry_dp.products.engine.insights import insights_metrics_in_engine
from ouchhungry_dp.products.engine.query import EngineQuery
from ouchhungry_dp.products.insights import report_from_metrics
from ouchhungry_dp.products.insights_metrics import compute_metrics
from ouchhungry_dp.products.monthly import build_monthly_product
from ouchhungry_dp.products.selection import latest_catalogue

from ..conftest import customers_buying, month_frames, products_frame, rows_frame
from ..test_insights_penetration import (
    OFF_CONTRACT,
    ONE_COMPETITOR,
    THREE_EVEN,
    THREE_SAME_PEOPLE,
    penetration_month,
    with_an_off_contract_brand,
)
from .conftest import Warehouse
from .test_engine_equals_pandas import CLB, FZZ, GSU, HNG, NOV, TNO, snapshot

MONTH, PREVIOUS = "2026-11", "2026-10"
HNG600, OCH100, OCH200 = "REF-HNG-0600", "SAL-OCH-0100", "SAL-OCH-0200"


def compare_insights(warehouse: Warehouse, contract: PartnerContract, history: pd.DataFrame,
                     month: pd.DataFrame, products: pd.DataFrame | None = None,
                     known: tuple[str, ...] = ()) -> dict:
    """Both paths on the same stored rows; asserts them equal and returns the metrics."""
    products = products_frame() if products is None else products
    catalogue = snapshot(products, NOV[0])
    rows = pd.concat([f for f in (history, month) if len(f)] or [month], ignore_index=True)
    warehouse.put("cleaned_transactions", rows)
    warehouse.put("cleaned_products", pd.concat([snapshot(products, dt.date(2026, 10, 1)),
                                                 catalogue], ignore_index=True))
    decision = decide_locations(history, catalogue, contract)
    monthly = pd.concat([build_monthly_product(stored, catalogue, decision, contract, month=m)
                         for stored, m in ((history, PREVIOUS), (month, MONTH))
                         if len(stored) or m == MONTH],
                        ignore_index=True)
    products_of_month = latest_catalogue(catalogue)
    expected = compute_metrics(contract, month=MONTH,
                               transactions=rows,
                               products=products_of_month, monthly_products=monthly,
                               known_identifiers=known)
    issued: list[str] = []

    def run(query: EngineQuery) -> pd.DataFrame:
        issued.append(query.purpose)
        return warehouse.run(query)

    actual = insights_metrics_in_engine(run, contract, month=MONTH, first=NOV[0],
                                        last=NOV[1], products=products_of_month,
                                        monthly_products=monthly, known_identifiers=known)
    assert actual == expected
    # Each statement once: BigQuery bills each run for the columns it reads again
    # (catalogue_makers ran twice, for the shares and for the penetration).
    assert sorted(issued) == sorted(set(issued)) and "catalogue_makers" in issued
    assert (report_from_metrics(contract, MONTH, actual).html
            == report_from_metrics(contract, MONTH, expected).html)
    return actual


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_simulated_months_agree(warehouse: Warehouse, contract: PartnerContract,
                                seed: int) -> None:
    history = pd.concat(month_frames(PREVIOUS, 40, seed=seed), ignore_index=True)
    month = pd.concat(month_frames(MONTH, 40, seed=seed + 50), ignore_index=True)
    metrics = compare_insights(warehouse, contract, history, month)
    assert metrics["brands"] and metrics["top_cities"]
    assert any(rate is not None for rate in metrics["repeat_purchase_rate"].values())


def test_a_simulated_and_cleaned_month_agrees(warehouse: Warehouse, contract: PartnerContract,
                                             simulated: dict) -> None:
    """The simulator through the cleaning library (accents, repaired rows), one month."""
    december = pd.concat(simulated["days"], ignore_index=True)
    moved = december.assign(sale_date=december["sale_date"] - pd.Timedelta(days=30))
    moved = moved.loc[moved["sale_date"].dt.strftime("%Y-%m") == MONTH]
    metrics = compare_insights(warehouse, contract, rows_frame([]), moved,
                               simulated["products"])
    assert metrics["top_product_pairs"]


def test_second_partner_agrees(warehouse: Warehouse, crocante: PartnerContract) -> None:
    history = pd.concat(month_frames(PREVIOUS, 30, seed=8), ignore_index=True)
    month = pd.concat(month_frames(MONTH, 30, seed=9), ignore_index=True)
    assert compare_insights(warehouse, crocante, history, month)["brands"]


def _pair_buyers(day: str, a: str, b: str, n: int, prefix: str) -> list[tuple]:
    """``n`` customers each buying ``a`` and ``b`` together in one order."""
    return [(day, f"PED-{prefix}-{i}", f"CLI-{prefix}{i}", "SP", "SAO PAULO", code, 1, 10.0)
            for i in range(n) for code in (a, b)]


def test_a_cross_sell_pair_at_exactly_k_and_one_short(warehouse: Warehouse,
                                                     contract: PartnerContract) -> None:
    k = contract.privacy.min_customers_per_cell
    rows = (_pair_buyers("2026-11-02", HNG, HNG600, k, "K")  # exactly k customers: shown
            # k - 1 customers in many orders: more orders than the pair above, not shown
            + [("2026-11-03", f"PED-S-{i}-{j}", f"CLI-S{i}", "SP", "SAO PAULO", code, 1, 9.0)
               for i in range(k - 1) for j in range(4) for code in (OCH100, OCH200)]
            + customers_buying("2026-11-04", "SP", "SAO PAULO", HNG, 3 * k)
            + customers_buying("2026-11-04", "SP", "SAO PAULO", OCH100, 3 * k))
    metrics = compare_insights(warehouse, contract, rows_frame([]), rows_frame(rows))
    pairs = metrics["top_product_pairs"]
    assert [p["orders"] for p in pairs] == [k]
    assert len(pairs[0]["products"]) == 2


def test_a_dominant_competitor_keeps_the_national_share_out(
        warehouse: Warehouse, contract: PartnerContract) -> None:
    k = contract.privacy.min_customers_per_cell
    rows = customers_buying("2026-11-02", "SP", "SAO PAULO", HNG, 3 * k)
    for product in (CLB, GSU, TNO):
        rows += customers_buying("2026-11-03", "RJ", "RIO DE JANEIRO", product, 5)
    fair = compare_insights(warehouse, contract, rows_frame([]), rows_frame(rows))
    assert fair["brands"]["Hungry"]["segment_share"] is not None
    rows += customers_buying("2026-11-04", "MG", "BELO HORIZONTE", FZZ, 400, prefix="D")
    dominated = compare_insights(warehouse, contract, rows_frame([]), rows_frame(rows))
    assert dominated["brands"]["Hungry"]["segment_share"] is None
    assert dominated["brands"]["Hungry"]["price_index"] is None


def test_a_month_without_partner_sales(warehouse: Warehouse, contract: PartnerContract) -> None:
    history = pd.concat(month_frames(PREVIOUS, 20, seed=21), ignore_index=True)
    rows = []
    for product in (CLB, GSU, TNO, FZZ):
        rows += customers_buying("2026-11-03", "SP", "SAO PAULO", product, 6)
    metrics = compare_insights(warehouse, contract, history, rows_frame(rows))
    assert metrics["brands"] == {} and metrics["top_product_pairs"] == []


def test_no_sales_at_all(warehouse: Warehouse, contract: PartnerContract) -> None:
    metrics = compare_insights(warehouse, contract, rows_frame([]), rows_frame([]))
    assert metrics["brands"] == {}


def test_two_brand_buyers_at_exactly_k(warehouse: Warehouse, contract: PartnerContract) -> None:
    k = contract.privacy.min_customers_per_cell
    both = [("2026-11-05", f"PED-B-{i}-{code}", f"CLI-B{i}", "RJ", "RIO DE JANEIRO", code, 2,
             8.0) for i in range(k) for code in (HNG, OCH100)]
    rows = both + customers_buying("2026-11-06", "RJ", "RIO DE JANEIRO", HNG, 2 * k)
    metrics = compare_insights(warehouse, contract, rows_frame([]), rows_frame(rows))
    assert metrics["customers_buying_two_brands_share"] == round(k / (3 * k), 4)
    one_short = compare_insights(warehouse, contract, rows_frame([]),
                                 rows_frame(both[2:] + rows[len(both):]))
    assert one_short["customers_buying_two_brands_share"] is None


def test_a_product_name_holding_a_customer_name_is_replaced(
        warehouse: Warehouse, contract: PartnerContract) -> None:
    k = contract.privacy.min_customers_per_cell
    products = products_frame()
    products.loc[products["product_code"] == HNG600, "product_name"] = "Cola da Maria Souza"
    rows = _pair_buyers("2026-11-02", HNG, HNG600, k, "N")
    metrics = compare_insights(warehouse, contract, rows_frame([]), rows_frame(rows), products,
                               known=("Maria Souza",))
    assert HNG600 in metrics["top_product_pairs"][0]["products"]


def test_the_penetration_rule_decides_the_same(warehouse: Warehouse,
                                              contract: PartnerContract) -> None:
    """F4: one competitor, three even ones, three reaching the same people (the sum of
    the two largest above the city's outside customers): printed only for the second."""
    history, month = penetration_month()
    metrics = compare_insights(warehouse, contract, history, month)
    shown = {(c["state"], c["city"]): c["penetration"] for c in metrics["top_cities"]}
    assert shown == {ONE_COMPETITOR: None, THREE_EVEN: round(20 / 35, 4),
                     THREE_SAME_PEOPLE: None}


def test_the_partners_off_contract_brand_is_own_in_both_paths(
        warehouse: Warehouse, contract: PartnerContract) -> None:
    """A brand the partner's manufacturer sells outside the contract: neither outside
    nor a competitor in the engine either (two real competitors: n/d)."""
    history, _ = penetration_month()
    day = "2026-11-02"
    month = rows_frame(customers_buying(day, "SP", "SAO PAULO", HNG, 20, prefix="P")
                       + customers_buying(day, "SP", "SAO PAULO", CLB, 8, prefix="A")
                       + customers_buying(day, "SP", "SAO PAULO", GSU, 7, prefix="B")
                       + customers_buying(day, "SP", "SAO PAULO", OFF_CONTRACT, 5, prefix="Z"))
    metrics = compare_insights(warehouse, contract, history, month,
                               products=with_an_off_contract_brand())
    shown = {(c["state"], c["city"]): c["penetration"] for c in metrics["top_cities"]}
    assert shown[("SP", "SAO PAULO")] is None
