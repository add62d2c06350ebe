"""``RawTable`` keeps each column as pieces plus row positions and takes it once at the
end (issue 12: the simulated day of 1M order items concatenated and took every column
again per patch round and per kind of copies). Same frame and labels as the eager table
it replaced, kept below as the oracle, for any sequence of patches and copies."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ouchhungry_dp.simulation.injection import RawTable, _flat
from ouchhungry_dp.simulation.simulation_config import SimulatedTable


class EagerRawTable(RawTable):
    """The previous implementation of the columns (labels and order are shared): every
    patch round and every kind of copies materialises them."""

    def apply_patches(self) -> None:
        for column, patches in self._patches.items():
            base = self.columns[column]
            index = np.arange(len(base), dtype=np.int64)
            offset = len(base)
            for rows, _ in patches:
                index[rows] = offset + np.arange(len(rows))
                offset += len(rows)
            chunks = [base, *(values.cast(pa.string()) for _, values in patches)]
            self.columns[column] = pa.concat_arrays(chunks).take(pa.array(index))
        self._patches.clear()

    def _copy_columns(self, source_rows: np.ndarray, overrides: Mapping[str, pa.Array]) -> None:
        taker = pa.array(source_rows)
        for column, values in self.columns.items():
            extra = _flat(
                overrides[column].cast(pa.string()) if column in overrides else values.take(taker)
            )
            self.columns[column] = pa.concat_arrays([values, extra])

    def _column_in(self, column: str, order: np.ndarray) -> pa.Array:
        return self.columns[column].take(pa.array(order))


COLUMNS = ("key", "amount", "note")
KINDS = {"amount": "money_brl_format", "note": "null_required", "key": "null_required"}


def _run(table_type: type[RawTable], n: int, seed: int, rounds: list[list[tuple[str, int]]],
         copies: list[tuple[int, bool, bool]]) -> SimulatedTable:
    rng = np.random.default_rng(seed)
    base = {c: pa.array([None if i % 7 == 3 and c == "note" else f"{c}{i}" for i in range(n)])
            for c in COLUMNS}
    table = table_type(columns=base, sort_key=np.arange(n, dtype=np.int64))
    for patches in rounds:  # a round of patches, then applied (as the simulators do)
        for column, k in patches:
            rows = np.sort(rng.choice(n, min(k, n), replace=False))
            values = [None if v % 5 == 0 else f"p{v}" for v in rng.integers(0, 99, rows.size)]
            # A chunked result, as some pyarrow.compute functions return.
            table.patch(KINDS[column], column, rows,
                        pa.chunked_array([pa.array(values[:1], pa.string()),
                                          pa.array(values[1:], pa.string())]))
        table.apply_patches()
    for k, stale, after in copies:
        rows = np.sort(rng.choice(table.n_rows, min(k, table.n_rows), replace=False))
        overrides = {"amount": pa.array([f"o{r}" for r in rows])} if stale else None
        kind = "duplicate_stale_version" if stale else "duplicate_exact"
        table.append_copies(kind, "key", rows, overrides, after_source=after)
    return table.finish(rng, list(COLUMNS))


@settings(max_examples=120, deadline=None)
@given(n=st.integers(1, 60), seed=st.integers(0, 2**16),
       rounds=st.lists(st.lists(st.tuples(st.sampled_from(COLUMNS), st.integers(0, 20)),
                                max_size=4), max_size=3),
       copies=st.lists(st.tuples(st.integers(0, 15), st.booleans(), st.booleans()), max_size=3))
def test_the_table_of_pieces_is_the_eager_table(n: int, seed: int,
                                                rounds: list[list[tuple[str, int]]],
                                                copies: list[tuple[int, bool, bool]]) -> None:
    fast = _run(RawTable, n, seed, rounds, copies)
    eager = _run(EagerRawTable, n, seed, rounds, copies)
    pd.testing.assert_frame_equal(fast.frame, eager.frame)
    pd.testing.assert_frame_equal(fast.defects, eager.defects)


def test_a_patch_with_another_number_of_values_is_refused() -> None:
    table = RawTable(columns={"key": pa.array(["a", "b"])}, sort_key=np.arange(2))
    with pytest.raises(ValueError, match="1 values for 2 rows of 'key'"):
        table.patch("null_required", "key", np.array([0, 1]), pa.array(["x"]))
