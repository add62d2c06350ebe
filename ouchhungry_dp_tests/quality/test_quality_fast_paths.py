"""The speed paths give the same answers as the straightforward ones they shortcut."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ouchhungry_dp.quality import engine
from ouchhungry_dp.quality._arrow import text_array
from ouchhungry_dp.quality.repair import LOCAL_TIMEZONE, _parse_iso_offset, parse_timestamps
from ouchhungry_dp.quality.rules import CUSTOMERS_RULES, TRANSACTIONS_RULES


def _reference_text(values: list[str | None], arrow_type: pa.DataType) -> list[str | None]:
    trimmed = pc.utf8_trim_whitespace(pa.array(values, arrow_type))
    return pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, arrow_type), trimmed).to_pylist()


TEXTS = ["abc", " abc", "abc\t", "", "   ", None, "\u00a0abc\u3000", "são", "JUNDIAÍ", "a b"]


@pytest.mark.parametrize("arrow_type", [pa.string(), pa.large_string()])
def test_text_array_trims_and_blanks_like_the_plain_kernels(arrow_type: pa.DataType) -> None:
    series = pd.Series(pd.arrays.ArrowExtensionArray(pa.array(TEXTS, arrow_type)))
    assert text_array(series).to_pylist() == _reference_text(TEXTS, arrow_type)
    clean = ["abc", "são", "x"]  # nothing to trim: the same strings come back
    assert text_array(pd.Series(clean, dtype="string[pyarrow]")).to_pylist() == clean


def test_text_array_on_a_slice_keeps_its_own_rows() -> None:
    values = ["  skip ", "", " a ", "", "b", None] * 3
    sliced = pa.array(values, pa.large_string()).slice(7, 7)
    assert sliced.offset == 7
    series = pd.Series(pd.arrays.ArrowStringArray(sliced))
    assert text_array(series).to_pylist() == _reference_text(values[7:14], pa.large_string())
    part = pd.Series(values, dtype="string[pyarrow]").iloc[7:14]
    assert text_array(part).to_pylist() == _reference_text(values[7:14], pa.large_string())


@given(st.lists(st.text(alphabet=" \t\u00a0ab", max_size=4) | st.none(), max_size=30))
@settings(max_examples=150, deadline=None)
def test_text_array_property(values: list[str | None]) -> None:
    series = pd.Series(values, dtype="string[pyarrow]")
    assert text_array(series).to_pylist() == _reference_text(values, pa.large_string())


EDGE_STAMPS = [
    "2026-11-25T13:45:10-03:00", "2026-11-25T13:45:10Z", "2026-11-25T13:45:60-03:00",
    "2026-11-25T24:00:00-03:00", "2026-11-25T13:60:00Z", "2026-11-25T13:45:00+14:00",
    "2026-11-25T13:45:00+24:00", "2026-11-25T13:45:00+99:99", "2026-11-25T13:45:00-00:60",
    "2026-02-31T13:45:00Z", "2024-02-29T00:00:00Z", "2026-00-10T00:00:00Z",
    "1799-12-31T23:59:59Z", "2200-12-31T23:59:59-03:00", "2026-11-25T13:45:00,03:00",
    "2026-11-25T13:45:00*03:00", "2026-11-25 13:45:00-03:00", None,
]  # fmt: skip


def _strptime_path(values: list[str | None]) -> pd.Series:
    local_ns, ok = _parse_iso_offset(pa.array(values, pa.large_string()), LOCAL_TIMEZONE)
    stamps = pd.Series(np.where(ok, local_ns, 0).astype("datetime64[ns]"))
    return stamps.where(ok).astype("datetime64[ns]")


def test_iso_offset_fast_path_agrees_with_strptime() -> None:
    shaped = [v for v in EDGE_STAMPS if v is not None and ("T" in v and v[19] in "Z+-")]
    got = parse_timestamps(pd.Series(shaped, dtype="string[pyarrow]"))
    pd.testing.assert_series_equal(got, _strptime_path(shaped))
    mixed = parse_timestamps(pd.Series(EDGE_STAMPS, dtype="string[pyarrow]"))
    assert mixed.isna().tolist()[-4:] == [True, True, False, True]  # ',' '*' bad; ' ' is ISO


@given(
    st.lists(
        st.tuples(
            st.integers(1790, 2210), st.integers(0, 13), st.integers(0, 32), st.integers(0, 25),
            st.integers(0, 61), st.integers(0, 61), st.sampled_from("+-Z"), st.integers(0, 25),
            st.integers(0, 61),
        ),
        min_size=1, max_size=20,
    )
)  # fmt: skip
@settings(max_examples=150, deadline=None)
def test_iso_offset_fast_path_property(fields: list[tuple]) -> None:
    values = [
        f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}"
        + ("Z" if sign == "Z" else f"{sign}{oh:02d}:{om:02d}")
        for y, mo, d, h, mi, s, sign, oh, om in fields
    ]
    got = parse_timestamps(pd.Series(values, dtype="string[pyarrow]"))
    pd.testing.assert_series_equal(got, _strptime_path(values))


def _repeating_frame(columns: tuple[str, ...], rows: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    samples = {
        "text": ["a", " b ", "", None], "cpf": ["529.982.247-25", "52998224725", "111", None],
        "email": [" Ana@Example.COM", "ana@", None], "phone_br": ["(11) 98765-4321", "(20) 1"],
        "cep": ["01310100", "01310-100", " 0131-100", None], "city": [" são  paulo", "Rio", ""],
        "uf": ["sp", "XX", None], "date": ["25/11/2026", "31/02/2026", "2026-11-25"],
        "timestamp": ["2026-11-25T13:45:10-03:00", "25/11/2026 13:45", "x", None],
        "cnpj": [
            "12.abc.345/01de-35", "11222333000181",
            "12ABC34501DE36",  # pragma: allowlist secret
            None,
        ],
        "product_code": ["REF-HNG-0350", " REF-HNG-0350", "REF_HNG_350"],
        "quantity": ["2", "2un", "-1", "dois", None], "money_brl": ["R$ 1.234,56", "7.5", "0", "x"],
        "payment_method": ["PIX", "pix", "bitcoin", None],
    }  # fmt: skip
    kinds = {c.name: c.kind for r in (TRANSACTIONS_RULES, CUSTOMERS_RULES) for c in r.columns}
    return pd.DataFrame(
        {name: pd.Series(rng.choice(np.array(samples[kinds[name]], dtype=object), rows),
                         dtype="string[pyarrow]") for name in columns}
    )  # fmt: skip


@pytest.mark.parametrize("rules", [TRANSACTIONS_RULES, CUSTOMERS_RULES])
def test_distinct_values_path_gives_the_row_by_row_answer(
    rules, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = _repeating_frame(rules.raw_columns, 3 * engine._DISTINCT_SAMPLE, seed=3)
    raw.index = pd.RangeIndex(5, 5 + len(raw))  # a non-default index survives the round trip
    assert engine._distinct(raw[rules.raw_columns[1]])[1] is not None  # the path is taken
    fast = engine.apply_rules(raw, rules)
    monkeypatch.setattr(engine, "_DISTINCT_MAX_SHARE", 0.0)  # every column row by row
    assert engine._distinct(raw[rules.raw_columns[1]])[1] is None
    slow = engine.apply_rules(raw, rules)
    for name in rules.raw_columns:
        pd.testing.assert_series_equal(fast.values[name], slow.values[name], check_names=False)
    for masks_fast, masks_slow in ((fast.reasons, slow.reasons), (fast.repairs, slow.repairs)):
        assert list(masks_fast.masks) == list(masks_slow.masks)
        for key, mask in masks_fast.masks.items():
            assert np.array_equal(mask, masks_slow.masks[key]), key
    assert fast.reasons.any().any() and fast.repairs.any().any()
