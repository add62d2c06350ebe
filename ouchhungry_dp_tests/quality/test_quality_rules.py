"""One test per field kind, through the registry and the engine; null policies; declarations."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from ouchhungry_dp.errors import ConfigurationError
from ouchhungry_dp.quality.engine import apply_rules, flag_duplicates
from ouchhungry_dp.quality.rules import (
    CUSTOMERS_RULES,
    FIELD_KINDS,
    PRODUCTS_RULES,
    TRANSACTIONS_RULES,
    ColumnRule,
    FieldKind,
    TableRules,
    get_kind,
    register_kind,
)
from ouchhungry_dp.tables import RAW_CUSTOMERS, RAW_PRODUCTS, RAW_TRANSACTIONS

TS = pd.Timestamp
# kind -> (already canonical raw, raw needing repair, its repaired value, invalid raw)
EXAMPLES: dict[str, tuple[str, str, object, str]] = {
    "text": ("abc", "  abc ", "abc", ""),
    "email": ("ana@example.com", " Ana@Example.COM", "ana@example.com", "ana@"),
    "cep": ("01310-100", "01310100", "01310-100", "0131-100"),
    "cpf": ("52998224725", "529.982.247-25", "52998224725", "529.982.247-24"),
    "cnpj": ("12ABC34501DE35", "12.abc.345/01de-35", "12ABC34501DE35", "12ABC34501DE36"),
    "phone_br": ("+5511987654321", "(11) 98765-4321", "+5511987654321", "(20) 98765-4321"),
    "money_brl": ("1234.56", "R$ 1.234,56", 1234.56, "R$ --"),
    "quantity": ("2", "2un", 2, "dois"),
    "date": ("2026-11-25", "25/11/2026", TS("2026-11-25"), "31/02/2026"),
    "timestamp": ("2026-11-25T13:45:00", "25/11/2026 13:45", TS("2026-11-25 13:45"), "25/13/2026"),
    "city": ("São Paulo", " sao  paulo", "São Paulo", "Xyzzy"),  # within the row's UF (SP)
    "uf": ("SP", "sp", "SP", "XX"),
    "product_code": ("REF-HNG-0350", " REF-HNG-0350", "REF-HNG-0350", "REF_HNG_350"),
    "ean13": ("7891000315507", " 7891000315507 ", "7891000315507", "7891000315508"),
    "payment_method": ("pix", "PIX", "pix", "bitcoin"),
}


def _table(kind: str, **column_options: object) -> TableRules:
    columns = [ColumnRule("id", "text", required=True)]
    if get_kind(kind).resolve is not None:  # judged inside a scope column (a city in its UF)
        columns.append(ColumnRule("scope", "uf", required=True))
        column_options = {"within": "scope", **column_options}
    return TableRules(
        "probe",
        (*columns, ColumnRule("value", kind, **column_options)),
        business_key=("id",),
        version_column="id",
    )


def test_every_registered_kind_has_an_example() -> None:
    assert set(EXAMPLES) == set(FIELD_KINDS)


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_kind_through_engine(kind: str) -> None:
    canonical, messy, repaired, invalid = EXAMPLES[kind]
    raw = pd.DataFrame({"id": ["a", "b", "c", "d"], "value": [canonical, messy, invalid, None],
                        "scope": "SP"})
    parsed = apply_rules(raw, _table(kind))
    spec = get_kind(kind)
    values = parsed.values["value"]
    assert values.iloc[1] == repaired
    if spec.reason != "invalid_text":
        assert parsed.reasons.masks[spec.reason].tolist() == [False, False, True, False]
    repair_rule = spec.repair_rule or "city_official_name"  # city: its resolver names it
    assert parsed.repairs.masks[repair_rule].tolist() == [False, True, False, False]
    assert "missing_value" not in parsed.reasons.masks  # not required: a missing value is kept
    assert pd.isna(values.iloc[3])


def test_required_column_quarantines_missing_and_blank() -> None:
    raw = pd.DataFrame({"id": ["a", "b", "c"], "value": ["7,50", None, "   "]})
    parsed = apply_rules(raw, _table("money_brl", required=True))
    assert parsed.reasons.masks["missing_value"].tolist() == [False, True, True]
    assert parsed.reasons.masks["unparseable_money"].tolist() == [False, False, False]


def test_fill_policy_fills_and_counts() -> None:
    raw = pd.DataFrame({"id": ["a", "b"], "value": ["pix", None]})
    parsed = apply_rules(raw, _table("payment_method", on_null="fill", fill_value="not_informed"))
    assert parsed.values["value"].tolist() == ["pix", "not_informed"]
    assert parsed.repairs.masks["fill_value"].tolist() == [False, True]
    assert not parsed.reasons.any().any()


def test_positive_rule() -> None:
    raw = pd.DataFrame({"id": list("abcd"), "value": ["2", "0", "-1", "x"]})
    parsed = apply_rules(raw, _table("quantity", positive=True))
    assert parsed.reasons.masks["non_positive_value"].tolist() == [False, True, True, False]
    assert parsed.reasons.masks["unparseable_quantity"].tolist() == [False, False, False, True]


def test_duplicates_exact_and_by_business_key() -> None:
    rules = TableRules(
        "probe",
        (ColumnRule("id", "text", required=True), ColumnRule("v", "timestamp"),
         ColumnRule("x", "text")),
        business_key=("id",),
        version_column="v",
    )  # fmt: skip
    raw = pd.DataFrame(
        {
            "id": ["a", "a", "a", "b", "b", "c", "c"],
            "v": ["2026-01-02 00:00:00", "2026-01-01 00:00:00", "2026-01-02 00:00:00",
                  None, "01/01/2026", "2026-01-01 00:00:00", "01/01/2026 00:00"],
            "x": ["new", "old", "new", "1", "2", "first", "second"],
        }
    )  # fmt: skip
    parsed = apply_rules(raw, rules)
    flag_duplicates(raw, rules, parsed)
    assert parsed.reasons.masks["duplicate_exact"].tolist() == [0, 0, 1, 0, 0, 0, 0]
    # a: the 01-01 version is older; b: a missing version is the oldest; c: a tie -> later row
    assert parsed.reasons.masks["superseded_version"].tolist() == [0, 1, 0, 1, 0, 1, 0]


def test_register_kind_is_one_entry() -> None:
    name = "probe_even_digits"
    kind = FieldKind(name, lambda s: s.astype("string[pyarrow]").str.strip(), "odd_digits",
                     validate=lambda s: s.str.len().fillna(0) % 2 == 0)  # fmt: skip
    try:
        register_kind(kind)
        parsed = apply_rules(pd.DataFrame({"id": ["a", "b"], "value": ["12", "123"]}),
                             _table(name))  # fmt: skip
        assert parsed.reasons.masks["odd_digits"].tolist() == [False, True]
        with pytest.raises(ConfigurationError):
            register_kind(kind)
    finally:
        FIELD_KINDS.pop(name, None)


def test_bad_declarations_are_refused() -> None:
    with pytest.raises(ConfigurationError, match="unknown field kind"):
        _table("no_such_kind")
    with pytest.raises(ConfigurationError, match="required"):
        _table("text", required=True, on_null="keep")
    with pytest.raises(ConfigurationError, match="fills"):
        _table("text", on_null="fill")
    with pytest.raises(ConfigurationError, match="not declared"):
        TableRules("probe", (ColumnRule("id", "text"),), business_key=("nope",),
                   version_column="id")  # fmt: skip


@pytest.mark.parametrize(
    ("rules", "layout"),
    [(TRANSACTIONS_RULES, RAW_TRANSACTIONS), (CUSTOMERS_RULES, RAW_CUSTOMERS),
     (PRODUCTS_RULES, RAW_PRODUCTS)],
)  # fmt: skip
def test_declarations_cover_the_raw_layout(rules: TableRules, layout: tuple[str, ...]) -> None:
    assert rules.raw_columns == layout


def test_dates_outside_range_are_unparseable() -> None:
    raw = pd.DataFrame({"id": ["a", "b"], "value": ["01/01/1700", dt.date(2026, 1, 1).isoformat()]})
    parsed = apply_rules(raw, _table("date"))
    assert parsed.reasons.masks["unparseable_date"].tolist() == [True, False]
