"""Guardrail checks: schema failures reported (masked), conservation, rate ceilings, volume."""

from __future__ import annotations

import datetime as dt
import json
import math
from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ouchhungry_dp.quality import checks, schemas
from ouchhungry_dp.quality.cleaning import clean_customers, clean_transactions
from ouchhungry_dp.tables import RAW_CUSTOMERS, RAW_TRANSACTIONS

DAY = dt.date(2026, 11, 25)
CPF = "52998224725"


def _cleaned_customers() -> pd.DataFrame:
    raw = pd.DataFrame(
        [["CLI-1", "Ana Souza", CPF, "ana@example.com", "11987654321", "01310100", "São Paulo",
          "SP", "03/04/1990", "2025-01-01 10:00:00", "2026-11-20 10:00:00"]],
        columns=list(RAW_CUSTOMERS),
    )  # fmt: skip
    return clean_customers(raw, snapshot_date=DAY).cleaned


def test_schema_passes_on_clean_table() -> None:
    outcome = checks.validate_with_schema(schemas.CleanedCustomersSchema, _cleaned_customers())
    assert outcome.passed and outcome.metadata["failure_count"] == 0


def test_schema_failures_counted_and_personal_data_masked() -> None:
    bad = _cleaned_customers()
    bad = pd.concat([bad, bad], ignore_index=True)  # duplicate customer_id
    bad.loc[1, "cpf"] = "52998224724"  # wrong check digit
    bad.loc[1, "email"] = "Ana@Example.com"  # not lower case
    bad["birth_date"] = bad["birth_date"].astype(str)  # wrong dtype
    outcome = checks.validate_with_schema(schemas.CleanedCustomersSchema, bad)
    assert not outcome.passed
    by_check = outcome.metadata["failures_by_check"]
    assert by_check["cpf: cpf_check_digits"] == 1
    assert by_check["email: email_syntax"] == 1
    assert by_check["customer_id: field_uniqueness"] == 2
    assert any(k.startswith("birth_date: dtype(") for k in by_check)
    text = json.dumps(outcome.metadata)  # JSON-serialisable...
    for personal in ("52998224724", "Ana@Example.com", "CLI-1", "Ana Souza"):
        assert personal not in text  # ...and free of the personal values
    cpf_example = next(e for e in outcome.metadata["first_failures"] if e["column"] == "cpf")
    assert cpf_example["value"] == "********724" and cpf_example["row"] == 1


def test_mask_value_keeps_shape_only() -> None:
    assert checks.mask_value("123.456.789-09") == "***.***.**9-09"
    assert checks.mask_value("ana@example.com") == "***@******e.com"
    assert checks.mask_value("AB") == "**"


def test_missing_column_and_quantity_values_shown() -> None:
    raw = pd.DataFrame(
        [["IT1", "PED-1", "CLI-1", "LOJ-1", None, "REF-HNG-0350", "2", "7.50",
          "2026-11-25 10:00:00", "São Paulo", "SP", None, "pix", "2026-11-25 10:00:00"]],
        columns=list(RAW_TRANSACTIONS),
    )  # fmt: skip
    cleaned = clean_transactions(raw, partition_date=DAY, known_customer_ids=None,
                                 known_product_codes=None).cleaned  # fmt: skip
    cleaned.loc[0, "quantity"] = -4
    outcome = checks.validate_with_schema(schemas.CleanedTransactionsSchema,
                                          cleaned.drop(columns="cep"))  # fmt: skip
    assert not outcome.passed
    values = {(e["column"], e["value"]) for e in outcome.metadata["first_failures"]}
    assert (None, "cep") in values  # the missing column is named
    assert ("quantity", -4) in values  # a non-personal value is shown as is
    json.dumps(outcome.metadata)


@pytest.mark.parametrize(
    ("raw", "cleaned", "quarantined", "passed", "difference"),
    [(100, 90, 10, True, 0), (100, 90, 9, False, 1), (100, 90, 11, False, -1), (0, 0, 0, True, 0)],
)
def test_conservation(raw: int, cleaned: int, quarantined: int, passed: bool, difference: int):
    outcome = checks.conservation(raw, cleaned, quarantined)
    assert outcome.passed is passed and outcome.metadata["difference"] == difference


