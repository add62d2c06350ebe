"""The engine's statements on tiny hand-built tables, each answer counted by hand.

The engine-equals-pandas tests hold each statement to its pandas reference on
generated months; these pin the edges such months never hold (mutants of the SQL
that survived them, ``scripts/sql_mutation.py``): which catalogue row is the newest
(a later snapshot, a later update, a missing update, a snapshot on ``@end``, a
duplicated row), untrimmed locations, a product the catalogue lacks, a product
without a segment, and the half-to-even cents under BigQuery's cast.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest
import sqlglot

from ouchhungry_dp.partners.contract import get_contract
from ouchhungry_dp.products.engine import insights_statements, statements

from ..conftest import rows_frame
from .conftest import Warehouse

FIRST, LAST = dt.date(2026, 11, 1), dt.date(2026, 11, 30)
MAKER = "Fabrica X"


def _catalogue(rows: list[tuple[str, str, str | None, str, str | None]]) -> pd.DataFrame:
    """(product, brand, segment, snapshot day, updated_at or None) of one manufacturer."""
    frame = pd.DataFrame(rows, columns=["product_code", "brand", "segment", "snapshot_date",
                                        "updated_at"])
    return frame.assign(
        manufacturer=MAKER, snapshot_date=pd.to_datetime(frame["snapshot_date"]),
        updated_at=pd.to_datetime(frame["updated_at"]),
    ).astype({"product_code": "string", "brand": "string", "segment": "string",
              "manufacturer": "string"})


def _market(warehouse: Warehouse) -> list[tuple]:
    rows = warehouse.run(statements.segment_market(FIRST, LAST))
    return sorted((r.segment, r.state, r.city, r.brand, int(r.amount_cents), int(r.quantity))
                  for r in rows.itertuples())


def _sale(day: str, product: str, qty: int, price: float, state: str = "SP",
          city: str = "SAO PAULO") -> tuple:
    return (day, f"PED-{product}-{day}", f"CLI-{product}", state, city, product, qty, price)


@pytest.mark.parametrize("reverse", [False, True], ids=["as_listed", "reversed"])
def test_the_newest_catalogue_row_of_the_range_names_each_product(
        warehouse: Warehouse, reverse: bool) -> None:
    rows = [
        ("P1", "Old", "doces", "2026-11-01", "2026-11-01 09:00"),
        ("P1", "New", "doces", "2026-11-15", "2026-11-01 08:00"),  # later snapshot wins
        ("P2", "Early", "doces", "2026-11-01", "2026-11-01 10:00"),
        ("P2", "Later", "doces", "2026-11-01", "2026-11-01 12:00"),  # later update wins
        ("P3", "Dated", "doces", "2026-11-01", "2026-11-01 12:00"),
        ("P3", "Undated", "doces", "2026-11-01", None),  # a missing update wins
        ("P4", "Kept", "doces", "2026-11-01", "2026-11-01 10:00"),
        ("P4", "After", "doces", "2026-12-01", "2026-12-01 10:00"),  # on @end: outside
        ("P4", "Before", "doces", "2026-10-31", "2026-10-31 10:00"),  # before @start
        ("P5", "Twice", "doces", "2026-11-01", "2026-11-01 10:00"),
        ("P5", "Twice", "doces", "2026-11-01", "2026-11-01 10:00"),  # the same row twice
    ]
    warehouse.put("cleaned_products", _catalogue(rows[::-1] if reverse else rows))
    warehouse.put("cleaned_transactions", rows_frame(
        [_sale("2026-11-05", f"P{i}", 1, float(i)) for i in range(1, 6)]))
    assert _market(warehouse) == [
        ("doces", "SP", "SAO PAULO", "Kept", 400, 1),
        ("doces", "SP", "SAO PAULO", "Later", 200, 1),
        ("doces", "SP", "SAO PAULO", "New", 100, 1),
        ("doces", "SP", "SAO PAULO", "Twice", 500, 1),
        ("doces", "SP", "SAO PAULO", "Undated", 300, 1),
    ]


def test_only_the_ranges_sales_of_catalogued_products_with_a_segment_count(
        warehouse: Warehouse) -> None:
    warehouse.put("cleaned_products", _catalogue([
        ("P1", "Uma", "doces", "2026-11-01", "2026-11-01 10:00"),
        ("P2", "Sem", None, "2026-11-01", "2026-11-01 10:00")]))
    warehouse.put("cleaned_transactions", rows_frame([
        _sale("2026-11-01", "P1", 1, 1.0, " sp ", " Campinas "),  # on @start: in
        _sale("2026-11-30", "P1", 2, 1.0, "Sp", "Campinas"),
        _sale("2026-12-01", "P1", 4, 1.0),  # on @end: out
        _sale("2026-10-31", "P1", 8, 1.0),  # before @start: out
        _sale("2026-11-10", "P2", 16, 1.0),  # no segment: in no market
        _sale("2026-11-10", "P9", 32, 1.0, "RJ", "NITEROI"),  # not in the catalogue
    ]))
    assert _market(warehouse) == [("doces", "SP", "Campinas", "Uma", 300, 3)]
    contract = get_contract("ouchhungry")
    query = insights_statements.insights_month(contract, [contract.partner.manufacturer],
                                               FIRST, LAST)
    parts = insights_statements.split_parts(warehouse.run(query))
    # No partner sales: no customer of it, none of two of its brands (BigQuery's COUNTIF
    # over no rows is 0, DuckDB's NULL).
    assert parts["insights_two_brands"].to_numpy().tolist() == [[0, 0]]
    cities = parts["insights_city_customers"]
    # The customer of the uncatalogued product is nobody's customer (pandas joins inner).
    assert sorted(map(tuple, cities.astype(str).to_numpy().tolist())) == [
        ("SP", "Campinas", "1", "1", MAKER, "1"), ("SP", "SAO PAULO", "1", "1", MAKER, "1")]


# Exact in binary, so x * 100 is exactly half a cent (negative too): pandas rounds half
# to even. 1.999 is no half: plain rounding.
HALVES = {0.125: 12, 0.375: 38, 1.625: 162, 0.875: 88, -0.125: -12, -0.375: -38, 1.999: 200,
          0.13: 13}


def test_cents_round_half_to_even_in_duckdb() -> None:
    sql = sqlglot.transpile(f"SELECT {statements._cents('a')} AS c FROM t", read="bigquery",
                            write="duckdb")[0]
    for amount, cents in HALVES.items():
        got = duckdb.execute(sql.replace("FROM t", f"FROM (SELECT {amount}::DOUBLE AS a)"))
        assert got.fetchone()[0] == cents, amount


def test_cents_round_half_to_even_under_bigquerys_cast() -> None:
    """BigQuery's CAST(FLOAT64 AS INT64) rounds half away from zero; DuckDB's cast to an
    integer rounds half to even, so on DuckDB alone the statement's own half-to-even
    branch could go unnoticed. Its cast to DECIMAL rounds as BigQuery's cast does."""
    sql = sqlglot.transpile(f"SELECT {statements._cents('a')} AS c FROM t", read="bigquery",
                            write="duckdb")[0]
    assert sql.count("AS BIGINT)") == 1
    as_bigquery = sql.replace("AS BIGINT)", "AS DECIMAL(18, 0))")
    for amount, cents in HALVES.items():
        got = duckdb.execute(as_bigquery.replace("FROM t", f"FROM (SELECT {amount}::DOUBLE AS a)"))
        assert got.fetchone()[0] == cents, amount


