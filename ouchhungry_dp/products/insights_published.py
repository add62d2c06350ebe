"""What the insights of past months *published*, so a report never recomputes them.

A figure about a past month recomputed from the warehouse changes when a late or
re-loaded day lands in that month; the difference between the two printed
figures is exactly the late sales, which can be one competitor's (finding F5 of
issue 11: R$ 723 printed one month, R$ 702 the next). So a report prints a past
month only from what was released for it:

* the figures the insights of that month printed about their own month (units,
  revenue, customers, national segment share, price index), released beside the
  report as ``_published/<partner>/insights_<YYYY-MM>.json`` through the same
  publishing gate (same record, same checks) and read back verified;
* when that month had no released report: the brand totals of its released
  monthly file (units and revenue are sums of published cells; no share).

No Dagster import.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pandas as pd

from ouchhungry_dp.errors import DataQualityError

FIGURES_VERSION = 1
# One month's figures per brand: what a report printed about that month.
BrandFigures = Mapping[str, Mapping[str, Any]]


def figures_file(partner_id: str, month: str) -> str:
    """Path in the outbound store (beside the decision records, never a delivery path)."""
    return f"_published/{partner_id}/insights_{month}.json"


def figures_bytes(partner_id: str, month: str, brands: BrandFigures) -> bytes:
    """Deterministic bytes: a re-run with the same inputs releases the same sha256."""
    body = {"version": FIGURES_VERSION, "partner": partner_id, "month": month,
            "brands": brands}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, indent=1).encode("utf-8")


def parse_figures(data: bytes, partner_id: str, month: str) -> dict[str, dict[str, Any]]:
    """The brands' figures of a released figures file; refuses one of another month."""
    body = json.loads(data.decode("utf-8"))
    if body.get("version") != FIGURES_VERSION or body.get("partner") != partner_id \
            or body.get("month") != month:
        raise DataQualityError(
            f"published insights figures do not name {partner_id} {month}",
            partner=partner_id, partition=month,
            hint="The file under _published/ was moved or edited; restore it from backup.")
    return {str(b): dict(f) for b, f in body["brands"].items()}


def monthly_file_figures(monthly_products: pd.DataFrame, month: str,
                         brands: list[str]) -> dict[str, dict[str, Any]]:
    """Brand totals of a released monthly file: units and revenue summed over its cells
    (every partner row is in exactly one cell, so these are the brand's totals). The
    file has no national customer count or share: those stay empty."""
    rows = monthly_products.loc[(monthly_products["month"].astype(str) == month).to_numpy()]
    out: dict[str, dict[str, Any]] = {}
    for brand in brands:
        cells = rows.loc[(rows["brand"].astype(str) == brand).to_numpy()]
        if cells.empty:
            continue
        cents = int((pd.to_numeric(cells["revenue"]) * 100).round().sum())
        out[brand] = {"units": int(pd.to_numeric(cells["units_sold"]).sum()),
                      "revenue": round(cents / 100, 2), "customers": None,
                      "segment_share": None, "price_index": None}
    return out


def past_figures(published: Mapping[str, BrandFigures], monthly_products: pd.DataFrame,
                 month: str, brands: list[str]) -> dict[str, dict[str, dict[str, Any]]]:
    """month -> brand -> figures, for every month before ``month`` with a release: the
    released insights figures first, else the released monthly file's totals."""
    months = set(published) | set(monthly_products["month"].astype(str)) \
        if len(monthly_products) else set(published)
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for past in sorted(m for m in months if m < month):
        figures = ({str(b): dict(f) for b, f in published[past].items()} if past in published
                   else monthly_file_figures(monthly_products, past, brands))
        if figures:
            out[past] = figures
    return out
