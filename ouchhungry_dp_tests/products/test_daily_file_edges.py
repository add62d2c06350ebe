"""The daily file publishes the sale day only, and a day without a sale of the partner
gives an empty file typed like any other day's."""

from __future__ import annotations

import pandas as pd
import pytest

from ouchhungry_dp.errors import ConfigurationError
from ouchhungry_dp.partners.contract import PartnerContract
from ouchhungry_dp.products.cells import decide_locations
from ouchhungry_dp.products.csv_files import to_csv_bytes
from ouchhungry_dp.products.daily import build_daily_product

from .conftest import KEY, customers_buying, rows_frame, with_extra_column

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


def test_rows_come_out_in_one_order_whatever_order_the_warehouse_returned_them(
        contract: PartnerContract, products: pd.DataFrame) -> None:
    day = rows_frame(customers_buying("2026-11-05", "SP", "SAO PAULO", "REF-HNG-0350", 6)
                     + customers_buying("2026-11-05", "SP", "SAO PAULO", "SAL-OCH-0100", 6))
    decision = decide_locations(HISTORY, products, contract)
    daily = build_daily_product(day, products, decision, contract, key=KEY)
    shuffled = build_daily_product(day.sample(frac=1, random_state=3), products, decision,
                                   contract, key=KEY)
    assert to_csv_bytes(shuffled) == to_csv_bytes(daily)
    keys = list(zip(daily["order_id"], daily["product_code"], strict=True))
    assert keys == sorted(keys)  # one day: by pseudonymous order, then product


def test_the_audit_truth_holds_the_real_location_beside_the_published_one(
        contract: PartnerContract, products: pd.DataFrame) -> None:
    """``with_truth`` (the privacy audit's attacks only): the real state and city of each
    row next to its published, generalised location; without it, never."""
    day = rows_frame(customers_buying("2026-11-05", "RJ", "NITEROI", "REF-HNG-0350", 2))
    decision = decide_locations(HISTORY, products, contract)  # RJ never named: country
    audited = build_daily_product(day, products, decision, contract, key=KEY, with_truth=True)
    assert list(audited.columns) == [*contract.products.daily.column_names,
                                     "true_state", "true_city"]
    assert audited[["state", "city", "true_state", "true_city"]].values.tolist() == [
        ["*", "*", "RJ", "NITEROI"]] * 2
    plain = build_daily_product(day, products, decision, contract, key=KEY)
    pd.testing.assert_frame_equal(plain, audited.drop(columns=["true_state", "true_city"]))


def test_a_contract_column_the_builder_cannot_produce_is_refused_by_name(
        contract: PartnerContract, products: pd.DataFrame) -> None:
    wrong = with_extra_column(contract, "daily", "customer_birthday")
    day = rows_frame(customers_buying("2026-11-05", "SP", "SAO PAULO", "REF-HNG-0350", 2))
    decision = decide_locations(HISTORY, products, contract)
    with pytest.raises(ConfigurationError, match="customer_birthday") as refused:
        build_daily_product(day, products, decision, wrong, key=KEY)
    assert refused.value.partner == contract.id
