"""Materialization and check metadata shared by every domain: counts and safe previews.

The Dagster event log is read by everyone with UI access and kept for good, so
nothing personal may enter it. Two layers, both allowlists or fail-closed:

* a preview shows only columns on ``PREVIEW_COLUMNS`` (non-personal fields of the
  products, the cleaned tables and the receipts); every other column is named as
  not shown, never printed — a new column stays hidden until someone decides it
  is safe;
* a free-text location column (``city``, ``delivery_city``, ``state``,
  ``delivery_state``: typed by people in the raw tables) shows a cell only when its
  *value* is on an allowlist: an IBGE municipality name (accents and case folded),
  a UF, or the generalised ``*``; anything else (a name, an address, a typo) is
  ``[hidden: not a known place]``, whatever it holds;
* a catalogue column (``brand``, ``manufacturer``, ``segment``: typed by merchants)
  shows a cell only when its value is one the partner contracts name (a brand, a
  brand's segment, the partner's company; case, accents and punctuation folded);
  anything else is ``[hidden: not a contract value]`` — a customer's name typed
  into a segment once reached the event log through the daily preview;
* every string that goes into metadata (preview cells included, since a raw
  ``city`` can hold an e-mail someone typed) is replaced by ``[hidden: <kind>]``
  when it matches a personal-data pattern of the product PII scan, and keys that
  carry a failing value (``value``, ``failure_case``) are dropped: check failures
  show row numbers, columns and reasons only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

import dagster as dg
import pandas as pd

from ouchhungry_dp.partners.contract import load_contracts
from ouchhungry_dp.products.guardrails import TEXT_PATTERNS
from ouchhungry_dp.quality.ownership import ownership_key
from ouchhungry_dp.quality.reference import official_cities, valid_ufs
from ouchhungry_dp.quality.repair import normalize_city

# Non-personal fields: dates (never a time of day), locations, product, money,
# counts, shares, and delivery bookkeeping. Not here, on purpose: ids (raw or
# pseudonymous), names, e-mail, CPF/CNPJ, phone, CEP, street, birth date,
# timestamps (ordered_at, created_at, updated_at), product names (typed by hand).
PREVIEW_COLUMNS = frozenset({
    # dates and partitions
    "sale_date", "snapshot_date", "partition_date", "month", "month_start", "partition",
    # locations
    "state", "city", "delivery_state", "delivery_city", "city_ibge_code", "location_level",
    # product
    "brand", "manufacturer", "segment", "product_code", "ean",
    # money, units, counts, shares
    "unit_price", "list_price", "quantity", "total_amount", "units_sold", "revenue",
    "avg_unit_price", "customers_reached", "orders", "segment_share", "segment_units_share",
    "segment_share_level", "payment_method",
    # quarantine bookkeeping
    "source_row", "reasons",
    # delivery receipts
    "channel", "remote_path", "manifest_path", "bytes", "rows", "sha256", "duration_s",
    "attempts", "verification", "receipt_id", "http_status", "token_requests", "status",
    "recipients", "message_id", "delivered_at",
})  # fmt: skip
# Location columns typed as free text in the raw tables: shown only for allowed values.
PLACE_COLUMNS = frozenset({"city", "delivery_city"})
UF_COLUMNS = frozenset({"state", "delivery_state"})
# Catalogue columns typed as free text: shown only for values the contracts name.
CATALOGUE_COLUMNS = frozenset({"brand", "manufacturer", "segment"})
NOT_IN_CONTRACT = "[hidden: not a contract value]"
GENERALISED = "*"
NOT_A_PLACE = "[hidden: not a known place]"
# Keys whose value is a failing value itself (pandera failure cases, examples).
VALUE_KEYS = frozenset({"value", "values", "failure_case", "failure_cases", "sample"})
_PERSONAL = {kind: re.compile(pattern) for kind, pattern in TEXT_PATTERNS.items()}


def redact_text(text: str) -> str:
    """``text``, or ``[hidden: <kind>]`` if it contains a personal-data pattern."""
    for kind, pattern in _PERSONAL.items():
        if pattern.search(text):
            return f"[hidden: {kind}]"
    return text


def redact(value: Any) -> Any:
    """Metadata made safe: strings redacted, value-carrying keys dropped, recursively."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, Mapping):
        return {k: redact(v) for k, v in value.items() if k not in VALUE_KEYS}
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    return value


