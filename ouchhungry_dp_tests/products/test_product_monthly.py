from __future__ import annotations

import pandas as pd
import pytest

from ouchhungry_dp.partners.contract import PartnerContract
from ouchhungry_dp.products.cells import decide_locations
from ouchhungry_dp.products.daily import build_daily_product
from ouchhungry_dp.products.guardrails import cells_under_minimum, reconcile_monthly_with_daily
from ouchhungry_dp.products.monthly import build_monthly_product

from .conftest import KEY, customers_buying, rows_frame

HNG, CLB, GSU, TNO = "REF-HNG-0350", "REF-CLB-0350", "REF-GSU-0350", "REF-TNO-0350"


def run_month(
    history: pd.DataFrame, month: pd.DataFrame, contract: PartnerContract, products: pd.DataFrame
) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    decision = decide_locations(history, products, contract)
    monthly = build_monthly_product(month, products, decision, contract, month="2026-11")
    dailies = [
        build_daily_product(day, products, decision, contract, key=KEY)
        for _, day in month.groupby("sale_date")
    ]
    return monthly, dailies


# Decision for 2026-11: SAO PAULO, CAMPINAS, RIO DE JANEIRO at city level; SANTOS
# (the SP residual, 10) and NITEROI (the RJ residual, 10) at state level; AC and AP
# too small to be named: the country residual (5 + 5).
HISTORY = rows_frame(
    customers_buying("2026-10-03", "SP", "SAO PAULO", HNG, 15)
    + customers_buying("2026-10-03", "SP", "CAMPINAS", HNG, 12)
    + customers_buying("2026-10-03", "SP", "SANTOS", HNG, 10)
    + customers_buying("2026-10-03", "RJ", "RIO DE JANEIRO", HNG, 12)
    + customers_buying("2026-10-03", "RJ", "NITEROI", HNG, 10)
    + customers_buying("2026-10-03", "AC", "RIO BRANCO", HNG, 5)
    + customers_buying("2026-10-03", "AP", "MACAPA", HNG, 5)
)
LATE = rows_frame(
    customers_buying("2026-11-02", "SP", "SAO PAULO", HNG, 20)
    + customers_buying("2026-11-03", "SP", "CAMPINAS", HNG, 4)  # decided city, small now
    + customers_buying("2026-11-03", "SP", "SANTOS", HNG, 7)  # the SP residual
    + customers_buying("2026-11-04", "RJ", "RIO DE JANEIRO", HNG, 12)
    + customers_buying("2026-11-02", "SP", "SAO PAULO", CLB, 5)
    + customers_buying("2026-11-02", "SP", "SAO PAULO", GSU, 5)
    + customers_buying("2026-11-02", "SP", "SAO PAULO", TNO, 5)
    + customers_buying("2026-11-04", "RJ", "RIO DE JANEIRO", CLB, 5)  # one competitor only
)


def test_monthly_publishes_the_levels_of_the_daily_files_and_reconciles(
    contract: PartnerContract, products: pd.DataFrame
) -> None:
    monthly, dailies = run_month(HISTORY, LATE, contract, products)
    decision = decide_locations(HISTORY, products, contract)
    assert list(monthly.columns) == contract.products.monthly.column_names
    cells = monthly.set_index(["state", "city"])
    daily_labels = set(pd.concat(dailies).set_index(["state", "city"]).index)
    assert set(cells.index) == daily_labels == {
        ("SP", "SAO PAULO"), ("SP", "CAMPINAS"), ("SP", "*"), ("RJ", "RIO DE JANEIRO")}
    # CAMPINAS is small this month, but its rows already left at city level day by
    # day: folding it now would only let the partner difference the releases.
    assert cells.loc[("SP", "CAMPINAS"), "customers_reached"] == 4
    assert cells.loc[("SP", "*"), "customers_reached"] == 7
    assert cells.loc[("SP", "SAO PAULO"), "revenue"] == 200.0
    assert cells_under_minimum(monthly, decision, contract).passed  # in the decision basis
    outcome = reconcile_monthly_with_daily(monthly, dailies, min_customers=10)
    assert outcome.passed, outcome.metadata
    assert outcome.metadata["units_daily"] == outcome.metadata["units_monthly"] == 43


