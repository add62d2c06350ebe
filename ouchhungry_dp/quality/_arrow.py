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
    """The values as an Arrow string array: trimmed, empty strings turned into nulls."""
    arr = pa.array(as_text(values).array)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    trimmed = pc.utf8_trim_whitespace(arr)
    return pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, trimmed.type), trimmed)


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
