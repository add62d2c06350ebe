"""Defect planning and a raw table that records every change it is asked to make.

Planning decides which rows get which defect kind; the table then applies the
patches in bulk (positions into the columns' pieces, one take per column at the end, no
per-row work) and keeps the labels.

Rules that keep labels unambiguous for the data-quality suite:
* at most one kind per (row, column): the label says exactly what the cell is;
* a row copied by a duplicate kind carries no quarantine kind, so the copy's
  expected reason (duplicate_exact / superseded_version) is the only reason;
* copies keep the labels of the row they copy (the defects are really there).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from ouchhungry_dp.simulation.simulation_config import DEFECT_COLUMNS, DEFECT_KINDS, SimulatedTable

# Share of a kind's defects placed on rows that already carry another defect.
OVERLAP = 0.12


@dataclass(frozen=True)
class KindTarget:
    kind: str
    columns: tuple[str, ...]  # one of them is picked per defect
    eligible: np.ndarray | None = None  # rows where the kind can be applied
    copies_row: bool = False  # duplicate kinds: the defect is an added row


def plan_defects(
    rng: np.random.Generator,
    n_rows: int,
    rate: float,
    weights: Mapping[str, float],
    targets: Sequence[KindTarget],
) -> list[tuple[str, str, np.ndarray]]:
    """(kind, column, rows) assignments; about ``rate`` of the rows get at least one."""
    active = [t for t in targets if weights.get(t.kind, 0.0) > 0]
    if rate <= 0 or n_rows == 0 or not active:
        return []
    share = np.array([weights[t.kind] for t in active])
    total = rng.binomial(n_rows, min(1.0, rate / (1 - OVERLAP)))
    counts = rng.multinomial(total, share / share.sum())

    defective = np.zeros(n_rows, dtype=bool)
    quarantined = np.zeros(n_rows, dtype=bool)
    copied = np.zeros(n_rows, dtype=bool)
    used: dict[str, np.ndarray] = {}
    plan: list[tuple[str, str, np.ndarray]] = []
    # Row copies first, so quarantine kinds can keep off the rows they copy.
    order = sorted(range(len(active)), key=lambda i: not active[i].copies_row)
    for i in order:
        target = active[i]
        is_quarantine = DEFECT_KINDS[target.kind].outcome == "quarantine"
        per_column = rng.multinomial(
            counts[i], np.full(len(target.columns), 1 / len(target.columns))
        )
        for column, count in zip(target.columns, per_column, strict=True):
            if count == 0:
                continue
            taken = used.setdefault(column, np.zeros(n_rows, dtype=bool))
            free = ~taken if target.eligible is None else target.eligible & ~taken
            if target.copies_row:
                free &= ~quarantined & ~copied
            elif is_quarantine:
                free &= ~copied
            rows = _pick(rng, free, defective, count)
            taken[rows] = True
            defective[rows] = True
            if is_quarantine:
                quarantined[rows] = True
            if target.copies_row:
                copied[rows] = True
            plan.append((target.kind, column, rows))
    return plan


def _pick(
    rng: np.random.Generator, free: np.ndarray, defective: np.ndarray, count: int
) -> np.ndarray:
    overlap = rng.binomial(count, OVERLAP)
    chosen = []
    for pool, want in ((free & defective, overlap), (free & ~defective, count - overlap)):
        candidates = np.flatnonzero(pool)
        chosen.append(rng.choice(candidates, min(want, candidates.size), replace=False))
    rows = np.concatenate(chosen)
    if rows.size < count:  # one pool ran dry: top up from the other
        rest = np.setdiff1d(np.flatnonzero(free), rows, assume_unique=True)
        rows = np.concatenate(
            [rows, rng.choice(rest, min(count - rows.size, rest.size), replace=False)]
        )
    return np.sort(rows.astype(np.int64))


def _flat(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Some pyarrow.compute results come chunked; concatenation needs plain arrays."""
    if isinstance(values, pa.ChunkedArray):
        return values.combine_chunks()
    return values


