"""The insights' product-name allowlist (``insights_names.shown_product_names``), one
path at a time: each name below is caught by exactly one of the three screens (the
outbound scan's patterns, the normalised patterns, the month's known identifiers), so
a screen switched off lets its own name through. Expected values are written by hand.
"""

from __future__ import annotations

import pandas as pd

from ouchhungry_dp.products.insights_names import shown_product_names

CLEAN = "Hungry Cola Lata 350ml"
# (code, name, which screen alone catches it)
NAMES = [
    ("P-CLEAN", CLEAN, None),
    ("P-MAIL", "Batata joao@", "TEXT_PATTERNS email"),
    ("P-RAWID", "Batata CLI-123", "TEXT_PATTERNS raw_id"),
    ("P-ADDR", "Batata Rua Augusta 1500", "pattern_hits address"),
    ("P-ARROBA", "Batata joao arroba gmail ponto com", "pattern_hits email"),
    ("P-KNOWN", "Batata da Maria Souza", "known identifier"),
]


def _catalogue(rows: list[tuple[str, str | None, str]]) -> pd.DataFrame:
    """(code, name, snapshot date) rows of a cleaned catalogue."""
    frame = pd.DataFrame(rows, columns=["product_code", "product_name", "snapshot_date"])
    frame["brand"], frame["manufacturer"], frame["segment"] = "Hungry", "OuchHungry", "x"
    frame["snapshot_date"] = pd.to_datetime(frame["snapshot_date"])
    frame["updated_at"] = frame["snapshot_date"]
    return frame.astype({c: "string" for c in ("product_code", "product_name", "brand",
                                                "manufacturer", "segment")})


def test_each_screen_alone_turns_its_name_into_the_product_code() -> None:
    products = _catalogue([(code, name, "2026-11-01") for code, name, _ in NAMES])
    shown = shown_product_names(products, [code for code, _, _ in NAMES], ["Maria Souza"])
    assert shown == {
        "P-CLEAN": CLEAN,
        "P-MAIL": "P-MAIL",
        "P-RAWID": "P-RAWID",
        "P-ADDR": "P-ADDR",
        "P-ARROBA": "P-ARROBA",
        "P-KNOWN": "P-KNOWN",
    }


def test_without_known_identifiers_only_the_patterns_apply() -> None:
    products = _catalogue([("P-KNOWN", "Batata da Maria Souza", "2026-11-01"),
                           ("P-CLEAN", CLEAN, "2026-11-01")])
    assert shown_product_names(products, ["P-KNOWN", "P-CLEAN"]) == {
        "P-KNOWN": "Batata da Maria Souza", "P-CLEAN": CLEAN}
    # An identifier that is in no name flags nothing.
    assert shown_product_names(products, ["P-KNOWN", "P-CLEAN"], ["Joana Prado"]) == {
        "P-KNOWN": "Batata da Maria Souza", "P-CLEAN": CLEAN}


def test_the_newest_snapshot_names_the_product() -> None:
    products = _catalogue([("P-1", "Cola Antiga", "2026-10-01"),
                           ("P-1", "Cola Nova", "2026-11-01")])
    assert shown_product_names(products, ["P-1"]) == {"P-1": "Cola Nova"}


def test_a_code_without_a_catalogue_name_is_printed_as_its_code() -> None:
    products = _catalogue([("P-EMPTY", None, "2026-11-01"), ("P-BLANK", "", "2026-11-01"),
                           ("P-OK", "Ouch Batata 100g", "2026-11-01")])
    shown = shown_product_names(products, ["P-OK", "P-MISSING", "P-EMPTY", "P-BLANK"])
    assert shown == {"P-BLANK": "P-BLANK", "P-EMPTY": "P-EMPTY", "P-MISSING": "P-MISSING",
                     "P-OK": "Ouch Batata 100g"}


def test_each_code_appears_once_in_code_order() -> None:
    products = _catalogue([("P-B", "Bebida B", "2026-11-01"), ("P-A", "Bebida A", "2026-11-01")])
    shown = shown_product_names(products, ["P-B", "P-A", "P-B", "P-A"])
    assert list(shown.items()) == [("P-A", "Bebida A"), ("P-B", "Bebida B")]
    assert shown_product_names(products, []) == {}
