"""A second, independent implementation of the check digits, for the cleaned-table schemas.

The cleaning validates CPF, CNPJ and EAN-13 with vectorised matrix code
(``validators.py``). If the schemas called the same code, a bug there would pass the
cleaning and its safety net alike. These functions share nothing with it: plain
Python on one value at a time, written from the published algorithms in another
formulation (weights cycled from the right, ``11 - remainder`` capped at 10 -> 0),
run on each distinct value once so a million-row column costs a few thousand calls.
"""

from __future__ import annotations

from collections.abc import Callable

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


def per_distinct(rule: Callable[[str], bool]) -> Callable[[pd.Series], pd.Series]:
    """The rule on a Series: each distinct present value judged once; missing -> False."""

    def check(values: pd.Series) -> pd.Series:
        distinct = values.dropna().unique()
        verdict = {value: rule(str(value)) for value in distinct}
        return values.map(verdict).fillna(False).astype(bool)

    return check


is_valid_cpf = per_distinct(cpf_ok)
is_valid_cnpj = per_distinct(cnpj_ok)
is_valid_ean13 = per_distinct(ean13_ok)
