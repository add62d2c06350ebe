"""City names resolved against the IBGE municipality list, within each row's state.

A raw city becomes the official name (accents kept, ``São Paulo``) and its 7-digit
IBGE code, or the row gets a reason. In order, on each distinct (city, UF) pair:

1. personal data typed into the field (an e-mail, a run of digits: CPF, phone, CEP,
   street number) -> ``personal_data_in_city``; never matched, never echoed;
2. exact match of ``normalize_city`` (case, accents, blanks) inside the row's UF;
3. a trailing UF written into the city (``São Paulo/SP``, ``Sao Paulo - SP``,
   ``Sao Paulo, SP``, ``Sao Paulo (SP)``): the rest is matched inside the row's UF;
   a UF other than the row's -> ``city_state_mismatch``;
4. a misspelling: the closest name of the row's UF by optimal-string-alignment
   similarity (a transposition is one edit), only at or above
   ``FUZZY_MIN_SIMILARITY`` and only when no other name of the UF is as close;
5. anything else -> ``unknown_city``.

The work is per distinct pair (a day has a few thousand), taken back to the rows
by position, so it costs a dictionary encode of the column at a million rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import process
from rapidfuzz.distance import OSA

from ouchhungry_dp.errors import ConfigurationError
from ouchhungry_dp.quality._arrow import TEXT, text_array, to_text_series
from ouchhungry_dp.quality.reference import official_cities, valid_ufs
from ouchhungry_dp.quality.repair import normalize_city

# One edit in a name of 7+ characters (0.857), two in one of 14+: a misspelling,
# not another town. Shorter names must match exactly (``ITU`` vs ``ITA`` are both real).
FUZZY_MIN_SIMILARITY = 0.85
# Never part of a municipality name (checked against the shipped list in the tests).
_PERSONAL_DATA = r"@|\d{3,}"
_UF_SUFFIX = r"^(?P<base>.+?)\s*(?:[/,(-]|\s)\s*(?P<uf>[A-Za-z]{2})\s*\)?$"
_SEPARATOR = "\x1f"

# Outcome of one distinct pair. The order matters: lower codes are matches.
EXACT, UF_SUFFIX, FUZZY = 0, 1, 2
PERSONAL_DATA, STATE_MISMATCH, UNKNOWN = 10, 11, 12
REASONS = {
    PERSONAL_DATA: "personal_data_in_city",
    STATE_MISMATCH: "city_state_mismatch",
    UNKNOWN: "unknown_city",
}
REPAIRS = {UF_SUFFIX: "city_uf_suffix", FUZZY: "city_fuzzy_match"}
OFFICIAL_NAME_REPAIR = "city_official_name"  # exact match, written otherwise than officially


@dataclass(frozen=True)
class ResolvedCities:
    name: pd.Series  # official name, missing where not resolved or no city given
    ibge_code: pd.Series  # 7-digit code as text, missing likewise
    reasons: dict[str, np.ndarray]  # reason code -> rows
    repairs: dict[str, np.ndarray]  # repair rule -> rows


def _pairs(city: pa.Array, uf: pa.Array) -> tuple[pd.DataFrame, np.ndarray]:
    """Distinct (city, uf) pairs and each row's position among them (-1: no city or UF)."""
    joined = pc.binary_join_element_wise(city, uf, pa.scalar(_SEPARATOR, city.type))
    encoded = pc.dictionary_encode(joined)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    position = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
    parts = pc.split_pattern(encoded.dictionary, _SEPARATOR, max_splits=1)
    index = pd.RangeIndex(len(encoded.dictionary))
    pairs = pd.DataFrame({
        "raw": to_text_series(pc.list_element(parts, 0), index),
        "uf": to_text_series(pc.list_element(parts, 1), index),
    })
    return pairs, position.astype(np.intp)


@cache
def _reference_keys() -> tuple[pa.Array, pa.Array, pa.Array]:
    """("KEY<sep>UF", official name, IBGE code) of every municipality, as Arrow arrays."""
    reference = official_cities()
    keys = pa.array((reference["key"] + _SEPARATOR + reference["uf"]).array, pa.large_string())
    if len(pc.unique(keys)) != len(keys):  # the shipped list has no two alike; a new one might
        raise ConfigurationError(
            "two municipalities of one UF normalise to the same name",
            hint="Check ouchhungry_dp/reference/municipios.csv (name and UF columns).",
        )
    return (keys, pa.array(reference["name"].array, pa.large_string()),
            pa.array(reference["ibge_code"].array, pa.large_string()))


def _exact(keys: pd.Series, ufs: pd.Series) -> pd.DataFrame:
    """Official name and code of each (normalised key, UF), missing where there is none."""
    reference_keys, names, codes = _reference_keys()
    query = pa.array((keys.astype(TEXT) + _SEPARATOR + ufs.astype(TEXT)).array, pa.large_string())
    position = pc.index_in(query, value_set=reference_keys)
    return pd.DataFrame({"name": to_text_series(names.take(position), keys.index),
                         "ibge_code": to_text_series(codes.take(position), keys.index)})


