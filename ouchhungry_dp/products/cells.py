"""Small-cell decision: which (state, city, brand) cells may be published as a city.

Why decide before the month starts: a daily file is sent the morning after each
day, long before the month is known. If the city of a daily row were decided
from the month itself, a city could appear in the files of days 1-20 and vanish
(be generalised) in the files of days 21-31 and in the monthly file: the partner
would difference the releases and learn what the small city hid. So the set of
publishable cells for month M is decided ONCE from data known before M starts,
the previous calendar month's cleaned transactions, and every daily file of M
and the monthly file of M use it. No history (first month, new brand) means
nothing is publishable as a city: everything is generalised to its state.

A publishable cell that turns out small in M itself is folded again in the
monthly file (see ``monthly.py``); its daily rows, already sent, stay as they
were (they are row-level pseudonymised data, LGPD Art. 13, see the docs).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ouchhungry_dp.products.selection import partner_items

if TYPE_CHECKING:
    from ouchhungry_dp.partners.contract import PartnerContract

# Label of a generalised location: ``city`` is ``*`` for a state-level cell,
# ``state`` and ``city`` are ``*`` for the country-level cell.
GENERALISED = "*"
LEVEL_CITY, LEVEL_STATE, LEVEL_COUNTRY = "city", "state", "country"
DECISION_COLUMNS = ("state", "city", "brand", "history_customers", "publishable")
CELL_KEY = ["state", "city", "brand"]


def decide_publishable_cells(
    history_transactions: pd.DataFrame, products: pd.DataFrame, contract: PartnerContract
) -> pd.DataFrame:
    """Decision for a month from the cleaned transactions of the month before it.

    ``history_transactions``: cleaned transactions (all brands) of the previous
    calendar month; an empty frame is valid (no history). Returns one row per
    (state, city, brand) of the partner seen in the history with
    ``history_customers`` (distinct customers) and ``publishable`` (bool,
    ``history_customers >= contract.privacy.min_customers_per_cell``). Cells not
    listed are not publishable. Store the frame with the month: it is the
    evidence of why a city was or was not published.
    """
    minimum = contract.privacy.min_customers_per_cell
    if history_transactions.empty:
        return empty_decision()
    items = partner_items(history_transactions, products, contract)
    items = items.dropna(subset=["state", "city", "brand"])
    customers = (
        items.groupby(CELL_KEY, observed=True, sort=True)["customer_id"]
        .nunique()
        .rename("history_customers")
        .reset_index()
    )
    customers["history_customers"] = customers["history_customers"].astype("int64")
    customers["publishable"] = customers["history_customers"] >= minimum
    return customers.loc[:, list(DECISION_COLUMNS)]


def empty_decision() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "state": pd.Series(dtype="string"),
            "city": pd.Series(dtype="string"),
            "brand": pd.Series(dtype="string"),
            "history_customers": pd.Series(dtype="int64"),
            "publishable": pd.Series(dtype="bool"),
        }
    )


def assign_locations(items: pd.DataFrame, publishable: pd.DataFrame) -> pd.DataFrame:
    """Add ``pub_state``, ``pub_city`` and ``location_level`` to partner items.

    A row keeps its city when its (state, city, brand) is publishable in the
    decision; otherwise it is generalised to its state; a row without a state
    (not expected after cleaning) is generalised to the country.
    """
    allowed = publishable.loc[publishable["publishable"].astype(bool), CELL_KEY].copy()
    allowed = allowed.astype("string").drop_duplicates()
    allowed["_publishable"] = True
    keys = items.loc[:, CELL_KEY].astype("string")
    flags = keys.merge(allowed, on=CELL_KEY, how="left")["_publishable"]
    is_city = flags.notna().to_numpy() & items["city"].notna().to_numpy()
    has_state = items["state"].notna().to_numpy()
    out = items.copy()
    out["location_level"] = np.where(
        is_city, LEVEL_CITY, np.where(has_state, LEVEL_STATE, LEVEL_COUNTRY)
    )
    out["pub_city"] = np.where(is_city, items["city"].astype(object), GENERALISED)
    out["pub_state"] = np.where(has_state, items["state"].astype(object), GENERALISED)
    for column in ("location_level", "pub_city", "pub_state"):
        out[column] = out[column].astype("string")
    return out
