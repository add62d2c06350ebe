"""Figures of the partner's monthly insights report (no Dagster import, no charts).

Every figure is an aggregate the partner may see under the contract's privacy
rules: national per brand or per product pair with at least the contract's
minimum of customers, or a city cell the monthly file already publishes.
Competitor figures appear only as segment totals behind enough competing
companies, none dominant (count + (n, k) rule, also on what is left after the
monthly file's published shares).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ouchhungry_dp.products.cells import LEVEL_CITY
from ouchhungry_dp.products.segment_share import share_publishable, uncovered_rows
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
        frame["segment_share"] = np.where(enough, frame["cents"] / frame["seg_cents"], np.nan)
        brand_price = frame["cents"] / frame["units"]
        segment_price = frame["seg_cents"] / frame["seg_units"]
        frame["price_index"] = np.where(enough, 100 * brand_price / segment_price, np.nan)
        frame["brand"], frame["segment"] = brand, segment
        rows.append(frame)
    if not rows:
        return pd.DataFrame(
            columns=[
                "month",
                "brand",
                "segment",
                "units",
                "cents",
                "customers",
                "segment_share",
                "price_index",
            ]
        )
    return pd.concat(rows, ignore_index=True)


def repeat_and_cross_sell(own: pd.DataFrame, minimum: int) -> dict[str, Any]:
    """Repeat-purchase rate per brand and the top product pairs bought together."""
    repeat: dict[str, float | None] = {}
    for brand, items in own.groupby("brand"):
        orders = items.groupby("customer_id")["order_id"].nunique()
        repeat[str(brand)] = (
            round(float((orders >= 2).mean()), 4) if len(orders) >= minimum else None
        )
    # Pairs of different partner products in the same order (self-merge on order).
    lines = own.loc[:, ["order_id", "customer_id", "product_name"]].drop_duplicates()
    pairs = lines.merge(lines, on=["order_id", "customer_id"], suffixes=("_a", "_b"))
    pairs = pairs.loc[pairs["product_name_a"] < pairs["product_name_b"]]
    counted = (
        pairs.groupby(["product_name_a", "product_name_b"])
        .agg(orders=("order_id", "nunique"), customers=("customer_id", "nunique"))
        .reset_index()
    )
    counted = counted.loc[counted["customers"] >= minimum].nlargest(5, "orders")
    brands = own.groupby("customer_id")["brand"].nunique()
    both = int((brands >= 2).sum())
    return {
        "repeat_purchase_rate": repeat,
        "top_product_pairs": [
            {"products": [r.product_name_a, r.product_name_b], "orders": int(r.orders)}
            for r in counted.itertuples()
        ],
        "customers_buying_two_brands_share": _ratio(both, len(brands))
        if len(contract_brands(own)) >= 2 and both >= minimum
        else None,
    }


def contract_brands(own: pd.DataFrame) -> list[str]:
    return sorted(own["brand"].dropna().unique())


def city_figures(
    monthly_products: pd.DataFrame, market: pd.DataFrame, month: str, previous: str
) -> dict[str, Any]:
    """Top cities, rising cities and penetration, from published city cells only."""
    cities = monthly_products.loc[monthly_products["location_level"] == LEVEL_CITY].copy()
    cities["month"] = cities["month"].astype(str)
    now = cities.loc[cities["month"] == month]
    active = (
        market.loc[market["month"] == month]
        .groupby(["state", "city"])["customer_id"]
        .nunique()
        .rename("active_customers")
    )
    now = now.join(active, on=["state", "city"])
    now["penetration"] = (now["customers_reached"] / now["active_customers"]).round(4)
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


def compute_metrics(
    contract: PartnerContract,
    *,
    month: str,
    transactions: pd.DataFrame,
    products: pd.DataFrame,
    monthly_products: pd.DataFrame,
) -> dict[str, Any]:
    minimum = contract.privacy.min_customers_per_cell
    previous = str(pd.Period(month, "M") - 1)
    market = market_items(transactions, products)
    market["month"] = _month_key(market["sale_date"])
    partner = partner_brand_names(products, contract)
    trend = brand_months(market, contract, monthly_products, partner)
    trend = trend.loc[trend["customers"] >= minimum]
    growth = {}
    for brand, rows in trend.groupby("brand"):
        by_month = rows.set_index("month")
        if month in by_month.index and previous in by_month.index:
            growth[str(brand)] = {
                "revenue": _ratio(
                    by_month.at[month, "cents"] - by_month.at[previous, "cents"],
                    by_month.at[previous, "cents"],
                ),
                "units": _ratio(
                    by_month.at[month, "units"] - by_month.at[previous, "units"],
                    by_month.at[previous, "units"],
                ),
            }
    # The partner's items by company (brand and manufacturer), as in every product.
    own = market.loc[is_partner(market, contract) & (market["month"] == month).to_numpy()]
    current = trend.loc[trend["month"] == month]
    return {
        "partner": contract.partner.name,
        "month": month,
        "previous_month": previous,
        "brands": {
            str(r.brand): {
                "units": int(r.units),
                "revenue": round(r.cents / 100, 2),
                "customers": int(r.customers),
                "segment": r.segment,
                "segment_share": None if pd.isna(r.segment_share) else round(r.segment_share, 4),
                "price_index": None if pd.isna(r.price_index) else round(r.price_index, 1),
            }
            for r in current.itertuples()
        },
        "growth_vs_previous_month": growth,
        "segment_share_trend": {
            str(b): {
                m: (None if pd.isna(s) else round(s, 4))
                for m, s in zip(rows["month"], rows["segment_share"], strict=True)
            }
            for b, rows in trend.sort_values("month").groupby("brand")
        },
        "revenue_trend": {
            str(b): {
                m: round(c / 100, 2) for m, c in zip(rows["month"], rows["cents"], strict=True)
            }
            for b, rows in trend.sort_values("month").groupby("brand")
        },
        **repeat_and_cross_sell(own, minimum),
        **city_figures(monthly_products, market, month, previous),
    }
