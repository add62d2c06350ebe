"""The rule engine: applies a table declaration to a raw extract (no Dagster import).

``apply_rules`` parses every declared column with its field kind and records, as
boolean row masks, each reason a row fails and each repair it needed.
``flag_duplicates`` adds the exact and business-key duplicates, and ``assemble``
splits the rows into the cleaned table and the quarantine (every reason kept,
raw values as received). All of it is column-at-a-time: masks are numpy arrays.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ouchhungry_dp.errors import DataQualityError
from ouchhungry_dp.quality._arrow import TEXT, as_text, full_match, text_array, to_text_series
from ouchhungry_dp.quality.rules import TableRules, get_kind


@dataclass
class CleaningResult:
    cleaned: pd.DataFrame  # exactly the CLEANED_* columns, typed
    quarantine: pd.DataFrame  # raw columns as text + partition_date, source_row, reasons
    repairs: dict[str, int]  # repair rule -> cleaned rows repaired by it
    reasons: dict[str, int]  # reason code -> rows quarantined with it


@dataclass
class RowMasks:
    """Named boolean row masks, accumulated with OR (insertion order = report order)."""

    n_rows: int
    masks: dict[str, np.ndarray] = field(default_factory=dict)

    def add(self, name: str, mask: np.ndarray | pd.Series) -> None:
        values = np.asarray(mask, dtype=bool)
        if name in self.masks:
            self.masks[name] = self.masks[name] | values
        else:
            self.masks[name] = values.copy()

    def any(self) -> np.ndarray:
        result = np.zeros(self.n_rows, dtype=bool)
        for mask in self.masks.values():
            result |= mask
        return result


@dataclass
class ParsedTable:
    values: dict[str, pd.Series]  # raw column -> parsed value (RangeIndex)
    reasons: RowMasks
    repairs: RowMasks
    codes: dict[str, pd.Series] = field(default_factory=dict)  # scoped column -> reference code


def _bool(values: pd.Series | pa.Array) -> np.ndarray:
    if isinstance(values, pd.Series):
        return values.fillna(False).to_numpy(dtype=bool)
    return pc.fill_null(values, False).to_numpy(zero_copy_only=False)


def check_columns(raw: pd.DataFrame, rules: TableRules, partition: str) -> pd.DataFrame:
    """The declared raw columns, positional index; a missing column is an error."""
    missing = [c for c in rules.raw_columns if c not in raw.columns]
    if missing:
        raise DataQualityError(
            f"raw {rules.table} extract lacks declared columns",
            partition=partition,
            detail=", ".join(missing),
            hint="The source export changed: compare it with ouchhungry_dp/tables.py.",
        )
    # One conversion up front: every rule then works on Arrow-backed text without copies.
    frame = raw.loc[:, list(rules.raw_columns)].reset_index(drop=True)
    return pd.DataFrame({name: as_text(frame[name]) for name in rules.raw_columns})


# Columns repeat a lot (a day has few merchants, products, cities, prices; at a million
# rows even timestamps repeat): a column whose first rows are at most this share
# distinct is worked on its distinct values only; one in between is hashed whole and
# decided on its own share.
_DISTINCT_SAMPLE = 4096
_DISTINCT_MAX_SHARE = 0.6
_DISTINCT_SURELY_UNIQUE = 0.99


def _distinct(text: pd.Series) -> tuple[pd.Series, np.ndarray | None]:
    """(the values to work on, each row's position among them or None: one per row).

    Every kind's parse and validate are per value, so results on the distinct values,
    taken back by position, are the results on the column."""
    arr = pa.array(as_text(text).array)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if len(arr) < 2 * _DISTINCT_SAMPLE:
        return text, None
    sample_share = len(pc.unique(arr.slice(0, _DISTINCT_SAMPLE))) / _DISTINCT_SAMPLE
    if sample_share > _DISTINCT_SURELY_UNIQUE:
        return text, None
    encoded = pc.dictionary_encode(arr, null_encoding="encode")
    if len(encoded.dictionary) > _DISTINCT_MAX_SHARE * len(arr):
        return text, None
    position = encoded.indices.to_numpy(zero_copy_only=False).astype(np.intp, copy=False)
    return to_text_series(encoded.dictionary, pd.RangeIndex(len(encoded.dictionary))), position


def _expand(values: pd.Series, position: np.ndarray | None, index: pd.Index) -> pd.Series:
    if position is None:
        return values
    return pd.Series(values.array.take(position), index=index, name=values.name)


def apply_rules(raw: pd.DataFrame, rules: TableRules) -> ParsedTable:
    n = len(raw)
    reasons, repairs = RowMasks(n), RowMasks(n)
    values: dict[str, pd.Series] = {}
    for column in rules.columns:
        kind = get_kind(column.kind)
        if kind.by_distinct_values:
            raw_text, position = _distinct(raw[column.name])
        else:
            raw_text, position = raw[column.name], None

        def rows(mask: np.ndarray, position: np.ndarray | None = position) -> np.ndarray:
            return mask if position is None else mask[position]

        # Trimmed once here; the parsers get this text, so their own trim finds nothing to do.
        trimmed = text_array(raw_text)
        present = _bool(pc.is_valid(trimmed))
        parsed = kind.parse(to_text_series(trimmed, raw_text.index))
        valid = _bool(kind.validate(parsed) if kind.validate else parsed.notna())
        reasons.add(kind.reason, rows(present & ~valid))
        if column.positive:
            reasons.add(f"non_positive_{column.name}", rows(valid & _bool(parsed.le(0))))
        if kind.repair_rule:
            # Against the text as received: surrounding blanks are a repair too.
            raw_arr = pa.array(as_text(raw_text).array)
            if kind.canonical:
                as_is = _bool(full_match(raw_arr, kind.canonical))
            else:
                as_is = _bool(pc.equal(raw_arr, pa.array(as_text(parsed).array)))
            repairs.add(kind.repair_rule, rows(present & valid & ~as_is))
        parsed = _expand(parsed, position, raw.index)
        present = rows(present)
        policy = column.null_policy
        if policy == "quarantine":
            reasons.add(f"missing_{column.name}", ~present)
        elif policy == "fill":
            parsed = parsed.mask(~present, column.fill_value)
            repairs.add(f"fill_{column.name}", ~present)
        values[column.name] = parsed
    table = ParsedTable(values, reasons, repairs)
    _resolve_scoped(raw, rules, table)
    return table


def _resolve_scoped(raw: pd.DataFrame, rules: TableRules, table: ParsedTable) -> None:
    """Columns judged inside another one (a city inside its UF), once every column is parsed.

    Only rows whose scope value is valid are judged: a wrong UF has its own reason. A
    value with no scope at all (an optional UF left blank) cannot be verified and is
    quarantined with the kind's reason."""
    for column in rules.columns:
        kind = get_kind(column.kind)
        if kind.resolve is None or column.within is None:
            continue
        scope_rule = rules.column(column.within)
        scope_kind = get_kind(scope_rule.kind)
        scope = table.values[column.within]
        scope_valid = _bool(scope_kind.validate(scope) if scope_kind.validate else scope.notna())
        resolved = kind.resolve(raw[column.name], scope, scope_valid)
        for name, mask in resolved.reasons.items():
            table.reasons.add(name, mask)
        for name, mask in resolved.repairs.items():
            table.repairs.add(name, mask)
        if scope_rule.null_policy == "keep":
            unverifiable = _bool(table.values[column.name].notna()) & _bool(scope.isna())
            table.reasons.add(kind.reason, unverifiable)
        table.values[column.name] = resolved.name
        table.codes[column.name] = resolved.ibge_code


def _repeated(columns: list[pd.Series]) -> np.ndarray:
    """Rows whose key (the columns together) occurs more than once, missing equal to missing
    (pandas' ``duplicated(keep=False)``). A single text key is hashed by Arrow, which
    pandas' factorize of Arrow strings is several times slower than."""
    if len(columns) == 1 and isinstance(columns[0].dtype, pd.StringDtype | pd.ArrowDtype):
        arr = pa.array(as_text(columns[0]).array)
        encoded = pc.dictionary_encode(arr, null_encoding="encode")
        if isinstance(encoded, pa.ChunkedArray):
            encoded = encoded.combine_chunks()
        position = encoded.indices.to_numpy(zero_copy_only=False)
        return np.bincount(position, minlength=len(encoded.dictionary))[position] > 1
    frame = pd.DataFrame({f"k{i}": column for i, column in enumerate(columns)})
    return frame.duplicated(keep=False).to_numpy()


def flag_duplicates(raw: pd.DataFrame, rules: TableRules, parsed: ParsedTable) -> None:
    """``duplicate_exact`` for verbatim repeats (the later copies), ``superseded_version``
    for older versions of a business key (oldest ``version_column`` first, missing
    versions oldest of all; ties go to the later row)."""
    keys = {f"k{i}": parsed.values[name] for i, name in enumerate(rules.business_key)}
    frame = pd.DataFrame(
        {**keys, "version": parsed.values[rules.version_column], "pos": np.arange(len(raw))}
    )
    has_key = frame[list(keys)].notna().all(axis=1).to_numpy()
    # Keys are compared parsed (trimmed). Verbatim repeats share their raw key, hence
    # their parsed key or a missing one: whole rows are compared only among those rows.
    repeated = np.zeros(len(raw), dtype=bool)
    repeated[has_key] = _repeated([frame.loc[has_key, name] for name in keys])
    candidates = np.flatnonzero(repeated | ~has_key)
    exact = np.zeros(len(raw), dtype=bool)
    exact[candidates] = raw.iloc[candidates].duplicated(keep="first").to_numpy()
    parsed.reasons.add("duplicate_exact", exact)
    # Only keys that repeat can supersede anything: sort those rows alone (a key left
    # alone once its verbatim copies are out supersedes nothing).
    frame = frame.iloc[np.flatnonzero(repeated & ~exact)]
    frame = frame.sort_values(["version", "pos"], na_position="first", kind="stable")
    older = frame.duplicated(subset=list(keys), keep="last")
    superseded = np.zeros(len(raw), dtype=bool)
    superseded[frame["pos"].to_numpy()[older.to_numpy()]] = True
    parsed.reasons.add("superseded_version", superseded)


def _reason_strings(reasons: RowMasks, rows: np.ndarray) -> pd.Series:
    """Pipe-separated reason codes of ``rows``: each row's set of reasons is a bit pattern,
    so only the few distinct patterns are turned into text."""
    names = list(reasons.masks)
    bits = np.zeros(len(rows), dtype=object if len(names) > 62 else np.int64)
    for i, name in enumerate(names):
        # Past 62 reasons, Python integers: an int64 mask times 2**63 overflows.
        bits = bits + reasons.masks[name][rows].astype(bits.dtype) * (1 << i)
    patterns, inverse = np.unique(bits, return_inverse=True)
    labels = np.array(
        ["|".join(n for i, n in enumerate(names) if int(p) >> i & 1) for p in patterns],
        dtype=object,
    )
    return pd.Series(labels[inverse], dtype=TEXT)


def _keep_rows(frame: pd.DataFrame, keep: np.ndarray) -> pd.DataFrame:
    """``frame[keep]`` with a fresh RangeIndex; Arrow text through Arrow's filter, about
    twice as fast as the take pandas would do."""
    index = pd.RangeIndex(int(keep.sum()))
    mask = pa.array(keep)
    columns = {}
    for name in frame.columns:
        values = frame[name].array
        if isinstance(values, pd.arrays.ArrowStringArray):
            arr = pa.array(values)
            arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
            columns[name] = pd.Series(
                pd.arrays.ArrowStringArray(arr.filter(mask)), index=index, dtype=frame[name].dtype
            )
        else:
            columns[name] = pd.Series(values[keep], index=index)
    return pd.DataFrame(columns, index=index)


def assemble(
    raw: pd.DataFrame,
    parsed: ParsedTable,
    cleaned_all: pd.DataFrame,
    partition_date: dt.date,
) -> CleaningResult:
    bad = parsed.reasons.any()
    good_rows, bad_rows = np.flatnonzero(~bad), np.flatnonzero(bad)
    cleaned = _keep_rows(cleaned_all, ~bad)
    quarantine = raw.iloc[bad_rows].reset_index(drop=True)
    quarantine["partition_date"] = pd.Series(
        np.full(len(bad_rows), np.datetime64(partition_date, "ns")), dtype="datetime64[ns]"
    )
    quarantine["source_row"] = pd.array(bad_rows, dtype="Int64")
    quarantine["reasons"] = _reason_strings(parsed.reasons, bad_rows)
    reasons = {name: int(mask.sum()) for name, mask in parsed.reasons.masks.items() if mask.any()}
    repairs = {
        name: int(mask[good_rows].sum())
        for name, mask in parsed.repairs.masks.items()
        if mask[good_rows].any()
    }
    return CleaningResult(cleaned, quarantine, repairs, reasons)
