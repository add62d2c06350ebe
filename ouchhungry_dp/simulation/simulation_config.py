"""Configuration, result type and the registry of labelled defect kinds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal, NamedTuple

import pandas as pd

from ouchhungry_dp.errors import ConfigurationError

Outcome = Literal["repair", "accept", "quarantine"]

TRANSACTIONS = "transactions"
CUSTOMERS = "customers"
PRODUCTS = "products"


class DefectKind(NamedTuple):
    """What a labelled defect is and what the cleaning must do with it.

    ``tables`` (not a single table): several kinds occur in more than one table.
    ``reason`` is the quarantine reason code, ``None`` for repair/accept kinds; it
    may hold ``{column}`` (``missing_{column}``): use :meth:`reason_for`.
    """

    tables: tuple[str, ...]
    outcome: Outcome
    reason: str | None
    description: str

    def reason_for(self, column: str) -> str | None:
        return None if self.reason is None else self.reason.format(column=column)


def _kind(tables: str, outcome: Outcome, reason: str | None, description: str) -> DefectKind:
    return DefectKind(tuple(tables.split(",")), outcome, reason, description)


_T, _C, _P = TRANSACTIONS, CUSTOMERS, PRODUCTS
DEFECT_KINDS: Mapping[str, DefectKind] = MappingProxyType(
    {
        "money_brl_format": _kind(
            f"{_T},{_P}", "repair", None, "BRL money text: 'R$ 7,50', '7,50', 'R$ 1.234,56'"
        ),
        "stray_characters_quantity": _kind(
            _T, "repair", None, "quantity with stray characters or blanks: '2un', ' 3 ', '2x'"
        ),
        "mixed_date_format": _kind(
            f"{_T},{_C}",
            "repair",
            None,
            "dd/mm/yyyy [HH:MM[:SS]], dd-mm-yyyy, ISO without offset, ISO in UTC ('Z'/+00:00)",
        ),
        "city_accent_case": _kind(
            f"{_T},{_C}", "repair", None, "city without accents / other case / extra blanks"
        ),
        "formatted_or_bare_id": _kind(
            f"{_T},{_C}", "repair", None, "CNPJ/CPF/CEP/phone bare or otherwise formatted"
        ),
        "alphanumeric_cnpj": _kind(
            _T, "accept", None, "valid alphanumeric CNPJ (format issued since July 2026)"
        ),
        "null_required": _kind(
            f"{_T},{_C}", "quarantine", "missing_{column}", "required value missing (null or '')"
        ),
        "duplicate_exact": _kind(
            f"{_T},{_P}", "quarantine", "duplicate_exact", "row repeated verbatim (the later copy)"
        ),
        "duplicate_stale_version": _kind(
            f"{_T},{_C}",
            "quarantine",
            "superseded_version",
            "older version of the same business key (older updated_at)",
        ),
        "impossible_date": _kind(
            _T, "quarantine", "unparseable_date", "date that cannot exist: '31/02/2026', month 13"
        ),
        "out_of_partition": _kind(
            _T, "quarantine", "out_of_partition", "ordered_at on another day than the partition"
        ),
        "invalid_cnpj": _kind(_T, "quarantine", "invalid_cnpj", "bad check digits / one digit"),
        "invalid_product_code": _kind(
            _T, "quarantine", "invalid_product_code", "malformed code: 'REF_HNG_350', 'xx'"
        ),
        "unknown_product": _kind(
            _T, "quarantine", "unknown_product", "well-formed code absent from the catalogue"
        ),
        "unknown_customer": _kind(
            _T,
            "quarantine",
            "unknown_customer",
            "well-formed id that no customer ever had (check against the raw customer ids: "
            "a customer whose own row is quarantined is still a known customer)",
        ),
        "non_positive_quantity": _kind(
            _T, "quarantine", "non_positive_quantity", "quantity '0' or negative"
        ),
        "unparseable_money": _kind(
            _T, "quarantine", "unparseable_money", "price text with no number: 'abc', 'R$ --'"
        ),
        "invalid_cep": _kind(
            f"{_T},{_C}", "quarantine", "invalid_cep", "CEP with wrong length or letters"
        ),
        "invalid_cpf": _kind(_C, "quarantine", "invalid_cpf", "bad check digits / one digit"),
        "invalid_email": _kind(_C, "quarantine", "invalid_email", "'joao@', 'maria.gmail.com'"),
        "invalid_phone": _kind(
            _C, "quarantine", "invalid_phone", "non-existent DDD or too few digits"
        ),
        "invalid_ean": _kind(_P, "quarantine", "invalid_ean", "EAN-13 with a bad check digit"),
    }
)

# Relative frequency of each kind among a table's defects (a kind's weight only
# counts in the tables it belongs to).
DEFAULT_DEFECT_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        "money_brl_format": 3.0,
        "stray_characters_quantity": 2.0,
        "mixed_date_format": 3.0,
        "city_accent_case": 3.0,
        "formatted_or_bare_id": 3.0,
        "alphanumeric_cnpj": 1.5,
        "null_required": 1.5,
        "duplicate_exact": 1.0,
        "duplicate_stale_version": 1.0,
        "impossible_date": 0.5,
        "out_of_partition": 0.7,
        "invalid_cnpj": 0.5,
        "invalid_product_code": 0.5,
        "unknown_product": 0.5,
        "unknown_customer": 0.5,
        "non_positive_quantity": 0.5,
        "unparseable_money": 0.5,
        "invalid_cep": 0.5,
        "invalid_cpf": 1.0,
        "invalid_email": 1.0,
        "invalid_phone": 1.0,
        "invalid_ean": 1.0,
    }
)


MAX_ROWS_PER_DAY = 1_500_000
MAX_CUSTOMERS = 4_000_000
MAX_MERCHANTS = 99_999


@dataclass(frozen=True)
class SimulationConfig:
    """Knobs of the simulated source system; same config + same day = same data."""

    seed: int = 42
    rows_per_day: int = 2000  # order items per day
    n_customers: int = 20_000
    n_merchants: int = 400
    defect_rate: float = 0.05  # share of rows carrying at least one defect
    defect_weights: Mapping[str, float] | None = None  # None = DEFAULT_DEFECT_WEIGHTS

    def __post_init__(self) -> None:
        problems = []
        # Upper bounds come from the widths of the source's ids (CLI-NNNNNNN, LOJ-NNNNN,
        # PED-YYYYMMDD-NNNNNN) and leave room for ids of unknown customers.
        if not 1 <= self.rows_per_day <= MAX_ROWS_PER_DAY:
            problems.append(
                f"rows_per_day must be in [1, {MAX_ROWS_PER_DAY}], got {self.rows_per_day}"
            )
        if not 10 <= self.n_customers <= MAX_CUSTOMERS:
            problems.append(f"n_customers must be in [10, {MAX_CUSTOMERS}], got {self.n_customers}")
        if not 2 <= self.n_merchants <= MAX_MERCHANTS:
            problems.append(f"n_merchants must be in [2, {MAX_MERCHANTS}], got {self.n_merchants}")
        if not 0.0 <= self.defect_rate <= 1.0:
            problems.append(f"defect_rate must be within [0, 1], got {self.defect_rate}")
        for kind, weight in (self.defect_weights or {}).items():
            if kind not in DEFECT_KINDS:
                problems.append(f"unknown defect kind {kind!r}")
            elif not weight >= 0:
                problems.append(f"weight of {kind!r} must be >= 0, got {weight}")
        if problems:
            raise ConfigurationError(
                "Simulation config",
                detail="; ".join(problems),
                hint=f"Known defect kinds: {', '.join(DEFECT_KINDS)}",
            )

    def weights_for(self, table: str) -> dict[str, float]:
        """Weights of the kinds that exist in ``table``; a given mapping replaces the defaults
        (kinds it does not name get 0, so a test can switch on a single kind)."""
        source = DEFAULT_DEFECT_WEIGHTS if self.defect_weights is None else self.defect_weights
        return {
            kind: float(source.get(kind, 0.0))
            for kind, spec in DEFECT_KINDS.items()
            if table in spec.tables
        }


DEFAULT_CONFIG = SimulationConfig()  # frozen, so safe as a shared default argument


def day_seed(config: SimulationConfig, day: dt.date, table: str) -> list[int]:
    """Seed sequence of one (day, table): different days and tables get independent streams."""
    return [config.seed, day.toordinal(), {TRANSACTIONS: 1, CUSTOMERS: 2, PRODUCTS: 3}[table]]


DEFECT_COLUMNS = ("row", "column", "kind", "outcome", "reason")


@dataclass(frozen=True)
class SimulatedTable:
    """A raw extract and its defect labels.

    ``defects`` has one row per injected defect: ``row`` (int position in
    ``frame``), ``column``, ``kind`` (a key of DEFECT_KINDS) and, for convenience,
    ``outcome`` and ``reason`` (expected quarantine reason code, e.g.
    ``missing_quantity``; missing for repair/accept kinds).
    """

    frame: pd.DataFrame
    defects: pd.DataFrame
