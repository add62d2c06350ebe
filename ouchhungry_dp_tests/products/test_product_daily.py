from __future__ import annotations

import pandas as pd

from ouchhungry_dp.partners.contract import PartnerContract
from ouchhungry_dp.products.cells import decide_publishable_cells, empty_decision
from ouchhungry_dp.products.daily import build_daily_product
from ouchhungry_dp.products.guardrails import daily_follows_decision, scan_pii

from .conftest import KEY, customers_buying, rows_frame

HISTORY = rows_frame(
    customers_buying("2026-10-10", "SP", "SAO PAULO", "REF-HNG-0350", 12)
    + customers_buying("2026-10-10", "RJ", "NITEROI", "REF-HNG-0350", 3)
    + customers_buying("2026-10-10", "RJ", "NITEROI", "SAL-OCH-0100", 11)
)
DAY = rows_frame(
    [
        ("2026-11-05", "PED-1", "CLI-1", "SP", "SAO PAULO", "REF-HNG-0350", 2, 5.25),
        ("2026-11-05", "PED-1", "CLI-1", "SP", "SAO PAULO", "REF-CLB-0350", 1, 5.00),
        ("2026-11-05", "PED-2", "CLI-2", "RJ", "NITEROI", "REF-HNG-0350", 1, 5.50),
        ("2026-11-05", "PED-3", "CLI-3", "RJ", "NITEROI", "SAL-OCH-0100", 3, 7.10),
        ("2026-11-05", "PED-4", "CLI-4", "SP", "SAO PAULO", "SAL-CRC-0100", 1, 6.50),
    ]
)


def test_decision_uses_previous_month_customers(
    contract: PartnerContract, products: pd.DataFrame
) -> None:
    decision = decide_publishable_cells(HISTORY, products, contract).set_index(
        ["state", "city", "brand"]
    )
    assert bool(decision.loc[("SP", "SAO PAULO", "Hungry"), "publishable"])
    assert not bool(decision.loc[("RJ", "NITEROI", "Hungry"), "publishable"])  # 3 < 10
    assert bool(decision.loc[("RJ", "NITEROI", "Ouch"), "publishable"])  # per brand
    assert decision.loc[("RJ", "NITEROI", "Hungry"), "history_customers"] == 3


def test_daily_rows_columns_and_generalisation(
    contract: PartnerContract, products: pd.DataFrame
) -> None:
    decision = decide_publishable_cells(HISTORY, products, contract)
    daily = build_daily_product(DAY, products, decision, contract, key=KEY)
    assert list(daily.columns) == contract.products.daily.column_names
    assert set(daily["brand"]) == {"Hungry", "Ouch"}  # competitors and other partners dropped
    assert len(daily) == 3
    by_product = daily.set_index(["state", "brand"])
    assert by_product.loc[("SP", "Hungry"), "city"] == "SAO PAULO"
    assert by_product.loc[("RJ", "Hungry"), "city"] == "*"
    assert by_product.loc[("RJ", "Hungry"), "location_level"] == "state"
    assert by_product.loc[("RJ", "Ouch"), "city"] == "NITEROI"
    assert by_product.loc[("RJ", "Ouch"), "total_amount"] == 21.30
    assert daily_follows_decision(daily, decision).passed


def test_daily_carries_no_time_no_raw_ids_no_cep(
    contract: PartnerContract, products: pd.DataFrame
) -> None:
    daily = build_daily_product(DAY, products, empty_decision(), contract, key=KEY)
    assert daily["sale_date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    text = daily.to_csv(index=False)
    for raw in ("CLI-1", "PED-1", "01310-100", "13:45", "LOJ-", "11222333000181"):
        assert raw not in text
    assert scan_pii(daily, known_identifiers=DAY["customer_id"].tolist()).passed


def test_no_history_generalises_every_row(
    contract: PartnerContract, products: pd.DataFrame
) -> None:
    empty = decide_publishable_cells(DAY.iloc[0:0], products, contract)
    daily = build_daily_product(DAY, products, empty, contract, key=KEY)
    assert set(daily["city"]) == {"*"}
    assert set(daily["location_level"]) == {"state"}


def test_decision_check_catches_an_undecided_city(
    contract: PartnerContract, products: pd.DataFrame
) -> None:
    daily = build_daily_product(DAY, products, empty_decision(), contract, key=KEY)
    daily.loc[0, ["city", "location_level"]] = ["SAO PAULO", "city"]
    outcome = daily_follows_decision(daily, empty_decision())
    assert not outcome.passed
    assert outcome.metadata["undecided_cities"][0]["city"] == "SAO PAULO"


def test_a_day_without_partner_sales_gives_an_empty_file_with_the_header(
    contract: PartnerContract, products: pd.DataFrame
) -> None:
    competitors_only = DAY.loc[DAY["product_code"] == "REF-CLB-0350"]
    daily = build_daily_product(competitors_only, products, empty_decision(), contract, key=KEY)
    assert daily.empty
    assert list(daily.columns) == contract.products.daily.column_names
