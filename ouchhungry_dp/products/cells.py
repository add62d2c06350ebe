"""The month's location decision: at which level each location is published.

Why decide before the month starts: a daily file is sent the morning after each
day, long before the month is known. If the level of a daily row were decided
from the month itself, a city could appear in the files of days 1-20 and vanish
in the files of days 21-31: the partner would difference the releases. So the
level of every location for month M is decided ONCE from data known before M
starts (the previous calendar month's cleaned transactions, the *decision
basis*), stored (``<partner>_publishable_cells``) and followed by every daily
file of M, the monthly file of M and the insights of M.

One hierarchy, city -> state -> country, with the contract's k (minimum distinct
customers) at every level, decided for the partner's brands **together**: a
location has one level for every brand of the partner, so an order with a
Hungry and an Ouch item is never published at two levels (a join on
``order_id`` would otherwise put the generalised item back in its city).

1. A city is published when it has >= k customers in the basis.
2. Complementary suppression: a state row describes "the state minus its
   published cities". That residual must itself hold >= k basis customers,
   otherwise the smallest published city of the state is folded into it, and so
   on. A state whose residual stays under k with no city left is folded into
   the country (with all its cities): small states are never named, neither in
   the daily nor in the monthly files.
3. The country row describes "the country minus the named states". It must
   hold >= k basis customers too (or be the whole country), otherwise the
   smallest named state is folded into it.
4. No history (first month, a location never seen): the most general level.
   A city not in the basis is published at its state if the state is named,
   else at the country.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ouchhungry_dp.products.selection import partner_items

if TYPE_CHECKING:
    from ouchhungry_dp.partners.contract import PartnerContract

# Label of a generalised location: ``city`` is ``*`` for a state-level row,
# ``state`` and ``city`` are ``*`` for the country-level row.
GENERALISED = "*"
LEVEL_CITY, LEVEL_STATE, LEVEL_COUNTRY = "city", "state", "country"
LOCATION = ["state", "city"]
# One row per (state, city) seen in the basis: its level, its own basis customers
# and the basis customers of the published cell it falls in (the city itself, the
# state's residual or the country's residual): the evidence for every label.
DECISION_COLUMNS = ("state", "city", "level", "history_customers", "cell_customers")


def empty_decision() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "state": pd.Series(dtype="string"),
            "city": pd.Series(dtype="string"),
            "level": pd.Series(dtype="string"),
            "history_customers": pd.Series(dtype="int64"),
            "cell_customers": pd.Series(dtype="int64"),
        }
    )


def _customers_by_location(items: pd.DataFrame) -> dict[str, dict[str, frozenset[str]]]:
    located = items.dropna(subset=["state", "city", "customer_id"])
    pairs = located.loc[:, ["state", "city", "customer_id"]].astype(str).drop_duplicates()
    out: dict[str, dict[str, frozenset[str]]] = {}
    for (state, city), group in pairs.groupby(LOCATION, sort=True):
        out.setdefault(str(state), {})[str(city)] = frozenset(group["customer_id"])
    return out


def _union(sets: list[frozenset[str]]) -> frozenset[str]:
    return frozenset().union(*sets) if sets else frozenset()


def _decide_state(cities: dict[str, frozenset[str]], k: int) -> set[str]:
    """Published cities of one state, after complementary suppression of its residual."""
    open_cities = {c for c, who in cities.items() if len(who) >= k}
    while True:
        residual = _union([who for c, who in cities.items() if c not in open_cities])
        if len(residual) >= k or not open_cities:
            return open_cities
        # The smallest (then alphabetically first: deterministic) city joins the residual.
        smallest = min(open_cities, key=lambda c: (len(cities[c]), c))
        open_cities.discard(smallest)


def decide_locations(
    history_transactions: pd.DataFrame, products: pd.DataFrame, contract: PartnerContract
) -> pd.DataFrame:
    """The decision for a month from the cleaned transactions of the month before it.

    ``history_transactions``: cleaned transactions (all brands) of the previous
    calendar month; an empty frame is valid (no history: everything at the
    country level). Returns ``DECISION_COLUMNS``, one row per (state, city) of
    the partner's sales in the basis, sorted; deterministic for the same input.
    """
    k = contract.privacy.min_customers_per_cell
    if history_transactions.empty:
        return empty_decision()
    items = partner_items(history_transactions, products, contract)
    basis = _customers_by_location(items)
    if not basis:
        return empty_decision()
    open_cities = {s: _decide_state(cities, k) for s, cities in basis.items()}
    state_total = {s: _union(list(c.values())) for s, c in basis.items()}
    named = {s for s in basis if len(state_total[s]) >= k}
    while True:
        country_residual = _union([state_total[s] for s in basis if s not in named])
        if len(country_residual) >= k or not named:
            break
        smallest = min(named, key=lambda s: (len(state_total[s]), s))
        named.discard(smallest)
    rows = []
    for state, cities in basis.items():
        residual = _union([who for c, who in cities.items() if c not in open_cities[state]])
        for city, who in cities.items():
            if state not in named:
                level, cell = LEVEL_COUNTRY, len(country_residual)
            elif city in open_cities[state]:
                level, cell = LEVEL_CITY, len(who)
            else:
                level, cell = LEVEL_STATE, len(residual)
            rows.append((state, city, level, len(who), cell))
    frame = pd.DataFrame(rows, columns=list(DECISION_COLUMNS))
    frame = frame.astype(
        {"state": "string", "city": "string", "level": "string",
         "history_customers": "int64", "cell_customers": "int64"}
    )  # fmt: skip
    return frame.sort_values(LOCATION, kind="stable").reset_index(drop=True)


def named_states(decision: pd.DataFrame) -> set[str]:
    """States the decision names (any of their locations above the country level)."""
    return set(decision.loc[decision["level"] != LEVEL_COUNTRY, "state"].astype(str))


def assign_locations(items: pd.DataFrame, decision: pd.DataFrame) -> pd.DataFrame:
    """Add ``pub_state``, ``pub_city`` and ``location_level`` to partner items.

    A row takes its location's decided level; a location not in the decision is
    published at its state when the decision names that state, else at the
    country; a row without a state (not expected after cleaning) at the country.
    """
    keys = items.loc[:, LOCATION].astype("string")
    decided = decision.loc[:, [*LOCATION, "level"]].astype("string")
    level = keys.merge(decided, on=LOCATION, how="left")["level"].to_numpy(dtype=object)
    state_named = keys["state"].isin(named_states(decision)).to_numpy()
    unknown = pd.isna(level)
    level = np.where(unknown & state_named, LEVEL_STATE, level)
    level = np.where(pd.isna(level) | items["state"].isna().to_numpy(), LEVEL_COUNTRY, level)
    out = items.copy()
    out["location_level"] = pd.array(level, dtype="string")
    out["pub_city"] = pd.array(
        np.where(level == LEVEL_CITY, items["city"].astype(object), GENERALISED), dtype="string"
    )
    out["pub_state"] = pd.array(
        np.where(level == LEVEL_COUNTRY, GENERALISED, items["state"].astype(object)),
        dtype="string",
    )
    return out


def cell_customers(decision: pd.DataFrame) -> pd.DataFrame:
    """Basis customers of every published cell: (pub_state, pub_city, level, cell_customers)."""
    frame = decision.assign(
        pub_state=decision["state"].where(decision["level"] != LEVEL_COUNTRY, GENERALISED),
        pub_city=decision["city"].where(decision["level"] == LEVEL_CITY, GENERALISED),
    )
    cells = frame.groupby(["pub_state", "pub_city", "level"], sort=True, observed=True)
    return cells["cell_customers"].max().reset_index()
