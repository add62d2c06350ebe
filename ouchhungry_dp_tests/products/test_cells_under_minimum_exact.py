"""The blocking ``no_small_cells`` guardrail's whole outcome, on hand-written decisions.

Decisions and files are written by hand (not by ``decide_locations`` or the file
builders); the expected outcome is read off the numbers written here: a label
passes when its cell holds >= k basis customers, a label the decision does not
know holds none, and only the country row of a decision that names no state is
exempt.
"""

from __future__ import annotations

import pandas as pd

from ouchhungry_dp.partners.contract import get_contract
from ouchhungry_dp.products.guardrails import cells_under_minimum

CONTRACT = get_contract("ouchhungry")  # k = 10


def decision(*rows: tuple[str, str, str, int]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["state", "city", "level", "cell_customers"])
    return frame.assign(history_customers=frame["cell_customers"]).astype(
        {"state": "string", "city": "string", "level": "string"})


def published(*rows: tuple[str, str, str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["state", "city", "location_level"])
    return frame.assign(brand="Hungry", units_sold=1)


# SP named (SAO PAULO city 12, SP residual 10); RJ folded into the country (7 + 2 = 9).
NAMED = decision(("SP", "SAO PAULO", "city", 12), ("SP", "CAMPINAS", "state", 10),
                 ("SP", "SANTOS", "state", 10), ("RJ", "NITEROI", "country", 9),
                 ("AC", "RIO BRANCO", "country", 9))


def test_a_file_of_cells_at_or_over_k_passes_with_its_counts() -> None:
    file = published(("SP", "SAO PAULO", "city"), ("SP", "SAO PAULO", "city"),
                     ("SP", "*", "state"), ("SP", "*", "state"))
    outcome = cells_under_minimum(file, NAMED, CONTRACT)
    assert outcome.passed is True
    assert outcome.description == (
        "Every published location has at least 10 customers in the basis.")
    # Two rows per label: two distinct labels checked.
    assert outcome.metadata == {"min_customers": 10, "locations_checked": 2,
                                "cells_under_minimum": []}


def test_the_country_row_under_k_fails_once_a_state_is_named() -> None:
    file = published(("SP", "SAO PAULO", "city"), ("*", "*", "country"))
    outcome = cells_under_minimum(file, NAMED, CONTRACT)
    assert outcome.passed is False
    assert outcome.description == (
        "1 published locations have fewer than 10 customers in the decision basis.")
    assert outcome.metadata == {
        "min_customers": 10, "locations_checked": 2,
        "cells_under_minimum": [{"state": "*", "city": "*", "location_level": "country"}]}
    # At k = 9 the same country cell (9 customers) passes: the limit is the one given.
    assert cells_under_minimum(file, NAMED, 9).passed
    assert cells_under_minimum(file, NAMED, 9).metadata["min_customers"] == 9


def test_a_label_the_decision_does_not_know_has_no_customers() -> None:
    # RJ is not named (its cell is the country's): a RJ state row or a city the decision
    # never saw has no basis at all, whatever k is.
    file = published(("RJ", "*", "state"), ("SP", "SOROCABA", "city"),
                     ("SP", "SAO PAULO", "state"))
    outcome = cells_under_minimum(file, NAMED, 1)
    assert not outcome.passed
    assert outcome.metadata["cells_under_minimum"] == [
        {"state": "RJ", "city": "*", "location_level": "state"},
        {"state": "SP", "city": "SOROCABA", "location_level": "city"},
        {"state": "SP", "city": "SAO PAULO", "location_level": "state"},
    ]


def test_only_the_country_row_of_a_decision_naming_no_state_is_exempt() -> None:
    country_only = decision(("AC", "RIO BRANCO", "country", 3), ("AP", "MACAPA", "country", 2))
    file = published(("*", "*", "country"))
    outcome = cells_under_minimum(file, country_only, CONTRACT)
    assert outcome.passed and outcome.metadata["locations_checked"] == 1
    # No history at all: the same.
    assert cells_under_minimum(file, country_only.iloc[0:0], CONTRACT).passed
    # A state row is never exempt, even there.
    outcome = cells_under_minimum(published(("*", "*", "country"), ("AC", "*", "state")),
                                  country_only, CONTRACT)
    assert outcome.metadata["cells_under_minimum"] == [
        {"state": "AC", "city": "*", "location_level": "state"}]


def test_at_most_fifty_small_locations_are_listed_all_are_counted() -> None:
    file = published(*[("SP", f"TOWN {i:02d}", "city") for i in range(60)])
    outcome = cells_under_minimum(file, NAMED, CONTRACT)
    assert outcome.description.startswith("60 published locations have fewer than 10")
    listed = outcome.metadata["cells_under_minimum"]
    assert listed == [{"state": "SP", "city": f"TOWN {i:02d}", "location_level": "city"}
                      for i in range(50)]
    assert outcome.metadata["locations_checked"] == 60


def test_without_a_limit_the_default_k_applies() -> None:
    file = published(("SP", "SAO PAULO", "city"))
    assert cells_under_minimum(file, NAMED, None).metadata["min_customers"] == 10
    assert cells_under_minimum(file, NAMED.assign(cell_customers=[9, 10, 10, 9, 9]),
                               None).passed is False
