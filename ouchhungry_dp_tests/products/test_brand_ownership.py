"""A typo in a partner product's manufacturer loses no partner row (issue 11, attack round 2).

Through the real cleaning library and product builder on a simulated day (the daily
job's path; ``test_brand_ownership_pipeline.py`` in ``defs`` runs the job itself).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from ouchhungry_dp.partners.contract import get_contract
from ouchhungry_dp.privacy.audit import AUDIT_KEY
from ouchhungry_dp.privacy.audit_release import clean_catalogue, raw_catalogue
from ouchhungry_dp.products.cells import decide_locations
from ouchhungry_dp.products.daily import build_daily_product
from ouchhungry_dp.products.guardrails import partner_rows_conserved
from ouchhungry_dp.quality.cleaning import clean_products, clean_transactions
from ouchhungry_dp.simulation import SimulationConfig
from ouchhungry_dp.simulation.transactions import simulate_transactions

CONTRACT = get_contract("ouchhungry")
DAY = dt.date(2026, 9, 15)
CONFIG = SimulationConfig(seed=42, rows_per_day=2000)


def _day(raw_products: pd.DataFrame, owners: dict[str, str] | None = None):
    cleaned = clean_products(raw_products, snapshot_date=DAY, owners=owners)
    tx = clean_transactions(simulate_transactions(DAY, CONFIG).frame, partition_date=DAY,
                            known_customer_ids=None,
                            known_product_codes=raw_products["product_code"],
                            usable_product_codes=cleaned.cleaned["product_code"])
    decision = decide_locations(tx.cleaned.iloc[0:0], cleaned.cleaned, CONTRACT)
    daily = build_daily_product(tx.cleaned, cleaned.cleaned, decision, CONTRACT, key=AUDIT_KEY)
    return cleaned, tx, daily


def _typo(manufacturer: str) -> tuple[pd.DataFrame, str]:
    raw = raw_catalogue(DAY, CONFIG)
    code = raw.loc[raw["brand"] == "Hungry", "product_code"].iloc[0]
    raw.loc[raw["product_code"] == code, "manufacturer"] = manufacturer
    return raw, code


@pytest.mark.parametrize("spelling", ["OuchHungry.", " ouchhungry", "Ouch-Hungry", "OUCHHUNGRY"])
def test_a_spelling_of_the_partner_company_is_repaired_and_no_row_is_lost(spelling: str) -> None:
    raw = raw_catalogue(DAY, CONFIG)
    _, _, truth = _day(raw)
    bad, code = _typo(spelling)
    cleaned, tx, daily = _day(bad)
    assert cleaned.repairs.get("manufacturer_normalised", 0) >= 1
    assert (daily["product_code"] == code).sum() > 0
    assert len(daily) == len(truth)
    assert partner_rows_conserved(daily, tx.cleaned, cleaned.cleaned, CONTRACT,
                                  cleaned.quarantine).passed


def test_a_partner_brand_made_by_another_company_is_quarantined_and_accounted() -> None:
    raw = raw_catalogue(DAY, CONFIG)
    _, _, truth = _day(raw)
    bad, code = _typo("Outra Empresa Ltda")
    cleaned, tx, daily = _day(bad)
    assert cleaned.reasons.get("brand_manufacturer_mismatch", 0) >= 1
    assert code not in set(cleaned.cleaned["product_code"])
    # Rows held for this reason alone (a row with another defect too was never clean).
    held = tx.quarantine["reasons"] == "product_quarantined"
    held_rows = int((held & (tx.quarantine["product_code"] == code)).sum())
    assert held_rows > 0
    # Conservation: file + quarantined with a reason = the clean day's partner rows.
    assert len(daily) + held_rows == len(truth)
    assert partner_rows_conserved(daily, tx.cleaned, cleaned.cleaned, CONTRACT,
                                  cleaned.quarantine).passed


def test_without_the_cleaning_guard_the_loss_fails_conservation_loudly() -> None:
    # The attack's path: cleaning that does not know the owners keeps the typo, the
    # product becomes a competitor's and its rows leave the file; counting partner rows
    # on the brand alone makes that a failed blocking check, not a silent loss.
    bad, code = _typo("OuchHungry.")
    cleaned, tx, daily = _day(bad, owners={})
    assert code in set(cleaned.cleaned["product_code"])
    outcome = partner_rows_conserved(daily, tx.cleaned, cleaned.cleaned, CONTRACT,
                                     cleaned.quarantine)
    assert not outcome.passed
    assert outcome.metadata["partner_rows_cleaned"] > outcome.metadata["partner_rows_in_file"]


def test_audit_helper_catalogue_cleaning_applies_the_guard() -> None:
    bad, code = _typo("OuchHungry.")
    products, _ = clean_catalogue(bad, DAY)
    row = products.loc[products["product_code"] == code].iloc[0]
    assert row["manufacturer"] == CONTRACT.partner.manufacturer
