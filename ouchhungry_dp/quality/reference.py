"""Reference data the rules check against (no Dagster import).

Derived once per process from ``ouchhungry_dp/reference`` (IBGE municipalities
with their phone area code, MIT licence): the set of real Brazilian DDDs, the 27
UFs, and a lookup from (normalised city name, UF) to the 7-digit IBGE code.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "reference"


@cache
def _municipalities() -> pd.DataFrame:
    cities = pd.read_csv(
        REFERENCE_DIR / "municipios.csv",
        dtype={"codigo_ibge": "string", "codigo_uf": "int64", "ddd": "int64", "nome": "string"},
    )
    states = pd.read_csv(REFERENCE_DIR / "estados.csv", dtype={"codigo_uf": "int64"})
    return cities.merge(states[["codigo_uf", "uf"]], on="codigo_uf", how="left", validate="m:1")


@cache
def valid_ddds() -> frozenset[str]:
    """Two-digit area codes in use (67 of them), as strings."""
    return frozenset(f"{d:02d}" for d in _municipalities()["ddd"].unique())


@cache
def valid_ufs() -> frozenset[str]:
    return frozenset(_municipalities()["uf"].astype(str).unique())


@cache
def city_ibge_lookup() -> pd.Series:
    """IBGE code indexed by ``"<NORMALISED CITY>|<UF>"``.

    Normalised with the library's own ``normalize_city`` so that a raw city matches
    exactly when its normalisation equals the reference's.
    """
    from ouchhungry_dp.quality.repair import normalize_city

    table = _municipalities()
    key = normalize_city(table["nome"]) + "|" + table["uf"].astype("string[pyarrow]")
    lookup = pd.Series(table["codigo_ibge"].astype("string[pyarrow]").to_numpy(), index=key)
    return lookup[~lookup.index.duplicated(keep="first")]


@cache
def official_cities() -> pd.DataFrame:
    """One row per municipality: ``key`` (``normalize_city`` of the name), ``uf``,
    ``name`` (official spelling, accents kept) and ``ibge_code`` (7 digits), as text."""
    from ouchhungry_dp.quality.repair import normalize_city

    table = _municipalities()
    text = "string[pyarrow]"
    return pd.DataFrame(
        {
            "key": normalize_city(table["nome"]).astype(text),
            "uf": table["uf"].astype(text),
            "name": table["nome"].astype(text),
            "ibge_code": table["codigo_ibge"].astype(text),
        }
    )
