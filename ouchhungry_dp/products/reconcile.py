"""Monthly file == the month's daily files, cell by cell, to the cent.

Two steps, so the heavy one can run in the warehouse: the daily rows are mapped
to the monthly cell that must contain them and summed per cell (here in pandas,
the reference; ``engine.statements.daily_reconciliation`` in SQL), then the sums
are compared with the file (``reconcile_sums``, shared by both paths).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandas as pd

from ouchhungry_dp.products.cells import GENERALISED, LEVEL_CITY, LEVEL_COUNTRY, LEVEL_STATE
from ouchhungry_dp.quality.checks import CheckOutcome

if TYPE_CHECKING:
    from ouchhungry_dp.partners.contract import PartnerContract

DEFAULT_MIN_CUSTOMERS = 10
KEYS = ["state", "city", "brand"]
# One row per (target, state, city, brand): target is the level of the monthly cell
# the daily rows fall in (city, state, country), missing when the brand has no row
# in the monthly file (then state and city are missing too).
SUM_COLUMNS = ["target", *KEYS, "daily_rows", "units", "cents", "customers", "orders"]
_MEASURES = {"units": "units_sold", "cents": "revenue_cents", "customers": "customers_reached",
             "orders": "orders"}


def minimum_customers(limit: int | PartnerContract | None) -> int:
    if limit is None:
        return DEFAULT_MIN_CUSTOMERS
    if isinstance(limit, int):
        return limit
    return limit.privacy.min_customers_per_cell


def cents(values: pd.Series) -> pd.Series:
    return (pd.to_numeric(values).astype("float64") * 100).round().astype("int64")


def _frames(dailies: pd.DataFrame | Iterable[pd.DataFrame]) -> pd.DataFrame:
    if isinstance(dailies, pd.DataFrame):
        return dailies
    frames = list(dailies)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def daily_sums(monthly: pd.DataFrame, daily: pd.DataFrame) -> pd.DataFrame:
    """The reference mapping: each daily row goes to its city row if the monthly file
    has one, else its state row, else the brand's country row (``SUM_COLUMNS``)."""
    month = monthly.loc[:, ["state", "city", "brand", "location_level"]].astype("string")
    # One cell per label: a brand sold in two segments has two rows per location.
    city_cells = month.loc[month["location_level"] == LEVEL_CITY, KEYS].drop_duplicates()
    state_cells = month.loc[month["location_level"] == LEVEL_STATE, ["state", "brand"]]
    country_brands = set(month.loc[month["location_level"] == LEVEL_COUNTRY, "brand"])
    if daily.empty:
        return pd.DataFrame({c: [] for c in SUM_COLUMNS})
    rows = daily.loc[:, [*KEYS, "customer_id", "order_id", "quantity", "total_amount"]].astype(
        {"state": "string", "city": "string", "brand": "string"})
    rows = rows.merge(city_cells.assign(_city=True), on=KEYS, how="left").merge(
        state_cells.drop_duplicates().assign(_state=True), on=["state", "brand"], how="left")
    in_city = rows["_city"].notna()
    in_state = ~in_city & rows["_state"].notna()
    in_country = ~in_city & ~in_state & rows["brand"].isin(country_brands)
    rows["target"] = pd.array([None] * len(rows), dtype="string")
    rows.loc[in_city, "target"] = LEVEL_CITY
    rows.loc[in_state, "target"] = LEVEL_STATE
    rows.loc[in_country, "target"] = LEVEL_COUNTRY
    rows.loc[in_state, "city"] = GENERALISED
    rows.loc[in_country, ["state", "city"]] = GENERALISED
    rows.loc[rows["target"].isna(), ["state", "city"]] = pd.NA
    rows["cents"] = cents(rows["total_amount"])
    return rows.groupby(["target", *KEYS], dropna=False, sort=False).agg(
        daily_rows=("order_id", "size"), units=("quantity", "sum"), cents=("cents", "sum"),
        customers=("customer_id", "nunique"), orders=("order_id", "nunique"),
    ).reset_index()


