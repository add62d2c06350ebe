"""``partner_items`` on a three-row catalogue and three sales, counted by hand: a
catalogue row of the partner without a product code still pairs with the sales that
lack one (as the join in ``market_items`` pairs them), and a missing column is named."""

from __future__ import annotations

import pandas as pd
import pytest

from ouchhungry_dp.errors import DataQualityError
from ouchhungry_dp.partners.contract import load_contracts
from ouchhungry_dp.products.selection import TRANSACTION_COLUMNS, partner_items

CONTRACT = next(c for c in load_contracts() if c.id == "ouchhungry")
BRAND, MAKER = CONTRACT.partner.brand_names[0], CONTRACT.partner.manufacturer


def _frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    products = pd.DataFrame({
        "product_code": ["P1", None, "R1"], "product_name": ["a", "b", "c"],
        "brand": [BRAND, BRAND, "Rival"], "manufacturer": [MAKER, MAKER, "Outra Empresa"],
        "segment": ["s", "s", "s"]}, dtype="string")
    sales = pd.DataFrame({
        "order_id": ["o1", "o2", "o3"], "customer_id": ["c1", "c2", "c3"],
        "product_code": pd.array(["P1", None, "R1"], dtype="string"),
        "quantity": [1, 2, 3], "total_amount": [1.5, 2.0, 3.0], "unit_price": [1.5, 1.0, 1.0],
        "sale_date": pd.to_datetime(["2026-11-01"] * 3), "city": ["X", "Y", "Z"],
        "state": ["SP", "SP", "SP"]})
    return sales, products


def test_the_partner_s_sale_and_the_one_without_a_code_are_kept() -> None:
    sales, products = _frames()
    items = partner_items(sales, products, CONTRACT)
    assert items["order_id"].tolist() == ["o1", "o2"]
    assert items["amount_cents"].tolist() == [150, 200]


def test_a_missing_column_is_named_for_the_transactions_table() -> None:
    sales, products = _frames()
    with pytest.raises(DataQualityError) as error:
        partner_items(sales.drop(columns="city"), products, CONTRACT)
    assert error.value.what == "transactions table lacks columns ['city']"
    assert "city" in TRANSACTION_COLUMNS
