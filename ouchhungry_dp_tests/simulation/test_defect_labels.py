"""Every label is a real defect and every unlabelled cell is clean for that kind."""

from __future__ import annotations

import dataclasses
import re
import unicodedata

import pandas as pd

from ouchhungry_dp.simulation import CATALOGUE, DEFECT_KINDS, SimulatedTable, simulate_customers
from ouchhungry_dp_tests.simulation import checks
from ouchhungry_dp_tests.simulation.checks import labelled
from ouchhungry_dp_tests.simulation.conftest import DAY, DIRTY


def _cells(table: SimulatedTable, column: str, rows: set[int], inside: bool) -> pd.Series:
    series = table.frame[column]
    mask = series.index.isin(sorted(rows))
    return series[mask if inside else ~mask]


def _present(series: pd.Series) -> pd.Series:
    return series.dropna()[series.dropna() != ""]


def test_every_kind_of_the_table_is_injected(dirty_transactions, dirty_customers) -> None:
    for table, name in ((dirty_transactions, "transactions"), (dirty_customers, "customers")):
        expected = {kind for kind, spec in DEFECT_KINDS.items() if name in spec.tables}
        assert set(table.defects["kind"]) == expected
        nulls = table.defects[table.defects["kind"] == "null_required"]
        assert (nulls["reason"] == "missing_" + nulls["column"]).all()


def test_cpf_labels(dirty_customers) -> None:
    bad = labelled(dirty_customers.defects, "invalid_cpf")
    missing = labelled(dirty_customers.defects, "null_required", "cpf")
    assert bad
    assert not any(map(checks.cpf_ok, _cells(dirty_customers, "cpf", bad, True)))
    others = _cells(dirty_customers, "cpf", bad | missing, False)
    assert all(map(checks.cpf_ok, others))


def test_cnpj_labels(dirty_transactions) -> None:
    defects = dirty_transactions.defects
    bad = labelled(defects, "invalid_cnpj")
    alnum = labelled(defects, "alphanumeric_cnpj")
    assert bad and alnum
    assert not any(map(checks.cnpj_ok, _cells(dirty_transactions, "merchant_cnpj", bad, True)))
    others = _cells(dirty_transactions, "merchant_cnpj", bad, False)
    assert all(map(checks.cnpj_ok, others))
    has_letter = others.str.contains(r"[A-Z]", regex=True)
    assert set(others.index[has_letter]) == alnum


def test_id_formats(dirty_transactions, dirty_customers) -> None:
    formatted = re.compile(r"^[0-9A-Z]{2}\.[0-9A-Z]{3}\.[0-9A-Z]{3}/[0-9A-Z]{4}-\d{2}$")
    t = dirty_transactions
    bare = labelled(t.defects, "formatted_or_bare_id", "merchant_cnpj")
    messy = bare | labelled(t.defects, "invalid_cnpj")
    assert bare
    assert not _cells(t, "merchant_cnpj", bare, True).str.match(formatted.pattern).any()
    assert _cells(t, "merchant_cnpj", messy, False).str.match(formatted.pattern).all()
    for table, column in ((t, "delivery_cep"), (dirty_customers, "cep")):
        other = labelled(table.defects, "formatted_or_bare_id", column)
        invalid = labelled(table.defects, "invalid_cep", column)
        assert other and invalid
        assert (
            _cells(table, column, other, True)
            .str.replace(r"\D", "", regex=True)
            .str.len()
            .eq(8)
            .all()
        )
        assert not _cells(table, column, other | invalid, True).str.match(checks.CEP.pattern).any()
        assert _cells(table, column, other | invalid, False).str.match(checks.CEP.pattern).all()
        digits = _cells(table, column, invalid, True).str.replace(r"[.\-]", "", regex=True)
        assert not digits.str.fullmatch(r"\d{8}").any()