def reconcile_monthly_with_daily(
    monthly: pd.DataFrame,
    dailies: pd.DataFrame | Iterable[pd.DataFrame],
    *,
    min_customers: int | PartnerContract | None = None,
) -> CheckOutcome:
    """Monthly file == the month's daily files, cell by cell, to the cent.

    Each daily row is mapped to the monthly cell that must contain it: its city
    row if the monthly file has one, else its state row, else the brand's
    country row, else it belongs to a suppressed brand (allowed only when that
    brand's month has fewer than ``min_customers`` distinct customers). Units,
    revenue (in cents), distinct customers and distinct orders must be equal.
    ``min_customers``: the contract (or its minimum); default 10. ``dailies``: the
    month's daily files as frames (one, or an iterable of them).
    """
    return reconcile_sums(monthly, daily_sums(monthly, _frames(dailies)),
                          min_customers=min_customers)


def reconcile_sums(monthly: pd.DataFrame, sums: pd.DataFrame, *,
                   min_customers: int | PartnerContract | None = None) -> CheckOutcome:
    """The comparison, on ``SUM_COLUMNS`` sums of the daily rows."""
    minimum = minimum_customers(min_customers)
    sums = sums.loc[:, SUM_COLUMNS].astype(
        {"target": "string", "state": "string", "city": "string", "brand": "string"})
    sums = sums.astype({c: "int64" for c in ("daily_rows", "units", "cents", "customers",
                                             "orders")})
    mapped = sums.loc[sums["target"].notna()]
    suppressed = sums.loc[sums["target"].isna()]
    suppressed_customers = suppressed.groupby("brand")["customers"].sum()
    wrongly_suppressed = sorted(suppressed_customers[suppressed_customers >= minimum].index)

    expected = mapped.groupby(KEYS)[list(_MEASURES)].sum().rename(columns=_MEASURES)
    published = monthly.loc[:, [*KEYS, "units_sold", "revenue", "customers_reached",
                                "orders"]].astype(
        {"state": "string", "city": "string", "brand": "string"}).set_index(KEYS)
    published = published.assign(revenue_cents=lambda f: cents(f["revenue"]))
    measures = list(_MEASURES.values())
    both = expected[measures].join(
        published[measures], how="outer", lsuffix="_daily", rsuffix="_monthly"
    )
    both = both.fillna(0).astype("int64")
    differs = pd.Series(False, index=both.index)
    for measure in measures:
        differs |= both[f"{measure}_daily"] != both[f"{measure}_monthly"]
    mismatched = [dict(zip(KEYS, map(str, key), strict=True)) for key in both.index[differs]]
    passed = not mismatched and not wrongly_suppressed
    daily_cents = int(sums["cents"].sum())
    return CheckOutcome(
        passed=passed,
        description="Monthly file reconciles exactly with the daily files."
        if passed
        else f"{len(mismatched)} monthly cells differ from the daily files"
        + (
            f"; brands missing from the monthly file: {wrongly_suppressed}"
            if wrongly_suppressed
            else ""
        ),
        metadata={
            "monthly_rows": len(monthly),
            "daily_rows": int(sums["daily_rows"].sum()),
            "cells_compared": len(both),
            "mismatched_cells": mismatched[:50],
            "units_daily": int(sums["units"].sum()),
            "units_monthly": int(pd.to_numeric(monthly["units_sold"]).sum()),
            "revenue_daily": round(daily_cents / 100, 2),
            "revenue_monthly": round(int(cents(monthly["revenue"]).sum()) / 100, 2),
            "suppressed_brands": sorted(map(str, suppressed_customers.index)),
            "suppressed_units": int(suppressed["units"].sum()),
            "suppressed_revenue": round(int(suppressed["cents"].sum()) / 100, 2),
        },
    )
