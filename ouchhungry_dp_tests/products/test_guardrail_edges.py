"""Edges of the blocking location guardrails on hand-written decisions (no builder):
the country row's exemption, and the exact label shapes a decision allows."""

from __future__ import annotations

import pandas as pd

from ouchhungry_dp.products.guardrails import cells_under_minimum, daily_follows_decision

K = 10


def decision(*rows: tuple[str, str, str, int]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["state", "city", "level", "cell_customers"]).astype(
        {"state": "string", "city": "string", "level": "string"})


def published(*labels: tuple[str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(labels, columns=["state", "city", "location_level"])


NAMED = decision(("SP", "SAO PAULO", "city", 12), ("SP", "SANTOS", "state", 10),
                 ("AC", "RIO BRANCO", "country", K - 1))
COUNTRY_ONLY = decision(("AC", "RIO BRANCO", "country", K - 1),
                        ("AP", "MACAPA", "country", K - 1))


def test_the_country_row_is_exempt_only_when_no_state_is_named() -> None:
    country = published(("*", "*", "country"))
    assert cells_under_minimum(country, COUNTRY_ONLY, K).passed
    outcome = cells_under_minimum(
        published(("SP", "SAO PAULO", "city"), ("SP", "*", "state"), ("*", "*", "country")),
        NAMED, K)
    assert not outcome.passed
    assert outcome.metadata["cells_under_minimum"] == [
        {"state": "*", "city": "*", "location_level": "country"}]
    assert outcome.metadata["locations_checked"] == 3


def test_a_label_missing_from_the_decision_counts_zero_customers() -> None:
    outcome = cells_under_minimum(published(("RJ", "NITEROI", "city")), NAMED, K)
    assert outcome.metadata["cells_under_minimum"] == [
        {"state": "RJ", "city": "NITEROI", "location_level": "city"}]
    assert f"fewer than {K} customers" in outcome.description


def test_only_the_exact_label_shapes_of_the_decision_are_allowed() -> None:
    allowed = published(("SP", "SAO PAULO", "city"), ("SP", "*", "state"), ("*", "*", "country"),
                        ("SP", "SAO PAULO", "city"))
    outcome = daily_follows_decision(allowed, NAMED)
    assert outcome.passed and outcome.metadata["labels_checked"] == 3
    assert outcome.description == "Every location label follows the month's stored decision."
    wrong = [
        ("SP", "SANTOS", "city"),      # decided at state level
        ("SP", "SANTOS", "state"),     # a state row must say city *
        ("AC", "*", "state"),          # AC is not named
        ("SP", "*", "country"),        # the country row names no state
        ("*", "RIO BRANCO", "country"),
        ("SP", "SAO PAULO", "state"),
    ]
    outcome = daily_follows_decision(published(*wrong), NAMED)
    assert not outcome.passed
    assert outcome.metadata["labels_outside_decision"] == [
        {"state": s, "city": c, "location_level": lvl} for s, c, lvl in wrong]
    assert outcome.description.startswith(f"{len(wrong)} location labels")


def test_at_most_50_labels_outside_the_decision_are_listed() -> None:
    wrong = [("RJ", f"CITY {i:02d}", "city") for i in range(51)]
    outcome = daily_follows_decision(published(*wrong), NAMED)
    assert outcome.metadata["labels_checked"] == 51
    assert len(outcome.metadata["labels_outside_decision"]) == 50
    assert outcome.description == "51 location labels are not allowed by the month's decision."