def test_phone_labels_and_ddd_matches_the_city(dirty_customers) -> None:
    c = dirty_customers
    invalid = labelled(c.defects, "invalid_phone")
    other = labelled(c.defects, "formatted_or_bare_id", "phone")
    city_messy = labelled(c.defects, "city_accent_case")
    towns = pd.read_csv("ouchhungry_dp/reference/municipios.csv", dtype=str)
    states = pd.read_csv("ouchhungry_dp/reference/estados.csv", dtype=str)
    towns = towns.merge(states[["codigo_uf", "uf"]], on="codigo_uf")
    ddd_of = dict(
        zip(zip(towns["nome"], towns["uf"], strict=True), towns["ddd"].astype(int), strict=True)
    )
    pattern = r"^\((\d{2})\) 9\d{4}-\d{4}$"
    clean = c.frame.drop(index=sorted(invalid | other | city_messy))
    found = clean["phone"].str.extract(pattern)[0]
    assert found.notna().all()
    expected = [
        ddd_of[(city, state)] for city, state in zip(clean["city"], clean["state"], strict=True)
    ]
    assert (found.astype(int).to_numpy() == expected).all()
    for phone in _cells(c, "phone", invalid, True):
        digits = re.sub(r"\D", "", phone)
        assert len(digits) < 10 or int(digits[:2]) not in checks.USED_DDDS, phone
    assert (
        _cells(c, "phone", other, True)
        .str.replace(r"\D", "", regex=True)
        .str.len()
        .isin([11, 13])
        .all()
    )


def test_email_labels(dirty_customers) -> None:
    bad = labelled(dirty_customers.defects, "invalid_email")
    assert bad
    assert not _cells(dirty_customers, "email", bad, True).str.match(checks.EMAIL.pattern).any()
    assert _cells(dirty_customers, "email", bad, False).str.match(checks.EMAIL.pattern).all()


def test_money_and_quantity_labels(dirty_transactions) -> None:
    t, d = dirty_transactions, dirty_transactions.defects
    brl = labelled(d, "money_brl_format")
    junk = labelled(d, "unparseable_money")
    null_price = labelled(d, "null_required", "unit_price")
    assert brl and junk and null_price
    assert _cells(t, "unit_price", brl, True).str.match(r"^(R\$ ?)?\d{1,3}(\.\d{3})*,\d{2}$").all()
    assert not _cells(t, "unit_price", junk, True).str.contains(r"\d").any()
    assert _cells(t, "unit_price", brl | junk | null_price, False).str.match(r"^\d+\.\d{2}$").all()
    assert (_present(_cells(t, "unit_price", null_price, True))).empty

    stray = labelled(d, "stray_characters_quantity")
    non_positive = labelled(d, "non_positive_quantity")
    null_q = labelled(d, "null_required", "quantity")
    assert not _cells(t, "quantity", stray, True).str.match(r"^\d+$").any()
    assert (
        _cells(t, "quantity", stray, True)
        .str.replace(r"\D", "", regex=True)
        .astype(int)
        .ge(1)
        .all()
    )
    assert _cells(t, "quantity", non_positive, True).astype(int).le(0).all()
    plain = _cells(t, "quantity", stray | non_positive | null_q, False)
    assert plain.str.match(r"^[1-6]$").all()


def test_timestamp_labels(dirty_transactions) -> None:
    t, d = dirty_transactions, dirty_transactions.defects
    mixed = labelled(d, "mixed_date_format")
    outside = labelled(d, "out_of_partition")
    impossible = labelled(d, "impossible_date")
    assert mixed and outside and impossible
    days_of = {k: {checks.parse_local(v).date() for v in _cells(t, "ordered_at", rows, True)}
               for k, rows in (("mixed", mixed), ("outside", outside))}  # fmt: skip
    assert days_of["mixed"] == {DAY}
    assert DAY not in days_of["outside"]
    assert not _cells(t, "ordered_at", mixed, True).str.match(checks.ISO_LOCAL.pattern).all()
    assert all(checks.parse_local(v) is None for v in _cells(t, "ordered_at", impossible, True))
    plain = _cells(t, "ordered_at", mixed | outside | impossible, False)
    assert plain.str.match(checks.ISO_LOCAL.pattern).all()
    assert plain.str.startswith(DAY.isoformat()).all()


