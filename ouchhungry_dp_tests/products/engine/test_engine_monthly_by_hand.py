"""The monthly file from warehouse sums (``engine/monthly.py``) on a few hand-written rows.

Each case goes through ``compare_month`` (both paths equal, frame and CSV bytes) and
asserts the cell the case is about, counted by hand (k = 10, three competitor
companies, (2, 85) dominance).
"""

from __future__ import annotations

import pandas as pd

from ouchhungry_dp.partners.contract import PartnerContract
from ouchhungry_dp.products.cells import decide_locations
from ouchhungry_dp.products.daily import build_daily_product
from ouchhungry_dp.products.engine.monthly import reconcile_in_engine
from ouchhungry_dp.products.monthly import build_monthly_product
from ouchhungry_dp.products.reconcile import reconcile_monthly_with_daily

from ..conftest import KEY, customers_buying, products_frame, rows_frame
from ..test_insights_penetration import OFF_CONTRACT, with_an_off_contract_brand
from .conftest import Warehouse
from .test_engine_equals_pandas import CLB, GSU, HNG, NOV, TNO, compare_month, snapshot

_NOT_TEXT = ("list_price", "updated_at", "snapshot_date")


def test_the_partners_off_contract_brand_is_no_competitor_of_the_share(
        warehouse: Warehouse, contract: PartnerContract) -> None:
    """Hungry Zero is the partner's company's brand outside the contract, sold in the
    range's catalogue: with two real competitor companies the share stays suppressed
    (three companies only if Hungry Zero counted); a third real one publishes it."""
    assert OFF_CONTRACT not in contract.partner.brand_names
    products = with_an_off_contract_brand()
    products = products.astype({c: "string" for c in products.columns if c not in _NOT_TEXT})
    history = rows_frame(customers_buying("2026-10-05", "SP", "SAO PAULO", HNG, 10, prefix="O"))
    day = "2026-11-03"
    sales = (customers_buying(day, "SP", "SAO PAULO", HNG, 10, prefix="H")
             + customers_buying(day, "SP", "SAO PAULO", CLB, 5, prefix="A")
             + customers_buying(day, "SP", "SAO PAULO", GSU, 5, prefix="B")
             + customers_buying(day, "SP", "SAO PAULO", OFF_CONTRACT, 5, prefix="Z"))
    monthly = compare_month(warehouse, contract, history, rows_frame(sales), products)
    (hungry,) = monthly.itertuples()
    assert (hungry.brand, hungry.revenue, hungry.segment_share_level) == (
        "Hungry", 100.0, "suppressed")
    assert pd.isna(hungry.segment_share)
    sales += customers_buying(day, "SP", "SAO PAULO", TNO, 5, prefix="C")
    monthly = compare_month(warehouse, contract, history, rows_frame(sales), products)
    (hungry,) = monthly.itertuples()
    # R$ 100.00 of the segment's 300.00 (Hungry Zero's 50.00 is in the segment's sales).
    assert hungry.segment_share_level != "suppressed"
    assert hungry.segment_share == round(100 / 300, 4)


def test_a_brand_missing_from_the_month_is_judged_by_the_contracts_minimum(
        warehouse: Warehouse, crocante: PartnerContract) -> None:
    """Crocante's minimum is 5 customers, not the default 10: 7 customers of the brand
    in the daily files and no row of it in the monthly file is a brand wrongly left out."""
    assert crocante.privacy.min_customers_per_cell == 5
    products = snapshot(products_frame(), NOV[0])
    rows = rows_frame(customers_buying("2026-11-03", "SP", "SAO PAULO", "SAL-CRC-0100", 7))
    decision = decide_locations(rows_frame([]), products, crocante)
    daily = build_daily_product(rows, products, decision, crocante, key=KEY)
    warehouse.put(crocante.daily_asset,
                  daily.assign(sale_date=pd.to_datetime(daily["sale_date"])))
    month = build_monthly_product(rows, products, decision, crocante, month="2026-11")
    without = month.iloc[:0]
    outcomes = []
    for minimum in (crocante, 10):
        got = reconcile_in_engine(warehouse.run, without, crocante.daily_asset, first=NOV[0],
                                  last=NOV[1], min_customers=minimum)
        reference = reconcile_monthly_with_daily(without, [daily], min_customers=minimum)
        assert (got.passed, got.description) == (reference.passed, reference.description)
        outcomes.append(got)
    contract_k, ten = outcomes
    assert not contract_k.passed
    assert "brands missing from the monthly file: ['Crocante']" in contract_k.description
    assert ten.passed  # 7 customers are below a minimum of 10: a suppression, no error
