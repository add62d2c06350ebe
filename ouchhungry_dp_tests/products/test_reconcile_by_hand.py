"""The monthly file reconciles with the daily files, checked on frames written by hand
with the expected sums worked out by hand (no builder involved): each daily row goes to
its city cell, else its state cell, else its brand's country cell, else it belongs to a
suppressed brand, allowed only below the contract's k customers."""

from __future__ import annotations

import pandas as pd
import pytest

from ouchhungry_dp.partners.contract import PartnerContract
from ouchhungry_dp.products.reconcile import minimum_customers, reconcile_monthly_with_daily

MONTHLY = pd.DataFrame(
    [("SP", "SAO PAULO", "Hungry", "city", 3, 30.00, 2, 2),
     ("SP", "*", "Hungry", "state", 1, 10.00, 1, 1),
     ("*", "*", "Hungry", "country", 2, 5.50, 1, 1)],
    columns=["state", "city", "brand", "location_level", "units_sold", "revenue",
             "customers_reached", "orders"])
# As published day by day: the rows of SANTOS went out as (SP, *), those of RJ as (*, *).
DAY_ONE = pd.DataFrame(
    [("SP", "SAO PAULO", "Hungry", "C1", "O1", 2, 20.00),
     ("SP", "*", "Hungry", "C3", "O3", 1, 10.00),
     ("RS", "PORTO ALEGRE", "Ouch", "C7", "O7", 1, 7.50)],
    columns=["state", "city", "brand", "customer_id", "order_id", "quantity", "total_amount"])
DAY_TWO = pd.DataFrame(
    [("SP", "SAO PAULO", "Hungry", "C2", "O2", 1, 10.00),
     ("*", "*", "Hungry", "C4", "O4", 2, 5.50),
     ("RS", "PORTO ALEGRE", "Ouch", "C8", "O8", 1, 7.50),
     ("RS", "PORTO ALEGRE", "Ouch", "C9", "O9", 1, 7.50)],
    columns=DAY_ONE.columns)


def test_files_that_agree_reconcile_with_every_figure_reported() -> None:
    outcome = reconcile_monthly_with_daily(MONTHLY, [DAY_ONE, DAY_TWO], min_customers=4)
    assert outcome.passed
    assert outcome.description == "Monthly file reconciles exactly with the daily files."
    assert outcome.metadata == {
        "monthly_rows": 3, "daily_rows": 7, "cells_compared": 3, "mismatched_cells": [],
        "units_daily": 9, "units_monthly": 6,  # 3 units of the suppressed Ouch
        "revenue_daily": 68.0, "revenue_monthly": 45.5,
        "suppressed_brands": ["Ouch"], "suppressed_units": 3, "suppressed_revenue": 22.5,
    }
    # One frame of the whole month is the same as the days one by one.
    together = pd.concat([DAY_ONE, DAY_TWO], ignore_index=True)
    assert reconcile_monthly_with_daily(MONTHLY, together, min_customers=4) == outcome


@pytest.mark.parametrize(("column", "delta"), [("units_sold", 1), ("revenue", -0.01),
                                               ("customers_reached", 1), ("orders", 1)])
def test_one_unit_off_in_one_cell_is_named(column: str, delta: float) -> None:
    monthly = MONTHLY.copy()
    monthly.loc[1, column] += delta
    outcome = reconcile_monthly_with_daily(monthly, [DAY_ONE, DAY_TWO], min_customers=4)
    assert not outcome.passed
    assert outcome.description == "1 monthly cells differ from the daily files"
    assert outcome.metadata["mismatched_cells"] == [
        {"state": "SP", "city": "*", "brand": "Hungry"}]


def test_a_suppressed_brand_must_stay_under_k_customers() -> None:
    """Ouch has 3 customers in the month: allowed missing under k = 4, not at k = 3."""
    assert reconcile_monthly_with_daily(MONTHLY, [DAY_ONE, DAY_TWO], min_customers=4).passed
    at_k = reconcile_monthly_with_daily(MONTHLY, [DAY_ONE, DAY_TWO], min_customers=3)
    assert not at_k.passed
    assert at_k.description == (
        "0 monthly cells differ from the daily files; brands missing from the monthly "
        "file: ['Ouch']")
    assert at_k.metadata["mismatched_cells"] == []


def test_a_daily_row_of_a_location_without_its_own_cell_goes_to_the_next_level() -> None:
    """A city without a monthly cell is summed into its state's cell, a state without
    one into the brand's country cell; moved to another level, the sums no longer match."""
    named = DAY_ONE.copy(), DAY_TWO.copy()
    named[0].loc[1, ["state", "city"]] = ["SP", "CAMPINAS"]  # no CAMPINAS cell: SP, *
    named[1].loc[1, ["state", "city"]] = ["RJ", "NITEROI"]  # no RJ cell at all: *, *
    assert reconcile_monthly_with_daily(MONTHLY, list(named), min_customers=4).passed
    moved = DAY_TWO.copy()
    moved.loc[1, ["state", "city"]] = ["SP", "*"]  # C4's row now in SP's residual
    outcome = reconcile_monthly_with_daily(MONTHLY, [DAY_ONE, moved], min_customers=4)
    assert not outcome.passed
    assert outcome.metadata["mismatched_cells"] == [
        {"state": "*", "city": "*", "brand": "Hungry"},
        {"state": "SP", "city": "*", "brand": "Hungry"}]


