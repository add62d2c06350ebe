"""The month's location decision from customer counts per signature (no customer ids).

``cells.decide_locations`` works on the set of customers of every (state, city)
and takes unions of those sets: a state's residual (its closed cities), a
state's total, the country's residual (the states not named). A customer's
*signature* is the set of cities it bought in within a state (and the set of
states it bought in): the size of any such union is the number of customers
whose signature meets the united cities (or states). So the warehouse returns
one row per signature with its customer count (``statements.decision_basis``)
and this module runs the same algorithm, rule for rule, on those counts. It is
tested equal to ``decide_locations`` on the same rows, edge cases included
(a city with exactly k customers, customers in two cities or states).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from ouchhungry_dp.errors import DataQualityError
from ouchhungry_dp.products.cells import (
    DECISION_COLUMNS,
    LEVEL_CITY,
    LEVEL_COUNTRY,
    LEVEL_STATE,
    LOCATION,
    empty_decision,
)
from ouchhungry_dp.products.engine.statements import SIGNATURE_SEPARATOR

Signature = tuple[frozenset[str], int]  # (cities or states, customers)


@dataclass(frozen=True)
class Basis:
    states: dict[str, list[Signature]]  # state -> signatures of its cities
    country: list[Signature]  # signatures of states

    def customers(self, signatures: list[Signature], members: Iterable[str]) -> int:
        """Distinct customers who bought in any of ``members``."""
        wanted = set(members)
        return sum(n for sig, n in signatures if sig & wanted)


def _members(text: str) -> frozenset[str]:
    members = text.split(SIGNATURE_SEPARATOR)
    if "" in members:
        raise DataQualityError(
            f"a location name holds the signature separator {SIGNATURE_SEPARATOR!r} or is "
            "empty; the decision basis cannot be read",
            hint="Cleaned cities are IBGE names; look at the cleaning of the history month.")
    return frozenset(members)


def basis_from_rows(rows: pd.DataFrame) -> Basis:
    """``statements.decision_basis``' result (scope, state, members, customers)."""
    states: dict[str, list[Signature]] = {}
    country: list[Signature] = []
    for scope, state, members, customers in rows.loc[
            :, ["scope", "state", "members", "customers"]].itertuples(index=False):
        signature = (_members(str(members)), int(customers))
        if scope == "state":
            states.setdefault(str(state), []).append(signature)
        else:
            country.append(signature)
    return Basis(states, country)


def _decide_state(basis: Basis, signatures: list[Signature], cities: dict[str, int],
                  k: int) -> set[str]:
    """``cells._decide_state`` on counts."""
    open_cities = {c for c, n in cities.items() if n >= k}
    while True:
        residual = basis.customers(signatures, set(cities) - open_cities)
        if residual >= k or not open_cities:
            return open_cities
        smallest = min(open_cities, key=lambda c: (cities[c], c))
        open_cities.discard(smallest)


def decide_from_basis(basis: Basis, k: int) -> pd.DataFrame:
    """``cells.decide_locations``' frame from signature counts (same rows, same order)."""
    if not basis.states:
        return empty_decision()
    cities = {s: {c: basis.customers(sigs, [c]) for sig, _ in sigs for c in sig}
              for s, sigs in basis.states.items()}
    open_cities = {s: _decide_state(basis, basis.states[s], cities[s], k) for s in cities}
    state_total = {s: sum(n for _, n in sigs) for s, sigs in basis.states.items()}
    named = {s for s in cities if state_total[s] >= k}
    while True:
        country_residual = basis.customers(basis.country, set(cities) - named)
        if country_residual >= k or not named:
            break
        smallest = min(named, key=lambda s: (state_total[s], s))
        named.discard(smallest)
    rows = []
    for state in sorted(cities):
        residual = basis.customers(basis.states[state], set(cities[state]) - open_cities[state])
        for city in sorted(cities[state]):
            if state not in named:
                level, cell = LEVEL_COUNTRY, country_residual
            elif city in open_cities[state]:
                level, cell = LEVEL_CITY, cities[state][city]
            else:
                level, cell = LEVEL_STATE, residual
            rows.append((state, city, level, cities[state][city], cell))
    frame = pd.DataFrame(rows, columns=list(DECISION_COLUMNS)).astype(
        {"state": "string", "city": "string", "level": "string",
         "history_customers": "int64", "cell_customers": "int64"})
    return frame.sort_values(LOCATION, kind="stable").reset_index(drop=True)
