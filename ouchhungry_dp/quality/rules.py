"""Rules as data: field kinds (a registry) and one declaration per table (no Dagster import).

A *field kind* says how raw text becomes a value (``parse``), when a present value
is wrong (``validate`` -> reason code), and what raw text is already canonical (so
the engine can count repairs). A *table declaration* lists, per column, its kind,
whether it is required and what to do with a missing value, plus the business key
and the version column used for deduplication. The engine (``engine.py``) reads
only these declarations: a new field type is one ``register_kind`` call, a new
column one ``ColumnRule`` line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ouchhungry_dp.errors import ConfigurationError
from ouchhungry_dp.quality import repair, validators
from ouchhungry_dp.quality._arrow import text_array, to_bool_series, to_text_series
from ouchhungry_dp.quality.cities import ResolvedCities, resolve_cities
from ouchhungry_dp.quality.reference import valid_ufs

Parser = Callable[[pd.Series], pd.Series]
Validator = Callable[[pd.Series], pd.Series]
NullPolicy = Literal["quarantine", "fill", "keep"]


@dataclass(frozen=True)
class FieldKind:
    name: str
    # Text -> canonical text or typed value; missing where unparseable. The engine hands
    # it the column trimmed, blanks as missing. parse and validate must work value by
    # value (no look at other rows): the engine may run them on the distinct values only.
    parse: Parser
    reason: str  # reason code of a present value that fails
    validate: Validator | None = None  # on the parsed values; None: "parsed is not missing"
    # Typed kinds: RE2 pattern of raw text that needs no repair. Text kinds leave it None:
    # a value was repaired when the parsed text differs from the raw text.
    canonical: str | None = None
    repair_rule: str | None = None  # name counted when a valid value needed repair
    # False for kinds whose parse is no more than the trim: finding the distinct values
    # would cost more than it saves.
    by_distinct_values: bool = True
    # Kinds judged inside another column's value (a city inside its UF): called by the
    # engine after every column is parsed, with the raw text, the scope column's parsed
    # values and where those are valid; gives the value, a reference code, reasons and
    # repairs (see ``cities.ResolvedCities``). Declared with ``ColumnRule.within``.
    resolve: Callable[[pd.Series, pd.Series, np.ndarray], ResolvedCities] | None = None


FIELD_KINDS: dict[str, FieldKind] = {}


def register_kind(kind: FieldKind) -> FieldKind:
    if kind.name in FIELD_KINDS:
        raise ConfigurationError(f"field kind {kind.name!r} is registered twice")
    FIELD_KINDS[kind.name] = kind
    return kind


def get_kind(name: str) -> FieldKind:
    try:
        return FIELD_KINDS[name]
    except KeyError:
        raise ConfigurationError(
            f"unknown field kind {name!r}",
            hint=f"Use one of {sorted(FIELD_KINDS)} or register it in quality/rules.py.",
        ) from None


def _trimmed(values: pd.Series) -> pd.Series:
    return to_text_series(text_array(values), values.index)


def _lower(values: pd.Series) -> pd.Series:
    return to_text_series(pc.utf8_lower(text_array(values)), values.index)


def _is_allowed(value_set: pa.Array, values: pd.Series) -> pd.Series:
    return to_bool_series(pc.is_in(text_array(values), value_set=value_set), values.index)


def enum_validator(allowed: Iterable[str]) -> Validator:
    # A bound module-level function, not a closure made at import: mutmut switches a
    # mutant on per call, so a closure's body could never be shown to matter.
    return partial(_is_allowed, pa.array(sorted(allowed), pa.large_string()))


PAYMENT_METHODS = ("pix", "credit_card", "debit_card", "cash", "voucher", "not_informed")

# fmt: off
for _kind in (
    FieldKind("text", _trimmed, "invalid_text", repair_rule="trim_whitespace",
              by_distinct_values=False),
    FieldKind("email", repair.normalize_email, "invalid_email", validators.is_valid_email,
              repair_rule="email_lower_case"),
    FieldKind("cep", repair.normalize_cep, "invalid_cep", validators.cep_valid,
              repair_rule="cep_format"),
    FieldKind("cpf", repair.normalize_cpf, "invalid_cpf", validators.cpf_digits_valid,
              repair_rule="cpf_format"),
    FieldKind("cnpj", repair.normalize_cnpj, "invalid_cnpj", validators.cnpj_chars_valid,
              repair_rule="cnpj_format"),
    FieldKind("phone_br", repair.normalize_phone_br, "invalid_phone", validators.phone_e164_valid,
              repair_rule="phone_e164"),
    FieldKind("money_brl", repair.parse_money_brl, "unparseable_money",
              canonical=r"-?\d+(?:\.\d{1,2})?", repair_rule="money_brl_format"),
    FieldKind("quantity", repair.parse_quantity, "unparseable_quantity",
              canonical=r"-?\d+", repair_rule="quantity_stray_characters"),
    FieldKind("date", repair.parse_dates, "unparseable_date",
              canonical=r"\d{4}-\d{2}-\d{2}", repair_rule="date_format"),
    FieldKind("timestamp", repair.parse_timestamps, "unparseable_date",
              canonical=r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:-03:00)?",
              repair_rule="timestamp_format"),
    # Official IBGE name of the row's UF; repairs and reasons come from ``resolve``.
    FieldKind("city", _trimmed, "unknown_city", by_distinct_values=False,
              resolve=resolve_cities),
    FieldKind("uf", repair.normalize_uf, "invalid_state", enum_validator(valid_ufs()),
              repair_rule="state_upper_case"),
    FieldKind("product_code", _trimmed, "invalid_product_code", validators.is_valid_product_code,
              repair_rule="trim_whitespace"),
    FieldKind("ean13", _trimmed, "invalid_ean", validators.is_valid_ean13,
              repair_rule="trim_whitespace"),
    FieldKind("payment_method", _lower, "invalid_payment_method", enum_validator(PAYMENT_METHODS),
              repair_rule="payment_method_lower_case"),
):
    register_kind(_kind)
# fmt: on


@dataclass(frozen=True)
class ColumnRule:
    """One raw column: its kind, null policy and the cleaned column it feeds.

    ``required`` columns quarantine a missing value with ``missing_<column>``
    (``on_null`` must then be ``"quarantine"`` or ``"fill"``). A non-required
    column keeps the missing value (``"keep"``) or fills ``fill_value``. There is
    no silent "drop": a row that leaves the table goes to quarantine with a reason.
    ``positive`` quarantines values <= 0 with ``non_positive_<column>``.
    """

    name: str
    kind: str
    required: bool = False
    on_null: NullPolicy | None = None
    fill_value: object = None
    positive: bool = False
    output: str | None = None  # cleaned column name; None: same name; "" : not output
    within: str | None = None  # scope column of a kind with ``resolve`` (a city's UF)

    @property
    def null_policy(self) -> NullPolicy:
        if self.on_null is not None:
            return self.on_null
        return "quarantine" if self.required else "keep"

    @property
    def output_name(self) -> str | None:
        if self.output == "":
            return None
        return self.output or self.name

    def check(self) -> None:
        kind = get_kind(self.kind)
        if (kind.resolve is None) != (self.within is None):
            raise ConfigurationError(
                f"column {self.name!r}: kind {self.kind!r} "
                + ("needs a scope column (within=...)" if self.within is None
                   else "takes no scope column")
            )
        if self.required and self.null_policy == "keep":
            raise ConfigurationError(f"column {self.name!r} is required but keeps missing values")
        if self.null_policy == "fill" and self.fill_value is None:
            raise ConfigurationError(f"column {self.name!r} fills missing values with nothing")


@dataclass(frozen=True)
class TableRules:
    table: str
    columns: tuple[ColumnRule, ...]
    business_key: tuple[str, ...]
    version_column: str  # the latest version of a business key wins

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        for column in self.columns:
            column.check()
        scopes = [c.within for c in self.columns if c.within is not None]
        for name in (*self.business_key, self.version_column, *scopes):
            if name not in names:
                raise ConfigurationError(f"{self.table}: key column {name!r} is not declared")

    @property
    def raw_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> ColumnRule:
        return next(c for c in self.columns if c.name == name)


C = ColumnRule
TRANSACTIONS_RULES = TableRules(
    table="transactions",
    columns=(
        C("transaction_id", "text", required=True),
        C("order_id", "text", required=True),
        C("customer_id", "text", required=True),
        C("merchant_id", "text", required=True),
        C("merchant_cnpj", "cnpj"),
        C("product_code", "product_code", required=True),
        C("quantity", "quantity", required=True, positive=True),
        C("unit_price", "money_brl", required=True, positive=True),
        C("ordered_at", "timestamp", required=True),
        C("delivery_city", "city", required=True, output="city", within="delivery_state"),
        C("delivery_state", "uf", required=True, output="state"),
        C("delivery_cep", "cep", output="cep"),
        C("payment_method", "payment_method", on_null="fill", fill_value="not_informed"),
        C("updated_at", "timestamp", required=True),
    ),
    business_key=("transaction_id",),
    version_column="updated_at",
)

CUSTOMERS_RULES = TableRules(
    table="customers",
    columns=(
        C("customer_id", "text", required=True),
        C("full_name", "text"),
        C("cpf", "cpf", required=True),
        C("email", "email"),
        C("phone", "phone_br"),
        C("cep", "cep"),
        C("city", "city", within="state"),
        C("state", "uf"),
        C("birth_date", "date"),
        C("created_at", "timestamp"),
        C("updated_at", "timestamp", required=True),
    ),
    business_key=("customer_id",),
    version_column="updated_at",
)

PRODUCTS_RULES = TableRules(
    table="products",
    columns=(
        C("product_code", "product_code", required=True),
        C("ean", "ean13", required=True),
        C("product_name", "text"),
        C("brand", "text", required=True),
        C("manufacturer", "text", required=True),
        C("segment", "text", required=True),
        C("list_price", "money_brl", required=True, positive=True),
        C("updated_at", "timestamp", required=True),
    ),
    business_key=("product_code",),
    version_column="updated_at",
)
