"""The insights report's figures from warehouse aggregates (``insights_statements``).

``insights_metrics.compute_metrics`` on the month's rows is the reference; this
module gives the same dict from the aggregates, with the same rules on them: the
national share and price index pass ``_national_share_allowed`` (competitor
count and (n, k) dominance, nationally and on what the monthly file left) on the
market sums of ``segment_market``; brands, repeat rates, pairs and the two-brand
share keep the contract's minimum of customers; the report is assembled by the
same ``assemble_metrics``. pandas holds the partner's brands, product pairs and
the country's cities, never the month's order items.

One case the reference leaves to row order: a brand whose products lie in more
than one segment takes the segment of whichever row came first. Here it is the
first segment in sort order (a catalogue keeps one segment per brand).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from ouchhungry_dp.partners.contract import PartnerContract
from ouchhungry_dp.products.engine import insights_statements as queries
from ouchhungry_dp.products.engine.monthly import (
    Runner,
    makers_in_engine,
    market_from_rows,
    own_spellings,
    partner_brands,
)
from ouchhungry_dp.products.insights_metrics import (
    _national_share_allowed,
    assemble_metrics,
    share_and_index,
    top_pairs,
    trend_frame,
    two_brands_share,
)
from ouchhungry_dp.products.insights_names import shown_product_names
from ouchhungry_dp.products.insights_published import BrandFigures
from ouchhungry_dp.products.penetration import COMPANY_ROWS, fold_companies

_PAIR_COLUMNS = ("product_code_a", "product_code_b", "orders", "customers")


def _rows(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """The statement's rows, or its columns without rows when a table is missing."""
    return frame if len(frame.columns) else pd.DataFrame(columns=list(columns))


def _trend(contract: PartnerContract, brands: pd.DataFrame, market: pd.DataFrame, *,
           month: str, monthly_products: pd.DataFrame, partner: set[str]) -> pd.DataFrame:
    """``brand_months`` from the brands' sums and the segment market's sums; ``partner``:
    the partner's brands as the catalogue spells its company."""
    market = market.assign(month=month)
    by_brand = brands.set_index("brand")
    rows = []
    for brand in contract.partner.brand_names:
        if brand not in by_brand.index:
            continue
        own = by_brand.loc[brand]
        segment = own["segment"]
        seg = market.loc[(market["segment"] == segment).fillna(False).to_numpy()]
        frame = pd.DataFrame({
            "month": [month],
            "units": pd.array([own["units"]], dtype="Int64"),
            "cents": pd.array([own["cents"]], dtype="Int64"),
            "customers": [int(own["customers"])],
            "seg_cents": pd.array([seg["amount_cents"].sum()], dtype="Int64"),
            "seg_units": pd.array([seg["quantity"].sum()], dtype="Int64"),
        })
        if seg.empty:  # pandas' join leaves the segment's sums missing
            frame[["seg_cents", "seg_units"]] = pd.NA
        enough = np.array([_national_share_allowed(seg, month, brand, monthly_products,
                                                   partner, contract.privacy)], dtype=bool)
        frame["brand"], frame["segment"] = brand, segment
        rows.append(share_and_index(frame, enough))
    return trend_frame(rows)


def _buying(parts: Mapping[str, pd.DataFrame], contract: PartnerContract,
            brands: pd.DataFrame, *, products: pd.DataFrame,
            known_identifiers: Iterable[str]) -> dict[str, Any]:
    """``repeat_and_cross_sell`` from per-brand, per-customer-count and per-pair sums."""
    minimum = contract.privacy.min_customers_per_cell
    repeat = {
        str(r.brand): round(int(r.repeaters) / int(r.customers), 4)
        if int(r.customers) >= minimum else None
        for r in brands.sort_values("brand").itertuples()
    }
    pairs = _rows(parts["insights_pairs"], _PAIR_COLUMNS)
    counted = (pairs.loc[:, list(_PAIR_COLUMNS)]
               .astype({"product_code_a": str, "product_code_b": str,
                        "orders": "int64", "customers": "int64"})
               .sort_values(["product_code_a", "product_code_b"], kind="stable")
               .reset_index(drop=True))
    # Only a pair's own products are printed; each name is judged on its own.
    codes = pd.concat([counted["product_code_a"], counted["product_code_b"]])
    names = shown_product_names(products, codes, known_identifiers)
    two = _rows(parts["insights_two_brands"], ("customers", "two_brands"))
    customers, both = (int(two["customers"].iloc[0]), int(two["two_brands"].iloc[0])) \
        if len(two) else (0, 0)
    return {
        "repeat_purchase_rate": repeat,
        "top_product_pairs": top_pairs(counted, minimum, names),
        "customers_buying_two_brands_share": two_brands_share(both, customers, len(brands),
                                                              minimum),
    }


def _city_customers(parts: Mapping[str, pd.DataFrame],
                    contract: PartnerContract) -> pd.DataFrame:
    """``penetration.city_customers`` of the month from the per-city, per-spelling counts."""
    rows = _rows(parts["insights_city_customers"], COMPANY_ROWS)
    return fold_companies(rows, contract.privacy.dominance_n)


def insights_metrics_in_engine(
    run: Runner, contract: PartnerContract, *, month: str, first: dt.date, last: dt.date,
    products: pd.DataFrame, monthly_products: pd.DataFrame,
    published: Mapping[str, BrandFigures] | None = None,
    known_identifiers: Iterable[str] = (),
) -> dict[str, Any]:
    """``compute_metrics`` of ``month`` (the days ``first..last``) from warehouse sums,
    all of them from one statement (``queries.insights_month``).
    ``products``: the month's catalogue (``trend_catalogue``), for the printed names."""
    # One read of the catalogue's makers for the shares' own brands and the penetration's
    # own company (it ran once for each before).
    makers = makers_in_engine(run, first, last)
    parts = queries.split_parts(run(queries.insights_month(
        contract, own_spellings(makers, contract), first, last)))
    brands = _rows(parts["insights_brands"], queries.PARTS["insights_brands"])
    brands = brands.astype({"brand": str})
    trend = _trend(contract, brands, market_from_rows(parts["segment_market"]), month=month,
                   monthly_products=monthly_products, partner=partner_brands(makers, contract))
    buying = _buying(parts, contract, brands, products=products,
                     known_identifiers=known_identifiers)
    return assemble_metrics(contract, month=month, trend=trend,
                            monthly_products=monthly_products, published=published,
                            buying=buying, customers=_city_customers(parts, contract))

