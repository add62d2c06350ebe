"""Figures of the partner's monthly insights report (no Dagster import, no charts).

Every figure is an aggregate the partner may see under the contract's privacy
rules: national per brand or per product pair with at least the contract's
minimum of customers, or a city cell the monthly file already publishes.
Competitor figures appear only as segment totals behind enough competing
companies, none dominant (count + (n, k) rule, also on what is left after the
monthly file's published shares).

Only the report's own month is computed. Past months are printed from what was
released for them (``insights_published``), never recomputed: a late day in a
past month would otherwise change its printed figure and the difference would
isolate the late sales. The brands' units and revenue of the month are the
released monthly file's totals. What reads the month's transactions:
customers, national share and price index of the month, repeat purchase,
cross-sell pairs and the cities' penetration (all of the report's own month; the
penetration's denominator under the competitor rules of ``penetration``).

``compute_metrics`` computes them from the month's rows and is the reference; the
platform computes them from warehouse sums (``engine.insights``), and both end in
``assemble_metrics``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ouchhungry_dp.products.cells import LEVEL_CITY
from ouchhungry_dp.products.insights_names import shown_product_names
from ouchhungry_dp.products.insights_published import (
    BrandFigures,
    monthly_file_figures,
    past_figures,
)
from ouchhungry_dp.products.penetration import city_customers, penetration_allowed
from ouchhungry_dp.products.segment_share import (
    published_areas_overlap,
    share_publishable,
    uncovered_rows,
)
from ouchhungry_dp.products.selection import is_partner, market_items, partner_brand_names

if TYPE_CHECKING:
    from ouchhungry_dp.partners.contract import PartnerContract, Privacy


def _month_key(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values).dt.strftime("%Y-%m")


def _ratio(numerator: float, denominator: float) -> float | None:
    return None if not denominator else round(float(numerator) / float(denominator), 4)


def _national_share_allowed(
    seg: pd.DataFrame, month: str, brand: str, monthly_products: pd.DataFrame,
    partner: set[str], privacy: Privacy,
) -> bool:
    """The national share of one month passes the rule, and so does what is left of it
    after the shares the monthly file of that month published (no differencing)."""
    rows = seg.loc[(seg["month"] == month).to_numpy()]
    if not share_publishable(rows, partner, privacy):
        return False
    published = monthly_products.loc[
        (monthly_products["month"].astype(str) == month).to_numpy()
        & (monthly_products["brand"].astype(str) == brand).to_numpy()
    ]
    if published.empty:
        return True
    if published_areas_overlap(published):
        return False
    rest = uncovered_rows(rows, published)
    return bool(rest["amount_cents"].sum() == 0 or share_publishable(rest, partner, privacy))


def brand_months(
    market: pd.DataFrame, contract: PartnerContract, monthly_products: pd.DataFrame,
    partner: set[str],
) -> pd.DataFrame:
    """Per (month, brand): units, revenue, customers, national segment share and price index.

    The share and the price index (which gives the segment's revenue per unit)
    are published only when the competitors behind them pass the contract's
    count and (n, k) dominance rule, nationally and after subtracting what the
    monthly file of that month already published."""
    rows = []
    for brand in contract.partner.brand_names:
        # The brand of *this* partner: another company may use the same brand name.
        own = market.loc[(market["brand"] == brand)
                         & (market["manufacturer"] == contract.partner.manufacturer)]
        if own.empty:
            continue
        segment = own["segment"].iloc[0]
        seg = market.loc[market["segment"] == segment]
        seg_totals = seg.groupby("month").agg(
            seg_cents=("amount_cents", "sum"), seg_units=("quantity", "sum")
        )
        totals = own.groupby("month").agg(
            units=("quantity", "sum"),
            cents=("amount_cents", "sum"),
            customers=("customer_id", "nunique"),
        )
        frame = totals.join(seg_totals).reset_index()
        enough = np.array([
            _national_share_allowed(seg, str(m), brand, monthly_products, partner,
                                    contract.privacy)
            for m in frame["month"]
        ], dtype=bool)
        frame["brand"], frame["segment"] = brand, segment
        rows.append(share_and_index(frame, enough))
    return trend_frame(rows)


TREND_COLUMNS = ("month", "brand", "segment", "units", "cents", "customers", "segment_share",
                 "price_index")


def share_and_index(frame: pd.DataFrame, enough: np.ndarray) -> pd.DataFrame:
    """``segment_share`` and ``price_index`` of ``brand_months``' rows (units, cents,
    seg_units, seg_cents), empty where the competitors behind them do not pass."""
    frame["segment_share"] = np.where(enough, frame["cents"] / frame["seg_cents"], np.nan)
    brand_price = frame["cents"] / frame["units"]
    segment_price = frame["seg_cents"] / frame["seg_units"]
    frame["price_index"] = np.where(enough, 100 * brand_price / segment_price, np.nan)
    return frame


def trend_frame(rows: list[pd.DataFrame]) -> pd.DataFrame:
    if not rows:
        return pd.DataFrame(columns=list(TREND_COLUMNS))
    return pd.concat(rows, ignore_index=True)


def repeat_and_cross_sell(own: pd.DataFrame, minimum: int,
                          names: Mapping[str, str]) -> dict[str, Any]:
    """Repeat-purchase rate per brand and the top product pairs bought together.
    ``names``: product_code -> the text printed for it (``shown_product_names``)."""
    repeat: dict[str, float | None] = {}
    for brand, items in own.groupby("brand"):
        orders = items.groupby("customer_id")["order_id"].nunique()
        repeat[str(brand)] = (
            round(float((orders >= 2).mean()), 4) if len(orders) >= minimum else None
        )
    # Pairs of different partner products in the same order (self-merge on order).
    lines = own.loc[:, ["order_id", "customer_id", "product_code"]].drop_duplicates()
    pairs = lines.merge(lines, on=["order_id", "customer_id"], suffixes=("_a", "_b"))
    pairs = pairs.loc[pairs["product_code_a"] < pairs["product_code_b"]]
    counted = (
        pairs.groupby(["product_code_a", "product_code_b"])
        .agg(orders=("order_id", "nunique"), customers=("customer_id", "nunique"))
        .reset_index()
    )
    brands = own.groupby("customer_id")["brand"].nunique()
    both = int((brands >= 2).sum())
    return {
        "repeat_purchase_rate": repeat,
        "top_product_pairs": top_pairs(counted, minimum, names),
        "customers_buying_two_brands_share": two_brands_share(
            both, len(brands), len(contract_brands(own)), minimum),
    }


def top_pairs(counted: pd.DataFrame, minimum: int,
              names: Mapping[str, str]) -> list[dict[str, Any]]:
    """The five pairs with most orders among those bought by at least ``minimum``
    customers. ``counted``: per (product_code_a, product_code_b) in that order, the
    pair's distinct ``orders`` and ``customers``."""
    counted = counted.loc[counted["customers"] >= minimum].nlargest(5, "orders")
    return [{"products": sorted([names[r.product_code_a], names[r.product_code_b]]),
             "orders": int(r.orders)} for r in counted.itertuples()]


