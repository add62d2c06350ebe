"""Brazilian documents with real check digits, generated and formatted vectorised.

CPF and CNPJ use the Receita Federal mod-11 rules; the alphanumeric CNPJ (issued
since July 2026) keeps those rules with each character worth ``ord(c) - 48``
(so '0'-'9' are 0-9 and 'A' is 17). EAN-13 uses the GS1 mod-10 rule; Brazilian
GS1 prefixes start with 789.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ouchhungry_dp.simulation.text import ascii_digits, chars, digit_matrix

_CNPJ_W1 = np.array([5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2])
_CNPJ_W2 = np.array([6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2])
_ALNUM = np.frombuffer(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", dtype=np.uint8)


def cpf_digits(rng: np.random.Generator, n: int) -> np.ndarray:
    """(n, 11) digits of distinct valid CPFs; bases of one repeated digit are avoided."""
    numbers = rng.choice(10**9, size=n + 10, replace=False)
    repeated = numbers % 111_111_111 == 0  # 000000000, 111111111, ..., 999999999
    base = digit_matrix(numbers[~repeated][:n], 9)
    first = (base @ np.arange(10, 1, -1)) * 10 % 11 % 10
    with_first = np.column_stack([base, first])
    second = (with_first @ np.arange(11, 1, -1)) * 10 % 11 % 10
    return np.column_stack([with_first, second])


def _cnpj_dv(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    remainder = (values @ weights) % 11
    return np.where(remainder < 2, 0, 11 - remainder)


def cnpj_chars(rng: np.random.Generator, n: int, alphanumeric: bool) -> np.ndarray:
    """(n, 14) ASCII codes of valid CNPJs: 8-char root, 4-char branch, 2 check digits."""
    if alphanumeric:
        body = _ALNUM[rng.integers(0, _ALNUM.size, size=(n, 12))]
        # At least one letter, else it is an ordinary numeric CNPJ.
        body[:, 2] = _ALNUM[rng.integers(10, _ALNUM.size, size=n)]
    else:
        root = rng.integers(0, 10, size=(n, 8))
        branch = np.column_stack(
            [np.zeros((n, 3), dtype=np.int64), rng.choice([1, 1, 1, 2, 3], size=n)]
        )
        body = ascii_digits(np.column_stack([root, branch]))
    values = body.astype(np.int64) - 48
    first = _cnpj_dv(values, _CNPJ_W1)
    second = _cnpj_dv(np.column_stack([values, first]), _CNPJ_W2)
    return np.column_stack([body, ascii_digits(np.column_stack([first, second]))])


def ean13_digits(prefixes: np.ndarray) -> np.ndarray:
    """(n, 13) digits of EAN-13 codes from (n, 12) digit prefixes (check digit appended)."""
    weights = np.tile([1, 3], 6)
    check = (10 - (prefixes @ weights) % 10) % 10
    return np.column_stack([prefixes, check])


def format_cpf(digits: np.ndarray) -> pa.Array:
    d = ascii_digits(digits)
    n = d.shape[0]
    return chars([d[:, 0:3], ".", d[:, 3:6], ".", d[:, 6:9], "-", d[:, 9:11]], n)


def bare(codes: np.ndarray) -> pa.Array:
    """Unformatted text of an ASCII code matrix."""
    return chars([codes], codes.shape[0])


def format_cnpj(codes: np.ndarray) -> pa.Array:
    n = codes.shape[0]
    c = codes
    return chars([c[:, 0:2], ".", c[:, 2:5], ".", c[:, 5:8], "/", c[:, 8:12], "-", c[:, 12:]], n)


def spoil_last_digit(rng: np.random.Generator, digits: np.ndarray) -> np.ndarray:
    """Copy with the last check digit replaced by any other digit (always invalid)."""
    spoiled = digits.copy()
    spoiled[:, -1] = (spoiled[:, -1] + rng.integers(1, 10, size=len(spoiled))) % 10
    return spoiled


def repeated_digits(rng: np.random.Generator, n: int, width: int) -> np.ndarray:
    """'111.111.111-11'-like documents: well formed, rejected by rule."""
    return np.repeat(rng.integers(0, 10, size=(n, 1)), width, axis=1)
