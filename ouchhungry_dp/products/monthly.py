"""Monthly product by city: sales of the partner's brands per (state, city, brand).

Location of each cell, in three steps (each fold keeps every unit and real in
the file, so the totals still equal the sum of the month's daily files):

1. the month's small-cell decision (``cells.py``): a (state, city, brand) not
   decided publishable is already at state level (``city = '*'``), exactly as in
   the daily files;
2. a city cell that was decided publishable but has fewer customers than the
   minimum in the month itself is folded into its state cell;
3. a state cell (after step 2) still under the minimum is folded into the
   brand's country cell (``state = city = '*'``);
4. a country cell still under the minimum (the leftovers of small towns) takes
   in the brand's smallest state cell, then the next, and so on (a city cell is
   folded into its state first): secondary folding, so that no leftover is
   published alone and no row is lost.

Terminal case: a brand whose whole month, nationally, has fewer customers than
the minimum is *suppressed*: no row. Nothing coarser exists to hide it in, and a
row would describe fewer people than the contract allows. The guardrail
``reconcile_monthly_with_daily`` expects exactly this absence and reports the
suppressed units and revenue, so the totals stay accountable.

Segment share: see ``segment_share.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ouchhungry_dp.errors import ConfigurationError
from ouchhungry_dp.products.cells import (
    GENERALISED,
    LEVEL_CITY,
    LEVEL_COUNTRY,
    LEVEL_STATE,
    assign_locations,
)
from ouchhungry_dp.products.segment_share import add_segment_shares
from ouchhungry_dp.products.selection import market_items, partner_brand_names

if TYPE_CHECKING:
    from ouchhungry_dp.partners.contract import PartnerContract

CELL = ["pub_state", "pub_city", "location_level", "brand", "segment"]
LEVEL_RANK = {LEVEL_CITY: 0, LEVEL_STATE: 1, LEVEL_COUNTRY: 2}


def _distinct_customers(items: pd.DataFrame, keys: list[str]) -> pd.Series:
    return items.groupby(keys, observed=True, sort=False)["customer_id"].transform("nunique")


def _fold_city_into_state(frame: pd.DataFrame, mask: pd.Series) -> None:
    frame.loc[mask, "pub_city"] = GENERALISED
    frame.loc[mask, "location_level"] = LEVEL_STATE


def _fold_into_country(frame: pd.DataFrame, mask: pd.Series) -> None:
    frame.loc[mask, ["pub_state", "pub_city"]] = GENERALISED
    frame.loc[mask, "location_level"] = LEVEL_COUNTRY


def _complete_country_cell(brand_items: pd.DataFrame, minimum: int) -> pd.DataFrame:
    """Secondary folding: grow a small country cell until it hides its customers.

    The country cell holds the brand's leftovers (small towns). When they are too
    few, the smallest state cell joins them; with no state cell left, the
    smallest city cell is folded into its state first (never straight into the
    country: a state row and a country row must not both hold rows of the same
    state, or the daily rows of that state would not map to one monthly cell).
    Stops when the cell is large enough or the whole brand is in it.
    """
    out = brand_items.copy()
    while True:
        country = out["location_level"] == LEVEL_COUNTRY
        if not country.any() or out.loc[country, "customer_id"].nunique() >= minimum:
            return out
        state = out["location_level"] == LEVEL_STATE
        city = out["location_level"] == LEVEL_CITY
        if state.any():
            sizes = out.loc[state].groupby("pub_state", observed=True)["customer_id"].nunique()
            _fold_into_country(out, state & (out["pub_state"] == sizes.idxmin()))
        elif city.any():
            sizes = (
                out.loc[city]
                .groupby(["pub_state", "pub_city"], observed=True)["customer_id"]
                .nunique()
            )
            smallest_state, smallest_city = sizes.idxmin()
            target = (
                city & (out["pub_state"] == smallest_state) & (out["pub_city"] == smallest_city)
            )
            _fold_city_into_state(out, target)
        else:
            return out


def fold_small_cells(items: pd.DataFrame, minimum: int) -> pd.DataFrame:
    """Apply steps 2, 3, the secondary folding and the terminal suppression.

    ``items``: partner items located by ``assign_locations``. Returns the items
    that are published, relocated to their final cell; items of a suppressed
    brand are dropped.
    """
    out = items.copy()
    city_rows = out["location_level"] == LEVEL_CITY
    _fold_city_into_state(out, city_rows & (_distinct_customers(out, CELL) < minimum))
    state_rows = out["location_level"] == LEVEL_STATE
    _fold_into_country(out, state_rows & (_distinct_customers(out, CELL) < minimum))
    parts = [
        _complete_country_cell(brand_items, minimum)
        for _, brand_items in out.groupby(["brand", "segment"], observed=True, sort=True)
    ]
    if not parts:
        return out
    out = pd.concat(parts)
    country_rows = out["location_level"] == LEVEL_COUNTRY
    small_country = country_rows & (_distinct_customers(out, CELL) < minimum)
    return out.loc[~small_country.to_numpy()]


def aggregate_cells(items: pd.DataFrame) -> pd.DataFrame:
    grouped = items.groupby(CELL, observed=True, sort=False)
    cells = grouped.agg(
        units_sold=("quantity", "sum"),
        revenue_cents=("amount_cents", "sum"),
        customers_reached=("customer_id", "nunique"),
        orders=("order_id", "nunique"),
    ).reset_index()
    cells["units_sold"] = cells["units_sold"].astype("int64")
    cells["revenue"] = (cells["revenue_cents"].astype("int64") / 100).astype("Float64")
    units = cells["units_sold"].replace(0, np.nan)
    cells["avg_unit_price"] = (cells["revenue"] / units).round(2).astype("Float64")
    for column in ("customers_reached", "orders"):
        cells[column] = cells[column].astype("int64")
    return cells


def build_monthly_product(
    month_transactions: pd.DataFrame,
    products: pd.DataFrame,
    publishable: pd.DataFrame,
    contract: PartnerContract,
    *,
    month: str,
) -> pd.DataFrame:
    """The partner's monthly file as a frame (columns of the contract, in order).

    ``month_transactions``: cleaned transactions of every day of the month, all
    brands (competitors are needed for the segment share; they never appear as
    rows). ``publishable``: the same decision the month's daily files used.
    ``month``: ``'YYYY-MM'``. Rows sorted by brand, level, state, city.
    """
    minimum = contract.privacy.min_customers_per_cell
    market = market_items(month_transactions, products)
    own = market["brand"].isin(contract.partner.brand_names) & (
        market["manufacturer"] == contract.partner.manufacturer
    )
    partner = assign_locations(market.loc[own.fillna(False).to_numpy()], publishable)
    published = fold_small_cells(partner, minimum)
    cells = aggregate_cells(published)
    cells = add_segment_shares(
        cells,
        published,
        market,
        partner_brands=partner_brand_names(products, contract),
        min_competitors=contract.privacy.min_competing_brands_per_segment,
    )
    cells = cells.rename(columns={"pub_state": "state", "pub_city": "city"})
    cells.insert(0, "month", pd.Series([month] * len(cells), dtype="string", index=cells.index))
    cells["_rank"] = cells["location_level"].map(LEVEL_RANK)
    cells = cells.sort_values(["brand", "_rank", "state", "city"], kind="stable")
    columns = contract.products.monthly.column_names
    unknown = [c for c in columns if c not in cells.columns]
    if unknown:
        raise ConfigurationError(
            f"monthly product of {contract.id} lists columns the builder cannot produce: {unknown}",
            partner=contract.id,
            partition=month,
            hint="Fix the contract's monthly columns.",
        )
    return cells.reset_index(drop=True).loc[:, columns]