def test_product_and_customer_references(dirty_transactions) -> None:
    t, d = dirty_transactions, dirty_transactions.defects
    known = set(CATALOGUE["product_code"])
    unknown = labelled(d, "unknown_product")
    invalid = labelled(d, "invalid_product_code")
    missing = labelled(d, "null_required", "product_code")
    assert unknown and invalid
    codes = t.frame["product_code"]
    for row, code in codes.items():
        if row in unknown:
            assert checks.PRODUCT_CODE.match(code) and code not in known
        elif row in invalid:
            assert not checks.PRODUCT_CODE.match(code)
        elif row in missing:
            assert pd.isna(code) or code == ""
        else:
            assert code in known

    snapshot = simulate_customers(DAY, dataclasses.replace(DIRTY, defect_rate=0.0))
    customers = set(snapshot.frame["customer_id"])
    ghosts = labelled(d, "unknown_customer")
    null_customer = labelled(d, "null_required", "customer_id")
    assert ghosts
    assert not set(_cells(t, "customer_id", ghosts, True)) & customers
    assert set(_cells(t, "customer_id", ghosts | null_customer, False)) <= customers


def test_duplicates(dirty_transactions, dirty_customers, dirty_products) -> None:
    for table in (dirty_transactions, dirty_products):
        exact = labelled(table.defects, "duplicate_exact")
        assert exact
        assert set(table.frame.index[table.frame.duplicated(keep="first")]) == exact
    for table, key in ((dirty_transactions, "transaction_id"), (dirty_customers, "customer_id")):
        stale = labelled(table.defects, "duplicate_stale_version")
        exact = labelled(table.defects, "duplicate_exact")
        assert stale
        frame = table.frame.drop(index=sorted(exact)).dropna(subset=[key])
        frame = frame[frame[key] != ""]
        latest = frame.sort_values("updated_at").duplicated(subset=[key], keep="last")
        assert set(latest.index[latest]) == stale


def test_null_labels(dirty_transactions, dirty_customers) -> None:
    tables = [
        (dirty_transactions, ("customer_id", "product_code", "quantity", "unit_price")),
        (dirty_customers, ("customer_id", "cpf")),
    ]
    for table, columns in tables:
        for column in columns:
            rows = labelled(table.defects, "null_required", column)
            assert rows, column
            assert _present(_cells(table, column, rows, True)).empty
            assert len(_present(_cells(table, column, rows, False))) == len(table.frame) - len(rows)


def _normal(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return " ".join(plain.upper().split())


def test_city_labels(dirty_transactions) -> None:
    t = dirty_transactions
    messy = labelled(t.defects, "city_accent_case", "delivery_city")
    towns = set(pd.read_csv("ouchhungry_dp/reference/municipios.csv", dtype=str)["nome"])
    normal_towns = {_normal(town) for town in towns}
    assert messy
    for city in _cells(t, "delivery_city", messy, True):
        assert city not in towns and _normal(city) in normal_towns
    assert set(_cells(t, "delivery_city", messy, False)) <= towns
    lower_state = labelled(t.defects, "city_accent_case", "delivery_state")
    assert _cells(t, "delivery_state", lower_state, True).str.match(r"^[a-z]{2}$").all()
    assert _cells(t, "delivery_state", lower_state, False).str.match(r"^[A-Z]{2}$").all()


def test_ean_labels(dirty_products) -> None:
    bad = labelled(dirty_products.defects, "invalid_ean")
    assert bad
    assert not any(map(checks.ean_ok, _cells(dirty_products, "ean", bad, True)))
    assert all(map(checks.ean_ok, _cells(dirty_products, "ean", bad, False)))