def _fuzzy(keys: pd.Series, ufs: pd.Series) -> pd.DataFrame:
    """The one closest official name of the same UF, if close enough and not tied."""
    reference = official_cities()
    out = pd.DataFrame({"name": pd.Series(pd.NA, index=keys.index, dtype=TEXT),
                        "ibge_code": pd.Series(pd.NA, index=keys.index, dtype=TEXT)})
    for uf, queries in keys.groupby(ufs, sort=False):
        choices = reference[reference["uf"] == uf]
        if choices.empty:
            continue
        # No ``score_cutoff``: rapidfuzz drops a score *equal* to it (3 edits in 20
        # characters, exactly 0.85, came back as 0), and the rule is "at or above"; the
        # threshold is applied below instead (same speed here).
        scores = process.cdist(
            queries.astype(str).tolist(), choices["key"].astype(str).tolist(),
            scorer=OSA.normalized_similarity, dtype=np.float32, workers=1,
        )
        best = scores.max(axis=1)
        # Two names equally close: the misspelling could be either town; pick none.
        alone = (scores == best[:, None]).sum(axis=1) == 1
        chosen = np.flatnonzero((best >= FUZZY_MIN_SIMILARITY) & alone)
        if chosen.size:
            hit = choices.iloc[scores[chosen].argmax(axis=1)]
            rows = queries.index[chosen]
            out.loc[rows, "name"] = hit["name"].to_numpy()
            out.loc[rows, "ibge_code"] = hit["ibge_code"].to_numpy()
    return out


def _resolve_pairs(pairs: pd.DataFrame) -> pd.DataFrame:
    """``name``, ``ibge_code`` and ``status`` of each distinct (raw city, uf) pair."""
    raw, ufs = pairs["raw"], pairs["uf"]
    status = pd.Series(UNKNOWN, index=pairs.index, dtype="int8")
    personal = raw.str.contains(_PERSONAL_DATA, regex=True).fillna(False).to_numpy(dtype=bool)
    status[personal] = PERSONAL_DATA

    found = _exact(normalize_city(raw), ufs)
    exact = found["name"].notna().to_numpy() & ~personal
    status[exact] = EXACT

    suffix = raw.str.extract(_UF_SUFFIX)
    suffix_uf = suffix["uf"].str.upper()
    has_suffix = (suffix_uf.isin(sorted(valid_ufs())).fillna(False).to_numpy(dtype=bool)
                  & ~exact & ~personal)
    mismatch = has_suffix & (suffix_uf != ufs).fillna(True).to_numpy(dtype=bool)
    status[mismatch] = STATE_MISMATCH
    keys = normalize_city(raw.where(~has_suffix | mismatch, suffix["base"]))
    stripped = has_suffix & ~mismatch
    if stripped.any():
        again = _exact(keys[stripped], ufs[stripped])
        found.loc[again.index, ["name", "ibge_code"]] = again[["name", "ibge_code"]]
        hit = again["name"].notna()
        status[hit.index[hit.to_numpy()]] = UF_SUFFIX

    open_rows = (status == UNKNOWN).to_numpy()
    if open_rows.any():
        close = _fuzzy(keys[open_rows], ufs[open_rows])
        hit = close["name"].notna()
        found.loc[close.index, ["name", "ibge_code"]] = close[["name", "ibge_code"]]
        status[hit.index[hit.to_numpy()]] = FUZZY
    matched = (status < PERSONAL_DATA).to_numpy()
    return pd.DataFrame({
        "name": found["name"].astype(TEXT).where(matched),
        "ibge_code": found["ibge_code"].astype(TEXT).where(matched),
        "status": status,
    })


def resolve_cities(city: pd.Series, state: pd.Series, state_known: np.ndarray) -> ResolvedCities:
    """Official name and IBGE code of each row's city inside its state.

    ``state_known`` marks rows whose state is a valid UF; elsewhere the city is not
    judged (the state's own reason says what is wrong; a city with no state at all
    is the caller's call). ``city`` is text; blanks are missing.
    """
    city_arr = text_array(city)
    uf_arr = pc.if_else(pa.array(state_known), text_array(state), pa.scalar(None, city_arr.type))
    pairs, position = _pairs(city_arr, uf_arr.cast(city_arr.type))
    resolved = _resolve_pairs(pairs)
    has_pair = position >= 0
    take = np.where(has_pair, position, 0)
    codes = resolved["status"].to_numpy() if len(pairs) else np.zeros(1, dtype="int8")
    status = np.where(has_pair, codes[take], -1)

    def column(name: str) -> pd.Series:
        values = pa.array(resolved[name].array, pa.large_string())
        if not len(values):
            values = pa.nulls(1, pa.large_string())
        taken = values.take(pa.array(take))
        return to_text_series(pc.if_else(pa.array(has_pair), taken, None), city.index)

    name = column("name")
    # Against the text as received: surrounding blanks are a repair too.
    as_received = pc.equal(pa.array(city.astype(TEXT).array), pa.array(name.array))
    respelled = (status == EXACT) & ~pc.fill_null(as_received, False).to_numpy(zero_copy_only=False)
    repairs = {rule: status == code for code, rule in REPAIRS.items()}
    return ResolvedCities(
        name=name,
        ibge_code=column("ibge_code"),
        reasons={reason: status == code for code, reason in REASONS.items()},
        repairs={OFFICIAL_NAME_REPAIR: respelled, **repairs},
    )