@dataclass
class RawTable:
    """Text columns plus pending patches and labels (row positions are pre-shuffle).

    A column is kept as its pieces (the values it was built with, then each patch's and
    override's values) and, once changed, the position of every current row in them:
    patches and copies only move positions, and ``finish`` takes each column once. (Each
    patch round and each kind of copies used to concatenate and take whole columns
    again: ~1 s of a simulated day of 1M order items.)"""

    columns: dict[str, pa.Array]
    sort_key: np.ndarray  # export order of the base rows; copies follow their source
    # 1 for exact copies: they come after their source, so "the later copy" is the labelled one.
    _after: np.ndarray | None = None
    _patches: dict[str, list[tuple[np.ndarray, pa.Array]]] = field(default_factory=dict)
    _labels: list[tuple[np.ndarray, str, str]] = field(default_factory=list)
    _pieces: dict[str, list[pa.Array]] = field(default_factory=dict)
    # Row -> position in the column's concatenated pieces; absent: the first piece as is.
    _where: dict[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.columns = {name: _flat(values) for name, values in self.columns.items()}
        self._pieces = {name: [values] for name, values in self.columns.items()}
        self._after = np.zeros(self.sort_key.size, dtype=np.int8)

    @property
    def n_rows(self) -> int:
        return int(self.sort_key.size)

    def patch(self, kind: str, column: str, rows: np.ndarray, values: pa.Array) -> None:
        """Replace ``column`` at ``rows`` by ``values`` and label them with ``kind``."""
        self.replace(column, rows, values)
        self._labels.append((rows, column, kind))

    def replace(self, column: str, rows: np.ndarray, values: pa.Array) -> None:
        """Replace without a label (a consistent change that goes with a labelled one)."""
        if len(values) != len(rows):
            raise ValueError(f"{len(values)} values for {len(rows)} rows of {column!r}")
        self._patches.setdefault(column, []).append((rows, _flat(values)))

    def label(self, kind: str, column: str, rows: np.ndarray) -> None:
        self._labels.append((rows, column, kind))

    def _positions(self, column: str) -> np.ndarray:
        where = self._where.get(column)
        if where is None:
            return np.arange(len(self.columns[column]), dtype=np.int64)
        return where

    def _add_piece(self, column: str, values: pa.Array) -> np.ndarray:
        """Appends ``values`` to the column's pieces; their positions."""
        start = sum(len(piece) for piece in self._pieces[column])
        self._pieces[column].append(_flat(values.cast(pa.string())))
        return start + np.arange(len(values), dtype=np.int64)

    def apply_patches(self) -> None:
        for column, patches in self._patches.items():
            where = self._positions(column).copy()
            for rows, values in patches:  # in order: a later patch of a row wins
                where[rows] = self._add_piece(column, values)
            self._where[column] = where
        self._patches.clear()

    def append_copies(
        self,
        kind: str,
        key_column: str,
        source_rows: np.ndarray,
        overrides: Mapping[str, pa.Array] | None = None,
        after_source: bool = False,
    ) -> None:
        """Append copies of rows (after ``apply_patches``), optionally with some columns
        replaced; copies inherit the source's labels except on replaced columns.
        ``after_source`` puts each copy after its source in the export (else either side)."""
        overrides = overrides or {}
        start = self.n_rows
        new_rows = start + np.arange(source_rows.size, dtype=np.int64)
        self._copy_columns(source_rows, overrides)
        position = np.full(start, -1, dtype=np.int64)
        position[source_rows] = new_rows
        for rows, column, label_kind in list(self._labels):
            if column in overrides:
                continue
            moved = position[rows]
            moved = moved[moved >= 0]
            if moved.size:
                self._labels.append((moved, column, label_kind))
        self._labels.append((new_rows, key_column, kind))
        self.sort_key = np.concatenate([self.sort_key, self.sort_key[source_rows]])
        self._after = np.concatenate(
            [self._after, np.full(source_rows.size, int(after_source), dtype=np.int8)]
        )

    def _copy_columns(self, source_rows: np.ndarray, overrides: Mapping[str, pa.Array]) -> None:
        """Every column gets its ``source_rows`` again at the end (or the override)."""
        for column in self.columns:
            where = self._positions(column)
            copies = (self._add_piece(column, overrides[column]) if column in overrides
                      else where[source_rows])
            self._where[column] = np.concatenate([where, copies])

    def _column_in(self, column: str, order: np.ndarray) -> pa.Array:
        """The column's current rows taken in ``order``: one take of its pieces."""
        where = self._where.get(column)
        if where is None:
            return self.columns[column].take(pa.array(order))
        return pa.concat_arrays(self._pieces[column]).take(pa.array(where[order]))

    def finish(self, rng: np.random.Generator, order: Sequence[str]) -> SimulatedTable:
        self.apply_patches()
        # Export order: by key; copies land next to their source (stale versions on either side).
        permutation = np.lexsort((rng.random(self.n_rows), self._after, self.sort_key))
        final_position = np.empty_like(permutation)
        final_position[permutation] = np.arange(permutation.size)
        frame = pd.DataFrame(
            {name: pd.arrays.ArrowStringArray(self._column_in(name, permutation))
             for name in order}
        )
        return SimulatedTable(frame=frame, defects=self._defect_frame(final_position))

    def _defect_frame(self, final_position: np.ndarray) -> pd.DataFrame:
        sizes = [rows.size for rows, _, _ in self._labels]
        rows = (
            final_position[np.concatenate([r for r, _, _ in self._labels])]
            if self._labels
            else np.array([], dtype=np.int64)
        )

        def per_label(values: list[str | None]) -> pd.api.extensions.ExtensionArray:
            repeated = np.repeat(np.array(values, dtype=object), sizes)
            return pd.array(repeated, dtype="string[pyarrow]")

        specs = [(DEFECT_KINDS[kind], column) for _, column, kind in self._labels]
        defects = pd.DataFrame(
            {
                "row": rows.astype(np.int64),
                "column": per_label([column for _, column, _ in self._labels]),
                "kind": per_label([kind for _, _, kind in self._labels]),
                "outcome": per_label([spec.outcome for spec, _ in specs]),
                "reason": per_label([spec.reason_for(column) for spec, column in specs]),
            }
        )
        defects = defects.sort_values(["row", "column", "kind"], ignore_index=True)
        return defects[list(DEFECT_COLUMNS)]
