"""Arrow plumbing shared by validators and repairs (no Dagster import).

Every public function receives a ``pandas.Series`` of raw text. Working on the
underlying Arrow array lets the hot path run in Arrow's C++ kernels (RE2 regexes,
UTF-8 normalisation, casts) instead of per-row Python; this module converts
both ways and keeps the caller's index.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

TEXT = pd.StringDtype("pyarrow")


def as_text(values: pd.Series) -> pd.Series:
    """The Series as ``string[pyarrow]``; Arrow-backed input is re-wrapped, not copied."""
    if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
        return values
    arrow_type = getattr(values.dtype, "pyarrow_dtype", None)
    if isinstance(values.dtype, pd.ArrowDtype) and (
        pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type)
    ):
        arr = pa.array(values.array)
        arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
        return to_text_series(arr, values.index)
    return values.astype(TEXT)


def text_array(values: pd.Series) -> pa.Array:
    """The values as an Arrow string array: trimmed, empty strings turned into nulls.

    Cheap on text that is already clean (the engine trims each column once and hands
    the trimmed text to the parsers): the trim runs only when some value starts or
    ends with a byte that may be white space, and blanks become nulls through the
    validity bitmap, without copying the strings.
    """
    arr = pa.array(as_text(values).array)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    valid = pc.is_valid(arr).to_numpy(zero_copy_only=False)
    offsets, data = string_buffers(arr)
    lengths = np.diff(offsets)
    filled = valid & (lengths > 0)
    if filled.any():
        starts, ends = offsets[:-1][filled], offsets[1:][filled] - 1
        if (_MAYBE_SPACE[data[starts]] | _MAYBE_SPACE[data[ends]]).any():
            arr = pc.utf8_trim_whitespace(arr)
            offsets, _ = string_buffers(arr)
            lengths = np.diff(offsets)
    blank = valid & (lengths == 0)
    return with_validity(arr, valid & ~blank) if blank.any() else arr


# Bytes that may open or close white space: ASCII blanks and any non-ASCII byte.
_MAYBE_SPACE = np.zeros(256, dtype=bool)
_MAYBE_SPACE[[9, 10, 11, 12, 13, 32]] = True
_MAYBE_SPACE[128:] = True


def string_buffers(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(offsets of the array's values, n + 1 of them; the UTF-8 data buffer), zero-copy."""
    n = len(arr)
    width = np.int64 if pa.types.is_large_string(arr.type) else np.int32
    buffers = arr.buffers()
    if buffers[1] is None:
        return np.zeros(n + 1, dtype=np.int64), np.zeros(0, dtype=np.uint8)
    offsets = np.frombuffer(buffers[1], dtype=width)[arr.offset : arr.offset + n + 1]
    data = (
        np.zeros(0, dtype=np.uint8) if buffers[2] is None else np.frombuffer(buffers[2], np.uint8)
    )
    return offsets.astype(np.int64), data


def with_validity(arr: pa.Array, keep: np.ndarray) -> pa.Array:
    """The same strings (buffers shared) with nulls wherever ``keep`` is False."""
    bits = np.packbits(np.concatenate([np.zeros(arr.offset, dtype=bool), keep]), bitorder="little")
    return pa.Array.from_buffers(
        arr.type, len(arr), [pa.py_buffer(bits.tobytes()), *arr.buffers()[1:]], offset=arr.offset
    )


def fixed_width_rows(arr: pa.Array, width: int) -> tuple[np.ndarray, np.ndarray]:
    """(positions of the non-null values exactly ``width`` bytes long, their bytes as a
    (k, width) uint8 matrix): Arrow's filter packs them back to back, a reshape does the rest."""
    offsets, _ = string_buffers(arr)
    keep = pc.is_valid(arr).to_numpy(zero_copy_only=False) & (np.diff(offsets) == width)
    rows = np.flatnonzero(keep)
    if len(rows) == 0:
        return rows, np.zeros((0, width), dtype=np.uint8)
    packed = arr.filter(pa.array(keep))
    offsets, data = string_buffers(packed)
    return rows, data[offsets[0] : offsets[-1]].reshape(len(rows), width)


def to_text_series(arr: pa.Array, index: pd.Index) -> pd.Series:
    return pd.Series(pd.arrays.ArrowStringArray(arr.cast(pa.large_string())), index=index)


def to_bool_series(arr: pa.Array, index: pd.Index) -> pd.Series:
    """Booleans with nulls read as False (a missing value is never valid)."""
    return pd.Series(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), index=index)


def full_match(arr: pa.Array, pattern: str) -> pa.Array:
    """RE2 full match; null stays null."""
    return pc.match_substring_regex(arr, f"^(?:{pattern})$")


def remove(arr: pa.Array, pattern: str) -> pa.Array:
    return pc.replace_substring_regex(arr, pattern, "")


def char_matrix(arr: pa.Array, width: int) -> np.ndarray:
    """ASCII codes of ``width``-character strings as an (n, width) int64 matrix.

    ``arr`` must be free of nulls and every value exactly ``width`` ASCII
    characters: then the values sit back to back in Arrow's data buffer and one
    reshape exposes them as a matrix, with no per-row Python.
    """
    arr = arr.cast(pa.large_string())
    n = len(arr)
    if n == 0:
        return np.zeros((0, width), dtype=np.int64)
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)[arr.offset : arr.offset + n + 1]
    start, end = int(offsets[0]), int(offsets[-1])
    if end - start != n * width:
        raise ValueError("char_matrix needs values of equal width")
    data = np.frombuffer(arr.buffers()[2], dtype=np.uint8)[start:end]
    return data.reshape(n, width).astype(np.int64)
