"""The rule engine's reason strings beyond 62 reasons, where a row's reasons no longer fit
an int64 bit pattern (docs/testing.md, "quality": survivors of the mutation pass)."""

from __future__ import annotations

import numpy as np

from ouchhungry_dp.quality._arrow import TEXT
from ouchhungry_dp.quality.engine import RowMasks, _reason_strings


def test_reason_strings_past_62_reasons() -> None:
    masks = RowMasks(3)
    for i in range(64):  # row 0: r63 only; row 1: r0 and r63; row 2: r1 to r62
        masks.add(f"r{i}", np.array([i == 63, i in (0, 63), 0 < i < 63]))
    labels = _reason_strings(masks, np.array([0, 1, 2]))
    assert labels.tolist() == ["r63", "r0|r63", "|".join(f"r{i}" for i in range(1, 63))]
    assert labels.dtype == TEXT  # the quarantine's text column
    assert _reason_strings(masks, np.array([1])).tolist() == ["r0|r63"]


def test_every_missing_column_is_named() -> None:
    import pandas as pd
    import pytest

    from ouchhungry_dp.errors import DataQualityError
    from ouchhungry_dp.quality.engine import check_columns
    from ouchhungry_dp.quality.rules import CUSTOMERS_RULES

    present = [c for c in CUSTOMERS_RULES.raw_columns if c not in ("cpf", "email")]
    with pytest.raises(DataQualityError) as caught:
        check_columns(pd.DataFrame(columns=present), CUSTOMERS_RULES, "2026-11-25")
    assert caught.value.detail == "cpf, email"


def test_quarantine_source_rows_are_nullable_integers() -> None:
    from ouchhungry_dp_tests.quality.test_quality_cleaning import clean

    result = clean([{"transaction_id": "IT1", "quantity": "dois"}])
    assert result.quarantine["source_row"].dtype == "Int64"
    assert result.quarantine["source_row"].tolist() == [0]


def test_repeated_keys_of_several_columns_and_of_other_types() -> None:
    """Every declared table has one text key; a key of two columns, or of numbers, takes the
    general path: rows repeat only when the whole key does."""
    import pandas as pd

    from ouchhungry_dp.quality.engine import _repeated

    first = pd.Series(["1", "1", "1", "2"], dtype="string[pyarrow]")
    second = pd.Series(["x", "y", "x", "x"], dtype="string[pyarrow]")
    assert _repeated([first, second]).tolist() == [True, False, True, False]
    assert _repeated([pd.Series([1, 2, 1], dtype="Int64")]).tolist() == [True, False, True]

