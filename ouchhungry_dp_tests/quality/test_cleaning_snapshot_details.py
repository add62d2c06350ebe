"""The customer and catalogue snapshots' cleaning: what each result carries about its day,
and that the caller's brand owners and segments are the ones applied.

Expectations are written out by hand (the day, the owner's spelling), not taken from
the cleaning's helpers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import pytest

from ouchhungry_dp.errors import DataQualityError
from ouchhungry_dp.quality.cleaning import CleaningResult, clean_customers, clean_products
from ouchhungry_dp.tables import RAW_CUSTOMERS, RAW_PRODUCTS
from ouchhungry_dp_tests.quality.test_quality_cleaning import GOOD_CUSTOMER

DAY = dt.date(2026, 11, 7)
PRODUCT = {"product_code": "SNK-MRC-0001", "ean": "7891000315507", "product_name": "Crocante",
           "brand": "Marca Própria", "manufacturer": "Empresa Própria Ltda",
           "segment": "salgados", "list_price": "7.50",
           "updated_at": "2026-11-01T00:00:00-03:00"}  # fmt: skip
OWNERS = {"Marca Própria": "Empresa Própria Ltda"}
SEGMENTS = {"Marca Própria": "salgados"}


def _products(*rows: dict[str, object]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=list(RAW_PRODUCTS))


def _customers(*rows: dict[str, object]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=list(RAW_CUSTOMERS))


@pytest.mark.parametrize(("clean", "raw"), [
    (clean_customers, _customers(GOOD_CUSTOMER)),
    (clean_products, _products(PRODUCT)),
])
def test_a_snapshot_missing_a_column_names_its_day(clean: Callable[..., CleaningResult],
                                                   raw: pd.DataFrame) -> None:
    column = raw.columns[1]
    with pytest.raises(DataQualityError, match=column) as info:
        clean(raw.drop(columns=column), snapshot_date=DAY)
    assert info.value.partition == "2026-11-07"


def test_every_row_of_a_snapshot_carries_its_day_and_each_quarantined_row_too() -> None:
    customers = clean_customers(_customers(
        GOOD_CUSTOMER, {**GOOD_CUSTOMER, "customer_id": "CLI-0000002"},
        {**GOOD_CUSTOMER, "customer_id": "CLI-0000003", "cpf": "111.111.111-11"}),
        snapshot_date=DAY)
    products = clean_products(_products(
        PRODUCT, {**PRODUCT, "product_code": "SNK-MRC-0002"},
        {**PRODUCT, "product_code": "SNK-MRC-0003", "ean": "7891000315508"}),
        snapshot_date=DAY, owners=OWNERS, segments=SEGMENTS)
    for result in (customers, products):
        assert len(result.cleaned) == 2 and len(result.quarantine) == 1
        assert result.cleaned["snapshot_date"].tolist() == [pd.Timestamp(DAY)] * 2
        assert result.quarantine["partition_date"].tolist() == [pd.Timestamp(DAY)]


def test_the_callers_owners_repair_the_spelling_of_brand_and_maker() -> None:
    raw = _products({**PRODUCT, "brand": "MARCA PROPRIA", "manufacturer": "empresa propria ltda"})
    result = clean_products(raw, snapshot_date=DAY, owners=OWNERS, segments=SEGMENTS)
    row = result.cleaned.iloc[0]
    assert (row["brand"], row["manufacturer"]) == ("Marca Própria", "Empresa Própria Ltda")
    assert result.repairs["brand_normalised"] == 1
    assert result.repairs["manufacturer_normalised"] == 1


def test_the_callers_owners_and_segments_decide_what_is_quarantined() -> None:
    """A brand no contract knows: only the mappings passed make it a partner brand."""
    raw = _products({**PRODUCT, "manufacturer": "Outra Empresa SA"},
                    {**PRODUCT, "product_code": "SNK-MRC-0002", "segment": "bebidas"})
    result = clean_products(raw, snapshot_date=DAY, owners=OWNERS, segments=SEGMENTS)
    assert result.quarantine["reasons"].tolist() == [
        "brand_manufacturer_mismatch", "brand_segment_mismatch"]
    # With the contracts' own mappings the brand is nobody's: both rows are clean.
    assert len(clean_products(raw, snapshot_date=DAY).cleaned) == 2


def test_the_snapshot_day_is_nanosecond_like_every_other_date_column() -> None:
    """The cleaned tables' dates are one type (datetime64[ns]); a day-unit stamp would make
    the snapshot column datetime64[s] in pandas 2 and another Parquet type."""
    customers = clean_customers(_customers(GOOD_CUSTOMER), snapshot_date=DAY).cleaned
    products = clean_products(_products(PRODUCT), snapshot_date=DAY, owners=OWNERS,
                              segments=SEGMENTS).cleaned
    assert str(customers["snapshot_date"].dtype) == "datetime64[ns]"
    assert str(customers["updated_at"].dtype) == "datetime64[ns]"
    assert str(products["snapshot_date"].dtype) == "datetime64[ns]"
