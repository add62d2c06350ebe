"""Segment share of a partner's brand per monthly cell, with competitor protection.

``segment_share`` = brand revenue / segment revenue over the *same geography* as
the row (for a state-level row, the cities of the state the brand does not
publish as cities; for the country row, the rest of the country).
``segment_units_share`` is the same in units.

Knowing its own revenue and its share, a partner can compute the revenue of the
rest of the segment. If that rest is one or two competitors, or one company holds
nearly all of it, the partner has just learned a competitor's sales. So a share
is published at the row's own geography only when at least
``min_competing_brands_per_segment`` competing companies sold there **and** the
(n, k) dominance rule holds (the n largest companies hold at most k % of the
competitors' revenue, and of their units: ``dominance_allows``); otherwise it
is generalised to the whole state, then the whole country; if even the country
fails the share is left empty.
``segment_share_level`` says which: ``cell``, ``state``, ``country`` or
``suppressed``.

Two rules close the ways around that:

* competitors are counted by **manufacturer** (``companies.company_key``: spellings
  of one name count once), not by brand: three brands of one
  company would otherwise pass the minimum and reveal that company's sales;
* generalisation is **all or nothing per area**: if one cell of a state falls back
  to the state's share, every cell of that brand in the state does too (and the
  same for the country). Otherwise the state total (own revenue / state share)
  minus the other cells' totals would give back the small cell's segment total,
  and with it the lone competitor's sales;
* published areas never **overlap**: a whole-state share of a state whose remainder
  lies in the country cell would cover that remainder twice, and a national figure
  would then give it alone (``overlaps_country_cell``): every cell takes the country.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ouchhungry_dp.products.cells import GENERALISED, LEVEL_CITY, LEVEL_COUNTRY, LEVEL_STATE
from ouchhungry_dp.products.companies import company_keys

if TYPE_CHECKING:
    from ouchhungry_dp.partners.contract import Privacy

SHARE_DECIMALS = 4
LEVEL_ORDER = ["cell", "state", "country", "suppressed"]


def dominance_allows(company_totals: pd.Series, n: int, k_percent: float) -> bool:
    """(n, k) dominance rule: the ``n`` largest of ``company_totals`` hold <= k % of their sum.

    ``company_totals``: one competitor company's revenue (or units) per entry.
    Nothing to protect (sum 0) passes. Exactly k % passes (the rule is "more
    than k % is sensitive", Hundepool et al., Statistical Disclosure Control).
    A missing total is 0 (a company without sales in that measure); a total that is not
    a number raises ``ValueError`` (fail closed: read as 0 it could hide the largest
    company and let the rule pass).
    """
    values = pd.to_numeric(company_totals).fillna(0).astype("float64")
    total = float(values.sum())
    if total <= 0:
        return True
    top = float(values.nlargest(n).sum())
    # Compared in integers of hundredths to avoid 0.85 * x float noise at the boundary.
    return round(top * 100 * 100) <= round(k_percent * total * 100)


def _dominance_by_key(competitors: pd.DataFrame, keys: list[str], privacy: Privacy) -> pd.Series:
    """Per key: True when the competitor rows pass the rule in revenue and in units."""
    if competitors.empty:
        return pd.Series(dtype=bool)
    companies = competitors.assign(_company=company_keys(competitors["manufacturer"]))
    per_company = companies.groupby([*keys, "_company"], observed=True, sort=False).agg(
        cents=("amount_cents", "sum"), units=("quantity", "sum")
    )
    n, k = privacy.dominance_n, privacy.dominance_k_percent
    return per_company.groupby(level=list(range(len(keys))), observed=True, sort=False).apply(
        lambda g: dominance_allows(g["cents"], n, k) and dominance_allows(g["units"], n, k)
    )


def share_publishable(rows: pd.DataFrame, partner: set[str], privacy: Privacy) -> bool:
    """Whether one geography's segment rows may carry a published share (count + dominance)."""
    competitors = rows.loc[~rows["brand"].isin(partner).to_numpy()]
    if competitors.empty:
        return False
    companies = company_keys(competitors["manufacturer"]).nunique()
    enough = companies >= privacy.min_competing_brands_per_segment
    frame = competitors.assign(_all=1)
    return bool(enough and _dominance_by_key(frame, ["_all"], privacy).all())


def _segment_stats(
    rows: pd.DataFrame, keys: list[str], brand: str, partner: set[str], privacy: Privacy
) -> pd.DataFrame:
    """Per key: brand and segment revenue/units, and ``allowed`` (count and dominance)."""
    frame = rows.assign(
        _brand_cents=rows["amount_cents"].where(rows["brand"] == brand, 0),
        _brand_units=rows["quantity"].where(rows["brand"] == brand, 0),
        # A competitor is a company: several brands (and spellings) of one manufacturer
        # count once.
        _competitor=company_keys(rows["manufacturer"]).where(~rows["brand"].isin(partner)),
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
    ).astype("float64")
    competing = frame.loc[frame["_competitor"].notna()]
    dominance = _dominance_by_key(competing, keys, privacy).reindex(stats.index)
    enough = stats["competitors"] >= privacy.min_competing_brands_per_segment
    # 1.0 / 0.0 so that the reindexed frames below stay numeric (missing = not allowed).
    stats["allowed"] = (enough & dominance.astype("boolean").fillna(False).astype(bool)).astype(
        "float64"
    )
    return stats


def _shares(stats: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    revenue_share = (stats["brand_cents"] / stats["segment_cents"].replace(0, np.nan)).to_numpy()
    units_share = (stats["brand_units"] / stats["segment_units"].replace(0, np.nan)).to_numpy()
    return revenue_share, units_share, np.nan_to_num(stats["allowed"].to_numpy()) > 0


def overlaps_country_cell(brand_cells: pd.DataFrame, whole_state: np.ndarray) -> bool:
    """Whether a whole-state share would overlap the country cell's share.

    A state without a residual cell of its own has its remainder (the cities it does
    not publish) in the country cell. A whole-state share of that state and the country
    cell's share then both cover that remainder: with any national figure (the
    insights' national share) a partner solves the overlap, i.e. the remainder's
    segment total alone, which no rule checked. The country cell cannot fall back to a
    state, so every cell takes the country instead.
    ``whole_state``: per row of ``brand_cells``, whether it takes its state's share.
    """
    location = brand_cells["location_level"].astype(object).to_numpy()
    if not (location == LEVEL_COUNTRY).any():
        return False
    states = brand_cells["pub_state"].astype(object).to_numpy()
    with_residual = states[location == LEVEL_STATE]
    return bool((whole_state & ~np.isin(states, with_residual)).any())


def _brand_shares(
    brand_cells: pd.DataFrame,
    segment_rows: pd.DataFrame,
    brand: str,
    partner: set[str],
    privacy: Privacy,
    at_least: str = "cell",
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
    cell_stats = _segment_stats(mapped, ["_cell_state", "_cell_city"], brand, partner, privacy)
    state_stats = _segment_stats(segment_rows, ["state"], brand, partner, privacy)
    country_stats = _segment_stats(segment_rows, [], brand, partner, privacy)

    cell_index = pd.MultiIndex.from_frame(brand_cells[["pub_state", "pub_city"]].astype(object))
    cell_rev, cell_units, cell_comp = _shares(cell_stats.reindex(cell_index))
    state_rev, state_units, state_comp = _shares(
        state_stats.reindex(brand_cells["pub_state"].astype(object))
    )
    country_rev, country_units, country_comp = _shares(country_stats)

    # The brand itself sold in the segment, so the country frame has exactly one row.
    use_cell = cell_comp.copy()
    # All or nothing per state: a state with one generalised cell generalises them all.
    states = brand_cells["pub_state"].astype(object).to_numpy()
    use_cell &= ~np.isin(states, np.unique(states[~use_cell]))
    if at_least != "cell":
        use_cell[:] = False
    use_state = ~use_cell & state_comp
    if (
        (~use_cell & ~use_state).any()
        or overlaps_country_cell(brand_cells, use_state)
        or at_least in ("country", "suppressed")
    ):
        # ... and one cell at country level (or suppressed) takes every cell there.
        use_cell[:] = False
        use_state[:] = False
    use_country = ~use_cell & ~use_state & bool(country_comp[0]) & (at_least != "suppressed")
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
    market: pd.DataFrame,
    *,
    partner_brands: Iterable[str],
    privacy: Privacy,
) -> pd.DataFrame:
    """Add ``segment_share``, ``segment_units_share`` and ``segment_share_level``.

    ``cells``: aggregated monthly cells (``pub_state``, ``pub_city``,
    ``location_level``, ``brand``, ``segment``); ``market``: every transaction of
    the month with catalogue attributes, or those summed per segment, location,
    manufacturer and brand (only sums are taken); ``partner_brands``: brands that are not
    competitors (the partner's own); ``privacy``: the contract's minimum of
    competing companies and (n, k) dominance rule.
    """
    partner = set(partner_brands)
    parts = []
    for segment, segment_cells in cells.groupby("segment", sort=False):
        segment_rows = market.loc[(market["segment"] == segment).fillna(False).to_numpy()]
        groups = list(segment_cells.groupby("brand", sort=False))
        shares = [_brand_shares(c, segment_rows, str(b), partner, privacy) for b, c in groups]
        # Two partner brands of one segment: their shares must use the same (coarsest)
        # level, or one brand's state share minus the other's cell shares would give a
        # remainder the rule never checked.
        levels = {lvl for frame in shares for lvl in frame["segment_share_level"]}
        coarsest = max(levels, key=LEVEL_ORDER.index) if levels else "cell"
        if len(groups) > 1 and coarsest != "cell" and len(levels) > 1:
            shares = [_brand_shares(c, segment_rows, str(b), partner, privacy, coarsest)
                      for b, c in groups]
        parts.extend(shares)
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


def published_areas_overlap(brand_cells: pd.DataFrame) -> bool:
    """Whether one brand's rows of a monthly file publish overlapping areas
    (``overlaps_country_cell``; columns as in the file: ``state``, ``location_level``,
    ``segment_share_level``). A file made before that rule may; no national figure may
    be published beside it."""
    whole_state = (brand_cells["segment_share_level"].astype("string") == "state")
    return overlaps_country_cell(
        brand_cells.rename(columns={"state": "pub_state"}), whole_state.fillna(False).to_numpy()
    )


def uncovered_rows(segment_rows: pd.DataFrame, brand_cells: pd.DataFrame) -> pd.DataFrame:
    """Segment rows outside every geography whose share a monthly file published.

    ``brand_cells``: one brand's rows of a monthly file (``state``, ``city``,
    ``location_level``, ``segment_share_level``). A cell-level share covers the
    row's own geography, a state-level share its whole state, a country-level
    share (or a cell share of the country row) everything. A national share minus
    the covered shares gives the segment total of what is left: these rows, which
    must pass the same rule before a national figure is published beside the file.
    """
    level = brand_cells["segment_share_level"].astype("string")
    location = brand_cells["location_level"].astype("string")
    covers_all = ((level == "country") | ((level == "cell") & (location == "country"))).any()
    if covers_all:
        return segment_rows.iloc[0:0]
    cells = brand_cells.loc[(level == "cell").to_numpy()]
    cities = cells.loc[cells["location_level"] == LEVEL_CITY, ["state", "city"]].astype(object)
    city_keys = pd.MultiIndex.from_frame(cities)
    row_keys = pd.MultiIndex.from_frame(segment_rows[["state", "city"]].astype(object))
    residual_states = set(cells.loc[cells["location_level"] == LEVEL_STATE, "state"].astype(str))
    whole_states = set(brand_cells.loc[(level == "state").to_numpy(), "state"].astype(str))
    state = segment_rows["state"].astype(str)
    covered = (
        row_keys.isin(city_keys)
        | state.isin(residual_states).to_numpy()
        | state.isin(whole_states).to_numpy()
    )
    return segment_rows.loc[~covered]
