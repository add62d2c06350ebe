"""Table-level cleaning on small hand-written extracts: every reason, conservation, typing."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from ouchhungry_dp.errors import DataQualityError
from ouchhungry_dp.quality import schemas
from ouchhungry_dp.quality.cleaning import clean_customers, clean_products, clean_transactions
from ouchhungry_dp.tables import (
    CLEANED_CUSTOMERS,
    CLEANED_PRODUCTS,
    CLEANED_TRANSACTIONS,
    QUARANTINE_EXTRA,
    RAW_CUSTOMERS,
    RAW_PRODUCTS,
    RAW_TRANSACTIONS,
)

DAY = dt.date(2026, 11, 25)
GOOD_TX = {
    "transaction_id": "IT202611250000001", "order_id": "PED-20261125-000001",
    "customer_id": "CLI-0000001", "merchant_id": "LOJ-00001", "merchant_cnpj": "11.222.333/0001-81",
    "product_code": "REF-HNG-0350", "quantity": "2", "unit_price": "7.50",
    "ordered_at": "2026-11-25T13:45:00-03:00", "delivery_city": "São Paulo",
    "delivery_state": "SP", "delivery_cep": "01310-100", "payment_method": "pix",
    "updated_at": "2026-11-25T13:45:00-03:00",
}  # fmt: skip
KNOWN_CUSTOMERS = pd.Series(["CLI-0000001", "CLI-0000002"])
KNOWN_PRODUCTS = pd.Series(["REF-HNG-0350", "SAL-OCH-0001"])


def tx(**changes: object) -> dict[str, object]:
    return {**GOOD_TX, **changes}


def transactions(rows: list[dict[str, object]]) -> pd.DataFrame:
    ids = [f"IT{i:015d}" for i in range(len(rows))]
    frame = pd.DataFrame(rows, columns=list(RAW_TRANSACTIONS))
    frame["transaction_id"] = [r.get("_id", i) for r, i in zip(rows, ids, strict=True)]
    return frame.astype("string[pyarrow]")


def clean(rows: list[dict[str, object]], **kwargs: object):
    options = {"partition_date": DAY, "known_customer_ids": KNOWN_CUSTOMERS,
               "known_product_codes": KNOWN_PRODUCTS, **kwargs}  # fmt: skip
    return clean_transactions(transactions(rows), **options)


CASES = [
    (tx(unit_price="R$ 1.234,56"), None),
    (tx(quantity=" 3un"), None),
    (tx(ordered_at="25/11/2026 13:45"), None),
    (tx(delivery_city=" SAO  paulo "), None),
    (tx(merchant_cnpj="11222333000181", delivery_cep="01310100"), None),
    (tx(merchant_cnpj="12.ABC.345/01DE-35"), None),
    (tx(customer_id=None), "missing_customer_id"),
    (tx(product_code=""), "missing_product_code"),
    (tx(quantity=None), "missing_quantity"),
    (tx(unit_price="  "), "missing_unit_price"),
    (tx(ordered_at="31/02/2026 10:00"), "unparseable_date"),
    (tx(ordered_at="24/11/2026 23:59"), "out_of_partition"),
    (tx(ordered_at="2026-11-25T02:30:00Z"), "out_of_partition"),  # 23:30 of the 24th in SP
    (tx(ordered_at="2026-11-26T02:30:00Z"), None),  # 23:30 of the 25th in SP
    (tx(merchant_cnpj="11.222.333/0001-82"), "invalid_cnpj"),
    (tx(merchant_cnpj="00000000000000"), "invalid_cnpj"),
    (tx(product_code="REF_HNG_350"), "invalid_product_code"),
    (tx(product_code="CHO-XYZ-9999"), "unknown_product"),
    (tx(customer_id="CLI-9999999"), "unknown_customer"),
    (tx(quantity="0"), "non_positive_quantity"),
    (tx(quantity="-1"), "non_positive_quantity"),
    (tx(unit_price="abc"), "unparseable_money"),
    (tx(unit_price="R$ --"), "unparseable_money"),
    (tx(delivery_cep="0131-100"), "invalid_cep"),
    (tx(delivery_cep="ABCDE-123"), "invalid_cep"),
]


@pytest.mark.parametrize(("row", "reason"), CASES)
def test_transaction_case(row: dict[str, object], reason: str | None) -> None:
    result = clean([row])
    if reason is None:
        assert len(result.cleaned) == 1 and result.quarantine.empty
    else:
        assert result.cleaned.empty
        assert reason in result.quarantine.loc[0, "reasons"].split("|")


def test_out_of_partition_row_with_offset_is_kept_on_its_local_day() -> None:
    result = clean([tx(ordered_at="2026-11-25T02:30:00Z")], partition_date=dt.date(2026, 11, 25))
    assert "out_of_partition" in result.quarantine.loc[0, "reasons"]
    kept = clean([tx(ordered_at="2026-11-25T02:30:00Z")], partition_date=dt.date(2026, 11, 24))
    assert len(kept.cleaned) == 1
    assert kept.cleaned.loc[0, "ordered_at"] == pd.Timestamp("2026-11-24 23:30")


def test_all_cases_together_conserve_rows_and_keep_raw_values() -> None:
    rows = [row for row, _ in CASES]
    result = clean(rows)
    expected_bad = [i for i, (_, reason) in enumerate(CASES) if reason]
    assert len(result.cleaned) + len(result.quarantine) == len(rows)
    assert result.quarantine["source_row"].tolist() == expected_bad
    assert list(result.quarantine.columns) == [*RAW_TRANSACTIONS, *QUARANTINE_EXTRA]
    raw = transactions(rows)
    for col in RAW_TRANSACTIONS:  # raw text exactly as received (blanks included)
        assert result.quarantine[col].tolist() == raw.loc[expected_bad, col].tolist()
    assert (result.quarantine["partition_date"] == pd.Timestamp(DAY)).all()
    assert sum(result.reasons.values()) >= len(expected_bad)
    assert result.repairs["money_brl_format"] == 1
    assert result.repairs["quantity_stray_characters"] == 1
    schemas.CleanedTransactionsSchema.validate(result.cleaned, lazy=True)
    schemas.QuarantineSchema.validate(result.quarantine, lazy=True)


def test_several_reasons_on_one_row_are_all_kept() -> None:
    result = clean([tx(customer_id=None, unit_price="abc", delivery_cep="0131-100")])
    assert set(result.quarantine.loc[0, "reasons"].split("|")) == {
        "missing_customer_id", "unparseable_money", "invalid_cep",
    }  # fmt: skip


def test_duplicates() -> None:
    first = tx(_id="IT1", updated_at="2026-11-25T14:00:00-03:00")
    newer = tx(_id="IT1", updated_at="2026-11-25T15:00:00-03:00", quantity="5")
    result = clean([first, newer, newer])
    assert result.quarantine["reasons"].tolist() == ["superseded_version", "duplicate_exact"]
    assert result.cleaned["quantity"].tolist() == [5]


def test_typed_output() -> None:
    result = clean([tx(unit_price="R$ 1.234,56", quantity="3", delivery_city="sao paulo")])
    row = result.cleaned.iloc[0]
    assert list(result.cleaned.columns) == list(CLEANED_TRANSACTIONS)
    assert (row["quantity"], row["unit_price"], row["total_amount"]) == (3, 1234.56, 3703.68)
    assert (row["city"], row["state"], row["city_ibge_code"]) == ("São Paulo", "SP", "3550308")
    assert row["sale_date"] == pd.Timestamp(DAY)
    assert row["merchant_cnpj"] == "11222333000181"
    dtypes = result.cleaned.dtypes.astype(str).to_dict()
    assert dtypes["quantity"] == "Int64" and dtypes["unit_price"] == "Float64"
    assert dtypes["ordered_at"] == "datetime64[ns]" and dtypes["sale_date"] == "datetime64[ns]"


def test_referential_checks_skipped_when_not_given_and_extra_column_ignored() -> None:
    frame = transactions([tx(customer_id="CLI-9", product_code="CHO-XYZ-9999")])
    frame["partition_date"] = pd.Timestamp(DAY)
    result = clean_transactions(frame, partition_date=DAY, known_customer_ids=None,
                                known_product_codes=None)  # fmt: skip
    assert len(result.cleaned) == 1


def test_empty_extract() -> None:
    result = clean_transactions(pd.DataFrame(columns=list(RAW_TRANSACTIONS)), partition_date=DAY,
                                known_customer_ids=None, known_product_codes=None)  # fmt: skip
    assert result.cleaned.empty and result.quarantine.empty
    assert list(result.cleaned.columns) == list(CLEANED_TRANSACTIONS)


def test_missing_column_explains_itself() -> None:
    frame = transactions([GOOD_TX]).drop(columns="unit_price")
    with pytest.raises(DataQualityError, match="unit_price") as info:
        clean_transactions(frame, partition_date=DAY, known_customer_ids=None,
                           known_product_codes=None)  # fmt: skip
    assert info.value.partition == "2026-11-25" and info.value.hint


GOOD_CUSTOMER = {
    "customer_id": "CLI-0000001", "full_name": "Ana Souza", "cpf": "529.982.247-25",
    "email": "Ana.Souza@Example.com", "phone": "(11) 98765-4321", "cep": "01310100",
    "city": "são paulo", "state": "sp", "birth_date": "03/04/1990",
    "created_at": "2025-01-01T10:00:00-03:00", "updated_at": "2026-11-20T10:00:00-03:00",
}  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({}, None),
        ({"birth_date": "1990-04-03", "cpf": "52998224725", "phone": "+5511987654321"}, None),
        ({"email": None, "phone": None, "birth_date": None}, None),  # optional: kept missing
        ({"cpf": "111.111.111-11"}, "invalid_cpf"),
        ({"cpf": "529.982.247-24"}, "invalid_cpf"),
        ({"email": "joao@"}, "invalid_email"),
        ({"email": "maria.gmail.com"}, "invalid_email"),
        ({"phone": "(20) 98765-4321"}, "invalid_phone"),
        ({"phone": "98765-4321"}, "invalid_phone"),
        ({"cep": "ABCDE-123"}, "invalid_cep"),
        ({"cpf": None}, "missing_cpf"),
        ({"customer_id": ""}, "missing_customer_id"),
        ({"birth_date": "31/02/1990"}, "unparseable_date"),
    ],
)
def test_customer_case(changes: dict[str, object], reason: str | None) -> None:
    raw = pd.DataFrame([{**GOOD_CUSTOMER, **changes}], columns=list(RAW_CUSTOMERS))
    result = clean_customers(raw, snapshot_date=DAY)
    if reason is None:
        assert len(result.cleaned) == 1
        schemas.CleanedCustomersSchema.validate(result.cleaned, lazy=True)
    else:
        assert reason in result.quarantine.loc[0, "reasons"].split("|")


def test_customer_cleaned_values_and_stale_version() -> None:
    older = {**GOOD_CUSTOMER, "updated_at": "2026-11-01T10:00:00-03:00", "email": "old@x.com"}
    raw = pd.DataFrame([older, GOOD_CUSTOMER], columns=list(RAW_CUSTOMERS))
    result = clean_customers(raw, snapshot_date=DAY)
    assert result.quarantine["reasons"].tolist() == ["superseded_version"]
    row = result.cleaned.iloc[0]
    assert list(result.cleaned.columns) == list(CLEANED_CUSTOMERS)
    assert (row["cpf"], row["email"], row["phone"], row["cep"]) == (
        "52998224725", "ana.souza@example.com", "+5511987654321", "01310-100",
    )  # fmt: skip
    assert (row["city"], row["state"], row["city_ibge_code"]) == ("São Paulo", "SP", "3550308")
    assert row["birth_date"] == pd.Timestamp("1990-04-03")
    assert row["snapshot_date"] == pd.Timestamp(DAY)


def test_products() -> None:
    good = {"product_code": "REF-HNG-0350", "ean": "7891000315507", "product_name": "Hungry 350ml",
            "brand": "Hungry", "manufacturer": "OuchHungry", "segment": "refrigerantes",
            "list_price": "R$ 7,50", "updated_at": "2026-11-01T00:00:00-03:00"}  # fmt: skip
    bad_ean = {**good, "product_code": "REF-HNG-0351", "ean": "7891000315508"}
    raw = pd.DataFrame([good, bad_ean, good], columns=list(RAW_PRODUCTS))
    result = clean_products(raw, snapshot_date=DAY)
    assert result.quarantine["reasons"].tolist() == ["invalid_ean", "duplicate_exact"]
    assert list(result.cleaned.columns) == list(CLEANED_PRODUCTS)
    assert result.cleaned["list_price"].tolist() == [7.5]
    schemas.CleanedProductsSchema.validate(result.cleaned, lazy=True)


def test_items_of_a_quarantined_product_are_quarantined_with_that_reason() -> None:
    """A one-digit EAN typo quarantines the catalogue row; its sales follow, none lost."""
    catalogue = pd.DataFrame(
        [{"product_code": code, "ean": ean, "product_name": "x", "brand": "Hungry",
          "manufacturer": "OuchHungry", "segment": "refrigerantes", "list_price": "7.50",
          "updated_at": "2026-11-01T00:00:00-03:00"}
         for code, ean in (("REF-HNG-0350", "7891000315508"), ("SAL-OCH-0001", "7891000315507"))],
        columns=list(RAW_PRODUCTS),
    )  # fmt: skip
    products = clean_products(catalogue, snapshot_date=DAY)
    assert products.quarantine["reasons"].tolist() == ["invalid_ean"]
    rows = [tx(), tx(product_code="SAL-OCH-0001"), tx(), tx(product_code="CHO-XYZ-9999")]
    result = clean(rows, usable_product_codes=products.cleaned["product_code"])
    assert len(result.cleaned) + len(result.quarantine) == len(rows)  # nothing lost
    assert result.quarantine["reasons"].tolist() == [
        "product_quarantined", "product_quarantined", "unknown_product",
    ]  # fmt: skip
    assert result.cleaned["product_code"].tolist() == ["SAL-OCH-0001"]
