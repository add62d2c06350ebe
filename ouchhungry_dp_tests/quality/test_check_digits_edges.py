"""The schemas' per-value check-digit functions on the inputs the property tests never draw.

``test_quality_schema_oracle`` holds the vectorised and per-value forms to agree on
well-shaped values. These are the shapes a raw export really holds around them: a
letter or a non-ASCII digit in place of a digit, too few or too many characters,
one digit repeated, missing values. Each must be a plain ``False``, never an
exception (a crash in a blocking check would stop the pipeline for the wrong reason).
"""

from __future__ import annotations

import pandas as pd
import pytest

from ouchhungry_dp.quality import check_digits
from ouchhungry_dp_tests.quality import oracles

CPF = "52998224725"  # valid
EAN = "4006381333931"  # valid
ARABIC_INDIC = "".join(chr(0x0660 + int(d)) for d in CPF)  # isdigit() but not ASCII


def test_the_valid_values_used_below_are_valid() -> None:
    assert CPF[9:] == oracles.cpf_check_digits(CPF[:9])
    assert EAN[12] == oracles.ean13_check_digit(EAN[:12])
    assert check_digits.cpf_ok(CPF) and check_digits.ean13_ok(EAN)


@pytest.mark.parametrize(
    "value",
    [
        CPF[:10] + "A",  # 11 ASCII characters, one a letter
        CPF[:5] + "A" + CPF[6:],  # a letter among the weighted digits
        ARABIC_INDIC,  # 11 digits, not ASCII
        CPF[:5],  # too short for the weights
        CPF + "0",  # too long
        "",
        "11111111111",  # repeated digits pass the sums, are no CPF
        "00000000000",
    ],
)
def test_cpf_ok_refuses(value: str) -> None:
    assert check_digits.cpf_ok(value) is False


@pytest.mark.parametrize(
    "value",
    [
        EAN[:12] + "A",
        "".join(chr(0x0660 + int(d)) for d in EAN),
        EAN[:12],  # one digit short: no check digit to read
        EAN[:5],
        EAN + "1",
        "0000000000000",
    ],
)
def test_ean13_ok_refuses(value: str) -> None:
    assert check_digits.ean13_ok(value) is False


def test_series_forms_give_booleans_and_false_for_missing() -> None:
    values = pd.Series([EAN, None, EAN[:12] + "0"], dtype="string[pyarrow]", index=[7, 8, 9])
    result = check_digits.is_valid_ean13(values)
    assert result.dtype == bool
    assert result.tolist() == [True, False, False]
    assert result.index.tolist() == [7, 8, 9]


CNPJ_BODY = "12ABC34501DE"  # pragma: allowlist secret (an alphanumeric CNPJ body)


def _cnpj(body: str) -> str:
    """``body`` with the check digits the textbook algorithm gives it (characters count as
    ASCII - 48, so they are defined for any character, not only [0-9A-Z])."""
    return body + oracles.cnpj_check_digits(body)


def test_cnpj_ok_accepts_the_reference_value() -> None:
    assert check_digits.cnpj_ok(_cnpj(CNPJ_BODY))
    assert check_digits.cnpj_ok(_cnpj(CNPJ_BODY).lower())  # letters are upper-cased first


@pytest.mark.parametrize(
    "body",
    [
        "12ABC3450:DE",  # ':' (ASCII 58) sits between '9' and 'A'
        "12ABC3450_DE",  # '_' (ASCII 95) sits after 'Z'
        "12ABC3450[DE",
        "12ABC3450@DE",
    ],
)
def test_cnpj_ok_refuses_a_body_character_outside_0_9_a_z_even_with_matching_digits(
    body: str,
) -> None:
    value = _cnpj(body)
    assert check_digits.cnpj_ok(value) is False
    assert check_digits.is_valid_cnpj(pd.Series([value])).tolist() == [False]


@pytest.mark.parametrize(
    "value",
    [
        _cnpj(CNPJ_BODY)[:13],  # one check digit missing
        _cnpj(CNPJ_BODY) + "0",
        CNPJ_BODY,
        "",
        CNPJ_BODY + "3A",  # a letter as check digit
        "00000000000000",
    ],
)
def test_cnpj_ok_refuses_wrong_lengths_and_check_characters(value: str) -> None:
    assert check_digits.cnpj_ok(value) is False


@pytest.mark.parametrize(
    ("check", "per_value", "values"),
    [
        (check_digits.is_valid_cpf, check_digits.cpf_ok,
         [CPF, "11111111111", "529.982.247-25", "529 982 247 25", None, CPF[:10] + "4",
          "00000000000"]),
        (check_digits.is_valid_cnpj, check_digits.cnpj_ok,
         [_cnpj(CNPJ_BODY), "11111111111111", "11.222.333/0001-81", None,
          "12.ABC.345/01DE-35", "12.abc.345/01de-35", "11.222.333/0001-80"]),
    ],
)
def test_the_vectorised_forms_judge_each_row_of_a_mixed_column_like_the_per_value_form(
    check: object, per_value: object, values: list[str | None],
) -> None:
    # One column mixing valid, formatted, repeated-digit and missing values: each row gets
    # its own verdict (a column-wide shortcut would let 111.111.111-11 ride on a valid row).
    column = pd.Series(values, dtype="string", index=range(100, 100 + len(values)))
    result = check(column)
    assert result.dtype == bool
    assert result.index.equals(column.index)
    expected = [v is not None and per_value(v) for v in values]
    assert result.tolist() == expected
    assert expected[:3] == [True, False, True]  # valid, repeated digits, formatted


@pytest.mark.parametrize("dtype", ["string[pyarrow]", "string[python]", object])
def test_repeated_values_get_the_verdict_of_their_value_in_every_row(dtype: object) -> None:
    # The vectorised forms judge each distinct value once (a day's items repeat a few
    # thousand merchants' CNPJs) and map the verdicts back to every row.
    cnpjs = [_cnpj(CNPJ_BODY), "11.222.333/0001-80", None, "11111111111111"]
    cpfs = [CPF, "52998224724", None, "111.111.111-11", ARABIC_INDIC]
    for check, per_value, values in ((check_digits.is_valid_cnpj, check_digits.cnpj_ok, cnpjs),
                                     (check_digits.is_valid_cpf, check_digits.cpf_ok, cpfs)):
        rows = [values[i % len(values)] for i in (0, 1, 0, 2, 3, 1, 2, 0, 4, 3, 4)]
        column = pd.Series(rows, dtype=dtype, index=range(50, 50 + len(rows)))
        result = check(column)
        assert result.index.equals(column.index)
        assert result.tolist() == [v is not None and per_value(v) for v in rows]
        assert result.any() and not result.all()


@pytest.mark.parametrize("form", [check_digits.is_valid_cpf, check_digits.is_valid_cnpj])
def test_a_missing_value_is_invalid_even_last_or_alone(form: object) -> None:
    # The vectorised forms give missing values the extra False after the distinct values'
    # verdicts (code -1): without it a missing value took the last distinct value's
    # verdict, and a column with no value at all (a day whose merchants all lack a CNPJ)
    # raised IndexError.
    valid = CPF if form is check_digits.is_valid_cpf else _cnpj(CNPJ_BODY)
    assert form(pd.Series([valid, None], dtype="string")).tolist() == [True, False]
    empty = form(pd.Series([None, None], dtype="string", index=[3, 4]))
    assert empty.tolist() == [False, False] and empty.index.tolist() == [3, 4]
