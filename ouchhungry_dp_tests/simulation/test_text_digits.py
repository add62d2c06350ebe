"""``text.zero_padded`` (every id, date and amount of the simulated source is built from
it) against Python's own formatting: the last ``width`` digits, zero-padded, for 32-bit
and 64-bit values and odd and even widths."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ouchhungry_dp.simulation.text import chars, zero_padded


@settings(max_examples=300, deadline=None)
@given(values=st.lists(st.one_of(st.integers(0, 2**31 - 1), st.integers(0, 2**62)),
                       max_size=30),
       width=st.integers(1, 14))
def test_zero_padded_is_the_last_digits_of_each_value(values: list[int], width: int) -> None:
    matrix = zero_padded(np.array(values, dtype=np.int64), width)
    assert matrix.shape == (len(values), width) and matrix.dtype == np.uint8
    text = chars(["<", matrix, ">"], len(values)).to_pylist()
    assert text == [f"<{v % 10**width:0{width}d}>" for v in values]