HNG = "REF-HNG-0350"  # a partner product of ``products_frame`` (brand Hungry)


def _with_missing(rows: list[tuple], column: str, n: int) -> pd.DataFrame:
    """``rows`` and ``n`` partner sales in SP/SAO PAULO whose ``column`` is missing."""
    frame = rows_frame(rows + [("2026-10-03", f"PED-NA-{column}-{i}", f"CLI-NA-{column}{i}",
                                "SP", "SAO PAULO", HNG, 1, 10.0) for i in range(n)])
    frame.loc[frame["order_id"].str.startswith(f"PED-NA-{column}"), column] = pd.NA
    return frame


@pytest.mark.parametrize("column", ["state", "city", "customer_id"])
def test_a_sale_without_a_state_city_or_customer_is_in_no_basis(
        warehouse: Warehouse, column: str) -> None:
    """k - 1 customers in Sao Paulo, k in Niteroi, and k - 1 sales in Sao Paulo each
    missing one key: Sao Paulo under k takes both states to the country level (a state
    of one city needs a residual of k), with 2k - 1 customers in the cell."""
    from ouchhungry_dp.products.engine.monthly import decide_in_engine
    from ouchhungry_dp_tests.products.conftest import customers_buying, products_frame

    contract = get_contract("ouchhungry")
    k = contract.privacy.min_customers_per_cell
    rows = (customers_buying("2026-10-03", "SP", "SAO PAULO", HNG, k - 1)
            + customers_buying("2026-10-03", "RJ", "NITEROI", HNG, k))
    warehouse.put("cleaned_transactions", _with_missing(rows, column, k - 1))
    warehouse.put("cleaned_products", products_frame().assign(
        snapshot_date=pd.Timestamp("2026-10-01"), updated_at=pd.Timestamp("2026-10-01")))
    decision = decide_in_engine(warehouse.run, contract, dt.date(2026, 10, 1),
                                dt.date(2026, 10, 31))
    assert decision.astype(str).to_numpy().tolist() == [
        ["RJ", "NITEROI", "country", str(k), str(2 * k - 1)],
        ["SP", "SAO PAULO", "country", str(k - 1), str(2 * k - 1)],
    ]
    # The insights' cities: the partner's own customers only, none outside.
    assert _city_customers(warehouse, dt.date(2026, 10, 1), dt.date(2026, 10, 31)) == [
        ("RJ", "NITEROI", k, 0, None, None), ("SP", "SAO PAULO", k - 1, 0, None, None)]


