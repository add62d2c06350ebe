"""Catalogue free text cannot carry a customer out (attack round, F1).

A partner product's segment leaves only in its contract spelling; any catalogue text
holding the name or e-mail of any customer the warehouse has cleaned is quarantined,
and the product's items are then ``product_quarantined`` (accounted, alerted).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from ouchhungry_dp.privacy.audit_release import raw_catalogue
from ouchhungry_dp.products.pii_text import KnownIdentifiers
from ouchhungry_dp.quality.cleaning import clean_products, clean_transactions
from ouchhungry_dp.simulation import SimulationConfig
from ouchhungry_dp.simulation.transactions import simulate_transactions

DAY = dt.date(2026, 9, 15)
CONFIG = SimulationConfig(seed=42, rows_per_day=600)
VICTIM = "Mariana Albuquerque Tavares"


def _partner_code(raw: pd.DataFrame, brand: str = "Ouch") -> str:
    return str(raw.loc[raw["brand"] == brand, "product_code"].iloc[0])


def _set(raw: pd.DataFrame, code: str, column: str, value: str) -> pd.DataFrame:
    bad = raw.copy()
    bad.loc[bad["product_code"] == code, column] = value
    return bad


def test_a_name_in_a_partner_segment_is_quarantined_not_published() -> None:
    raw = raw_catalogue(DAY, CONFIG)
    code = _partner_code(raw)
    result = clean_products(_set(raw, code, "segment", f"salgados {VICTIM}"),
                            snapshot_date=DAY)
    assert result.reasons.get("brand_segment_mismatch", 0) >= 1
    assert code not in set(result.cleaned["product_code"])
    assert len(result.cleaned) + len(result.quarantine) == len(raw)
    assert not result.cleaned["segment"].astype(str).str.contains(VICTIM).any()


@pytest.mark.parametrize("spelling", ["Salgados", " salgados.", "SALGADOS"])
def test_a_spelling_of_the_contract_segment_is_repaired(spelling: str) -> None:
    raw = raw_catalogue(DAY, CONFIG)
    code = _partner_code(raw)
    result = clean_products(_set(raw, code, "segment", spelling), snapshot_date=DAY)
    assert result.repairs.get("segment_normalised", 0) >= 1
    row = result.cleaned.loc[result.cleaned["product_code"] == code]
    assert row["segment"].tolist() == ["salgados"] * len(row)


@pytest.mark.parametrize("column", ["product_name", "brand", "manufacturer", "segment"])
def test_a_known_customer_in_catalogue_text_quarantines_the_product_and_its_items(
        column: str) -> None:
    raw = raw_catalogue(DAY, CONFIG)
    code = _partner_code(raw, "Hungry")
    bad = _set(raw, code, column, f"Hungry Lata reservado {VICTIM}")
    known = KnownIdentifiers([VICTIM, "someone@example.com.br"])
    result = clean_products(bad, snapshot_date=DAY, known_identifiers=known)
    assert result.reasons.get("personal_data_in_catalogue", 0) >= 1
    assert code not in set(result.cleaned["product_code"])
    assert len(result.cleaned) + len(result.quarantine) == len(raw)
    tx = clean_transactions(simulate_transactions(DAY, CONFIG).frame, partition_date=DAY,
                            known_customer_ids=None, known_product_codes=raw["product_code"],
                            usable_product_codes=result.cleaned["product_code"])
    held = tx.quarantine["product_code"] == code
    assert held.any() and tx.quarantine.loc[held, "reasons"].str.contains(
        "product_quarantined").all()
    # The reason is counted, the value is never copied into a reason or a repair name.
    assert not any(VICTIM in name for name in [*result.reasons, *result.repairs])


def test_without_known_identifiers_the_name_in_a_product_name_passes() -> None:
    # What the fix closes: the product name is free text no rule looks at otherwise.
    raw = raw_catalogue(DAY, CONFIG)
    code = _partner_code(raw, "Hungry")
    result = clean_products(_set(raw, code, "product_name", f"Lata {VICTIM}"),
                            snapshot_date=DAY)
    assert code in set(result.cleaned["product_code"])
