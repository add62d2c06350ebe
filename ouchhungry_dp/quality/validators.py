"""Validators: raw text in, booleans out (no Dagster import).

Each function takes a ``pandas.Series`` of raw text and returns a boolean Series
with the same index. Surrounding white space is ignored, formatted and bare
identifiers are both accepted, and a missing value is simply ``False``.

Check digits are computed on whole columns at once: the normalised identifiers
are laid out as an (n, width) matrix of character codes and the weighted sums
are one numpy dot product (see ``_arrow.char_matrix``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ouchhungry_dp.quality._arrow import char_matrix, full_match, text_array, to_bool_series
from ouchhungry_dp.quality.reference import valid_ddds
from ouchhungry_dp.quality.repair import (
    normalize_cep,
    normalize_cnpj,
    normalize_cpf,
    normalize_phone_br,
)

# Pragmatic RFC 5322 subset (the WHATWG "valid e-mail address" grammar) plus a
# top-level domain of letters: rejects ``joao@`` and ``maria.gmail.com``.
EMAIL_PATTERN = (
    r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}"
)
# Segment prefix - brand prefix - number, e.g. REF-HNG-0350 (catalogue format).
PRODUCT_CODE_PATTERN = r"[A-Z]{3}-[A-Z]{3}-\d{4}"

_CPF_WEIGHTS_1 = np.arange(10, 1, -1)
_CPF_WEIGHTS_2 = np.arange(11, 1, -1)
_CNPJ_WEIGHTS_1 = np.array([5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2])
_CNPJ_WEIGHTS_2 = np.array([6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2])


def _mod11_digit(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Receita Federal's modulo-11 check digit: remainder < 2 -> 0, else 11 - remainder."""
    remainder = (values @ weights) % 11
    return np.where(remainder < 2, 0, 11 - remainder)


def _check_matrix(normalised: pd.Series, width: int) -> tuple[np.ndarray, np.ndarray]:
    """(positions of non-missing values, their character codes - 48)."""
    arr = pa.array(normalised.array)
    present = np.flatnonzero(pc.is_valid(arr).to_numpy(zero_copy_only=False))
    codes = char_matrix(arr.filter(pc.is_valid(arr)), width) - 48
    return present, codes


def _not_repeated(codes: np.ndarray) -> np.ndarray:
    return ~(codes == codes[:, :1]).all(axis=1)


def is_valid_cpf(values: pd.Series) -> pd.Series:
    """CPF with correct check digits; ``111.111.111-11`` and other repeated digits rejected."""
    return cpf_digits_valid(normalize_cpf(values))


def cpf_digits_valid(normalised: pd.Series) -> pd.Series:
    """``is_valid_cpf`` for values already normalised to 11 digits (or missing)."""
    present, codes = _check_matrix(normalised, 11)
    ok = (
        (_mod11_digit(codes[:, :9], _CPF_WEIGHTS_1) == codes[:, 9])
        & (_mod11_digit(codes[:, :10], _CPF_WEIGHTS_2) == codes[:, 10])
        & _not_repeated(codes)
    )
    result = np.zeros(len(normalised), dtype=bool)
    result[present] = ok
    return pd.Series(result, index=normalised.index)


def is_valid_cnpj(values: pd.Series) -> pd.Series:
    """CNPJ, numeric or alphanumeric (12 characters [0-9A-Z] + 2 numeric check digits).

    Each character counts as its ASCII code - 48 (digits keep their value, A = 17),
    as the Receita Federal specifies for CNPJs issued since July 2026; the same
    modulo-11 algorithm then covers both kinds. Repeated digits are rejected.
    """
    return cnpj_chars_valid(normalize_cnpj(values))


def cnpj_chars_valid(normalised: pd.Series) -> pd.Series:
    """``is_valid_cnpj`` for values already normalised to 14 characters (or missing)."""
    present, codes = _check_matrix(normalised, 14)
    ok = (
        (_mod11_digit(codes[:, :12], _CNPJ_WEIGHTS_1) == codes[:, 12])
        & (_mod11_digit(codes[:, :13], _CNPJ_WEIGHTS_2) == codes[:, 13])
        & _not_repeated(codes)
    )
    result = np.zeros(len(normalised), dtype=bool)
    result[present] = ok
    return pd.Series(result, index=normalised.index)


def is_valid_ean13(values: pd.Series) -> pd.Series:
    """EAN-13 / GTIN-13: 13 digits, GS1 check digit (weights 1,3,...), not all zeros."""
    arr = text_array(values)
    shaped = pc.fill_null(full_match(arr, r"\d{13}"), False)
    present = np.flatnonzero(shaped.to_numpy(zero_copy_only=False))
    codes = char_matrix(arr.filter(shaped), 13) - 48
    weights = np.tile([1, 3], 6)
    check = (10 - (codes[:, :12] @ weights) % 10) % 10
    ok = (check == codes[:, 12]) & codes.any(axis=1)
    result = np.zeros(len(values), dtype=bool)
    result[present] = ok
    return pd.Series(result, index=values.index)


def is_valid_cep(values: pd.Series) -> pd.Series:
    """``NNNNN-NNN`` or 8 bare digits (``00000-000`` is not a CEP)."""
    return cep_valid(normalize_cep(values))


def cep_valid(normalised: pd.Series) -> pd.Series:
    """``is_valid_cep`` for values already normalised to ``NNNNN-NNN`` (or missing)."""
    return (normalised.notna() & (normalised != "00000-000")).fillna(False).astype(bool)


def is_valid_phone_br(values: pd.Series) -> pd.Series:
    """Brazilian phone: a DDD in use (from the IBGE reference) and a plausible subscriber
    number (mobile ``9`` + 8 digits, landline ``2``-``5`` + 7 digits); formatted, bare or
    with ``+55``."""
    return phone_e164_valid(normalize_phone_br(values))


def phone_e164_valid(normalised: pd.Series) -> pd.Series:
    """``is_valid_phone_br`` for values already in E.164 (or missing)."""
    e164 = pa.array(normalised.array)
    ddd = pc.utf8_slice_codeunits(e164, 3, 5)
    ddd_ok = pc.is_in(ddd, value_set=pa.array(sorted(valid_ddds()), pa.large_string()))
    number_ok = full_match(e164, r"\+55\d{2}(?:9\d{8}|[2-5]\d{7})")
    return to_bool_series(pc.and_(ddd_ok, number_ok), normalised.index)


def is_valid_email(values: pd.Series) -> pd.Series:
    """Syntactically valid address, any case; rejects ``joao@`` and ``maria.gmail.com``."""
    arr = pc.utf8_lower(text_array(values))
    return to_bool_series(full_match(arr, EMAIL_PATTERN), values.index)


def is_valid_product_code(values: pd.Series) -> pd.Series:
    """Catalogue format ``AAA-BBB-NNNN`` (upper case, as the catalogue writes it)."""
    return to_bool_series(full_match(text_array(values), PRODUCT_CODE_PATTERN), values.index)
