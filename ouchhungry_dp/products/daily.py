"""Daily analytical product: one row per order item of a partner product.

What the file carries is exactly the contract's daily columns: the sale day (no
time of day), keyed pseudonyms for order and customer, the location as the
month's location decision gives it (city; ``*`` with the state; ``*`` and ``*``
for the country), and the product, price and quantity. The pseudonyms are
scoped to the sale month (see ``privacy/pseudonymize.py``). No CEP, no street,
no raw id, no name (LGPD Art. 12 / 13 and data minimisation; see
docs/data-products.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ouchhungry_dp.errors import ConfigurationError
from ouchhungry_dp.privacy.pseudonymize import pseudonymize
from ouchhungry_dp.products.cells import assign_locations
from ouchhungry_dp.products.selection import partner_items

if TYPE_CHECKING:
    from ouchhungry_dp.partners.contract import PartnerContract

SORT_ORDER = ["sale_date", "order_id", "product_code", "quantity", "unit_price"]


def formatted(stamps: pd.Series, fmt: str) -> pd.Series:
    """``stamps.dt.strftime(fmt)``, formatted once per distinct value: a day's file
    repeats one date on each of its rows, and strftime is a Python call per row."""
    distinct = stamps.drop_duplicates()
    return stamps.map(dict(zip(distinct, distinct.dt.strftime(fmt), strict=True))).astype(object)


def month_pseudonyms(
    values: pd.Series, months: pd.Series, *, key: bytes, salt: str
) -> pd.Series:
    """Pseudonyms of ``values`` scoped to each row's month (``YYYY-MM`` text)."""
    parts = [
        pseudonymize(values[months == month], key=key, salt=salt, scope=str(month))
        for month in sorted(months.dropna().unique())
    ]
    if not parts:
        return pd.Series(pd.array([None] * len(values), dtype="string[pyarrow]"),
                         index=values.index, name=values.name)
    return pd.concat(parts).reindex(values.index)


def build_daily_product(
    transactions: pd.DataFrame,
    products: pd.DataFrame,
    decision: pd.DataFrame,
    contract: PartnerContract,
    *,
    key: bytes,
    with_truth: bool = False,
) -> pd.DataFrame:
    """The partner's daily file as a frame.

    ``transactions``: cleaned transactions of the day (all brands; other brands
    are dropped here). ``products``: cleaned products (latest snapshot wins).
    ``decision``: the stored ``decide_locations`` of the day's month. ``key``:
    the ``PSEUDONYMIZATION_KEY`` bytes. Returns the columns of
    ``contract.products.daily.column_names`` in order; ``sale_date`` is ISO text
    (``YYYY-MM-DD``), money rounded to cents, rows in a deterministic order
    (by pseudonymous order id, which says nothing about time of purchase).
    ``with_truth``: also return the real ``true_state`` / ``true_city`` of each row
    (for the privacy audit's attacks only; never written to a file).
    """
    items = assign_locations(partner_items(transactions, products, contract), decision)
    salt = contract.privacy.pseudonymization_salt
    sale_date = pd.to_datetime(items["sale_date"])
    months = formatted(sale_date, "%Y-%m")
    available = {
        "sale_date": formatted(sale_date, "%Y-%m-%d").astype("string"),
        "order_id": month_pseudonyms(items["order_id"], months, key=key, salt=salt),
        "customer_id": month_pseudonyms(items["customer_id"], months, key=key, salt=salt),
        "city": items["pub_city"],
        "state": items["pub_state"],
        "location_level": items["location_level"],
        "brand": items["brand"].astype("string"),
        "segment": items["segment"].astype("string"),
        "product_code": items["product_code"].astype("string"),
        "product_name": items["product_name"].astype("string"),
        "unit_price": items["unit_price"].astype("Float64"),
        "quantity": items["quantity"].astype("Int64"),
        "total_amount": (items["amount_cents"] / 100).astype("Float64"),
    }
    columns = contract.products.daily.column_names
    unknown = [c for c in columns if c not in available]
    if unknown:
        raise ConfigurationError(
            f"daily product of {contract.id} lists columns the builder cannot produce: {unknown}",
            partner=contract.id,
            hint=f"Known daily columns: {sorted(available)}; fix the contract.",
        )
    truth = ["true_state", "true_city"] if with_truth else []
    frame = pd.DataFrame(available, index=items.index).assign(
        true_state=items["state"].astype("string"), true_city=items["city"].astype("string")
    )
    order = [c for c in SORT_ORDER if c in frame.columns]
    frame = frame.sort_values(order, kind="stable").reset_index(drop=True)
    return frame.loc[:, [*columns, *truth]]
