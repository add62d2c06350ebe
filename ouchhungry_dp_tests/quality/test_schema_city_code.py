"""The cleaned-customers schema: a city without its IBGE code (or the reverse) is refused.

Only a row with neither (the customer gave no city) may pass with missing values; a
city whose code was lost would silently fall out of every per-city count.
"""

from __future__ import annotations

import pandas as pd
import pytest

from ouchhungry_dp.quality import checks, schemas
from ouchhungry_dp.quality.cleaning import clean_customers
from ouchhungry_dp.tables import RAW_CUSTOMERS
from ouchhungry_dp_tests.quality.test_quality_cleaning import DAY, GOOD_CUSTOMER

CHECK = "city_is_an_ibge_municipality_of_its_state"


def _cleaned() -> pd.DataFrame:
    raw = pd.DataFrame([GOOD_CUSTOMER], columns=list(RAW_CUSTOMERS))
    cleaned = clean_customers(raw, snapshot_date=DAY).cleaned
    assert cleaned["city_ibge_code"].notna().all()
    return cleaned


def _failures(frame: pd.DataFrame) -> set[str]:
    outcome = checks.validate_with_schema(schemas.CleanedCustomersSchema, frame)
    return set(outcome.metadata.get("failures_by_check", {}))


def test_the_cleaned_row_passes() -> None:
    assert checks.validate_with_schema(schemas.CleanedCustomersSchema, _cleaned()).passed


@pytest.mark.parametrize("missing", ["city_ibge_code", "city"])
def test_one_of_city_and_code_missing_fails(missing: str) -> None:
    frame = _cleaned()
    frame[missing] = pd.Series([pd.NA], dtype=frame[missing].dtype)
    assert any(CHECK in name for name in _failures(frame))


def test_city_and_code_both_missing_passes() -> None:
    frame = _cleaned()
    for column in ("city", "city_ibge_code"):
        frame[column] = pd.Series([pd.NA], dtype=frame[column].dtype)
    assert not any(CHECK in name for name in _failures(frame))
