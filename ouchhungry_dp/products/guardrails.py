"""Guardrail checks on the outbound products (no Dagster import).

Each returns the quality library's ``CheckOutcome`` (``passed``, ``description``,
``metadata``) the
Dagster layer turns into an asset check result; metadata is JSON-serialisable
and never holds a value that was found (a PII hit is reported by kind, column
and row number only, so the alert does not leak what it caught).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from functools import cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ouchhungry_dp.privacy.pseudonymize import PSEUDONYM_HEX_LENGTH, pseudonymize
from ouchhungry_dp.products.cells import (
    GENERALISED,
    LEVEL_CITY,
    LEVEL_COUNTRY,
    LEVEL_STATE,
    cell_customers,
    named_states,
)
from ouchhungry_dp.products.csv_files import to_csv_bytes
from ouchhungry_dp.products.pii_text import KnownIdentifiers, pattern_hits, regex_hits
from ouchhungry_dp.products.reconcile import (
    minimum_customers,
    reconcile_monthly_with_daily,
)
from ouchhungry_dp.products.selection import latest_catalogue, market_items
from ouchhungry_dp.quality.checks import CheckOutcome
from ouchhungry_dp.quality.ownership import ownership_key
from ouchhungry_dp.quality.reference import official_cities

if TYPE_CHECKING:
    from ouchhungry_dp.partners.contract import PartnerContract

__all__ = [
    "CheckOutcome",
    "cells_under_minimum",
    "daily_follows_decision",
    "partner_rows_conserved",
    "product_names_from_catalogue",
    "pseudonym_properties",
    "reconcile_monthly_with_daily",
    "scan_pii",
]


# Patterns run on text columns through RE2 (pyarrow strings); ``\b`` keeps a
# digit run inside a longer token (e.g. a 16-hex pseudonym) from matching. Bare
# digit runs are flagged without checking check digits: a blocking scan should
# err on the side of stopping the file, and no legitimate text column of a
# product holds 8 or 10-14 consecutive digits.
TEXT_PATTERNS: dict[str, str] = {
    # Also a truncated address such as "joao@", and the fullwidth and small "@".
    "email": r"[^\s@,;＠﹫]+[@＠﹫]",
    "cpf": r"\b\d{3}\.?\d{3}\.?\d{3}-\d{2}\b|\b\d{11}\b",
    # The alphanumeric CNPJ (2026) in its mask, in either case ("12.abc.345/01de-35").
    "cnpj": r"(?i:\b[0-9A-Z]{2}\.[0-9A-Z]{3}\.[0-9A-Z]{3}/[0-9A-Z]{4}-\d{2}\b)|\b\d{14}\b"
    r"|\b[0-9A-Z]{12}\d{2}\b",
    # +55..., (11) 98765-4321, 11 98765-4321, 98765-4321, bare 10/12/13 digits
    "phone": r"\+\s?55[\s\d().-]{8,}|\(\d{2}\)\s?9?\d{4}-?\d{4}\b|\b\d{2}\s9?\d{4}-?\d{4}\b"
    r"|\b9?\d{4}-\d{4}\b|\b\d{10}\b|\b\d{12,13}\b",
    "cep": r"\b\d{5}-\d{3}\b|\b\d{8}\b",
    "raw_id": r"(?i)\b(?:CLI-\d+|PED-\d{8}-\d+|IT\d{8,}|LOJ-\d+)\b",
}
# Column names that must never be published, whatever they hold.
FORBIDDEN_COLUMNS = frozenset(
    {
        "full_name", "name", "customer_name", "cpf", "cnpj", "merchant_cnpj", "email",
        "phone", "cep", "delivery_cep", "street", "address", "birth_date", "transaction_id",
        "merchant_id", "ordered_at",
    }
)  # fmt: skip
_NUMBER = r"^-?\d+(?:\.\d+)?$"
# A pure integer of >= 8 digits, or any number with >= 10 integer digits, in a
# numeric column is an identifier stored as a number (CEP, CPF, CNPJ, phone), not
# a count or an amount of this business.
_ID_LIKE_NUMBER = r"^-?\d{8,}$|^-?\d{10,}\.\d+$"
_NUMERIC_TYPES = frozenset({"integer", "decimal", "float"})
def _numeric_columns(contract: PartnerContract | None) -> set[str]:
    if contract is None:
        return set()
    products = (contract.products.daily, contract.products.monthly)
    return {c.name for p in products for c in p.columns if c.type in _NUMERIC_TYPES}


def _as_text_frame(frame_or_csv: pd.DataFrame | str | bytes) -> pd.DataFrame:
    if isinstance(frame_or_csv, pd.DataFrame):
        frame_or_csv = to_csv_bytes(frame_or_csv)
    if isinstance(frame_or_csv, str):
        frame_or_csv = frame_or_csv.encode("utf-8")
    if not frame_or_csv.strip():
        return pd.DataFrame()
    return pd.read_csv(
        io.BytesIO(frame_or_csv), dtype="string[pyarrow]", keep_default_na=False, na_filter=False
    )


@cache
def _official_city_names() -> frozenset[str]:
    return frozenset(official_cities()["name"].dropna())


def scan_pii(
    frame_or_csv: pd.DataFrame | str | bytes,
    *,
    known_identifiers: Iterable[str] | pa.Array | pa.ChunkedArray = (),
    contract: PartnerContract | None = None,
    catalogue: pd.DataFrame | None = None,
    max_rows_reported: int = 20,
) -> CheckOutcome:
    """Blocking scan of an outbound file for personal data.

    ``frame_or_csv``: the frame about to be written, or the file's CSV text/bytes
    (scan what is actually sent). ``known_identifiers``: values that must never
    appear (customer names, e-mails, raw ids from the cleaned tables), compared
    case- and accent-insensitively, inside longer text too (see ``pii_text``).
    Text is also normalised before the patterns run (digits joined across spaces,
    dots, dashes and parentheses; spelt-out e-mails; address cues).
    ``contract``: when given, a column the contract types as a number that holds
    text is scanned as text *and* flagged
    (``not_a_number``); without it, a column is numeric when all its values are.
    ``catalogue``: the cleaned catalogue; when given, product names are also held to an
    allowlist (``name_not_in_catalogue``, see ``product_names_from_catalogue``).
    Passes when nothing is found.
    """
    table = _as_text_frame(frame_or_csv)
    hits: dict[str, int] = {}
    columns_hit: dict[str, list[str]] = {}
    hit_rows: set[int] = set()

    def record(kind: str, column: str, mask: pd.Series) -> None:
        count = int(mask.sum())
        if count:
            hits[kind] = hits.get(kind, 0) + count
            kinds = columns_hit.setdefault(column, [])
            if kind not in kinds:
                kinds.append(kind)
            hit_rows.update(mask[mask].index[:max_rows_reported].tolist())

    forbidden = sorted(c for c in table.columns if c.strip().lower() in FORBIDDEN_COLUMNS)
    if forbidden:
        hits["forbidden_column"] = len(forbidden)
    # Compiled once for every column.
    known = KnownIdentifiers(known_identifiers)
    declared_numeric = _numeric_columns(contract)
    for column in table.columns:
        values = table[column].str.strip()
        present = values != ""
        all_numbers = bool(values[present].str.fullmatch(_NUMBER).all())
        if column in declared_numeric and not all_numbers:
            record("not_a_number", column, present & ~values.str.fullmatch(_NUMBER))
        if present.any() and all_numbers:
            record("id_like_number", column, values.str.contains(_ID_LIKE_NUMBER, regex=True))
        else:
            text = pa.array(values, type=pa.string())
            # Per distinct value, as pandas' ``str.contains`` ran RE2 on every row.
            for found_by_kind in (regex_hits(text, TEXT_PATTERNS), pattern_hits(text)):
                for kind, found in found_by_kind.items():
                    record(kind, column, pd.Series(found, index=values.index))
        if len(known):
            found = known.hits(pa.array(values, type=pa.string()))
            if column == "city":
                # A customer can share a town's name ("Bento Fernandes", RN): a city cell
                # spelt exactly as an IBGE municipality is that place, not the person. The
                # exemption is a value allowlist (the official spellings), never a pattern.
                found &= ~values.isin(_official_city_names()).to_numpy(dtype=bool)
            record("known_identifier", column, pd.Series(found, index=values.index))
    if catalogue is not None and {"product_code", "product_name"} <= set(table.columns):
        record("name_not_in_catalogue", "product_name", pd.Series(
            _names_not_in_catalogue(table, catalogue), index=table.index))
    passed = not hits
    rows = sorted(hit_rows)[:max_rows_reported]
    return CheckOutcome(
        passed=passed,
        description="No personal data pattern in the outbound file."
        if passed
        else f"Personal data patterns found ({', '.join(sorted(hits))}); delivery blocked.",
        metadata={
            "rows_scanned": len(table),
            "columns_scanned": len(table.columns),
            "hits_by_kind": hits,
            "columns_with_hits": columns_hit,
            "forbidden_columns": forbidden,
            "first_hit_rows": [int(r) + 1 for r in rows],  # 1-based data rows, no values
        },
    )


def _labels(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.loc[:, ["state", "city", "location_level"]].astype("string").drop_duplicates()


def cells_under_minimum(
    published: pd.DataFrame, decision: pd.DataFrame, min_customers: int | PartnerContract | None
) -> CheckOutcome:
    """Every published location (daily or monthly) has >= k customers in the decision basis.

    ``published``: a daily or monthly file (``state``, ``city``, ``location_level``).
    A city row counts its city, a state row the state's residual (the state minus
    its published cities), the country row the country's residual. The country
    row is exempt only when the decision names no state (it is the whole country,
    there is nothing to difference it with), e.g. the first month without history.
    """
    minimum = minimum_customers(min_customers)
    cells = cell_customers(decision).rename(
        columns={"pub_state": "state", "pub_city": "city", "level": "location_level"}
    ).astype({"state": "string", "city": "string", "location_level": "string"})
    labels = _labels(published).merge(cells, on=["state", "city", "location_level"], how="left")
    basis = labels["cell_customers"].fillna(0).astype("int64")
    whole_country = (labels["location_level"] == LEVEL_COUNTRY) & (not named_states(decision))
    small = labels.loc[((basis < minimum) & ~whole_country).to_numpy()]
    found = small.loc[:, ["state", "city", "location_level"]].astype(str).to_dict("records")
    return CheckOutcome(
        passed=not found,
        description=f"Every published location has at least {minimum} customers in the basis."
        if not found
        else f"{len(found)} published locations have fewer than {minimum} customers in the "
        "decision basis.",
        metadata={"min_customers": minimum, "locations_checked": len(labels),
                  "cells_under_minimum": found[:50]},
    )


def daily_follows_decision(daily: pd.DataFrame, decision: pd.DataFrame) -> CheckOutcome:
    """Every location label of a file is one the month's stored decision allows.

    A city row names a city decided at city level; a state row names a state the
    decision names (city ``*``); a country row is ``*``/``*``.
    """
    labels = _labels(daily)
    level = labels["location_level"]
    cities = decision.loc[decision["level"] == LEVEL_CITY, ["state", "city"]].astype("string")
    is_city = labels.merge(cities.assign(_ok=True), on=["state", "city"], how="left")["_ok"]
    ok_city = (level == LEVEL_CITY).to_numpy() & is_city.notna().to_numpy()
    ok_state = ((level == LEVEL_STATE) & (labels["city"] == GENERALISED)
                & labels["state"].isin(named_states(decision))).to_numpy()
    ok_country = ((level == LEVEL_COUNTRY) & (labels["state"] == GENERALISED)
                  & (labels["city"] == GENERALISED)).to_numpy()
    bad = labels.loc[~(ok_city | ok_state | ok_country)].astype(str).to_dict("records")
    return CheckOutcome(
        passed=not bad,
        description="Every location label follows the month's stored decision."
        if not bad
        else f"{len(bad)} location labels are not allowed by the month's decision.",
        metadata={"labels_outside_decision": bad[:50], "labels_checked": len(labels)},
    )


def _quarantined_partner_codes(quarantined: pd.DataFrame, contract: PartnerContract) -> set[str]:
    """Codes of catalogue rows quarantined today that name the partner (raw values, compared
    as ``ownership_key``: a typo in either field still names the partner)."""
    def norm(column: str) -> pd.Series:
        return quarantined[column].map(ownership_key, na_action="ignore")

    own = (norm("brand").isin(_brand_keys(contract))
           | (norm("manufacturer") == ownership_key(contract.partner.manufacturer))).fillna(False)
    return set(quarantined.loc[own.to_numpy(), "product_code"].astype(str).str.strip())


def _brand_keys(contract: PartnerContract) -> set[str]:
    return {ownership_key(b) for b in contract.partner.brand_names}


def partner_brand_rows(brands: pd.Series, contract: PartnerContract) -> int:
    """Rows whose brand is a partner brand by ``ownership_key``; the key is computed once
    per distinct brand (a Python call per row took seconds at a day's million items)."""
    keys = _brand_keys(contract)
    partner = {b for b in brands.dropna().unique() if ownership_key(b) in keys}
    return int(brands.isin(partner).sum())


def partner_rows_conserved(
    daily: pd.DataFrame,
    transactions: pd.DataFrame,
    products: pd.DataFrame,
    contract: PartnerContract,
    quarantined_products: pd.DataFrame | None = None,
) -> CheckOutcome:
    """Rows in the daily product = partner rows of the cleaned transactions, none lost.

    A partner row is a transaction whose catalogue brand is a partner brand, whatever
    its manufacturer says (the cleaning quarantines a mismatch,
    ``brand_manufacturer_mismatch``; if one still reaches here the check fails).

    A cleaned transaction whose product is missing from the cleaned catalogue (its
    catalogue row was quarantined, e.g. an EAN typo) vanishes in the catalogue
    join. It fails the check when its product is the partner's by the quarantined
    raw row (``quarantined_products``: the products quarantine of the day), or is
    in neither table (cannot be told). The cleaning is expected to quarantine such
    transactions (reason ``product_quarantined``): then they are accounted in the
    transactions quarantine and never reach this identity.
    """
    catalogue = latest_catalogue(products)
    codes = transactions["product_code"].astype("string").str.strip()
    unmatched = codes.loc[~codes.isin(set(catalogue["product_code"].dropna())).to_numpy()]
    quarantined = quarantined_products if quarantined_products is not None else pd.DataFrame(
        {"product_code": [], "brand": [], "manufacturer": []})
    partner_codes = _quarantined_partner_codes(quarantined, contract)
    known = set(quarantined["product_code"].astype(str).str.strip())
    lost = int((unmatched.isin(partner_codes) | ~unmatched.isin(known)).sum())
    # Partner rows are counted on the brand alone (not brand *and* manufacturer as the
    # builders select): a partner product whose manufacturer is wrong in the cleaned
    # catalogue would otherwise be a competitor's by definition and vanish unnoticed.
    expected = partner_brand_rows(market_items(transactions, products)["brand"], contract)
    passed = lost == 0 and expected == len(daily)
    return CheckOutcome(
        passed=passed,
        description="Every partner row of the cleaned transactions is in the file."
        if passed
        else f"{lost} partner (or unidentifiable) rows have no catalogue row and "
        f"{len(daily)} of {expected} partner rows are in the file: rows would be lost.",
        metadata={"partner_rows_cleaned": expected, "partner_rows_in_file": len(daily),
                  "rows_without_catalogue_row": len(unmatched), "partner_rows_lost": lost},
    )


def _names_not_in_catalogue(frame: pd.DataFrame, products: pd.DataFrame) -> np.ndarray:
    """Rows whose (product_code, product_name) is not a cleaned catalogue row."""
    allowed = latest_catalogue(products).loc[:, ["product_code", "product_name"]].astype(
        "string").assign(_ok=True)
    sent = frame.loc[:, ["product_code", "product_name"]].astype("string")
    ok = sent.merge(allowed, on=["product_code", "product_name"], how="left")["_ok"].notna()
    return ~ok.to_numpy()


def product_names_from_catalogue(daily: pd.DataFrame, products: pd.DataFrame) -> CheckOutcome:
    """Allowlist for the one free-text column that leaves in files: every (product_code,
    product_name) of the file is a row of the *cleaned* catalogue. A name can then only
    come from a catalogue row that passed the catalogue's cleaning (and ``scan_pii``
    on the file); text typed anywhere else (a builder joining another table, a name
    edited after cleaning) is refused. Failures give row numbers, never the text.
    """
    if "product_name" not in daily.columns or daily.empty:
        return CheckOutcome(passed=True, description="No product names in the file.",
                            metadata={"rows_checked": len(daily), "rows_not_allowed": 0,
                                      "first_rows_not_allowed": []})
    bad = np.flatnonzero(_names_not_in_catalogue(daily, products))
    return CheckOutcome(
        passed=not len(bad),
        description="Every product name is a cleaned catalogue name."
        if not len(bad)
        else f"{len(bad)} rows carry a product name that is not the cleaned catalogue's.",
        metadata={"rows_checked": len(daily), "rows_not_allowed": len(bad),
                  "first_rows_not_allowed": [int(r) + 1 for r in bad[:20]]},
    )


def _count_in(values: pd.Series, published: pa.Array) -> int:
    """How many of ``values`` (missing ones never) are in ``published``, by Arrow's hash
    lookup: pandas' ``isin`` on an Arrow-backed column made a Python scalar of every
    element of the set (the file's ~150k pseudonyms), for each recomputed scope."""
    found = pc.is_in(pa.array(values, type=pa.string()), value_set=published)
    return int(pc.sum(pc.fill_null(found, False)).as_py() or 0)


def pseudonym_properties(
    daily: pd.DataFrame,
    partner_rows: pd.DataFrame,
    *,
    key: bytes,
    salt: str,
    other_salts: Sequence[str] = (),
) -> CheckOutcome:
    """The file's pseudonyms are well formed, collision-free, month-scoped and per partner.

    ``daily``: the daily file; ``partner_rows``: the raw partner rows it was built
    from (``order_id``, ``customer_id``, ``sale_date``). Independent of the
    builder: it counts distinct values (a collision makes fewer pseudonyms than
    raw ids), and recomputes the pseudonyms the file must NOT contain: the same
    ids under the previous month's scope (rotation) and under the other partners'
    salts (unlinkable across partners).
    """
    fmt = rf"^[0-9a-f]{{{PSEUDONYM_HEX_LENGTH}}}$"
    problems: dict[str, int] = {}
    months = pd.to_datetime(partner_rows["sale_date"]).dt.to_period("M")
    for column in ("order_id", "customer_id"):
        values = daily[column].astype("string")
        problems[f"{column}_bad_format"] = int((~values.str.fullmatch(fmt)).fillna(True).sum())
        raw = partner_rows[column].astype("string").str.strip()
        problems[f"{column}_collisions"] = int(raw.nunique() - values.nunique())
        problems[f"{column}_equals_raw"] = int(values.isin(set(raw.dropna())).sum())
        published = pa.array(values.dropna().unique(), type=pa.string())
        for month in sorted(months.dropna().unique()):
            ids = raw[(months == month).to_numpy()]
            earlier = pseudonymize(ids, key=key, salt=salt, scope=str(month - 1))
            problems[f"{column}_not_rotated"] = problems.get(f"{column}_not_rotated", 0) + int(
                _count_in(earlier, published)
            )
            for other in other_salts:
                theirs = pseudonymize(ids, key=key, salt=other, scope=str(month))
                linkable = len(ids) if other == salt else _count_in(theirs, published)
                problems["linkable_across_partners"] = (
                    problems.get("linkable_across_partners", 0) + linkable
                )
    found = {k: v for k, v in problems.items() if v}
    return CheckOutcome(
        passed=not found,
        description="Pseudonyms are well formed, collision-free, rotated monthly, per partner."
        if not found
        else "Pseudonym problems: " + ", ".join(sorted(found)),
        metadata={"rows_checked": len(daily), "other_partners": len(other_salts), **problems},
    )
