"""Where simulated people live: the 5,570 real municipalities (IBGE, MIT licence).

No population column ships with the reference data, so a city's weight is
built: each state gets its approximate population (2022 census, millions), the
capital takes a fixed share of it (a delivery app is urban: ~35%, more where
the capital dominates the state) and the other cities split the rest by a
heavy-tailed (capped Pareto) random weight. That gives what the privacy layer must
cope with: a few cities with thousands of customers and a long tail of towns
with a handful or none. CEPs fall inside each state's real
CEP range (SP 01000-19999, RJ 20000-28999, ...); phones use the city's DDD.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "reference"

# First five CEP digits per UF (Correios ranges; states with split ranges keep the main one).
CEP_PREFIX_RANGE: dict[str, tuple[int, int]] = {
    "SP": (1000, 19999), "RJ": (20000, 28999), "ES": (29000, 29999), "MG": (30000, 39999),
    "BA": (40000, 48999), "SE": (49000, 49999), "PE": (50000, 56999), "AL": (57000, 57999),
    "PB": (58000, 58999), "RN": (59000, 59999), "CE": (60000, 63999), "PI": (64000, 64999),
    "MA": (65000, 65999), "PA": (66000, 68899), "AP": (68900, 68999), "AM": (69000, 69299),
    "RR": (69300, 69399), "AC": (69900, 69999), "DF": (70000, 72799), "GO": (73700, 76799),
    "RO": (76800, 76999), "TO": (77000, 77999), "MT": (78000, 78899), "MS": (79000, 79999),
    "PR": (80000, 87999), "SC": (88000, 89999), "RS": (90000, 99999),
}  # fmt: skip

# Area codes in use in Brazil (ANATEL); anything else is a wrong DDD.
_UNUSED_DDDS = {
    20,
    23,
    25,
    26,
    29,
    30,
    36,
    39,
    40,
    50,
    52,
    56,
    57,
    58,
    59,
    60,
    70,
    72,
    76,
    78,
    80,
    90,
}
VALID_DDDS = frozenset(range(11, 100)) - _UNUSED_DDDS
# Approximate population per UF (millions, 2022 census) and the capital's share of it.
STATE_POPULATION: dict[str, float] = {
    "SP": 44.4, "MG": 20.5, "RJ": 16.1, "BA": 14.1, "PR": 11.4, "RS": 10.9, "PE": 9.1,
    "CE": 8.8, "PA": 8.1, "SC": 7.6, "GO": 7.1, "MA": 6.8, "AM": 3.9, "PB": 4.0, "ES": 3.8,
    "MT": 3.7, "RN": 3.3, "PI": 3.3, "AL": 3.1, "DF": 2.8, "MS": 2.8, "SE": 2.2, "RO": 1.6,
    "TO": 1.5, "AC": 0.8, "AP": 0.7, "RR": 0.6,
}  # fmt: skip
CAPITAL_SHARE_DEFAULT = 0.35
CAPITAL_SHARE: dict[str, float] = {"AM": 0.6, "AP": 0.6, "RR": 0.6, "AC": 0.5, "DF": 1.0}

INVALID_DDDS = np.array(sorted(set(range(10, 100)) - VALID_DDDS))


@dataclass(frozen=True)
class Geography:
    ibge_code: np.ndarray  # int64
    name: pa.Array  # accented official name, e.g. "São Paulo"
    state: np.ndarray  # UF strings
    state_index: np.ndarray  # int, 0..26 (index into ``states``)
    states: tuple[str, ...]
    ddd: np.ndarray  # int
    capital: np.ndarray  # bool
    weight: np.ndarray  # float, sums to 1
    cep_prefix_base: np.ndarray  # int, first five CEP digits of the city's first sector
    cep_prefix_span: np.ndarray  # int, how many five-digit sectors the city covers

    @property
    def size(self) -> int:
        return int(self.ibge_code.size)


@cache
def load_geography(seed: int) -> Geography:
    """Municipalities with seeded weights and CEP sectors (stable for a seed)."""
    cities = pd.read_csv(REFERENCE_DIR / "municipios.csv", dtype={"nome": "string"})
    states = pd.read_csv(REFERENCE_DIR / "estados.csv")
    cities = cities.merge(states[["codigo_uf", "uf"]], on="codigo_uf", how="left")
    cities = cities.sort_values("codigo_ibge", ignore_index=True)
    rng = np.random.default_rng([seed, 5570])
    n = len(cities)
    capital = cities["capital"].to_numpy() == 1
    state = cities["uf"].to_numpy(dtype=object)
    tail = np.minimum(rng.pareto(1.3, size=n), 25.0) + 0.01  # capped: no village outgrows a capital
    tail_per_state = pd.Series(np.where(capital, 0.0, tail)).groupby(state).transform("sum")
    population = np.array([STATE_POPULATION[s] for s in state])
    capital_share = np.array([CAPITAL_SHARE.get(s, CAPITAL_SHARE_DEFAULT) for s in state])
    weight = population * np.where(
        capital,
        capital_share,
        (1 - capital_share) * tail / np.maximum(tail_per_state.to_numpy(), 1e-12),
    )
    weight = weight / weight.sum()

    uf_codes = tuple(sorted(CEP_PREFIX_RANGE))
    lo = np.array([CEP_PREFIX_RANGE[s][0] for s in state])
    hi = np.array([CEP_PREFIX_RANGE[s][1] for s in state])
    # Big cities span many sectors; capitals sit at the start of their state's range.
    span = np.clip((weight / weight.max() * 400).astype(int), 1, 400)
    base = np.where(capital, lo, lo + rng.integers(0, np.maximum(hi - lo - span, 1)))
    return Geography(
        ibge_code=cities["codigo_ibge"].to_numpy(dtype=np.int64),
        name=pa.array(cities["nome"].to_numpy(dtype=object), type=pa.string()),
        state=state,
        state_index=np.searchsorted(np.array(uf_codes), state),
        states=uf_codes,
        ddd=cities["ddd"].to_numpy(dtype=np.int64),
        capital=capital,
        weight=weight,
        cep_prefix_base=base,
        cep_prefix_span=span,
    )


def sample_cities(rng: np.random.Generator, geography: Geography, n: int) -> np.ndarray:
    """Indices of n cities drawn by weight."""
    cumulative = np.cumsum(geography.weight)
    return np.minimum(
        np.searchsorted(cumulative, rng.random(n) * cumulative[-1]), geography.size - 1
    )


def sample_cep_numbers(
    rng: np.random.Generator, geography: Geography, cities: np.ndarray
) -> np.ndarray:
    """8-digit CEP numbers inside each city's sectors."""
    prefix = geography.cep_prefix_base[cities] + (
        rng.random(cities.size) * geography.cep_prefix_span[cities]
    ).astype(np.int64)
    return prefix * 1000 + rng.integers(0, 1000, size=cities.size)