def test_segment_share_at_cell_level_with_enough_competing_companies(
    contract: PartnerContract, products: pd.DataFrame
) -> None:
    month = rows_frame(
        customers_buying("2026-11-02", "SP", "SAO PAULO", HNG, 20)
        + customers_buying("2026-11-02", "SP", "SAO PAULO", CLB, 5)
        + customers_buying("2026-11-02", "SP", "SAO PAULO", GSU, 5)
        + customers_buying("2026-11-02", "SP", "SAO PAULO", TNO, 5)
    )
    monthly, _ = run_month(HISTORY, month, contract, products)
    cells = monthly.set_index(["state", "city"])
    # Three competitors sold 50 each next to the brand's 200.
    assert cells.loc[("SP", "SAO PAULO"), "segment_share"] == pytest.approx(200 / 350, abs=1e-4)
    assert cells.loc[("SP", "SAO PAULO"), "segment_share_level"] == "cell"


def test_one_generalised_cell_generalises_its_whole_state(
    contract: PartnerContract, products: pd.DataFrame
) -> None:
    """SAO PAULO has three competitors, the SP remainder none: both get SP's share.

    A cell share for SAO PAULO beside the state share of the remainder would let the
    partner subtract one segment total from the other and recover the remainder's.
    """
    sp_only = LATE.loc[LATE["state"] == "SP"]
    monthly, _ = run_month(HISTORY, sp_only, contract, products)
    cells = monthly.set_index(["state", "city"])
    assert set(cells["segment_share_level"]) == {"state"}
    state_share = (20 + 4 + 7) * 10.0 / ((20 + 4 + 7) * 10.0 + 3 * 50.0)
    assert cells["segment_share"].tolist() == pytest.approx([state_share] * 3, abs=1e-4)


def test_one_cell_at_country_level_takes_every_cell_there(
    contract: PartnerContract, products: pd.DataFrame
) -> None:
    monthly, _ = run_month(HISTORY, LATE, contract, products)
    # RIO: a single competitor there and in RJ: its share can only be the country's,
    # and then no other cell may publish a finer share (the country total minus them
    # would give RJ's segment total back).
    assert set(monthly["segment_share_level"]) == {"country"}
    hungry = (20 + 4 + 7 + 12) * 10.0
    national = hungry / (hungry + 4 * 50.0)
    assert monthly["segment_share"].tolist() == pytest.approx([national] * 4, abs=1e-4)


def test_competitors_are_counted_by_company_not_by_brand(
    contract: PartnerContract, products: pd.DataFrame
) -> None:
    one_company = products.copy()
    rivals = one_company["product_code"].isin([CLB, GSU, TNO])
    one_company.loc[rivals, "manufacturer"] = "Bebidas Brasil"
    month = rows_frame(
        customers_buying("2026-11-02", "SP", "SAO PAULO", HNG, 20)
        + customers_buying("2026-11-02", "SP", "SAO PAULO", CLB, 5)
        + customers_buying("2026-11-02", "SP", "SAO PAULO", GSU, 5)
        + customers_buying("2026-11-02", "SP", "SAO PAULO", TNO, 5)
    )
    monthly, _ = run_month(HISTORY, month, contract, one_company)
    assert monthly["segment_share_level"].tolist() == ["suppressed"]
    assert monthly["segment_share"].isna().all()


def test_segment_share_suppressed_without_competitors(
    contract: PartnerContract, products: pd.DataFrame
) -> None:
    alone = rows_frame(customers_buying("2026-11-02", "SP", "SAO PAULO", HNG, 20))
    monthly, _ = run_month(HISTORY, alone, contract, products)
    assert monthly["segment_share_level"].tolist() == ["suppressed"]
    assert monthly["segment_share"].isna().all()


