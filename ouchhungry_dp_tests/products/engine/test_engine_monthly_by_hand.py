"""The monthly file from warehouse sums (``engine/monthly.py``) on a few hand-written rows.

Each case goes through ``compare_month`` (both paths equal, frame and CSV bytes) and
asserts the cell the case is about, counted by hand (k = 10, three competitor
companies, (2, 85) dominance).
"""

from __future__ import annotations

import pandas as pd

from ouchhungry_dp.partners.contract import PartnerContract

from ..conftest import customers_buying, rows_frame
from ..test_insights_penetration import OFF_CONTRACT, with_an_off_contract_brand
from .conftest import Warehouse
from .test_engine_equals_pandas import CLB, GSU, HNG, TNO, compare_month

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
