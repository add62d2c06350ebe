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



def test_verbatim_copies_of_a_row_without_its_key_are_duplicates_too() -> None:
    """Rows lacking the business key are compared whole as well: the later copy carries
    ``duplicate_exact`` besides the missing key."""
    from ouchhungry_dp_tests.quality.test_quality_cleaning import clean, tx

    keyless = tx(_id=None)
    result = clean([keyless, keyless, tx(_id="IT2")])
    assert result.quarantine["source_row"].tolist() == [0, 1]
    assert result.quarantine["reasons"].tolist() == [
        "missing_transaction_id", "missing_transaction_id|duplicate_exact",
    ]  # fmt: skip
    assert result.reasons["duplicate_exact"] == 1


def test_distinct_values_of_a_column_in_several_arrow_chunks() -> None:
    """A raw column read in batches is one Arrow array of several chunks; the distinct-values
    path joins them: 10,000 rows of three values give three values and each row's position."""
    import pandas as pd
    import pyarrow as pa

    from ouchhungry_dp.quality.engine import _distinct

    chunks = [pa.array(["a", "b", "c", "a"] * 1250), pa.array(["c", "b"] * 2500)]
    text = pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array(chunks)))
    assert isinstance(pa.array(text.array), pa.ChunkedArray)  # the case under test
    values, position = _distinct(text)
    assert position is not None
    assert values.tolist() == ["a", "b", "c"]
    assert values.tolist()[position[4999]] == "a" and values.tolist()[position[5000]] == "c"
    assert [values.tolist()[p] for p in position] == text.tolist()


def test_row_masks_and_bool_give_numpy_booleans_with_missing_as_false() -> None:
    """The engine combines masks with ``~``, ``&`` and ``|``: on ints or Python objects those
    are arithmetic (``~True`` is -2), so every mask is stored as numpy bool, and a missing
    verdict is never true."""
    import pandas as pd
    import pyarrow as pa

    from ouchhungry_dp.quality.engine import _bool

    masks = RowMasks(3)
    masks.add("a", [1, 0, 0])
    masks.add("a", pd.Series([False, False, True], dtype="boolean"))
    masks.add("b", pd.Series([False, True, False], dtype=object))
    assert masks.masks["a"].dtype == bool and masks.masks["a"].tolist() == [True, False, True]
    assert masks.masks["b"].dtype == bool
    assert masks.any().tolist() == [True, True, True]

    for values in (pd.Series([True, None, False], dtype="boolean"), pa.array([True, None, False])):
        result = _bool(values)
        assert result.dtype == bool and result.tolist() == [True, False, False]


def test_positive_means_above_zero() -> None:
    """``positive=True`` quarantines values <= 0 only: a quantity of 1 and a price of
    R$ 0,99 are kept, a price of R$ 0,00 is not."""
    from ouchhungry_dp_tests.quality.test_quality_cleaning import clean, tx

    result = clean([tx(_id="IT1", quantity="1", unit_price="0,99"),
                    tx(_id="IT2", unit_price="0,00")])
    assert result.cleaned["quantity"].tolist() == [1]
    assert result.cleaned["unit_price"].tolist() == [0.99]
    assert result.quarantine["reasons"].tolist() == ["non_positive_unit_price"]


def test_a_city_is_judged_only_inside_a_valid_state() -> None:
    """A wrong or missing state has its own reason and the city is not judged in it; a city
    whose optional state is blank cannot be verified and is quarantined with the city's
    reason (docs/data-quality.md, "Cities")."""
    import pandas as pd

    from ouchhungry_dp.quality.cleaning import clean_customers
    from ouchhungry_dp.tables import RAW_CUSTOMERS
    from ouchhungry_dp_tests.quality.test_quality_cleaning import DAY, GOOD_CUSTOMER, clean, tx

    items = clean([tx(_id="IT1", delivery_state="ZZ"), tx(_id="IT2", delivery_state=None),
                   tx(_id="IT3", delivery_city="Cidade Nenhuma"), tx(_id="IT4")])
    assert items.quarantine["reasons"].tolist() == [
        "invalid_state", "missing_delivery_state", "unknown_city",
    ]  # fmt: skip
    assert items.cleaned["city"].tolist() == ["São Paulo"]

    rows = [{"customer_id": "CLI-0000001", "state": None},  # city without its state
            {"customer_id": "CLI-0000002", "state": None, "city": None},  # neither: kept
            {"customer_id": "CLI-0000003", "state": "ZZ"}]
    raw = pd.DataFrame([{**GOOD_CUSTOMER, **row} for row in rows], columns=list(RAW_CUSTOMERS))
    customers = clean_customers(raw, snapshot_date=DAY)
    assert customers.quarantine["source_row"].tolist() == [0, 2]
    assert customers.quarantine["reasons"].tolist() == ["unknown_city", "invalid_state"]
    assert customers.cleaned["customer_id"].tolist() == ["CLI-0000002"]
