"""A second, independent implementation of the check digits, for the cleaned-table schemas.

The cleaning validates CPF, CNPJ and EAN-13 with vectorised matrix code
(``validators.py``). If the schemas called the same code, a bug there would pass the
cleaning and its safety net alike. These functions share nothing with it: plain
Python on one value at a time, written from the published algorithms in another
formulation (weights cycled from the right, ``11 - remainder`` capped at 10 -> 0),
with a vectorised form of the same formulation for the schemas' large columns.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

_SEPARATORS = str.maketrans("", "", "./- ")


def _mod11(body: str) -> int:
    """Receita Federal modulo 11: weights 2, 3, ... 9, 2, 3 ... from the rightmost char."""
    total = 0
    for position, char in enumerate(reversed(body)):
        total += (ord(char) - ord("0")) * (2 + position % 8)
    digit = 11 - total % 11
    return 0 if digit >= 10 else digit


def cpf_ok(value: str) -> bool:
    digits = value.translate(_SEPARATORS)
    if len(digits) != 11 or not digits.isascii() or not digits.isdigit():
        return False
    if digits == digits[0] * 11:
        return False
    # CPF weights run 2..11 from the right (no wrap at 9, unlike CNPJ): 10 and 11 chars.
    first = 11 - sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    second_body = digits[:9] + str(0 if first >= 10 else first)
    second = 11 - sum(int(d) * w for d, w in zip(second_body, range(11, 1, -1), strict=True)) % 11
    return digits[9:] == f"{0 if first >= 10 else first}{0 if second >= 10 else second}"


def cnpj_ok(value: str) -> bool:
    """Numeric or alphanumeric CNPJ: 12 chars of [0-9A-Z] (char value = ASCII - 48) + 2 digits."""
    chars = value.translate(_SEPARATORS).upper()
    body, check = chars[:12], chars[12:]
    if len(chars) != 14 or not check.isascii() or not check.isdigit():
        return False
    if any(not ("0" <= c <= "9" or "A" <= c <= "Z") for c in body):
        return False
    if chars == chars[0] * 14:
        return False
    first = _mod11(body)
    return check == f"{first}{_mod11(body + str(first))}"


def ean13_ok(value: str) -> bool:
    digits = value.strip()
    if len(digits) != 13 or not digits.isascii() or not digits.isdigit() or set(digits) == {"0"}:
        return False
    # From the right, the payload's digits weigh 3, 1, 3, ...
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits[:12])))
    return int(digits[12]) == (10 - total % 10) % 10


def per_distinct(rule: Callable[[str], bool], values: pd.Series) -> pd.Series:
    """The rule on a Series: each distinct present value judged once; missing -> False."""
    valid = [value for value in values.dropna().unique() if rule(str(value))]
    return values.isin(valid).fillna(False).astype(bool)


def _digit_rows(values: pd.Series, pattern: str, width: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows of the right shape, their characters as ASCII - 48, one row each). Built from
    Python bytes, not from the cleaning's Arrow buffers."""
    text = values.astype("string").str.replace(r"[./\- ]", "", regex=True).str.upper()
    shaped = text.str.fullmatch(pattern).fillna(False).to_numpy(dtype=bool)
    blob = "".join(text[shaped].tolist()).encode("ascii")
    codes = np.frombuffer(blob, dtype=np.uint8).reshape(-1, width).astype(np.int64) - 48
    return shaped, codes


def _mod11_from_right(body: np.ndarray, wrap: int | None) -> np.ndarray:
    """``_mod11`` for a whole matrix: weights 2, 3, ... from the rightmost column
    (cycling back to 2 after 9 when ``wrap`` is 8, as CNPJ does; CPF does not wrap)."""
    steps = np.arange(body.shape[1])[::-1]
    weights = 2 + (steps % wrap if wrap else steps)
    digit = 11 - (body * weights).sum(axis=1) % 11
    return np.where(digit >= 10, 0, digit)


def _vectorised(values: pd.Series, pattern: str, width: int, body: int, wrap: int | None
                ) -> pd.Series:
    # Each distinct value judged once: a day's million order items name a few thousand
    # merchants' CNPJs. Missing values get code -1, the extra False at the end.
    rows, distinct = pd.factorize(values)
    shaped, codes = _digit_rows(pd.Series(distinct), pattern, width)
    first = _mod11_from_right(codes[:, :body], wrap)
    second = _mod11_from_right(np.column_stack([codes[:, :body], first]), wrap)
    ok = (first == codes[:, body]) & (second == codes[:, body + 1])
    ok &= (codes != codes[:, :1]).any(axis=1)  # 111.111.111-11 passes the sums, is no CPF
    judged = np.zeros(len(distinct) + 1, dtype=bool)
    judged[np.flatnonzero(shaped)] = ok
    return pd.Series(judged[rows], index=values.index)


# Vectorised for the schemas (millions of customers); the per-value functions above are
# the readable statement of the same rules, and the tests hold all of them to agree.
# Plain functions, not closures built at import: mutation testing (mutmut) switches a
# mutant on per call, so code that only runs at import could never be shown to matter.
# ``[0-9]``, not ``\d``: Python's ``\d`` is any Unicode digit (Arabic-Indic...), which then
# failed the ASCII encoding above instead of being refused.
def is_valid_cpf(values: pd.Series) -> pd.Series:
    return _vectorised(values, r"[0-9]{11}", 11, 9, None)


def is_valid_cnpj(values: pd.Series) -> pd.Series:
    return _vectorised(values, r"[0-9A-Z]{12}[0-9]{2}", 14, 12, 8)


def is_valid_ean13(values: pd.Series) -> pd.Series:
    return per_distinct(ean13_ok, values)  # a catalogue: a few thousand values
