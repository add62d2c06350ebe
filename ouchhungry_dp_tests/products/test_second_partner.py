"""A second partner defined only by a YAML file gets its own products, no code change."""

from __future__ import annotations

import pandas as pd

from ouchhungry_dp.partners.contract import PartnerContract, load_contracts
from ouchhungry_dp.products.cells import decide_locations
from ouchhungry_dp.products.daily import build_daily_product
from ouchhungry_dp.products.guardrails import (
    cells_under_minimum,
    reconcile_monthly_with_daily,
    scan_pii,
)
from ouchhungry_dp.products.monthly import build_monthly_product

from .conftest import FIXTURES, KEY, SIMULATED_MONTH


def test_fixture_contract_loads_with_its_own_names(crocante: PartnerContract) -> None:
    assert [c.id for c in load_contracts(FIXTURES)] == ["crocante"]
    assert crocante.daily_asset == "crocante_sales_daily"
    assert crocante.monthly_asset == "crocante_sales_monthly_by_city"
    assert crocante.daily_job == "crocante_daily_delivery"
    assert crocante.delivery.sftp.env["host"] == "CROCANTE_SFTP_HOST"
    assert crocante.privacy.min_customers_per_cell == 5


def test_second_partner_gets_its_own_products(
    simulated: dict, contract: PartnerContract, crocante: PartnerContract
) -> None:
    products, history, days = simulated["products"], simulated["history"], simulated["days"]
    decision = decide_locations(history, products, crocante)
    # Its own minimum (5, from its YAML) decides, not OuchHungry's 10.
    cities = decision.loc[decision["level"] == "city"]
    assert len(cities) and cities["history_customers"].ge(5).all()
    assert cities["history_customers"].lt(10).any()
    dailies = [build_daily_product(d, products, decision, crocante, key=KEY) for d in days[:7]]
    first_week = pd.concat(days[:7], ignore_index=True)
    monthly = build_monthly_product(first_week, products, decision, crocante, month=SIMULATED_MONTH)
    daily = pd.concat(dailies, ignore_index=True)
    assert set(daily["brand"]) == {"Crocante"} and set(monthly["brand"]) == {"Crocante"}
    assert list(daily.columns) == crocante.products.daily.column_names
    assert scan_pii(daily, contract=crocante).passed
    assert cells_under_minimum(monthly, decision, crocante).passed
    assert reconcile_monthly_with_daily(monthly, dailies, min_customers=crocante).passed
    # Salted per partner: a customer of both partners cannot be joined across files.
    ouch = pd.concat(
        [build_daily_product(d, products, decision, contract, key=KEY) for d in days[:7]]
    )
    assert not set(ouch["customer_id"]) & set(daily["customer_id"])
    assert not set(ouch["order_id"]) & set(daily["order_id"])
    shared_orders = first_week.merge(products[["product_code", "brand"]], on="product_code")
    both = shared_orders.groupby("order_id")["brand"].agg(lambda b: {"Crocante", "Ouch"} <= set(b))
    assert both.any()  # the disjointness above is not vacuous: some orders have both brands
