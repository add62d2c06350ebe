"""Brand ownership and partner segments on hand-built catalogue columns, each row's verdict
written out (docs/data-quality.md, "brand ownership"; docs/testing.md, "quality")."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ouchhungry_dp.quality.ownership import check_ownership, check_segments, ownership_key

OWNERS = {"Ouch Hungry": "Ouch Foods S.A.", "Crocante": "Ouch Foods S.A."}
SEGMENTS = {"Ouch Hungry": "Snacks", "Crocante": "Biscoitos"}
MAKER = "Ouch Foods S.A."


def text(values: list[str | None]) -> pd.Series:
    return pd.Series(values, dtype="string", index=range(10, 10 + len(values)))


def plain(series: pd.Series) -> list[str | None]:
    return [None if pd.isna(x) else x for x in series.tolist()]


def test_ownership_key_folds_case_accents_spaces_and_punctuation() -> None:
    assert [ownership_key(v) for v in ("Ouch-Hungry.", "  Açaí  Ñandú ", "ＯＵＣＨ", "A_b 9")] == [
        "ouchhungry", "acainandu", "ouch", "ab9"]
    assert [ownership_key(v) for v in (None, pd.NA, float("nan"), 1.5, "")] == [
        "", "", "", "15", ""]


def test_check_ownership_row_by_row() -> None:
    rows = [  # brand, manufacturer -> brand out, maker out, mismatch, brand fix, maker fix
        ("Ouch Hungry", MAKER, "Ouch Hungry", MAKER, False, False, False),
        ("ouch-hungry", "OUCH FOODS SA", "Ouch Hungry", MAKER, False, True, True),
        ("Crocante", "Rival Foods", "Crocante", "Rival Foods", True, False, False),
        ("Rival", "Rival Foods", "Rival", "Rival Foods", False, False, False),
        (None, "ouch foods s.a.", None, MAKER, False, False, True),
        ("Crocante", None, "Crocante", None, False, False, False),
        ("Rival", MAKER, "Rival", MAKER, False, False, False),
        ("CROCANTE", "ouch foods s a", "Crocante", MAKER, False, True, True),
        ("Crocante ", "Ouch Foods S.A", "Crocante", MAKER, False, True, True),
    ]
    brand, maker, reasons, repairs = check_ownership(
        text([r[0] for r in rows]), text([r[1] for r in rows]), OWNERS)
    assert plain(brand) == [r[2] for r in rows]
    assert plain(maker) == [r[3] for r in rows]
    assert brand.index.tolist() == maker.index.tolist() == list(range(10, 10 + len(rows)))
    assert list(reasons) == ["brand_manufacturer_mismatch"]
    assert list(repairs) == ["brand_normalised", "manufacturer_normalised"]
    for got, column in ((reasons["brand_manufacturer_mismatch"], 4),
                        (repairs["brand_normalised"], 5), (repairs["manufacturer_normalised"], 6)):
        assert got.dtype == np.bool_ and got.tolist() == [r[column] for r in rows]


def test_a_brand_of_two_owners_is_judged_against_its_own() -> None:
    owners = {"Ouch Hungry": MAKER, "Rival Snacks": "Rival Foods"}
    brand, maker, reasons, _ = check_ownership(
        text(["Rival Snacks", "Rival Snacks", "Ouch Hungry"]),
        text(["Rival Foods", MAKER, "Rival Foods"]), owners)
    assert reasons["brand_manufacturer_mismatch"].tolist() == [False, True, True]
    assert plain(brand) == ["Rival Snacks", "Rival Snacks", "Ouch Hungry"]
    assert plain(maker) == ["Rival Foods", MAKER, "Rival Foods"]


def test_check_segments_row_by_row() -> None:
    rows = [  # brand, segment -> segment out, mismatch, repaired
        ("Ouch Hungry", "Snacks", "Snacks", False, False),
        ("Ouch Hungry", "snacks!", "Snacks", False, True),
        ("Crocante", "Snacks", "Snacks", True, False),
        ("Rival", "Whatever", "Whatever", False, False),
        ("Crocante", None, None, True, False),
        (None, "x", "x", False, False),
        ("Crocante", "BISCOITOS", "Biscoitos", False, True),
    ]
    segment, reasons, repairs = check_segments(
        text([r[0] for r in rows]), text([r[1] for r in rows]), SEGMENTS)
    assert plain(segment) == [r[2] for r in rows]
    assert segment.index.tolist() == list(range(10, 10 + len(rows)))
    assert list(reasons) == ["brand_segment_mismatch"] and list(repairs) == ["segment_normalised"]
    assert reasons["brand_segment_mismatch"].dtype == np.bool_
    assert reasons["brand_segment_mismatch"].tolist() == [r[3] for r in rows]
    assert repairs["segment_normalised"].dtype == np.bool_
    assert repairs["segment_normalised"].tolist() == [r[4] for r in rows]
