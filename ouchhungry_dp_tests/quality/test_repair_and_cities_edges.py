"""Edges of the repairs and the city matching found by the mutation pass (docs/testing.md,
"quality"): each expectation is written out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ouchhungry_dp.quality.cities import resolve_cities
from ouchhungry_dp.quality.repair import (
    normalize_cep,
    parse_dates,
    parse_money_brl,
    parse_timestamps,
)

FIRST_YEAR, LAST_YEAR = 1800, 2200  # the accepted years, on every parsing path


@pytest.mark.parametrize(("year", "accepted"), [
    (FIRST_YEAR - 1, False), (FIRST_YEAR, True), (LAST_YEAR, True), (LAST_YEAR + 1, False)])
def test_the_year_bounds_are_the_same_for_ordinary_and_unusual_iso_stamps(
        year: int, accepted: bool) -> None:
    """An export stamp with a field out of its usual range (a leap second) takes another
    parser than the ordinary one; both accept the same years."""
    ordinary = f"{year}-06-15T10:00:59+00:00"
    leap_second = f"{year}-06-15T10:00:60+00:00"
    other_formats = [f"15/06/{year}", f"{year}-06-15 10:00", f"15-06-{year} 10:00:59"]
    parsed = parse_timestamps(pd.Series([ordinary, leap_second, *other_formats],
                                        dtype="string"))
    assert parsed.notna().tolist() == [accepted] * 5


def test_minute_60_and_second_60_are_refused_in_the_other_formats() -> None:
    """Outside the export's own ISO-with-offset form (where Arrow's strptime reads a
    leap second), a minute or a second of 60 is an impossible time."""
    stamps = pd.Series(["25/11/2026 10:59:59", "25/11/2026 10:60", "25/11/2026 10:59:60",
                        "2026-11-25 10:60", "2026-11-25 10:59:60"], dtype="string")
    assert parse_timestamps(stamps).notna().tolist() == [True, False, False, False, False]


def test_blanks_inside_an_amount_are_ignored() -> None:
    values = pd.Series(["R$ 1 234,56", "7 ,50", "1.234, 56", "- R$ 3,00"], dtype="string")
    assert parse_money_brl(values).tolist() == [1234.56, 7.5, 1234.56, -3.0]


def test_a_plain_number_after_the_currency_sign_is_read_as_is() -> None:
    values = pd.Series(["R$ 7.50", "R$ 12", "R$7,5"], dtype="string")
    assert parse_money_brl(values).tolist() == [7.5, 12.0, 7.5]


def test_words_are_not_money() -> None:
    """Including the texts an exporter writes for a missing value."""
    values = pd.Series(["None", "null", "NaN", "sete", "7.50"], dtype="string")
    assert parse_money_brl(values).isna().tolist() == [True, True, True, True, False]


def test_the_day_of_a_stamp_with_an_offset_is_the_day_in_the_given_zone() -> None:
    stamps = pd.Series(["2026-11-25T01:00:00+00:00", "2026-11-25T23:30:00-03:00"],
                       dtype="string")
    assert parse_dates(stamps, "UTC").tolist() == [pd.Timestamp("2026-11-25"),
                                                   pd.Timestamp("2026-11-26")]
    # São Paulo (the default) is three hours behind UTC in November 2026.
    assert parse_dates(stamps).tolist() == [pd.Timestamp("2026-11-24"),
                                            pd.Timestamp("2026-11-25")]


def test_a_state_without_municipalities_does_not_stop_the_matching_of_the_next_ones() -> None:
    """``state_known`` is the caller's word; a UF the official list lacks (a caller's
    mistake) matches nothing, and the misspellings of the rows after it are still matched."""
    city = pd.Series(["Sao Paluo", "Campinsa", "Nowhere"], dtype="string")
    state = pd.Series(["XX", "SP", "SP"], dtype="string")
    resolved = resolve_cities(city, state, np.array([True, True, True]))
    assert resolved.name.tolist() == [pd.NA, "Campinas", pd.NA]
    assert resolved.ibge_code.tolist() == [pd.NA, "3509502", pd.NA]
    assert resolved.repairs["city_fuzzy_match"].tolist() == [False, True, False]
    assert resolved.reasons["unknown_city"].tolist() == [True, False, True]


@pytest.mark.parametrize(("typed", "matched"), [
    ("Bernardino de Campox", True),   # 1 edit in 20 characters: 0.95
    ("Bernardxno de Campxx", True),   # 3 edits in 20: exactly 0.85, "at or above"
    ("Bernardino de Cam", True),      # 3 deletions from 20: 0.85
    ("Bernardxno de Cxmpxx", False),  # 4 edits in 20: 0.80
])
def test_a_misspelling_is_matched_at_or_above_the_similarity_threshold(
        typed: str, matched: bool) -> None:
    """``cities`` docstring: the closest name only at or above ``FUZZY_MIN_SIMILARITY``
    (0.85), similarity = 1 - edits / length of the longer name (here the official
    20-character "Bernardino de Campos", SP, 3506300)."""
    resolved = resolve_cities(pd.Series([typed], dtype="string"),
                              pd.Series(["SP"], dtype="string"), np.array([True]))
    expected = ("Bernardino de Campos", "3506300") if matched else (pd.NA, pd.NA)
    assert (resolved.name.iloc[0], resolved.ibge_code.iloc[0]) == expected


def test_offsets_in_the_other_iso_forms_are_applied_hours_and_minutes() -> None:
    """Stamps with an offset but not the export's fixed shape (no seconds, a fraction, an
    offset without colon or minutes) take the regex path; in UTC, 13:00 at +hh:mm is
    13:00 - hh:mm, written out by hand."""
    stamps = ["2026-11-25 13:00Z", "2026-11-25 13:00+10:00", "2026-11-25 13:00+05:30",
              "2026-11-25 13:00-03", "2026-11-25 13:00-0330", "2026-11-25T13:00:00.5+05:30"]
    expected = ["2026-11-25 13:00", "2026-11-25 03:00", "2026-11-25 07:30",
                "2026-11-25 16:00", "2026-11-25 16:30", "2026-11-25 07:30:00.5"]
    parsed = parse_timestamps(pd.Series(stamps, dtype="string"), "UTC")
    assert parsed.tolist() == [pd.Timestamp(e) for e in expected]


def test_only_a_cep_shape_is_a_cep() -> None:
    values = pd.Series(["None", "XX01310-100XX", "01310-100", "01310100", "01.310-100"],
                       dtype="string")
    assert normalize_cep(values).tolist() == [pd.NA, pd.NA, "01310-100", "01310-100",
                                              "01310-100"]


def test_rows_without_a_city_get_no_name_no_reason_and_no_repair() -> None:
    """Including a column where no row has a city at all."""
    for city in (pd.Series([pd.NA, pd.NA], dtype="string"),
                 pd.Series(["Campinas", pd.NA], dtype="string")):
        state = pd.Series(["SP", "SP"], dtype="string")
        resolved = resolve_cities(city, state, np.array([True, True]))
        assert resolved.name.isna().iloc[1] and resolved.ibge_code.isna().iloc[1]
        for masks in (resolved.reasons, resolved.repairs):
            assert not any(mask[1] for mask in masks.values())


def test_resolved_cities_keep_the_callers_index() -> None:
    index = pd.Index([42, 7, 9])
    city = pd.Series(["campinas", pd.NA, "Nowhere"], dtype="string", index=index)
    state = pd.Series(["SP", "SP", "SP"], dtype="string", index=index)
    resolved = resolve_cities(city, state, np.array([True, True, True]))
    assert resolved.name.index.equals(index) and resolved.ibge_code.index.equals(index)
    assert resolved.name.tolist() == ["Campinas", pd.NA, pd.NA]
    assert resolved.ibge_code.tolist() == ["3509502", pd.NA, pd.NA]