def test_a_dominant_competitor_withholds_the_share(
    contract: PartnerContract, products: pd.DataFrame
) -> None:
    """Three companies, but one sells 92 % of the rest: its sales would follow from the
    brand's revenue and the share, so the share is not published at any level."""
    month = rows_frame(
        customers_buying("2026-11-02", "SP", "SAO PAULO", HNG, 20)
        + customers_buying("2026-11-02", "SP", "SAO PAULO", CLB, 92)
        + customers_buying("2026-11-02", "SP", "SAO PAULO", GSU, 4)
        + customers_buying("2026-11-02", "SP", "SAO PAULO", TNO, 4)
    )
    monthly, _ = run_month(HISTORY, month, contract, products)
    assert monthly["segment_share_level"].tolist() == ["suppressed"]
    assert monthly["segment_share"].isna().all()


@pytest.mark.parametrize(
    ("column", "delta"), [("units_sold", 1), ("revenue", 0.01), ("customers_reached", -1)]
)
def test_reconciliation_catches_a_one_unit_difference(
    contract: PartnerContract, products: pd.DataFrame, column: str, delta: float
) -> None:
    monthly, dailies = run_month(HISTORY, LATE, contract, products)
    monthly.loc[0, column] = monthly.loc[0, column] + delta
    outcome = reconcile_monthly_with_daily(monthly, dailies, min_customers=10)
    assert not outcome.passed
    assert len(outcome.metadata["mismatched_cells"]) == 1


def test_cells_under_minimum_flags_a_location_small_in_the_basis(
    contract: PartnerContract, products: pd.DataFrame
) -> None:
    monthly, _ = run_month(HISTORY, LATE, contract, products)
    decision = decide_locations(HISTORY, products, contract)
    monthly.loc[1, ["state", "city", "location_level"]] = ["AC", "RIO BRANCO", "city"]
    outcome = cells_under_minimum(monthly, decision, contract)
    assert not outcome.passed
    assert outcome.metadata["cells_under_minimum"] == [
        {"state": "AC", "city": "RIO BRANCO", "location_level": "city"}]


def test_two_partner_brands_of_one_segment_share_one_level(
    contract: PartnerContract, products: pd.DataFrame
) -> None:
    """Ouch moved into Hungry's segment: Hungry's SAO PAULO share could be a cell share,
    Ouch (in RIO DE JANEIRO, beside a single rival) only the national one. Published
    side by side, Ouch's national share minus Hungry's cell share would leave an
    unchecked remainder: both brands use the coarser level."""
    same_segment = products.assign(segment=products["segment"].where(
        products["product_code"] != "SAL-OCH-0100", "refrigerantes"))
    month = rows_frame(
        customers_buying("2026-11-02", "SP", "SAO PAULO", HNG, 20)
        + customers_buying("2026-11-02", "SP", "SAO PAULO", CLB, 5)
        + customers_buying("2026-11-02", "SP", "SAO PAULO", GSU, 5)
        + customers_buying("2026-11-02", "SP", "SAO PAULO", TNO, 5)
        + customers_buying("2026-11-02", "RJ", "RIO DE JANEIRO", "SAL-OCH-0100", 12)
        + customers_buying("2026-11-02", "RJ", "RIO DE JANEIRO", CLB, 2)
    )
    hungry_alone, _ = run_month(HISTORY, month.loc[month["city"] == "SAO PAULO"], contract,
                                same_segment)
    assert set(hungry_alone["segment_share_level"]) == {"cell"}
    monthly, _ = run_month(HISTORY, month, contract, same_segment)
    assert set(monthly["brand"]) == {"Hungry", "Ouch"}
    assert monthly["segment_share_level"].nunique() == 1
    assert set(monthly["segment_share_level"]) != {"cell"}
