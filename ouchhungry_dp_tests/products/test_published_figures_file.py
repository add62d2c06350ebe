"""The released insights figures of a month: the same figures give the same bytes
(one sha256 per re-run), and a file naming another partner, month or version is
refused with the partner and month it was read for."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from ouchhungry_dp.errors import DataQualityError
from ouchhungry_dp.products.insights_published import (
    figures_bytes,
    monthly_file_figures,
    parse_figures,
    past_figures,
)

HUNGRY = {"units": 12, "revenue": 107.4, "customers": 12, "segment_share": 0.25,
          "price_index": None}


def test_the_same_figures_in_another_order_give_the_same_bytes() -> None:
    reordered = {"Ouch": dict(reversed(list(HUNGRY.items()))),
                 "Hungry": dict(reversed(list(HUNGRY.items())))}
    figures = {"Hungry": HUNGRY, "Ouch": HUNGRY}
    data = figures_bytes("ouchhungry", "2026-11", figures)
    assert figures_bytes("ouchhungry", "2026-11", reordered) == data
    assert parse_figures(data, "ouchhungry", "2026-11") == figures


@pytest.mark.parametrize(("partner", "month", "version"), [
    ("other", "2026-11", 1),       # another partner only
    ("ouchhungry", "2026-10", 1),  # another month only
    ("ouchhungry", "2026-11", 2),  # another version only
])
def test_one_field_of_another_file_is_enough_to_refuse_it(
        partner: str, month: str, version: int) -> None:
    # Written by hand: the file as it would look had it been moved or edited.
    data = json.dumps({"version": version, "partner": partner, "month": month,
                       "brands": {"Hungry": HUNGRY}}).encode()
    assert parse_figures(data.replace(b'"other"', b'"ouchhungry"').replace(
        b"2026-10", b"2026-11").replace(b'"version": 2', b'"version": 1'),
        "ouchhungry", "2026-11") == {"Hungry": HUNGRY}  # the same file, all three right
    with pytest.raises(DataQualityError) as refused:
        parse_figures(data, "ouchhungry", "2026-11")
    assert refused.value.partner == "ouchhungry"
    assert refused.value.partition == "2026-11"


def test_a_month_without_a_report_gives_its_file_totals_and_empty_national_figures() -> None:
    """Units and revenue summed over the brand's cells of that month only (to the cent);
    no customers, share or price index (the file has none); a brand without cells is
    skipped without hiding the brands after it."""
    monthly = pd.DataFrame({
        "month": ["2026-10", "2026-10", "2026-10", "2026-11"],
        "brand": ["Hungry", "Hungry", "Ouch", "Hungry"],
        "units_sold": [3, 4, 5, 100],
        "revenue": [10.05, 20.10, 7.0, 999.0],
    })
    figures = monthly_file_figures(monthly, "2026-10", ["Absent", "Hungry", "Ouch"])
    assert figures == {
        "Hungry": {"units": 7, "revenue": 30.15, "customers": None, "segment_share": None,
                   "price_index": None},
        "Ouch": {"units": 5, "revenue": 7.0, "customers": None, "segment_share": None,
                 "price_index": None},
    }


def test_only_months_before_the_report_are_past_and_no_file_at_all_is_allowed() -> None:
    published = {"2026-10": {"Hungry": HUNGRY}, "2026-12": {"Hungry": HUNGRY}}
    # No monthly file released yet (an empty frame without columns): the published
    # figures alone, the report's own month and later left out.
    assert past_figures(published, pd.DataFrame(), "2026-12", ["Hungry"]) == {
        "2026-10": {"Hungry": HUNGRY}}
    monthly = pd.DataFrame({"month": ["2026-11", "2026-12"], "brand": ["Hungry", "Hungry"],
                            "units_sold": [2, 9], "revenue": [4.0, 18.0]})
    assert past_figures(published, monthly, "2026-12", ["Hungry"]) == {
        "2026-10": {"Hungry": HUNGRY},
        "2026-11": {"Hungry": {"units": 2, "revenue": 4.0, "customers": None,
                               "segment_share": None, "price_index": None}},
    }