def test_conservation_by_partition_names_the_broken_day() -> None:
    outcome = checks.conservation_by_partition(
        {"2026-11-24": 10, "2026-11-25": 10}, {"2026-11-24": 8, "2026-11-25": 9},
        {"2026-11-24": 2, "2026-11-25": 0},
    )  # fmt: skip
    assert not outcome.passed
    assert outcome.metadata["broken_partitions"] == {"2026-11-25": 1}


def test_quarantine_rate_ceiling() -> None:
    reasons = {"invalid_cpf": 5, "unknown_product": 6}
    ok = checks.quarantine_rate_ceiling(reasons, 100, {"unknown_product": 0.06}, default=0.05)
    assert ok.passed
    bad = checks.quarantine_rate_ceiling(reasons, 100, {"unknown_product": 0.05}, default=0.05)
    assert not bad.passed and set(bad.metadata["breaches"]) == {"unknown_product"}
    assert checks.quarantine_rate_ceiling(reasons, 0, {}, default=0.0).passed


@pytest.mark.parametrize(
    ("today", "history", "passed"),
    [
        (1000, [1000, 1100, 900], True),
        (500, [1000, 1000, 1000], False),  # half the usual rows fails
        (501, [1000, 1000, 1000], True),
        (400, [1000, 1000, 10], False),  # median: one bad day does not lower the bar
        (0, [1000], False),
        (10, [], True),  # no baseline yet
        (10, [0, 0], True),  # empty partitions are not a baseline
    ],
)
def test_volume_anomaly(today: int, history: list[int], passed: bool) -> None:
    outcome = checks.volume_anomaly(today, history)
    assert outcome.passed is passed
    json.dumps(outcome.metadata)


@pytest.mark.parametrize(
    ("today", "history", "confirmed", "passed", "severity"),
    [
        (1000, [1000], False, True, "ERROR"),
        (400, [1000], False, False, "WARN"),  # low: someone should look, the day goes out
        (100, [1000], False, False, "WARN"),  # exactly 10 %: still only low
        (99, [1000], False, False, "ERROR"),  # near-empty: blocks
        (0, [1000], False, False, "ERROR"),  # empty: blocks
        (0, [], False, False, "ERROR"),  # empty blocks even without a baseline
        (0, [1000], True, True, "ERROR"),  # the source confirmed a closed day
        (50, [1000, 900, 1100], True, True, "ERROR"),
    ],
)
def test_volume_severity_and_source_confirmation(
    today: int, history: list[int], confirmed: bool, passed: bool, severity: str
) -> None:
    outcome = checks.volume_anomaly(today, history, confirmed_no_sales=confirmed)
    assert (outcome.passed, outcome.severity) == (passed, severity)
    assert outcome.metadata["source_confirmed_no_sales"] is confirmed
    json.dumps(outcome.metadata)


@settings(max_examples=300, deadline=None)
@given(
    # Multiples of 10 put "exactly 10 %" and "exactly half" on whole rows.
    baseline=st.one_of(st.integers(20, 2_000_000), st.integers(2, 200_000).map(lambda k: 10 * k)),
    edge=st.sampled_from([0.1, 0.5]),
    offset=st.integers(-2, 2),
    confirmed=st.booleans(),
)
def test_volume_thresholds_at_their_edges(baseline: int, edge: float, offset: int,
                                          confirmed: bool) -> None:
    """Rows at, just under and just over 10 % and 50 % of the median, against the rule
    written out: under 10 % (or empty) blocks unless confirmed; at most 50 % warns."""
    today = max(0, math.floor(baseline * edge) + offset)
    outcome = checks.volume_anomaly(today, [baseline, baseline + 1, baseline - 1],
                                    confirmed_no_sales=confirmed)
    share = Fraction(today, baseline)  # exact: 3 of 30 is 10 %, not "under 10 %"
    if today == 0 or share < Fraction(1, 10):
        assert outcome.passed is confirmed and outcome.severity == "ERROR"
    elif share <= Fraction(1, 2):
        assert (outcome.passed, outcome.severity) == (False, "WARN")
    else:
        assert outcome.passed
