"""Which transactions belong to a partner, and the catalogue attributes they need.

Shared by the daily and monthly builders and the cell decision so that the three
always agree on what "a sale of the partner" is: a transaction whose product, in
the latest catalogue snapshot, has one of the contract's brands *and* the
contract's manufacturer (a brand name alone could be reused by another company).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ouchhungry_dp.errors import DataQualityError
from ouchhungry_dp.products.companies import same_company

if TYPE_CHECKING:
    from ouchhungry_dp.partners.contract import PartnerContract

CATALOGUE_ATTRIBUTES = ("product_code", "product_name", "brand", "manufacturer", "segment")
TRANSACTION_COLUMNS = (
    "order_id",
    "customer_id",
    "product_code",
    "quantity",
    "total_amount",
    "unit_price",
    "sale_date",
    "city",
    "state",
)


def _require(frame: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataQualityError(
            f"{what} lacks columns {missing}",
            hint="Pass the cleaned tables (ouchhungry_dp.tables CLEANED_*).",
        )


def latest_catalogue(products: pd.DataFrame) -> pd.DataFrame:
    """One row per product_code: the newest snapshot (then newest update) wins."""
    _require(products, CATALOGUE_ATTRIBUTES, "products table")
    order = [c for c in ("snapshot_date", "updated_at") if c in products.columns]
    frame = products.sort_values(order, kind="stable") if order else products
    latest = frame.drop_duplicates("product_code", keep="last")
    return latest.loc[:, list(CATALOGUE_ATTRIBUTES)].reset_index(drop=True)


def market_items(transactions: pd.DataFrame, products: pd.DataFrame) -> pd.DataFrame:
    """Every transaction with brand, manufacturer, segment and product name attached.

    Transactions whose product is not in the catalogue are dropped: the cleaning
    quarantines them (``unknown_product``) before they get here. Adds
    ``amount_cents`` (int64), the money every product and check sums, so that the
    monthly totals equal the sum of the daily files to the cent.
    """
    _require(transactions, TRANSACTION_COLUMNS, "transactions table")
    catalogue = latest_catalogue(products)
    items = transactions.loc[:, list(TRANSACTION_COLUMNS)].merge(
        catalogue, on="product_code", how="inner", validate="many_to_one"
    )
    items["state"] = text_per_value(items["state"], upper=True)
    items["city"] = text_per_value(items["city"])
    items["quantity"] = items["quantity"].astype("Int64")
    items["unit_price"] = items["unit_price"].astype("Float64").round(2)
    items["amount_cents"] = (items["total_amount"].astype("Float64") * 100).round().astype("Int64")
    return items


def text_per_value(column: pd.Series, *, upper: bool = False) -> pd.Series:
    """``column.astype("string").str.strip()`` (then ``.str.upper()``), computed once per
    distinct value and taken back to the rows: same values and dtype. pandas' string
    methods make a Python call per row (seconds at a day's million items, three times
    per daily file), and a day has a few thousand cities and 27 states."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    text = pd.Series(uniques, dtype=object).astype("string").str.strip()
    if upper:
        text = text.str.upper()
    return pd.Series(text.array.take(codes, allow_fill=True), index=column.index,
                     name=column.name)


def is_partner(items: pd.DataFrame, contract: PartnerContract) -> np.ndarray:
    """Rows of ``market_items`` sold by the partner: its brands *and* its manufacturer."""
    own = items["brand"].isin(contract.partner.brand_names) & (
        items["manufacturer"] == contract.partner.manufacturer
    )
    return own.fillna(False).to_numpy(dtype=bool)


def partner_items(
    transactions: pd.DataFrame, products: pd.DataFrame, contract: PartnerContract
) -> pd.DataFrame:
    """The transactions of the contract's brands (see ``market_items`` for the columns).

    Only the rows whose product code the catalogue gives to the partner are joined and
    converted (a few percent of a day's million items, which went through the join and
    conversions twice per daily file); the same rule then selects among them, so the
    rows, their order, values and dtypes are those of ``market_items`` filtered
    (``test_partner_items_are_the_market_items_of_the_partner``)."""
    _require(transactions, TRANSACTION_COLUMNS, "transactions table")
    catalogue = latest_catalogue(products)
    codes = catalogue.loc[is_partner(catalogue, contract), "product_code"]
    own = transactions["product_code"].isin(codes.dropna()).to_numpy(dtype=bool, na_value=False)
    if codes.isna().any():  # the join pairs missing codes too
        own |= transactions["product_code"].isna().to_numpy(dtype=bool)
    items = market_items(transactions.loc[own], products)
    return items.loc[is_partner(items, contract)].reset_index(drop=True)


def partner_brand_names(products: pd.DataFrame, contract: PartnerContract) -> set[str]:
    """Every brand the partner's manufacturer owns in the catalogue (not competitors),
    its name spelt any way ``companies.company_key`` merges."""
    catalogue = latest_catalogue(products)
    own = same_company(catalogue["manufacturer"], contract.partner.manufacturer)
    return set(catalogue.loc[own.to_numpy(), "brand"].dropna()) | set(
        contract.partner.brand_names
    )
