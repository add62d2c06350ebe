"""``basis.decide_from_basis`` on signature counts equals ``cells.decide_locations`` on the
customer sets, on many small random histories (milliseconds, no warehouse).

The signature counts are computed here in plain Python from the same rows (per
customer: the cities it bought in within each state, the states it bought in), as
``statements.decision_basis`` computes them in SQL; the engine tests check the SQL.
Cities with exactly k customers, residuals at k, customers in two cities or two
states and states under k all occur across the seeds and the values of k.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np
import pandas as pd
import pytest

from ouchhungry_dp.partners.contract import PartnerContract
from ouchhungry_dp.products.cells import decide_locations
from ouchhungry_dp.products.engine.basis import basis_from_rows, decide_from_basis
from ouchhungry_dp.products.engine.statements import SIGNATURE_SEPARATOR

from ..conftest import products_frame, rows_frame

HNG = "REF-HNG-0350"
STATES = {"SP": ["CAMPINAS", "SANTOS", "SAO PAULO", "SOROCABA"], "RJ": ["NITEROI", "RIO"],
          "MG": ["BETIM", "CONTAGEM", "UBERABA"]}


def _history(seed: int, k: int) -> list[tuple[str, str, str]]:
    """(customer, state, city) purchases: 0..2k customers per city, some in a second city."""
    rng = np.random.default_rng(seed)
    bought = []
    for state, cities in STATES.items():
        for city in cities[: int(rng.integers(1, len(cities) + 1))]:
            for i in range(int(rng.integers(0, 2 * k + 1))):
                bought.append((f"C-{state}-{city}-{i}", state, city))
    places = sorted({(s, c) for _, s, c in bought})
    for customer, _, _ in list(bought)[:: int(rng.integers(2, 6))]:
        state, city = places[int(rng.integers(0, len(places)))]
        bought.append((customer, state, city))  # a mover: a second city, maybe a second state
    return bought


def _basis_rows(bought: list[tuple[str, str, str]]) -> pd.DataFrame:
    cities: dict[tuple[str, str], set[str]] = defaultdict(set)
    states: dict[str, set[str]] = defaultdict(set)
    for customer, state, city in bought:
        cities[(customer, state)].add(city)
        states[customer].add(state)
    join = SIGNATURE_SEPARATOR.join
    per_state = Counter((s, join(sorted(c))) for (_, s), c in cities.items())
    per_country = Counter(join(sorted(s)) for s in states.values())
    rows = ([("state", s, m, n) for (s, m), n in per_state.items()]
            + [("country", None, m, n) for m, n in per_country.items()])
    return pd.DataFrame(rows, columns=["scope", "state", "members", "customers"])


@pytest.mark.parametrize("k", [2, 3, 5, 10])
@pytest.mark.parametrize("seed", range(12))
def test_the_decision_from_signature_counts_is_the_decision_from_the_sets(
        contract: PartnerContract, seed: int, k: int) -> None:
    bought = _history(seed, k)
    with_k = contract.model_copy(update={"privacy": contract.privacy.model_copy(
        update={"min_customers_per_cell": k})})
    history = rows_frame([("2026-10-03", f"PED-{i}", customer, state, city, HNG, 1, 10.0)
                          for i, (customer, state, city) in enumerate(bought)])
    products = products_frame().assign(snapshot_date=pd.Timestamp("2026-10-01"))
    expected = decide_locations(history, products, with_k)
    actual = decide_from_basis(basis_from_rows(_basis_rows(bought)), k)
    assert list(actual.columns) == list(expected.columns)
    assert actual.astype(str).to_numpy().tolist() == expected.astype(str).to_numpy().tolist()
    assert actual.dtypes.astype(str).tolist() == [
        "string", "string", "string", "int64", "int64"]


def test_the_seeds_reach_every_level_and_both_kinds_of_mover(contract: PartnerContract) -> None:
    """The cases above are not all alike: every level occurs, and customers in two
    cities of a state and in two states."""
    levels, two_cities, two_states = set(), False, False
    for seed in range(12):
        for k in (2, 3, 5, 10):
            bought = _history(seed, k)
            decision = decide_from_basis(basis_from_rows(_basis_rows(bought)), k)
            levels |= set(decision["level"])
            rows = _basis_rows(bought)
            members = rows["members"].str.contains(SIGNATURE_SEPARATOR, regex=False)
            two_cities |= bool((members & (rows["scope"] == "state")).any())
            two_states |= bool((members & (rows["scope"] == "country")).any())
    assert levels == {"city", "state", "country"} and two_cities and two_states


def test_a_state_of_exactly_k_customers_is_named(contract: PartnerContract) -> None:
    """Sao Paulo has exactly k customers: its state is named (its one city goes to the
    state level, a state of one city has no residual to hide it); Rio and Minas, k / 2
    each, make a country residual of k."""
    k = contract.privacy.min_customers_per_cell
    bought = ([(f"SP{i}", "SP", "SAO PAULO") for i in range(k)]
              + [(f"RJ{i}", "RJ", "NITEROI") for i in range(k // 2)]
              + [(f"MG{i}", "MG", "BETIM") for i in range(k - k // 2)])
    decision = decide_from_basis(basis_from_rows(_basis_rows(bought)), k)
    assert decision.astype(str).to_numpy().tolist() == [
        ["MG", "BETIM", "country", str(k - k // 2), str(k)],
        ["RJ", "NITEROI", "country", str(k // 2), str(k)],
        ["SP", "SAO PAULO", "state", str(k), str(k)],
    ]
