"""Brand ownership in the catalogue: a partner's brand must name the partner's company.

A product's brand and manufacturer decide whose sale it is. A typo in the
manufacturer of a partner product (``OuchHungry.``) once made the product a
competitor's: its sales vanished from the partner's file and counted as a rival's
in the shares, and every check passed. So the catalogue cleaning:

- repairs a brand or manufacturer that equals an owner's spelling once case,
  accents, spaces and punctuation are ignored (``manufacturer_normalised``,
  ``brand_normalised``): the product stays the partner's;
- quarantines a product whose brand is a partner brand but whose manufacturer is
  another company (``brand_manufacturer_mismatch``): whose sale it is cannot be
  told from the row, so the data team decides; its transactions are then
  ``product_quarantined`` and accounted for, never silently dropped;
- does the same for a partner product's segment against its brand's contract
  segment (``segment_normalised``, ``brand_segment_mismatch``): segment is free
  text typed by merchants and goes out in every partner file, so only the
  contract's own spelling may leave (a customer's name typed into it once did).

Owners come from the active partner contracts (``brand_owners``); no Dagster.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

import numpy as np
import pandas as pd

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def ownership_key(value: object) -> str:
    """Case, accents, spaces and punctuation removed: ``"Ouch-Hungry."`` -> ``ouchhungry``."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    folded = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode()
    return _NOT_ALNUM.sub("", folded.lower())


def brand_owners() -> dict[str, str]:
    """Brand -> owning company, from every active partner contract."""
    from ouchhungry_dp.partners.contract import load_contracts  # partners own the contracts

    return {b: c.partner.manufacturer for c in load_contracts() for b in c.partner.brand_names}


def brand_segments() -> dict[str, str]:
    """Partner brand -> its segment, from every active partner contract."""
    from ouchhungry_dp.partners.contract import load_contracts

    return {b.name: b.segment for c in load_contracts() for b in c.partner.brands}


def check_segments(
    brand: pd.Series, segment: pd.Series, segments: Mapping[str, str]
) -> tuple[pd.Series, dict[str, np.ndarray], dict[str, np.ndarray]]:
    """(segment repaired to the contract's spelling, reasons, repairs) for partner brands.

    ``brand`` is already repaired to the owners' spelling; other brands pass untouched
    (a competitor's segment never reaches a partner file as text of its own).
    """
    expected = brand.astype("string").map(dict(segments))
    partner = expected.notna().to_numpy(dtype=bool)
    same = (segment.map(ownership_key, na_action="ignore").fillna("").astype(str)
            == expected.map(ownership_key, na_action="ignore").fillna("").astype(str))
    same = same.to_numpy(dtype=bool)
    fix = partner & same & (segment.astype("string") != expected).fillna(True).to_numpy(dtype=bool)
    repaired = segment.where(~fix, expected)
    return (repaired, {"brand_segment_mismatch": partner & ~same},
            {"segment_normalised": fix})


def check_ownership(
    brand: pd.Series, manufacturer: pd.Series, owners: Mapping[str, str]
) -> tuple[pd.Series, pd.Series, dict[str, np.ndarray], dict[str, np.ndarray]]:
    """(brand, manufacturer repaired to the owners' spelling, reasons, repairs)."""
    brand_by_key = {ownership_key(b): b for b in owners}
    owner_by_key = {ownership_key(b): m for b, m in owners.items()}
    makers = {ownership_key(m): m for m in owners.values()}
    brand_keys = brand.map(ownership_key, na_action="ignore").fillna("").astype(str)
    maker_keys = manufacturer.map(ownership_key, na_action="ignore").fillna("").astype(str)

    canonical_brand = brand_keys.map(brand_by_key)
    brand_fix = (canonical_brand.notna() & (brand.astype("string") != canonical_brand)).fillna(
        False)
    canonical_maker = maker_keys.map(makers)
    maker_fix = (canonical_maker.notna()
                 & (manufacturer.astype("string") != canonical_maker)).fillna(False)
    owner = brand_keys.map(owner_by_key)
    partner_brand = owner.notna() & brand.notna()
    mismatch = partner_brand & manufacturer.notna() & (
        maker_keys != owner.map(ownership_key, na_action="ignore"))
    brand_out = brand.where(~brand_fix.to_numpy(), canonical_brand)
    maker_out = manufacturer.where(~maker_fix.to_numpy(), canonical_maker)
    reasons = {"brand_manufacturer_mismatch": mismatch.fillna(False).to_numpy(dtype=bool)}
    repairs = {"brand_normalised": brand_fix.to_numpy(dtype=bool),
               "manufacturer_normalised": maker_fix.to_numpy(dtype=bool)}
    return brand_out, maker_out, reasons, repairs
