"""The daily file publishes the sale day only, and a day without a sale of the partner
gives an empty file typed like any other day's."""

from __future__ import annotations

import pandas as pd

from ouchhungry_dp.partners.contract import PartnerContract
from ouchhungry_dp.products.cells import decide_locations
from ouchhungry_dp.products.daily import build_daily_product

from .conftest import KEY, customers_buying, rows_frame

HISTORY = rows_frame(customers_buying("2026-10-10", "SP", "SAO PAULO", "REF-HNG-0350", 12))


def test_a_sale_date_holding_a_time_of_day_is_published_as_the_day_only(
        contract: PartnerContract, products: pd.DataFrame) -> None:
    """The time of purchase never leaves, even if a timestamp reached ``sale_date``."""
    day = rows_frame(customers_buying("2026-11-05", "SP", "SAO PAULO", "REF-HNG-0350", 2))
    day["sale_date"] = day["sale_date"] + pd.Timedelta(hours=13, minutes=45, seconds=7)
    decision = decide_locations(HISTORY, products, contract)
    daily = build_daily_product(day, products, decision, contract, key=KEY)
    assert daily["sale_date"].tolist() == ["2026-11-05", "2026-11-05"]


def test_a_day_without_partner_sales_is_an_empty_file_typed_like_any_day(
        contract: PartnerContract, products: pd.DataFrame) -> None:
    decision = decide_locations(HISTORY, products, contract)
    rival_only = rows_frame(customers_buying("2026-11-05", "SP", "SAO PAULO", "REF-CLB-0350", 3))
    sales = rows_frame(customers_buying("2026-11-05", "SP", "SAO PAULO", "REF-HNG-0350", 3))
    empty = build_daily_product(rival_only, products, decision, contract, key=KEY)
    full = build_daily_product(sales, products, decision, contract, key=KEY)
    assert empty.empty
    assert list(empty.columns) == list(full.columns) == contract.products.daily.column_names
    assert empty.dtypes.to_dict() == full.dtypes.to_dict()
