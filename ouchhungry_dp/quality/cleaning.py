"""Table-level cleaning the Dagster assets call (no Dagster import).

Each ``clean_*`` function applies its table declaration (``rules.py``) through the
engine, adds the checks that need more than one column or another table
(partition day, referential integrity), derives the cleaned-only columns and
returns a ``CleaningResult``. ``len(raw) == len(cleaned) + len(quarantine)``
always holds: a row is either clean or quarantined with at least one reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ouchhungry_dp.quality._arrow import TEXT, text_array
from ouchhungry_dp.quality.engine import (
    CleaningResult,
    ParsedTable,
    apply_rules,
    assemble,
    check_columns,
    flag_duplicates,
)
from ouchhungry_dp.quality.ownership import (
    brand_owners,
    brand_segments,
    check_ownership,
    check_segments,
)
from ouchhungry_dp.quality.rules import (
    CUSTOMERS_RULES,
    PRODUCTS_RULES,
    TRANSACTIONS_RULES,
    TableRules,
)
from ouchhungry_dp.tables import CLEANED_CUSTOMERS, CLEANED_PRODUCTS, CLEANED_TRANSACTIONS

if TYPE_CHECKING:
    from ouchhungry_dp.products.pii_text import KnownIdentifiers

# Catalogue free text typed by merchants that can reach a partner file or report.
CATALOGUE_TEXT = ("product_name", "brand", "manufacturer", "segment")

__all__ = ["CleaningResult", "clean_customers", "clean_products", "clean_transactions"]


def _day(value: dt.date) -> np.datetime64:
    return np.datetime64(value.isoformat(), "ns")


def _not_in(values: pd.Series, known: pd.Series) -> np.ndarray:
    """Present values absent from ``known`` (Arrow hash lookup; pandas' isin on Arrow
    strings goes through Python objects)."""
    known_text = pc.unique(text_array(pd.Series(known).reset_index(drop=True)).drop_null())
    value_arr = pa.array(values.astype(TEXT).array)
    found = pc.is_in(value_arr, value_set=known_text.cast(value_arr.type))
    return (pc.is_valid(value_arr).to_numpy(zero_copy_only=False)
            & ~pc.fill_null(found, False).to_numpy(zero_copy_only=False))


def _holds_identifier(values: Mapping[str, pd.Series],
                      known: KnownIdentifiers) -> np.ndarray:
    """Rows whose catalogue text holds a known customer's name or e-mail (never printed)."""
    found = np.zeros(len(next(iter(values.values()))), dtype=bool)
    for column in CATALOGUE_TEXT:
        found |= known.hits(text_array(values[column].reset_index(drop=True)))
    return found


def _outputs(rules: TableRules, parsed: ParsedTable) -> dict[str, pd.Series]:
    return {
        column.output_name: parsed.values[column.name]
        for column in rules.columns
        if column.output_name is not None
    }


def clean_transactions(
    raw: pd.DataFrame,
    *,
    partition_date: dt.date,
    known_customer_ids: pd.Series | None,
    known_product_codes: pd.Series | None,
    usable_product_codes: pd.Series | None = None,
) -> CleaningResult:
    """Clean one day of order items. ``known_*`` None skips that referential check.

    ``known_*`` are the ids of the source extract (a code absent from it is
    ``unknown_product``); ``usable_product_codes`` are those of the *cleaned* catalogue:
    an item of a product whose catalogue row was quarantined is ``product_quarantined``,
    not kept for a later join to drop silently (its brand and segment are unknown).
    """
    rules = TRANSACTIONS_RULES
    frame = check_columns(raw, rules, partition_date.isoformat())
    parsed = apply_rules(frame, rules)
    values = parsed.values

    sale_date = values["ordered_at"].dt.normalize()
    parsed.reasons.add(
        "out_of_partition", (sale_date.notna() & (sale_date != _day(partition_date))).to_numpy()
    )
    if known_product_codes is not None:
        well_formed = ~parsed.reasons.masks["invalid_product_code"]
        unknown = _not_in(values["product_code"], known_product_codes) & well_formed
        parsed.reasons.add("unknown_product", unknown)
        if usable_product_codes is not None:
            unusable = _not_in(values["product_code"], usable_product_codes)
            parsed.reasons.add("product_quarantined", unusable & well_formed & ~unknown)
    if known_customer_ids is not None:
        parsed.reasons.add("unknown_customer", _not_in(values["customer_id"], known_customer_ids))
    flag_duplicates(frame, rules, parsed)

    out = _outputs(rules, parsed)
    out["total_amount"] = (out["unit_price"] * out["quantity"].astype("Float64")).round(2)
    out["sale_date"] = sale_date
    out["city_ibge_code"] = parsed.codes["delivery_city"]
    cleaned = pd.DataFrame({name: out[name] for name in CLEANED_TRANSACTIONS})
    return assemble(frame, parsed, cleaned, partition_date)


