"""Segment share of a partner's brand per monthly cell, with competitor protection.

``segment_share`` = brand revenue / segment revenue over the *same geography* as
the row (for a state-level row, the cities of the state the brand does not
publish as cities; for the country row, the rest of the country).
``segment_units_share`` is the same in units.

Knowing its own revenue and its share, a partner can compute the revenue of the
rest of the segment. If that rest is one or two competitors, the partner has just
learned a competitor's sales. So a share is published at the row's own geography
only when at least ``min_competing_brands_per_segment`` competitors sold there;
otherwise it is generalised to the whole state, then the whole country; if even
the country has too few competitors the share is left empty.
``segment_share_level`` says which: ``cell``, ``state``, ``country`` or
``suppressed``.

Two rules close the ways around that:

* competitors are counted by **manufacturer**, not by brand: three brands of one
  company would otherwise pass the minimum and reveal that company's sales;
* generalisation is **all or nothing per area**: if one cell of a state falls back
  to the state's share, every cell of that brand in the state does too (and the
  same for the country). Otherwise the state total (own revenue / state share)
  minus the other cells' totals would give back the small cell's segment total,
  and with it the lone competitor's sales.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ouchhungry_dp.products.cells import GENERALISED, LEVEL_CITY, LEVEL_STATE

SHARE_DECIMALS = 4


def _segment_stats(
    rows: pd.DataFrame, keys: list[str], brand: str, partner: set[str]
) -> pd.DataFrame:
    """Per key: brand and segment revenue/units, and the number of competing brands."""
    frame = rows.assign(
        _brand_cents=rows["amount_cents"].where(rows["brand"] == brand, 0),
        _brand_units=rows["quantity"].where(rows["brand"] == brand, 0),
        # A competitor is a company: several brands of one manufacturer count once.
        _competitor=rows["manufacturer"].where(~rows["brand"].isin(partner)),
    )
    if not keys:
        frame = frame.assign(_all=1)
        keys = ["_all"]
    stats = frame.groupby(keys, observed=True, sort=False).agg(
        brand_cents=("_brand_cents", "sum"),
        brand_units=("_brand_units", "sum"),
        segment_cents=("amount_cents", "sum"),
        segment_units=("quantity", "sum"),
        competitors=("_competitor", "nunique"),
    )
    return stats.astype("float64")


def _shares(stats: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    revenue_share = (stats["brand_cents"] / stats["segment_cents"].replace(0, np.nan)).to_numpy()
    units_share = (stats["brand_units"] / stats["segment_units"].replace(0, np.nan)).to_numpy()
    return revenue_share, units_share, stats["competitors"].to_numpy()


def _brand_shares(
    brand_cells: pd.DataFrame,
    segment_rows: pd.DataFrame,
    brand: str,
    partner: set[str],
    minimum: int,
) -> pd.DataFrame:
    city_cells = brand_cells.loc[brand_cells["location_level"] == LEVEL_CITY]
    state_cells = brand_cells.loc[brand_cells["location_level"] == LEVEL_STATE]
    city_keys = pd.MultiIndex.from_frame(city_cells[["pub_state", "pub_city"]].astype(object))
    row_keys = pd.MultiIndex.from_frame(segment_rows[["state", "city"]].astype(object))
    in_city = row_keys.isin(city_keys)
    in_state = segment_rows["state"].isin(set(state_cells["pub_state"])).to_numpy() & ~in_city
    mapped = segment_rows.assign(
        _cell_state=np.where(in_city | in_state, segment_rows["state"].astype(object), GENERALISED),
        _cell_city=np.where(in_city, segment_rows["city"].astype(object), GENERALISED),
    )
    cell_stats = _segment_stats(mapped, ["_cell_state", "_cell_city"], brand, partner)
    state_stats = _segment_stats(segment_rows, ["state"], brand, partner)
    country_stats = _segment_stats(segment_rows, [], brand, partner)

    cell_index = pd.MultiIndex.from_frame(brand_cells[["pub_state", "pub_city"]].astype(object))
    cell_rev, cell_units, cell_comp = _shares(cell_stats.reindex(cell_index))
    state_rev, state_units, state_comp = _shares(
        state_stats.reindex(brand_cells["pub_state"].astype(object))
    )
    country_rev, country_units, country_comp = _shares(country_stats)

    # The brand itself sold in the segment, so the country frame has exactly one row.
    use_cell = np.nan_to_num(cell_comp) >= minimum
    # All or nothing per state: a state with one generalised cell generalises them all.
    states = brand_cells["pub_state"].astype(object).to_numpy()
    use_cell &= ~np.isin(states, np.unique(states[~use_cell]))
    use_state = ~use_cell & (np.nan_to_num(state_comp) >= minimum)
    if (~use_cell & ~use_state).any():
        # ... and one cell at country level (or suppressed) takes every cell there.
        use_cell[:] = False
        use_state[:] = False
    use_country = ~use_cell & ~use_state & bool(country_comp[0] >= minimum)
    choices = [use_cell, use_state, use_country]
    level = np.select(choices, ["cell", "state", "country"], "suppressed")
    revenue_share = np.select(choices, [cell_rev, state_rev, country_rev[0]], np.nan)
    units_share = np.select(choices, [cell_units, state_units, country_units[0]], np.nan)
    return pd.DataFrame(
        {
            "segment_share": np.round(revenue_share.astype(float), SHARE_DECIMALS),
            "segment_units_share": np.round(units_share.astype(float), SHARE_DECIMALS),
            "segment_share_level": level,
        },
        index=brand_cells.index,
    )


def add_segment_shares(
    cells: pd.DataFrame,
    published_items: pd.DataFrame,
    market: pd.DataFrame,
    *,
    partner_brands: Iterable[str],
    min_competitors: int,
) -> pd.DataFrame:
    """Add ``segment_share``, ``segment_units_share`` and ``segment_share_level``.

    ``cells``: aggregated monthly cells (``pub_state``, ``pub_city``,
    ``location_level``, ``brand``, ``segment``); ``market``: every transaction of
    the month with catalogue attributes; ``partner_brands``: brands that are not
    competitors (the partner's own).
    """
    partner = set(partner_brands)
    parts = []
    for (brand, segment), brand_cells in cells.groupby(["brand", "segment"], sort=False):
        segment_rows = market.loc[(market["segment"] == segment).fillna(False).to_numpy()]
        parts.append(_brand_shares(brand_cells, segment_rows, str(brand), partner, min_competitors))
    out = cells.copy()
    if parts:
        shares = pd.concat(parts)
        out = out.join(shares)
    else:
        out["segment_share"] = pd.Series(dtype="float64")
        out["segment_units_share"] = pd.Series(dtype="float64")
        out["segment_share_level"] = pd.Series(dtype="string")
    out["segment_share"] = out["segment_share"].astype("Float64")
    out["segment_units_share"] = out["segment_units_share"].astype("Float64")
    out["segment_share_level"] = out["segment_share_level"].astype("string")
    return out
