"""The Arrow plumbing under every repair and validator, on hand-written values: the
conversions both ways, the trim, sliced arrays (a non-zero offset into shared buffers)
and fixed-width views (docs/testing.md, "quality")."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from ouchhungry_dp.quality import _arrow as a


def values(arr: pa.Array) -> list[str | None]:
    return arr.to_pylist()


def test_as_text_converts_every_text_form_and_keeps_the_index() -> None:
    index = pd.Index([5, 3])
    native = pd.Series(["a", None], dtype="string[pyarrow]", index=index)
    assert a.as_text(native) is native
    for arrow_type in (pa.string(), pa.large_string()):
        series = pd.Series(["a", None], dtype=pd.ArrowDtype(arrow_type), index=index)
        text = a.as_text(series)
        assert text.dtype == a.TEXT and text.index.equals(index)
        assert text.tolist() == ["a", pd.NA]
    chunked = pd.Series(pd.arrays.ArrowExtensionArray(pa.chunked_array([["a"], ["b", None]])))
    assert a.as_text(chunked).tolist() == ["a", "b", pd.NA]
    numbers = a.as_text(pd.Series([1, 2], dtype=pd.ArrowDtype(pa.int64())))
    assert numbers.dtype == a.TEXT and numbers.tolist() == ["1", "2"]
    assert a.as_text(pd.Series(["x", None], dtype=object)).tolist() == ["x", pd.NA]


@pytest.mark.parametrize("blank", ["\t", "\n", "\x0b", "\x0c", "\r", " ", "\u00a0", "\u2003"])
def test_text_array_trims_each_kind_of_blank_at_either_end(blank: str) -> None:
    series = pd.Series([f"{blank}x", f"y{blank}", blank, "z"], dtype="string[pyarrow]")
    assert values(a.text_array(series)) == ["x", "y", None, "z"]


def test_text_array_blanks_without_a_trim_and_on_a_slice() -> None:
    assert values(a.text_array(pd.Series(["a", "", "b c", None], dtype="string[pyarrow]"))) == [
        "a", None, "b c", None]
    column = pd.Series([" a", "", "b", " c ", ""], dtype="string[pyarrow]")
    assert values(a.text_array(column.iloc[1:])) == [None, "b", "c", None]
    assert values(a.text_array(column.iloc[2:3])) == ["b"]
    assert values(a.text_array(pd.Series([None, None], dtype="string[pyarrow]"))) == [None, None]
    assert values(a.text_array(pd.Series([], dtype="string[pyarrow]"))) == []
    two_chunks = pd.concat([pd.Series([" a"], dtype="string[pyarrow]"),
                            pd.Series(["", "b "], dtype="string[pyarrow]")], ignore_index=True)
    assert values(a.text_array(two_chunks)) == ["a", None, "b"]


def test_with_validity_on_a_slice() -> None:
    arr = pa.array(["a", "b", "c", "d"], pa.large_string()).slice(1)
    assert values(a.with_validity(arr, np.array([True, False, True]))) == ["b", None, "d"]


def test_string_buffers_of_a_slice_and_of_nulls_only() -> None:
    offsets, data = a.string_buffers(pa.array(["ab", "c", "def"], pa.string()).slice(1))
    assert offsets.tolist() == [2, 3, 6] and offsets.dtype == np.int64
    assert bytes(data[2:6]) == b"cdef"
    offsets, _ = a.string_buffers(pa.nulls(2, pa.large_string()))
    assert offsets.tolist() == [0, 0, 0]


def test_fixed_width_rows() -> None:
    arr = pa.array(["zz", "abc", None, "ab", "xyz", "abcd"], pa.large_string()).slice(1)
    rows, matrix = a.fixed_width_rows(arr, 3)
    assert rows.tolist() == [0, 3]
    assert matrix.dtype == np.uint8 and matrix.tolist() == [[97, 98, 99], [120, 121, 122]]
    rows, matrix = a.fixed_width_rows(arr, 7)
    assert rows.tolist() == [] and matrix.shape == (0, 7) and matrix.dtype == np.uint8


def test_series_conversions_keep_the_index() -> None:
    index = pd.Index([9, 8, 7])
    text = a.to_text_series(pa.array(["a", None, "c"], pa.string()), index)
    assert text.dtype == a.TEXT and text.index.equals(index)
    flags = a.to_bool_series(pa.array([True, None, False]), index)
    assert flags.dtype == np.bool_ and flags.tolist() == [True, False, False]
    assert flags.index.equals(index)


def test_full_match_and_remove() -> None:
    arr = pa.array(["ab", "abc", "xab", None])
    assert values(a.full_match(arr, "a|ab")) == [True, False, False, None]
    assert values(a.remove(arr, "b")) == ["a", "ac", "xa", None]


def test_char_matrix() -> None:
    matrix = a.char_matrix(pa.array(["zz", "ab", "cd"], pa.string()).slice(1), 2)
    assert matrix.dtype == np.int64 and matrix.tolist() == [[97, 98], [99, 100]]
    middle = a.char_matrix(pa.array(["zz", "ab", "cd"], pa.large_string()).slice(1, 1), 2)
    assert middle.tolist() == [[97, 98]]
    empty = a.char_matrix(pa.array([], pa.string()), 3)
    assert empty.shape == (0, 3) and empty.dtype == np.int64
    with pytest.raises(ValueError, match=r"^char_matrix needs values of equal width$"):
        a.char_matrix(pa.array(["ab", "c"]), 2)