def clean_customers(raw: pd.DataFrame, *, snapshot_date: dt.date) -> CleaningResult:
    """Clean one snapshot of the customer table (latest version per customer_id)."""
    rules = CUSTOMERS_RULES
    frame = check_columns(raw, rules, snapshot_date.isoformat())
    parsed = apply_rules(frame, rules)
    flag_duplicates(frame, rules, parsed)
    out = _outputs(rules, parsed)
    out["city_ibge_code"] = parsed.codes["city"]
    out["snapshot_date"] = pd.Series(_day(snapshot_date), index=frame.index)
    cleaned = pd.DataFrame({name: out[name] for name in CLEANED_CUSTOMERS})
    return assemble(frame, parsed, cleaned, snapshot_date)


def clean_products(
    raw: pd.DataFrame, *, snapshot_date: dt.date, owners: Mapping[str, str] | None = None,
    segments: Mapping[str, str] | None = None,
    known_identifiers: KnownIdentifiers | None = None,
) -> CleaningResult:
    """Clean one snapshot of the product catalogue (latest version per product_code).

    ``owners``: brand -> owning company (default: every active partner contract's
    brands); a partner brand made by another company is quarantined
    (``brand_manufacturer_mismatch``, see ``ownership``). ``segments``: partner brand ->
    its contract segment (default: the contracts'); another segment on a partner brand is
    ``brand_segment_mismatch``, a spelling of it is repaired (``segment_normalised``).
    ``known_identifiers``: names and e-mails of every customer the warehouse has cleaned;
    a catalogue text holding one is ``personal_data_in_catalogue`` (docs/data-quality.md).
    """
    rules = PRODUCTS_RULES
    frame = check_columns(raw, rules, snapshot_date.isoformat())
    parsed = apply_rules(frame, rules)
    brand, maker, reasons, repairs = check_ownership(
        parsed.values["brand"], parsed.values["manufacturer"],
        brand_owners() if owners is None else owners)
    parsed.values["brand"], parsed.values["manufacturer"] = brand, maker
    segment, segment_reasons, segment_repairs = check_segments(
        brand, parsed.values["segment"], brand_segments() if segments is None else segments)
    parsed.values["segment"] = segment
    for name, mask in (reasons | segment_reasons).items():
        parsed.reasons.add(name, mask)
    for name, mask in (repairs | segment_repairs).items():
        parsed.repairs.add(name, mask)
    if known_identifiers is not None and len(known_identifiers):
        parsed.reasons.add("personal_data_in_catalogue", _holds_identifier(
            parsed.values, known_identifiers))
    flag_duplicates(frame, rules, parsed)
    out = _outputs(rules, parsed)
    out["snapshot_date"] = pd.Series(_day(snapshot_date), index=frame.index)
    cleaned = pd.DataFrame({name: out[name] for name in CLEANED_PRODUCTS})
    return assemble(frame, parsed, cleaned, snapshot_date)
