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
    The matrix becomes the Arrow data buffer as is (offsets are multiples of
    the width), so nothing is copied per string.
    """
    blocks = [
        np.frombuffer(part.encode("ascii"), dtype=np.uint8)
        if isinstance(part, str)
        else part.astype(np.uint8, copy=False).reshape(n, part.shape[-1])
        for part in parts
    ]
    widths = [block.shape[-1] for block in blocks]
    width = sum(widths)
    matrix = np.empty((n, width), dtype=np.uint8)
    start = 0
    for block, size in zip(blocks, widths, strict=True):
        matrix[:, start : start + size] = block
        start += size
    large = n * width >= 2**31 - 1
    offsets = np.arange(n + 1, dtype=np.int64 if large else np.int32) * width
    kind = pa.large_string() if large else pa.string()
    array = pa.Array.from_buffers(kind, n, [None, pa.py_buffer(offsets), pa.py_buffer(matrix)])
    return array.cast(pa.string()) if large else array


def ascii_digits(digits: np.ndarray) -> np.ndarray:
    return (digits + 48).astype(np.uint8)


# ASCII of "00".."99": two digits per division instead of one; each pair's two bytes read
# as one uint16, so a lookup moves one element instead of a row of two (~2.5x faster).
_PAIRS = np.array([[48 + i // 10, 48 + i % 10] for i in range(100)], dtype=np.uint8)
_PAIRS16 = _PAIRS.view(np.uint16).ravel()


def zero_padded(values: np.ndarray, width: int) -> np.ndarray:
    """ASCII matrix of zero-padded non-negative integers (a part for ``chars``): the
    last ``width`` digits of each value."""
    remaining = np.asarray(values, dtype=np.int64)
    if remaining.size and remaining.max() < 2**31:
        remaining = remaining.astype(np.int32)  # 32-bit division is several times faster
    pairs = (width + 1) // 2
    out = np.empty((remaining.size, pairs), dtype=np.uint16)
    for pair in range(pairs - 1, -1, -1):
        remaining, last = np.divmod(remaining, 100)
        out[:, pair] = _PAIRS16[last]
    # The uint16s' bytes are the pairs' bytes in memory order, whatever the endianness.
    return out.view(np.uint8)[:, 2 * pairs - width :]


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


def iso_timestamp(local_seconds: np.ndarray, suffix: str, separator: str = "T") -> pa.Array:
    """'YYYY-MM-DDTHH:MM:SS' + suffix from character matrices: ~10x faster than strftime."""
    seconds = np.asarray(local_seconds, dtype=np.int64)
    days = seconds // 86_400
    clock = (seconds - days * 86_400).astype(np.int32)
    calendar = days.astype("datetime64[D]")
    year = calendar.astype("datetime64[Y]")
    month = calendar.astype("datetime64[M]")
    parts = [
        zero_padded(year.astype(np.int64) + 1970, 4), "-",
        zero_padded((month - year).astype(np.int64) + 1, 2), "-",
        zero_padded((calendar - month).astype(np.int64) + 1, 2), separator,
        zero_padded(clock // 3600, 2), ":",
        zero_padded(clock // 60 % 60, 2), ":",
        zero_padded(clock % 60, 2),
    ]  # fmt: skip
    if suffix:
        parts.append(suffix)
    return chars(parts, seconds.size)


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
