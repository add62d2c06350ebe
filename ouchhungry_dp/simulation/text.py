"""Vectorised text building on numpy character matrices and Arrow arrays.

Strings are assembled as (n, width) uint8 ASCII matrices and turned into Arrow
arrays in one go, so a million CPFs or timestamps cost a few numpy operations
instead of a million Python f-strings.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

Part = np.ndarray | str


def digit_matrix(values: np.ndarray, width: int) -> np.ndarray:
    """Zero-padded decimal digits of non-negative integers, shape (n, width), values 0-9."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (np.asarray(values, dtype=np.int64)[:, None] // powers) % 10


def chars(parts: Sequence[Part], n: int) -> pa.Array:
    """Concatenate fixed-width parts into an Arrow string array of length n.

    A part is either a literal (same text on every row) or an (n, k) matrix of
    ASCII codes; a matrix of digits 0-9 must be passed through ``ascii_digits``.
    """
    columns = []
    for part in parts:
        if isinstance(part, str):
            literal = np.frombuffer(part.encode("ascii"), dtype=np.uint8)
            columns.append(np.broadcast_to(literal, (n, literal.size)))
        else:
            columns.append(part.astype(np.uint8, copy=False).reshape(n, -1))
    matrix = np.ascontiguousarray(np.hstack(columns))
    width = matrix.shape[1]
    as_bytes = matrix.view(f"S{width}").ravel()
    return pa.array(as_bytes, type=pa.binary()).cast(pa.string())


def ascii_digits(digits: np.ndarray) -> np.ndarray:
    return (digits + 48).astype(np.uint8)


def zero_padded(values: np.ndarray, width: int) -> np.ndarray:
    """ASCII matrix of zero-padded integers (a part for ``chars``)."""
    return ascii_digits(digit_matrix(values, width))


def join(*parts: pa.Array | str) -> pa.Array:
    """Element-wise concatenation of Arrow string arrays and literals."""
    return pc.binary_join_element_wise(*parts, "")


def take(pool: Sequence[str] | pa.Array, codes: np.ndarray) -> pa.Array:
    """Strings of a small pool picked by integer codes (how names and cities are sampled)."""
    array = pool if isinstance(pool, pa.Array) else pa.array(list(pool), type=pa.string())
    return array.take(pa.array(np.asarray(codes, dtype=np.int64)))


def plain_money(cents: np.ndarray) -> pa.Array:
    """'1234.56': the clean export format (dot decimal, no thousands separator)."""
    cents = np.asarray(cents, dtype=np.int64)
    reais = pa.array(cents // 100).cast(pa.string())
    return join(reais, ".", chars([zero_padded(cents % 100, 2)], cents.size))


def brl_money(cents: np.ndarray, symbol: np.ndarray) -> pa.Array:
    """'R$ 1.234,56' (symbol True) or '1.234,56': Brazilian thousands and decimal marks."""
    cents = np.asarray(cents, dtype=np.int64)
    n = cents.size
    reais = cents // 100
    groups = [(reais // 1000**g) % 1000 for g in range(4)]  # groups[0] = lowest three digits
    padded = [chars([".", zero_padded(group, 3)], n) for group in groups]
    variants = []
    for leading in range(4):  # numbers with leading+1 groups of digits
        variants.append(join(pa.array(groups[leading]).cast(pa.string()), *padded[:leading][::-1]))
    n_groups = (reais >= 1_000).astype(int) + (reais >= 1_000_000) + (reais >= 1_000_000_000)
    integral = choose(variants, n_groups)
    text = join(integral, ",", chars([zero_padded(cents % 100, 2)], n))
    return pc.if_else(pa.array(np.asarray(symbol, dtype=bool)), join("R$ ", text), text)


def strftime(local_seconds: np.ndarray, fmt: str) -> pa.Array:
    """Format naive local timestamps (seconds since epoch, wall clock) with a C strftime."""
    stamps = pa.array(np.asarray(local_seconds, dtype=np.int64), type=pa.timestamp("s"))
    return pc.strftime(stamps, format=fmt)


def choose(options: Sequence[pa.Array], which: np.ndarray) -> pa.Array:
    """Row i takes ``options[which[i]][i]``: vectorised pick among equally long variants."""
    result = options[0]
    for index, option in enumerate(options[1:], start=1):
        result = pc.if_else(pa.array(which == index), option, result)
    return result


def strip_accents(values: pa.Array) -> pa.Array:
    """Remove diacritics (São -> Sao) with Arrow's UTF-8 normalisation."""
    decomposed = pc.utf8_normalize(values, form="NFKD")
    return pc.replace_substring_regex(decomposed, pattern=r"\p{Mn}", replacement="")