def test_no_daily_file_at_all_leaves_every_monthly_cell_unmatched() -> None:
    outcome = reconcile_monthly_with_daily(MONTHLY, [], min_customers=4)
    assert not outcome.passed
    assert outcome.metadata["daily_rows"] == 0
    assert len(outcome.metadata["mismatched_cells"]) == 3


def test_the_minimum_is_the_contracts_k_or_ten_by_default(contract: PartnerContract) -> None:
    assert minimum_customers(None) == 10
    assert minimum_customers(7) == 7
    stricter = contract.model_copy(update={"privacy": contract.privacy.model_copy(
        update={"min_customers_per_cell": 25})})
    assert minimum_customers(stricter) == 25


def _files(monthly_rows: list[tuple], daily_rows: list[tuple]) -> tuple[pd.DataFrame,
                                                                        pd.DataFrame]:
    return (pd.DataFrame(monthly_rows, columns=MONTHLY.columns),
            pd.DataFrame(daily_rows, columns=DAY_ONE.columns))


def test_a_city_row_of_a_state_without_a_residual_cell_goes_to_the_country_cell() -> None:
    """RJ has a named city and no residual: NITEROI's row is summed into the country cell
    (not an RJ residual the file does not have); a brand published only at the country
    level is summed there too, not taken for suppressed."""
    monthly, daily = _files(
        [("RJ", "RIO DE JANEIRO", "Hungry", "city", 1, 10.0, 1, 1),
         ("*", "*", "Hungry", "country", 2, 11.0, 1, 1),
         ("*", "*", "Ouch", "country", 1, 7.5, 1, 1)],
        [("RJ", "RIO DE JANEIRO", "Hungry", "C1", "O1", 1, 10.0),
         ("RJ", "NITEROI", "Hungry", "C2", "O2", 2, 11.0),
         ("*", "*", "Ouch", "C3", "O3", 1, 7.5)])
    outcome = reconcile_monthly_with_daily(monthly, daily, min_customers=10)
    assert outcome.passed, outcome.metadata
    assert outcome.metadata["suppressed_brands"] == []


def test_a_suppressed_brands_customers_are_counted_once_across_its_cities() -> None:
    """Ouch's 3 customers, one of them buying in two states: 3 distinct customers, under
    k = 4 (counting per state or city would make it 4 and refuse a lawful suppression)."""
    twice = pd.concat([DAY_TWO, pd.DataFrame(
        [("SC", "JOINVILLE", "Ouch", "C9", "O10", 1, 7.50)], columns=DAY_ONE.columns)],
        ignore_index=True)
    outcome = reconcile_monthly_with_daily(MONTHLY, [DAY_ONE, twice], min_customers=4)
    assert outcome.passed, outcome.description


def test_a_smallest_possible_cell_on_one_side_only_is_still_a_difference() -> None:
    """A monthly cell of 1 unit, R$ 0.01, 1 customer and 1 order that no daily row
    backs differs from nothing (every daily row maps to a cell the file has, so the
    other side cannot happen)."""
    extra = pd.DataFrame([("MG", "*", "Hungry", "state", 1, 0.01, 1, 1)],
                         columns=MONTHLY.columns)
    outcome = reconcile_monthly_with_daily(pd.concat([MONTHLY, extra], ignore_index=True),
                                           [DAY_ONE, DAY_TWO], min_customers=4)
    assert not outcome.passed
    assert outcome.metadata["mismatched_cells"] == [{"state": "MG", "city": "*",
                                                     "brand": "Hungry"}]


def test_fifty_differing_cells_are_named_and_the_daily_revenue_keeps_its_cents() -> None:
    extra = pd.DataFrame([(f"S{i:02d}", "*", "Hungry", "state", 1, 1.0, 1, 1)
                          for i in range(51)], columns=MONTHLY.columns)
    cent = pd.DataFrame([("SP", "SAO PAULO", "Hungry", "C1", "O1", 1, 0.05)],
                        columns=DAY_ONE.columns)
    outcome = reconcile_monthly_with_daily(pd.concat([MONTHLY, extra], ignore_index=True),
                                           [DAY_ONE, DAY_TWO, cent], min_customers=4)
    assert outcome.description.startswith("52 monthly cells differ")  # 51 + SAO PAULO
    assert len(outcome.metadata["mismatched_cells"]) == 50
    assert outcome.metadata["revenue_daily"] == 68.05