def two_brands_share(both: int, customers: int, brands: int, minimum: int) -> float | None:
    return _ratio(both, customers) if brands >= 2 and both >= minimum else None


def contract_brands(own: pd.DataFrame) -> list[str]:
    return sorted(own["brand"].dropna().unique())


def city_figures(
    monthly_products: pd.DataFrame, customers: pd.DataFrame, month: str, previous: str,
    privacy: Privacy,
) -> dict[str, Any]:
    """Top cities, rising cities and penetration, from published city cells only.
    ``customers``: ``penetration.city_customers`` of the month; a penetration whose
    denominator fails ``penetration_allowed`` is left empty ("n/d")."""
    cities = monthly_products.loc[monthly_products["location_level"] == LEVEL_CITY].copy()
    cities["month"] = cities["month"].astype(str)
    now = cities.loc[cities["month"] == month]
    now = now.join(customers, on=["state", "city"])
    allowed = penetration_allowed(now, privacy).to_numpy()
    ratio = (now["customers_reached"] / now["active_customers"]).round(4)
    now["penetration"] = ratio.where(allowed).astype("float64")
    top = now.nlargest(10, "revenue")
    before = cities.loc[cities["month"] == previous, ["state", "city", "brand", "revenue"]]
    rising = now.merge(before, on=["state", "city", "brand"], suffixes=("", "_previous"))
    rising["growth"] = (rising["revenue"] / rising["revenue_previous"] - 1).round(4)
    rising = rising.loc[rising["revenue_previous"] > 0].nlargest(5, "growth")
    keep = ["state", "city", "brand", "revenue", "units_sold", "customers_reached", "penetration"]
    return {
        "top_cities": _records(top[keep]),
        "rising_cities": _records(rising[["state", "city", "brand", "revenue", "growth"]]),
    }


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return [
        {k: (float(v) if isinstance(v, float | np.floating) else v) for k, v in r.items()}
        for r in out
    ]