def _city_customers(warehouse: Warehouse, first: dt.date, last: dt.date) -> list[tuple]:
    contract = get_contract("ouchhungry")
    query = insights_statements.insights_month(contract, [contract.partner.manufacturer],
                                               first, last)
    rows = insights_statements.split_parts(warehouse.run(query))["insights_city_customers"]
    return sorted((r.state, r.city, int(r.active_customers), int(r.outside_customers),
                   None if pd.isna(r.manufacturer) else r.manufacturer,
                   None if pd.isna(r.customers) else int(r.customers))
                  for r in rows.itertuples())


def _sales(*rows: tuple[str, str, str, str, str, int]) -> pd.DataFrame:
    """(order, customer, state, city, product, quantity) on 2026-11-04 at R$ 10.00."""
    return rows_frame([("2026-11-04", o, c, s, city, p, q, 10.0) for o, c, s, city, p, q in rows])


def test_the_monthly_cells_place_each_sale_at_its_decisions_level(warehouse: Warehouse) -> None:
    """The decision names Sao Paulo (a city), Campinas (its state) and Niteroi (the
    country): a city it lacks goes to its state when the state has a row above the
    country level (Santos), else to the country (Petropolis: Rio's only row is at the
    country level; Betim: no row at all). Santa Luzia of Paraiba is not Santa Luzia of
    Bahia, which the decision opens: a city is its state and its name. A partner product
    without a segment and a competitor's product count nowhere."""
    from ouchhungry_dp_tests.products.conftest import products_frame

    contract = get_contract("ouchhungry")
    products = products_frame()
    unsegmented = products.loc[products["product_code"] == HNG].assign(
        product_code="REF-HNG-0999")
    unsegmented["segment"] = pd.array([pd.NA], dtype="string")
    warehouse.put("cleaned_products", pd.concat([products, unsegmented], ignore_index=True)
                  .assign(snapshot_date=pd.Timestamp("2026-11-01"),
                          updated_at=pd.Timestamp("2026-11-01")))
    warehouse.put("cleaned_transactions", _sales(
        ("O1", "C1", "SP", "SAO PAULO", HNG, 2), ("O1b", "C1", "SP", "SAO PAULO", HNG, 1),
        ("O2", "C2", "SP", "SAO PAULO", HNG, 1),
        ("O3", "C3", "SP", "CAMPINAS", HNG, 1), ("O4", "C4", "SP", "SANTOS", HNG, 1),
        ("O5", "C5", "RJ", "NITEROI", HNG, 1), ("O6", "C6", "RJ", "PETROPOLIS", HNG, 2),
        ("O7", "C7", "MG", "BETIM", HNG, 1), ("O10", "C10", "PB", "SANTA LUZIA", HNG, 1),
        ("O8", "C8", "SP", "SAO PAULO", "REF-HNG-0999", 5),
        ("O9", "C9", "SP", "SAO PAULO", "REF-CLB-0350", 7)))
    decision = pd.DataFrame({"state": ["SP", "SP", "RJ", "BA"],
                             "city": ["SAO PAULO", "CAMPINAS", "NITEROI", "SANTA LUZIA"],
                             "level": ["city", "state", "country", "city"]})
    cells = warehouse.run(statements.monthly_cells(contract, FIRST, LAST, decision))
    assert sorted(tuple(r[:5]) + tuple(int(v) for v in r[5:])
                  for r in cells.itertuples(index=False)) == [
        # state, city, level, brand, segment, units, cents, customers, orders
        ("*", "*", "country", "Hungry", "refrigerantes", 5, 5000, 4, 4),
        ("SP", "*", "state", "Hungry", "refrigerantes", 2, 2000, 2, 2),
        ("SP", "SAO PAULO", "city", "Hungry", "refrigerantes", 4, 4000, 2, 3),
    ]


