from __future__ import annotations

import pandas as pd

from ouchhungry_dp.partners.contract import PartnerContract
from ouchhungry_dp.products.cells import decide_locations, empty_decision
from ouchhungry_dp.products.daily import build_daily_product
from ouchhungry_dp.products.guardrails import (
    daily_follows_decision,
    partner_rows_conserved,
    scan_pii,
)

from .conftest import KEY, customers_buying, rows_frame

# SP: SAO PAULO 12 + CAMPINAS 11 (the SP residual), RJ: NITEROI 3 Hungry + 11 Ouch
# customers (the same 3 bought both; 11 together), RJ residual 10 (MACAE); AC and AP
# too small to be named (5 each): together they are the country residual (10).
HISTORY = rows_frame(
    customers_buying("2026-10-10", "AC", "RIO BRANCO", "REF-HNG-0350", 5)
    + customers_buying("2026-10-10", "AP", "MACAPA", "SAL-OCH-0100", 5)
    +
    customers_buying("2026-10-10", "SP", "SAO PAULO", "REF-HNG-0350", 12)
    + customers_buying("2026-10-10", "SP", "CAMPINAS", "REF-HNG-0350", 11)
    + customers_buying("2026-10-10", "RJ", "NITEROI", "REF-HNG-0350", 3)
    + customers_buying("2026-10-10", "RJ", "NITEROI", "SAL-OCH-0100", 11)
    + customers_buying("2026-10-10", "RJ", "MACAE", "SAL-OCH-0100", 10)
)
DAY = rows_frame(
    [
        ("2026-11-05", "PED-1", "CLI-1", "SP", "SAO PAULO", "REF-HNG-0350", 2, 5.25),
        ("2026-11-05", "PED-1", "CLI-1", "SP", "SAO PAULO", "REF-CLB-0350", 1, 5.00),
        ("2026-11-05", "PED-2", "CLI-2", "RJ", "NITEROI", "REF-HNG-0350", 1, 5.50),
        ("2026-11-05", "PED-2", "CLI-2", "RJ", "NITEROI", "SAL-OCH-0100", 3, 7.10),
        ("2026-11-05", "PED-4", "CLI-4", "SP", "SAO PAULO", "SAL-CRC-0100", 1, 6.50),
        ("2026-11-05", "PED-5", "CLI-5", "AC", "RIO BRANCO", "SAL-OCH-0100", 1, 7.50),
    ]
)


def test_one_level_per_location_for_the_brands_together(
    contract: PartnerContract, products: pd.DataFrame
) -> None:
    decision = decide_locations(HISTORY, products, contract).set_index(["state", "city"])
    assert decision.loc[("SP", "SAO PAULO"), "level"] == "city"
    assert decision.loc[("RJ", "NITEROI"), "level"] == "city"
    assert decision.loc[("RJ", "NITEROI"), "history_customers"] == 11
    assert decision.loc[("RJ", "MACAE"), "level"] == "state"
    assert decision.loc[("RJ", "MACAE"), "cell_customers"] == 10
    assert decision.loc[("AC", "RIO BRANCO"), "level"] == "country"
    assert decision.loc[("AC", "RIO BRANCO"), "cell_customers"] == 10


def test_daily_rows_columns_and_generalisation(
    contract: PartnerContract, products: pd.DataFrame
) -> None:
    decision = decide_locations(HISTORY, products, contract)
    daily = build_daily_product(DAY, products, decision, contract, key=KEY)
    assert list(daily.columns) == contract.products.daily.column_names
    assert set(daily["brand"]) == {"Hungry", "Ouch"}  # competitors dropped
    assert len(daily) == 4
    # The order with a Hungry and an Ouch item in NITEROI: both at the same level.
    niteroi = daily.loc[daily["state"] == "RJ"]
    assert set(niteroi["city"]) == {"NITEROI"} and niteroi["order_id"].nunique() == 1
    assert set(niteroi["total_amount"]) == {5.5, 21.3}
    # AC is not named (too small): country level.
    acre = daily.loc[daily["product_code"] == "SAL-OCH-0100"].loc[lambda f: f["state"] == "*"]
    assert acre["location_level"].tolist() == ["country"] and acre["city"].tolist() == ["*"]
    assert daily_follows_decision(daily, decision).passed


