"""Validators: Brazilian edge cases, property-based checks against independent oracles."""

from __future__ import annotations

import pandas as pd
import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ouchhungry_dp.quality import validators as v
from ouchhungry_dp.quality.reference import valid_ddds

from . import oracles

DIGITS = "0123456789"
ALNUM = DIGITS + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def check(func, values: list[object]) -> list[bool]:
    index = pd.Index([f"r{i}" for i in range(len(values))])
    result = func(pd.Series(values, index=index, dtype=object))
    assert result.index.equals(index)
    assert result.dtype == bool
    return result.tolist()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("529.982.247-25", True),
        ("52998224725", True),
        ("  529.982.247-25 ", True),
        ("529982247-25", True),
        ("529.982.247-24", False),  # wrong second check digit
        ("111.111.111-11", False),  # repeated digits satisfy the algorithm but are not CPFs
        ("000.000.000-00", False),
        ("5299822472", False),  # 10 digits (a leading zero lost in a spreadsheet)
        ("529.982.247/25", False),
        ("abc.def.ghi-jk", False),
        ("", False),
        (None, False),
        (float("nan"), False),
    ],
)
def test_cpf(value: object, expected: bool) -> None:
    assert check(v.is_valid_cpf, [value]) == [expected]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("11.222.333/0001-81", True),
        ("11222333000181", True),
        ("12ABC34501DE35", True),  # Receita Federal's alphanumeric example
        ("12.ABC.345/01DE-35", True),
        (" 12abc34501de35 ", True),  # letters in lower case: upper-cased, not rejected
        ("11.222.333/0001-82", False),
        ("12ABC34501DE36", False),
        ("00.000.000/0000-00", False),
        ("11111111111111", False),
        ("12ABC34501DEAB", False),  # check digits are always numeric
        ("12ABC34501D35", False),
        (None, False),
    ],
)
def test_cnpj(value: object, expected: bool) -> None:
    assert check(v.is_valid_cnpj, [value]) == [expected]


@settings(max_examples=150, deadline=None)
@given(st.text(DIGITS, min_size=9, max_size=9), st.booleans())
def test_cpf_property_matches_oracle(base: str, formatted: bool) -> None:
    cpf = base + oracles.cpf_check_digits(base)
    shown = oracles.format_cpf(cpf) if formatted else cpf
    repeated = len(set(cpf)) == 1
    wrong = cpf[:10] + str((int(cpf[10]) + 1) % 10)
    assert check(v.is_valid_cpf, [shown, wrong]) == [not repeated, False]


@settings(max_examples=150, deadline=None)
@given(st.text(ALNUM, min_size=12, max_size=12), st.booleans())
def test_cnpj_property_matches_oracle(base: str, formatted: bool) -> None:
    cnpj = base + oracles.cnpj_check_digits(base)
    shown = oracles.format_cnpj(cnpj) if formatted else cnpj
    repeated = len(set(cnpj)) == 1
    wrong = cnpj[:12] + str((int(cnpj[12]) + 1) % 10) + cnpj[13]
    assert check(v.is_valid_cnpj, [shown, wrong]) == [not repeated, False]


@settings(max_examples=100, deadline=None)
@given(st.text(DIGITS, min_size=12, max_size=12))
def test_ean13_property_matches_oracle(base: str) -> None:
    ean = base + oracles.ean13_check_digit(base)
    wrong = ean[:12] + str((int(ean[12]) + 1) % 10)
    real = set(ean) != {"0"}  # the all-zero GTIN is reserved
    assert check(v.is_valid_ean13, [ean, f" {ean} ", wrong]) == [real, real, False]


def test_ean13_edge_cases() -> None:
    assert check(v.is_valid_ean13, ["7891000315507", "789100031550", "789100031550X", None]) == [
        True, False, False, False,
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("01310-100", True),
        ("01310100", True),
        (" 01310-100 ", True),
        ("01.310-100", True),
        ("0131-100", False),
        ("ABCDE-123", False),
        ("013101000", False),
        ("00000-000", False),
        (None, False),
    ],
)
def test_cep(value: object, expected: bool) -> None:
    assert check(v.is_valid_cep, [value]) == [expected]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("(11) 98765-4321", True),
        ("11987654321", True),
        ("+55 11 98765-4321", True),
        ("+55 (21) 3333-4444", True),
        ("011 98765-4321", True),  # trunk prefix
        ("(55) 99876-5432", True),  # DDD 55 (Santa Maria, RS) is not the country code
        ("(20) 98765-4321", False),  # DDD 20 does not exist
        ("(11) 8765-4321", False),  # old 8-digit mobile, too few digits
        ("(11) 98765-432", False),
        ("+1 212 555 0100", False),
        ("", False),
        (None, False),
    ],
)
def test_phone(value: object, expected: bool) -> None:
    assert check(v.is_valid_phone_br, [value]) == [expected]


def test_ddd_list_comes_from_reference() -> None:
    ddds = valid_ddds()
    assert len(ddds) == 67
    assert {"11", "21", "55", "99"} <= ddds
    assert not {"20", "23", "25", "29", "30", "36", "39", "40"} & ddds


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(sorted(valid_ddds())),
    st.one_of(st.text(DIGITS, min_size=8, max_size=8).map(lambda s: "9" + s),
              st.sampled_from("2345").flatmap(lambda p: st.text(DIGITS, min_size=7, max_size=7)
                                              .map(lambda s: p + s))),
)  # fmt: skip
def test_phone_agrees_with_phonenumbers(ddd: str, subscriber: str) -> None:
    """Whatever we accept, libphonenumber parses as a possible Brazilian number with the same
    E.164 form (libphonenumber is per value, so it is an oracle here, not on the hot path)."""
    raw = f"({ddd}) {subscriber[:-4]}-{subscriber[-4:]}"
    assert check(v.is_valid_phone_br, [raw]) == [True]
    parsed = phonenumbers.parse(raw, "BR")
    assert phonenumbers.is_possible_number(parsed)
    assert phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) == (
        f"+55{ddd}{subscriber}"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("joao.silva@example.com.br", True),
        ("Maria+promo@Gmail.com", True),
        (" ana_souza@empresa.net ", True),
        ("joao@", False),
        ("maria.gmail.com", False),
        ("joao@@example.com", False),
        ("joao..silva@example.com", False),
        (".joao@example.com", False),
        ("joao@example", False),
        ("joão@example.com", False),
        ("joao silva@example.com", False),
        (None, False),
    ],
)
def test_email(value: object, expected: bool) -> None:
    assert check(v.is_valid_email, [value]) == [expected]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("REF-HNG-0350", True),
        (" SAL-OCH-0001 ", True),
        ("REF_HNG_350", False),
        ("xx", False),
        ("ref-hng-0350", False),
        ("REF-HNG-350", False),
        (None, False),
    ],
)
def test_product_code(value: object, expected: bool) -> None:
    assert check(v.is_valid_product_code, [value]) == [expected]


def test_string_pyarrow_input_and_empty_series() -> None:
    values = pd.Series(["529.982.247-25", None], dtype="string[pyarrow]", index=[7, 3])
    assert v.is_valid_cpf(values).tolist() == [True, False]
    assert v.is_valid_cpf(values).index.tolist() == [7, 3]
    for func in (v.is_valid_cpf, v.is_valid_cnpj, v.is_valid_ean13, v.is_valid_email,
                 v.is_valid_phone_br, v.is_valid_cep, v.is_valid_product_code):  # fmt: skip
        assert func(pd.Series([], dtype=object)).tolist() == []
        assert func(pd.Series([None, None])).tolist() == [False, False]