def test_a_brand_in_two_segments_and_a_maker_without_a_name(warehouse: Warehouse) -> None:
    """Hungry sells in two segments: its row takes the first in sort order, counts both
    and none unsegmented; a repeat buyer has two distinct orders. A competitor product
    without a manufacturer counts its buyers as outside the partner, under no company."""
    from ouchhungry_dp_tests.products.conftest import products_frame

    products = products_frame()
    salty = products.loc[products["product_code"] == HNG].assign(product_code="SAL-HNG-0100")
    salty["segment"] = pd.array(["salgados"], dtype="string")
    nameless = products.loc[products["product_code"] == "REF-CLB-0350"].assign(
        product_code="REF-XXX-0001")
    nameless["manufacturer"] = pd.array([pd.NA], dtype="string")
    warehouse.put("cleaned_products", pd.concat([products, salty, nameless], ignore_index=True)
                  .assign(snapshot_date=pd.Timestamp("2026-11-01"),
                          updated_at=pd.Timestamp("2026-11-01")))
    warehouse.put("cleaned_transactions", _sales(
        ("O1", "C1", "SP", "SAO PAULO", HNG, 2), ("O2", "C1", "SP", "SAO PAULO", "SAL-HNG-0100", 1),
        ("O3", "C2", "SP", "SAO PAULO", "SAL-HNG-0100", 3),
        ("O4", "C3", "SP", "SAO PAULO", "REF-XXX-0001", 1),
        ("O5", "C4", "SP", "SAO PAULO", "REF-CLB-0350", 1)))
    contract = get_contract("ouchhungry")
    parts = insights_statements.split_parts(warehouse.run(insights_statements.insights_month(
        contract, [contract.partner.manufacturer], FIRST, LAST)))
    assert parts["insights_brands"].astype(str).to_numpy().tolist() == [
        # brand, segment, segments, unsegmented, units, cents, customers, repeaters
        ["Hungry", "refrigerantes", "2", "0", "6", "6000", "2", "1"]]
    competitor = products.loc[products["product_code"] == "REF-CLB-0350", "manufacturer"]
    assert _city_customers(warehouse, FIRST, LAST) == [
        ("SP", "SAO PAULO", 4, 2, str(competitor.iloc[0]), 1)]


