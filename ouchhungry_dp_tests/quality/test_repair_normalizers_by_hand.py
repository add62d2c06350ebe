"""Normalisers of identifiers and place names on hand-written values: the caller's index,
letters that are also separators' neighbours, words that are no identifier
(docs/testing.md, "quality": survivors of the mutation pass)."""

from __future__ import annotations

import pandas as pd

from ouchhungry_dp.quality.repair import (
    normalize_city,
    normalize_cnpj,
    normalize_email,
    normalize_uf,
    parse_timestamps,
)

INDEX = pd.Index([30, 10, 20])


def run(func, values: list[object]) -> list[object]:
    result = func(pd.Series(values, index=INDEX[: len(values)], dtype="string"))
    assert result.index.equals(INDEX[: len(values)])
    return [None if pd.isna(x) else x for x in result.tolist()]


def test_email_and_uf_keep_the_callers_index() -> None:
    assert run(normalize_email, [" Ana@Example.COM ", None, ""]) == ["ana@example.com", None, None]
    assert run(normalize_uf, [" sp", "Rj ", None]) == ["SP", "RJ", None]


def test_an_alphanumeric_cnpj_keeps_its_letter_x() -> None:
    """Only '.', '/' and '-' are separators; 'X' is a CNPJ character like any other."""
    assert run(normalize_cnpj, ["12ABX34501XE35", "12.abx.3450001-35", "XX.XXX.XXX/XXXX-35"]) == [
        "12ABX34501XE35", "12ABX345000135", "XXXXXXXXXXXX35"]


def test_city_spacing_and_accents() -> None:
    assert run(normalize_city, ["  são\t\tpaulo ", "SANTA  BÁRBARA   D`OESTE", "rio\nclaro"]) == [
        "SAO PAULO", "SANTA BARBARA D'OESTE", "RIO CLARO"]
    # RE2's \s leaves out \v: it becomes a blank beside another one, then one blank.
    assert run(normalize_city, ["rio\v claro", "rio \v claro"]) == ["RIO CLARO", "RIO CLARO"]


def test_a_slice_of_an_arrow_column_is_read_from_its_own_rows() -> None:
    """A slice of an Arrow-backed column starts inside its buffers (a non-zero offset)."""
    column = pd.Series(["x", "2026-11-25T16:45:10Z", "25/11/2026 10:00",
                        "2026-11-25T13:45:10-03:00", "2026-11-25T10:59:60Z"],
                       dtype="string[pyarrow]")
    got = parse_timestamps(column.iloc[1:])
    assert got.index.tolist() == [1, 2, 3, 4]
    assert got.tolist() == [pd.Timestamp("2026-11-25 13:45:10"), pd.Timestamp("2026-11-25 10:00"),
                            pd.Timestamp("2026-11-25 13:45:10"), pd.Timestamp("2026-11-25 08:00")]