def _current_brands(trend: pd.DataFrame, monthly_products: pd.DataFrame,
                    month: str) -> dict[str, dict[str, Any]]:
    """The month's figures per brand: units and revenue are the released monthly file's
    totals (the report never prints another total for a month); the rest is computed."""
    released = monthly_file_figures(monthly_products, month, [str(b) for b in trend["brand"]])
    out = {}
    for r in trend.itertuples():
        totals = released.get(str(r.brand))
        if totals is None:
            continue  # not in the released file: nothing the partner may compare it with
        out[str(r.brand)] = {
            "units": totals["units"],
            "revenue": totals["revenue"],
            "customers": int(r.customers),
            "segment": r.segment,
            "segment_share": None if pd.isna(r.segment_share) else round(r.segment_share, 4),
            "price_index": None if pd.isna(r.price_index) else round(r.price_index, 1),
        }
    return out


def _growth(now: Mapping[str, Any], before: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not before or before.get("revenue") is None:
        return None
    return {"revenue": _ratio(now["revenue"] - before["revenue"], before["revenue"]),
            "units": _ratio(now["units"] - before["units"], before["units"])}


def compute_metrics(
    contract: PartnerContract,
    *,
    month: str,
    transactions: pd.DataFrame,
    products: pd.DataFrame,
    monthly_products: pd.DataFrame,
    published: Mapping[str, BrandFigures] | None = None,
    known_identifiers: Iterable[str] = (),
) -> dict[str, Any]:
    """Figures of ``month``'s report.

    ``transactions``: cleaned transactions of ``month`` (rows of other months are
    ignored: past months are never recomputed). ``monthly_products``: the released
    monthly files of ``month`` and of the past months to chart. ``published``:
    month -> brand -> figures the released reports of past months printed about their
    own month (``insights_published``). ``known_identifiers``: the month's customer
    names, e-mails and ids, kept out of product names.
    """
    minimum = contract.privacy.min_customers_per_cell
    market = market_items(transactions, products)
    market["month"] = _month_key(market["sale_date"])
    market = market.loc[(market["month"] == month).to_numpy()]
    partner = partner_brand_names(products, contract)
    trend = brand_months(market, contract, monthly_products, partner)
    # The partner's items by company (brand and manufacturer), as in every product.
    own = market.loc[is_partner(market, contract)]
    names = shown_product_names(products, own["product_code"].dropna().astype(str),
                                known_identifiers)
    return assemble_metrics(contract, month=month, trend=trend,
                            monthly_products=monthly_products, published=published,
                            buying=repeat_and_cross_sell(own, minimum, names),
                            customers=city_customers(market, contract))


def assemble_metrics(
    contract: PartnerContract, *, month: str, trend: pd.DataFrame,
    monthly_products: pd.DataFrame, published: Mapping[str, BrandFigures] | None,
    buying: Mapping[str, Any], customers: pd.DataFrame,
) -> dict[str, Any]:
    """The report's figures from the month's per-brand ``trend`` (``brand_months``),
    the buying behaviour (``repeat_and_cross_sell``) and the cities' customers behind
    the penetration (``penetration.city_customers``), however they were computed
    (rows or warehouse sums)."""
    minimum = contract.privacy.min_customers_per_cell
    previous = str(pd.Period(month, "M") - 1)
    trend = trend.loc[trend["customers"] >= minimum]
    brands = _current_brands(trend, monthly_products, month)
    past = past_figures(published or {}, monthly_products, month, list(brands))
    growth = {}
    for brand, figures in brands.items():
        change = _growth(figures, past.get(previous, {}).get(brand))
        if change:
            growth[brand] = change
    charted = {**past, month: brands}
    return {
        "partner": contract.partner.name,
        "month": month,
        "previous_month": previous,
        "brands": brands,
        "growth_vs_previous_month": growth,
        "segment_share_trend": {
            brand: {m: charted[m][brand]["segment_share"] for m in sorted(charted)
                    if brand in charted[m]}
            for brand in brands
        },
        "revenue_trend": {
            brand: {m: charted[m][brand]["revenue"] for m in sorted(charted)
                    if brand in charted[m]}
            for brand in brands
        },
        **buying,
        **city_figures(monthly_products, customers, month, previous, contract.privacy),
    }