def test_the_partners_brands_and_spellings_skip_unnamed_makers(warehouse: Warehouse) -> None:
    """A catalogue row of the partner's company without a brand, and a brand without a
    manufacturer: neither names a partner brand nor a spelling of the partner's company
    (``selection.partner_brand_names`` drops a missing brand)."""
    from ouchhungry_dp.products.engine.monthly import (
        makers_in_engine,
        own_spellings,
        partner_in_engine,
    )
    from ouchhungry_dp.products.selection import partner_brand_names

    contract = get_contract("ouchhungry")
    catalogue = _catalogue([("P1", "Hungry", "refrigerantes", "2026-11-01", None),
                            ("P2", "Marca X", "doces", "2026-11-01", None),
                            ("P3", "Sem Fabricante", "doces", "2026-11-01", None),
                            ("P4", "Sem Marca", "doces", "2026-11-01", None)])
    catalogue["manufacturer"] = pd.array(["OuchHungry", "Outra", None, "OUCHHUNGRY LTDA"],
                                         dtype="string")
    catalogue.loc[catalogue["product_code"] == "P4", "brand"] = pd.NA
    warehouse.put("cleaned_products", catalogue)
    assert partner_in_engine(warehouse.run, contract, FIRST, LAST) == {"Hungry", "Ouch"} \
        == partner_brand_names(catalogue.assign(product_name="x"), contract)
    makers = makers_in_engine(warehouse.run, FIRST, LAST)
    assert sorted(map(tuple, makers.astype(str).to_numpy().tolist())) == [
        ("Hungry", "OuchHungry"), ("Marca X", "Outra")]
    assert own_spellings(makers, contract) == ["OuchHungry"]


def test_the_daily_rows_of_the_range_are_summed_per_monthly_cell(warehouse: Warehouse) -> None:
    """Each daily row of the month lands in the monthly cell of its brand: its city's,
    else its state's, else the country's; a brand without a cell for it has no target.
    Ouch has a city cell in Rio but no state cell: its other Rio city goes to the
    country. Hungry's cell in Santa Luzia of Bahia is not Santa Luzia of Paraiba's. Rows
    before ``@start`` or on ``@end`` are not the month's."""
    rows = [  # day, state, city, brand, customer, order, quantity, amount
        ("2026-11-01", "SP", "SAO PAULO", "Hungry", "c1", "o1", 2, 10.0),
        ("2026-11-30", "SP", "SAO PAULO", "Hungry", "c1", "o2", 1, 0.125),
        ("2026-11-02", "SP", "SANTOS", "Hungry", "c2", "o3", 1, 5.0),
        ("2026-11-03", "RJ", "NITEROI", "Ouch", "c3", "o4", 1, 1.0),
        ("2026-11-04", "RJ", "NITEROI", "Hungry", "c4", "o5", 1, 1.0),
        ("2026-11-05", "RJ", "PETROPOLIS", "Ouch", "c7", "o8", 1, 2.0),
        ("2026-11-06", "PB", "SANTA LUZIA", "Hungry", "c8", "o9", 1, 3.0),
        ("2026-10-31", "SP", "SAO PAULO", "Hungry", "c5", "o6", 4, 1.0),
        ("2026-12-01", "SP", "SAO PAULO", "Hungry", "c6", "o7", 8, 1.0),
    ]
    daily = pd.DataFrame(rows, columns=["sale_date", "state", "city", "brand", "customer_id",
                                        "order_id", "quantity", "total_amount"])
    warehouse.put("daily_by_hand", daily.assign(sale_date=pd.to_datetime(daily["sale_date"])))
    monthly = pd.DataFrame({"state": ["SP", "SP", "RJ", "*", "BA"],
                            "city": ["SAO PAULO", "*", "NITEROI", "*", "SANTA LUZIA"],
                            "brand": ["Hungry", "Hungry", "Ouch", "Ouch", "Hungry"],
                            "location_level": ["city", "state", "city", "country", "city"]})
    sums = warehouse.run(statements.daily_reconciliation("daily_by_hand", FIRST, LAST, monthly))
    assert sorted(((r.target, r.state, r.city, r.brand, *(int(v) for v in r[4:]))
                   for r in sums.itertuples(index=False)), key=str) == sorted([
        # target, state, city, brand, daily rows, units, cents, customers, orders
        ("city", "SP", "SAO PAULO", "Hungry", 2, 3, 1012, 1, 2),
        ("state", "SP", "*", "Hungry", 1, 1, 500, 1, 1),
        ("city", "RJ", "NITEROI", "Ouch", 1, 1, 100, 1, 1),
        ("country", "*", "*", "Ouch", 1, 1, 200, 1, 1),
        (None, None, None, "Hungry", 2, 2, 400, 2, 2),
    ], key=str)


