"""Monthly product by city: sales of the partner's brands per (state, city, brand).

Each cell is at the level the month's stored location decision (``cells.py``)
gives its location, exactly as in the month's daily files: the monthly file
publishes every location the daily files published and nothing finer, so
differencing the monthly file with the daily files (or the insights' national
totals, which equal the sum of all cells) rebuilds no cell the files do not
already show. The decision was made on the previous month with the contract's k
at every level (cities, the state residuals, the country residual); a cell does
not move in the monthly file because its own month turned out small, since its
rows already left day by day at that level.

Segment share: see ``segment_share.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ouchhungry_dp.errors import ConfigurationError
from ouchhungry_dp.products.cells import LEVEL_CITY, LEVEL_COUNTRY, LEVEL_STATE, assign_locations
from ouchhungry_dp.products.segment_share import add_segment_shares
from ouchhungry_dp.products.selection import is_partner, market_items, partner_brand_names

if TYPE_CHECKING:
    from ouchhungry_dp.partners.contract import PartnerContract

CELL = ["pub_state", "pub_city", "location_level", "brand", "segment"]
LEVEL_RANK = {LEVEL_CITY: 0, LEVEL_STATE: 1, LEVEL_COUNTRY: 2}


def aggregate_cells(items: pd.DataFrame) -> pd.DataFrame:
    grouped = items.groupby(CELL, observed=True, sort=False)
    cells = grouped.agg(
        units_sold=("quantity", "sum"),
        revenue_cents=("amount_cents", "sum"),
        customers_reached=("customer_id", "nunique"),
        orders=("order_id", "nunique"),
    ).reset_index()
    return finish_cells(cells)


def finish_cells(cells: pd.DataFrame) -> pd.DataFrame:
    """Typed measures of summed cells (``CELL`` + units, cents, customers, orders);
    shared with the warehouse path, which sums the same columns in SQL."""
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
    decision: pd.DataFrame,
    contract: PartnerContract,
    *,
    month: str,
) -> pd.DataFrame:
    """The partner's monthly file as a frame (columns of the contract, in order).

    ``month_transactions``: cleaned transactions of every day of the month, all
    brands (competitors are needed for the segment share; they never appear as
    rows). ``decision``: the stored decision the month's daily files used.
    ``month``: ``'YYYY-MM'``. Rows sorted by brand, level, state, city, segment.
    The reference of the warehouse path (``engine/monthly.py``).
    """
    market = market_items(month_transactions, products)
    published = assign_locations(market.loc[is_partner(market, contract)], decision)
    cells = aggregate_cells(published)
    return assemble_monthly(cells, market, partner_brand_names(products, contract), contract,
                            month=month)


def assemble_monthly(cells: pd.DataFrame, market: pd.DataFrame, partner_brands: set[str],
                     contract: PartnerContract, *, month: str) -> pd.DataFrame:
    """The file from its summed cells and the month's market (rows, or rows summed per
    segment, location, manufacturer and brand: the segment share only sums them)."""
    cells = add_segment_shares(cells, market, partner_brands=partner_brands,
                               privacy=contract.privacy)
    cells = cells.rename(columns={"pub_state": "state", "pub_city": "city"})
    cells.insert(0, "month", pd.Series([month] * len(cells), dtype="string", index=cells.index))
    cells["_rank"] = cells["location_level"].map(LEVEL_RANK)
    # The segment last: a brand sold in two segments gets one row per segment, in an
    # order that does not depend on the order the warehouse returned the rows in.
    cells = cells.sort_values(["brand", "_rank", "state", "city", "segment"], kind="stable")
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