def test_pseudonyms_rotate_with_the_month(
    contract: PartnerContract, products: pd.DataFrame
) -> None:
    decision = decide_locations(HISTORY, products, contract)
    november = build_daily_product(DAY, products, decision, contract, key=KEY)
    december_day = DAY.assign(sale_date=pd.Timestamp("2026-12-05"))
    december = build_daily_product(december_day, products, decision, contract, key=KEY)
    for column in ("order_id", "customer_id"):
        assert not set(november[column]) & set(december[column])
    again = build_daily_product(DAY, products, decision, contract, key=KEY)
    assert again.equals(november)  # deterministic within the month


def test_daily_carries_no_time_no_raw_ids_no_cep(
    contract: PartnerContract, products: pd.DataFrame
) -> None:
    daily = build_daily_product(DAY, products, empty_decision(), contract, key=KEY)
    assert daily["sale_date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    text = daily.to_csv(index=False)
    for raw in ("CLI-1", "PED-1", "01310-100", "13:45", "LOJ-", "11222333000181"):
        assert raw not in text
    assert scan_pii(daily, known_identifiers=DAY["customer_id"].tolist()).passed


def test_no_history_publishes_every_row_at_the_country(
    contract: PartnerContract, products: pd.DataFrame
) -> None:
    empty = decide_locations(DAY.iloc[0:0], products, contract)
    daily = build_daily_product(DAY, products, empty, contract, key=KEY)
    assert set(daily["city"]) == set(daily["state"]) == {"*"}
    assert set(daily["location_level"]) == {"country"}


def test_decision_check_catches_an_undecided_city_and_an_unnamed_state(
    contract: PartnerContract, products: pd.DataFrame
) -> None:
    decision = decide_locations(HISTORY, products, contract)
    daily = build_daily_product(DAY, products, decision, contract, key=KEY)
    bad = daily.copy()
    bad.loc[0, ["state", "city", "location_level"]] = ["RJ", "MACAE", "city"]
    outcome = daily_follows_decision(bad, decision)
    assert not outcome.passed
    assert outcome.metadata["labels_outside_decision"][0]["city"] == "MACAE"
    bad = daily.copy()
    bad.loc[0, ["state", "city", "location_level"]] = ["AC", "*", "state"]
    assert not daily_follows_decision(bad, decision).passed


def test_a_day_without_partner_sales_gives_an_empty_file_with_the_header(
    contract: PartnerContract, products: pd.DataFrame
) -> None:
    competitors_only = DAY.loc[DAY["product_code"] == "REF-CLB-0350"]
    daily = build_daily_product(competitors_only, products, empty_decision(), contract, key=KEY)
    assert daily.empty
    assert list(daily.columns) == contract.products.daily.column_names


def test_partner_rows_whose_catalogue_row_was_quarantined_block_the_day(
    contract: PartnerContract, products: pd.DataFrame
) -> None:
    decision = decide_locations(HISTORY, products, contract)
    without_ouch = products.loc[products["product_code"] != "SAL-OCH-0100"]
    daily = build_daily_product(DAY, without_ouch, decision, contract, key=KEY)
    quarantined = products.loc[products["product_code"] == "SAL-OCH-0100",
                               ["product_code", "brand", "manufacturer"]]
    outcome = partner_rows_conserved(daily, DAY, without_ouch, contract, quarantined)
    assert not outcome.passed
    assert outcome.metadata["partner_rows_lost"] == 2  # NITEROI and RIO BRANCO items
    # A competitor's quarantined catalogue row loses no partner row.
    without_rival = products.loc[products["product_code"] != "REF-CLB-0350"]
    rival = products.loc[products["product_code"] == "REF-CLB-0350",
                         ["product_code", "brand", "manufacturer"]]
    daily = build_daily_product(DAY, without_rival, decision, contract, key=KEY)
    assert partner_rows_conserved(daily, DAY, without_rival, contract, rival).passed
    # A row dropped from the file is caught too.
    assert not partner_rows_conserved(daily.iloc[1:], DAY, without_rival, contract, rival).passed