def test_the_months_identifiers_are_those_of_its_snapshots(warehouse: Warehouse) -> None:
    """A customer only in the snapshot before ``@start`` or only in the one on ``@end`` is
    not one of the month's known identifiers."""
    rows = [("CLI-1", "Maria Souza", "maria@example.com", "2026-11-01"),
            ("CLI-1", "Maria Souza", "maria@example.com", "2026-11-30"),
            ("CLI-OLD", "Ana Lima", None, "2026-10-31"),
            ("CLI-LATE", "Rui Dias", None, "2026-12-01")]
    snapshots = pd.DataFrame(rows, columns=["customer_id", "full_name", "email",
                                            "snapshot_date"])
    warehouse.put("cleaned_customers", snapshots.astype(
        {"customer_id": "string", "full_name": "string", "email": "string"}).assign(
        snapshot_date=pd.to_datetime(snapshots["snapshot_date"])))
    found = warehouse.run(statements.month_customer_identifiers(FIRST, LAST))
    assert found.astype(str).to_numpy().tolist() == [
        ["CLI-1", "Maria Souza", "maria@example.com"]]


def test_a_pair_is_bought_by_one_customer_in_one_order(warehouse: Warehouse) -> None:
    """Pairs join an order's lines of the same customer (pandas merges on both): an order
    id under two customers who each bought both is one order of two customers; one
    customer's product and another's under the same order id are no pair."""
    from ouchhungry_dp_tests.products.conftest import products_frame

    warehouse.put("cleaned_products", products_frame().assign(
        snapshot_date=pd.Timestamp("2026-11-01"), updated_at=pd.Timestamp("2026-11-01")))
    ouch = "SAL-OCH-0100"
    warehouse.put("cleaned_transactions", _sales(
        ("O1", "C1", "SP", "SAO PAULO", HNG, 1), ("O1", "C1", "SP", "SAO PAULO", ouch, 1),
        ("O1", "C2", "SP", "SAO PAULO", HNG, 1), ("O1", "C2", "SP", "SAO PAULO", ouch, 1),
        ("O2", "C3", "SP", "SAO PAULO", HNG, 1), ("O2", "C4", "SP", "SAO PAULO", ouch, 1)))
    contract = get_contract("ouchhungry")
    parts = insights_statements.split_parts(warehouse.run(insights_statements.insights_month(
        contract, [contract.partner.manufacturer], FIRST, LAST)))
    assert parts["insights_pairs"].astype(str).to_numpy().tolist() == [
        [HNG, ouch, "1", "2"]]


def test_a_customer_is_outside_the_partner_city_by_city(warehouse: Warehouse) -> None:
    """A customer of the partner in Sao Paulo who buys a competitor in Campinas is outside
    the partner in Campinas only; the same across the homonym Santa Luzias of Bahia and
    Paraiba. Nobody is counted for the partner's own company."""
    from ouchhungry_dp_tests.products.conftest import products_frame

    products = products_frame()
    warehouse.put("cleaned_products", products.assign(
        snapshot_date=pd.Timestamp("2026-11-01"), updated_at=pd.Timestamp("2026-11-01")))
    clb = "REF-CLB-0350"
    warehouse.put("cleaned_transactions", _sales(
        ("O1", "C1", "SP", "SAO PAULO", HNG, 1), ("O2", "C1", "SP", "CAMPINAS", clb, 1),
        ("O3", "C2", "BA", "SANTA LUZIA", HNG, 1), ("O4", "C2", "PB", "SANTA LUZIA", clb, 1)))
    maker = str(products.loc[products["product_code"] == clb, "manufacturer"].iloc[0])
    assert _city_customers(warehouse, FIRST, LAST) == [
        ("BA", "SANTA LUZIA", 1, 0, None, None), ("PB", "SANTA LUZIA", 1, 1, maker, 1),
        ("SP", "CAMPINAS", 1, 1, maker, 1), ("SP", "SAO PAULO", 1, 0, None, None)]
