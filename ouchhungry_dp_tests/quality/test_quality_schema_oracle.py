"""The cleaned-table schemas are a second opinion: a bug in the cleaning's validators is caught.

The cleaning checks CPF / CNPJ / EAN-13 with the vectorised ``validators``; the schemas
with ``check_digits`` (independent code). Each test breaks one validator the way a real
bug would (a check digit never compared), shows the bad value gets through the cleaning,
and that the blocking schema check then fails on it.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ouchhungry_dp.quality import check_digits, checks, rules, schemas, validators
from ouchhungry_dp.quality.cleaning import clean_customers, clean_products
from ouchhungry_dp.tables import RAW_CUSTOMERS, RAW_PRODUCTS
from ouchhungry_dp_tests.quality import oracles
from ouchhungry_dp_tests.quality.test_quality_cleaning import DAY, GOOD_CUSTOMER, clean, tx

DIGITS = "0123456789"
ALNUM = DIGITS + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _shape_only(values: pd.Series) -> pd.Series:
    """A validator with its check-digit comparison lost: any well-shaped value passes."""
    return values.notna()


def _break(monkeypatch: pytest.MonkeyPatch, kind: str, validator: str) -> None:
    """The validator module loaded with the bug: every caller of the function gets it (the
    registry holds the function object itself, so it is swapped there too)."""
    monkeypatch.setattr(validators, validator, _shape_only)
    broken = dataclasses.replace(rules.FIELD_KINDS[kind], validate=_shape_only)
    monkeypatch.setitem(rules.FIELD_KINDS, kind, broken)


def _failed_checks(schema: object, frame: pd.DataFrame) -> set[str]:
    outcome = checks.validate_with_schema(schema, frame)
    return set(outcome.metadata.get("failures_by_check", {}))


def test_a_broken_cpf_validator_is_caught_by_the_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    _break(monkeypatch, "cpf", "cpf_digits_valid")
    raw = pd.DataFrame([{**GOOD_CUSTOMER, "cpf": "529.982.247-24"}], columns=list(RAW_CUSTOMERS))
    cleaned = clean_customers(raw, snapshot_date=DAY).cleaned
    assert cleaned["cpf"].tolist() == ["52998224724"]  # the bug let it through the cleaning
    assert "cpf: cpf_check_digits" in _failed_checks(schemas.CleanedCustomersSchema, cleaned)


def test_a_broken_cnpj_validator_is_caught_by_the_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    _break(monkeypatch, "cnpj", "cnpj_chars_valid")
    cleaned = clean([tx(merchant_cnpj="12.ABC.345/01DE-36")]).cleaned
    assert len(cleaned) == 1
    failed = _failed_checks(schemas.CleanedTransactionsSchema, cleaned)
    assert "merchant_cnpj: cnpj_check_digits" in failed


def test_a_broken_ean_validator_is_caught_by_the_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    _break(monkeypatch, "ean13", "is_valid_ean13")
    row = {"product_code": "REF-HNG-0350", "ean": "7891000315508", "product_name": "x",
           "brand": "Hungry", "manufacturer": "OuchHungry", "segment": "refrigerantes",
           "list_price": "7.50", "updated_at": "2026-11-01T00:00:00-03:00"}  # fmt: skip
    cleaned = clean_products(pd.DataFrame([row], columns=list(RAW_PRODUCTS)),
                             snapshot_date=DAY).cleaned
    assert len(cleaned) == 1
    assert "ean: ean13_check_digit" in _failed_checks(schemas.CleanedProductsSchema, cleaned)


def test_the_schemas_never_call_the_cleaning_validators(monkeypatch: pytest.MonkeyPatch) -> None:
    customers = clean_customers(
        pd.DataFrame([GOOD_CUSTOMER], columns=list(RAW_CUSTOMERS)), snapshot_date=DAY).cleaned
    transactions = clean([tx(merchant_cnpj="12.ABC.345/01DE-35")]).cleaned

    def explode(values: pd.Series) -> pd.Series:
        raise AssertionError("a schema called the cleaning's validator")

    for name in ("is_valid_cpf", "is_valid_cnpj", "is_valid_ean13", "cpf_digits_valid",
                 "cnpj_chars_valid"):
        monkeypatch.setattr(validators, name, explode)
    assert checks.validate_with_schema(schemas.CleanedCustomersSchema, customers).passed
    assert checks.validate_with_schema(schemas.CleanedTransactionsSchema, transactions).passed


# Both implementations and the textbook oracle agree, on valid values and on one-char typos.
KINDS = {
    "cpf": (DIGITS, 9, oracles.cpf_check_digits, check_digits.cpf_ok, validators.is_valid_cpf),
    "cnpj": (ALNUM, 12, oracles.cnpj_check_digits, check_digits.cnpj_ok, validators.is_valid_cnpj),
    "ean13": (DIGITS, 12, oracles.ean13_check_digit, check_digits.ean13_ok,
              validators.is_valid_ean13),
}


@pytest.mark.parametrize("kind", sorted(KINDS))
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_check_digit_implementations_agree(kind: str, data: st.DataObject) -> None:
    alphabet, size, oracle, independent, vectorised = KINDS[kind]
    body = data.draw(st.text(alphabet, min_size=size, max_size=size))
    value = body + oracle(body)
    at = data.draw(st.integers(0, len(value) - 1).filter(lambda i: value[i].isdigit()))
    spoiled = value[:at] + str((int(value[at]) + 1) % 10) + value[at + 1:]
    schema_rule = getattr(check_digits, vectorised.__name__)
    for candidate in (value, spoiled):
        expected = bool(vectorised(pd.Series([candidate])).iloc[0])
        assert independent(candidate) is expected
        assert bool(schema_rule(pd.Series(["", candidate, None])).iloc[1]) is expected