def safe_metadata(metadata: Mapping[str, Any]) -> dict[str, Any]:
    """For ``AssetCheckResult`` / ``Output`` metadata built from plain values."""
    out: dict[str, Any] = {}
    for key, value in metadata.items():
        if isinstance(value, dg.MetadataValue):
            if isinstance(value, dg.JsonMetadataValue):
                value = dg.MetadataValue.json(redact(value.data))
            elif isinstance(value, dg.MarkdownMetadataValue):
                value = dg.MetadataValue.md(redact_text(value.md_str or ""))
            out[key] = value
        else:
            out[key] = redact(value)
    return out


def check_result(asset: str, check: str, outcome: Any,
                 severity: dg.AssetCheckSeverity | None = None) -> dg.AssetCheckResult:
    """A domain ``CheckOutcome`` as Dagster's check result; its metadata made safe (failing
    values never reach the event log). Severity: the outcome's own unless given."""
    return dg.AssetCheckResult(
        asset_key=asset, check_name=check, passed=bool(outcome.passed),
        severity=severity or dg.AssetCheckSeverity[outcome.severity],
        description=outcome.description, metadata=safe_metadata(outcome.metadata),
    )


def safe_preview(frame: pd.DataFrame, rows: int = 5) -> dg.MetadataValue:
    shown = [c for c in frame.columns if c in PREVIEW_COLUMNS]
    hidden = [str(c) for c in frame.columns if c not in PREVIEW_COLUMNS]
    head = frame.loc[:, shown].head(rows).astype("string").fillna("")
    for column in head.columns:
        head[column] = _allowed_catalogue(_allowed_places(head[column])).map(redact_text)
    table = head.to_markdown(index=False) if len(head) and shown else "_(no rows shown)_"
    if hidden:
        table += f"\n\n_Not shown (not on the preview allowlist): {', '.join(hidden)}._"
    return dg.MetadataValue.md(table)


def _allowed_places(values: pd.Series) -> pd.Series:
    """A location column's cells, each one not on the place allowlist hidden."""
    name = str(values.name)
    if name not in PLACE_COLUMNS | UF_COLUMNS:
        return values
    text = values.astype("string").fillna("").str.strip()
    if name in UF_COLUMNS:
        known = text.str.upper().isin(valid_ufs())
    else:
        # Set lookups: pandas' ``isin`` on Arrow strings makes a Python scalar of each of
        # the 5,570 keys per call (every preview of a table with a city column).
        keys = _place_keys()
        known = pd.Series([isinstance(k, str) and k in keys for k in normalize_city(text)],
                          index=text.index, dtype=bool)
    known |= text.isin(["", GENERALISED])
    return text.where(known.fillna(False).to_numpy(dtype=bool), NOT_A_PLACE)


def _allowed_catalogue(values: pd.Series) -> pd.Series:
    """A catalogue column's cells, each one the contracts do not name hidden."""
    if str(values.name) not in CATALOGUE_COLUMNS:
        return values
    text = values.astype("string").fillna("")
    known = text.map(ownership_key).isin(_contract_keys()) | (text.str.strip() == "")
    return text.where(known.fillna(False).to_numpy(dtype=bool), NOT_IN_CONTRACT)


def _contract_keys() -> frozenset[str]:
    # Not cached here: load_contracts caches per folder, and the folder is configurable.
    partners = [c.partner for c in load_contracts()]
    values = [p.manufacturer for p in partners]
    values += [v for p in partners for b in p.brands for v in (b.name, b.segment)]
    return frozenset(ownership_key(v) for v in values)


@cache
def _place_keys() -> frozenset[str]:
    return frozenset(official_cities()["key"].dropna())


def table_metadata(frame: pd.DataFrame, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "dagster/row_count": len(frame),
        "preview": safe_preview(frame),
    }
    metadata.update(safe_metadata(extra or {}))
    return metadata


def counts_md(
    counts: Mapping[str, int], header: Iterable[str] = ("reason", "rows")
) -> dg.MetadataValue:
    name, value = tuple(header)
    if not counts:
        return dg.MetadataValue.md("_none_")
    lines = [f"| {name} | {value} |", "|---|---:|"]
    lines += [f"| {redact_text(str(k))} | {v} |"
              for k, v in sorted(counts.items(), key=lambda kv: -kv[1])]
    return dg.MetadataValue.md("\n".join(lines))
