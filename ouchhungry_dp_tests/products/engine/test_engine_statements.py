"""What the emulator cannot show about the statements: their BigQuery text prunes.

bqemulator does not enforce ``require_partition_filter``, so the translated text
itself is checked: every read of a partitioned table filters its partition column
with the ``@start``/``@end`` parameters in the same SELECT (what BigQuery prunes on).
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest
import sqlglot
from sqlglot import exp

from ouchhungry_dp.partners.contract import get_contract
from ouchhungry_dp.products.engine import insights_statements, statements
from ouchhungry_dp.products.engine.query import EngineQuery, LiteralTable

CONTRACT = get_contract("ouchhungry")
FIRST, LAST = dt.date(2026, 11, 1), dt.date(2026, 11, 30)
DECISION = pd.DataFrame({"state": ["SP", "RJ"], "city": ["SAO PAULO", "D'OESTE"],
                         "level": ["city", "state"]})
MONTHLY = pd.DataFrame({"state": ["SP"], "city": ["SAO PAULO"], "brand": ["Hungry"],
                        "location_level": ["city"]})
PARTITION_COLUMN = {"cleaned_transactions": "sale_date", "cleaned_products": "snapshot_date",
                    "cleaned_customers": "snapshot_date", CONTRACT.daily_asset: "sale_date"}
QUERIES = {
    "decision_basis": statements.decision_basis(CONTRACT, FIRST, LAST),
    "monthly_cells": statements.monthly_cells(CONTRACT, FIRST, LAST, DECISION),
    "segment_market": statements.segment_market(FIRST, LAST),
    "partner_brands": statements.partner_catalogue_brands(CONTRACT, FIRST, LAST),
    "daily_reconciliation": statements.daily_reconciliation(CONTRACT.daily_asset, FIRST, LAST,
                                                            MONTHLY),
    "customer_identifiers": statements.month_customer_identifiers(FIRST, LAST),
    "insights_brands": insights_statements.insights_brands(CONTRACT, FIRST, LAST),
    "insights_two_brands": insights_statements.insights_two_brands(CONTRACT, FIRST, LAST),
    "insights_pairs": insights_statements.insights_pairs(CONTRACT, FIRST, LAST),
    "insights_city_customers": insights_statements.insights_city_customers(FIRST, LAST),
}


def _filters(select: exp.Select, column: str) -> set[tuple[type, str]]:
    where = select.args.get("where")
    found = set()
    for comparison in (where.find_all(exp.GTE, exp.LT) if where else []):
        if isinstance(comparison.this, exp.Column) and comparison.this.name == column \
                and isinstance(comparison.expression, exp.Parameter):
            found.add((type(comparison), comparison.expression.name))
    return found


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_partitioned_table_is_read_within_its_partitions(name: str) -> None:
    query = QUERIES[name]
    tree = sqlglot.parse_one(query.for_bigquery("project", "dataset"), read="bigquery")
    scans = [t for t in tree.find_all(exp.Table) if t.db == "dataset"]
    assert {t.name for t in scans} == set(query.tables)
    for table in scans:
        select = table.find_ancestor(exp.Select)
        assert _filters(select, PARTITION_COLUMN[table.name]) == {
            (exp.GTE, "start"), (exp.LT, "end")}, (name, table.name)
    params = {n: v for n, _, v in query.params}
    assert (params["start"], params["end"]) == (FIRST, LAST + dt.timedelta(days=1))


def test_literal_rows_are_quoted_by_sqlglot() -> None:
    hostile = LiteralTable("decision", ("state", "city", "level"),
                           (("SP", "X'); DROP TABLE t; --", "city"),))
    query = EngineQuery("t", "SELECT city FROM decision", (), (), (hostile,))
    assert duckdb.sql(query.for_duckdb("marts")).fetchall() == [("X'); DROP TABLE t; --",)]
    assert "'X\\'); DROP TABLE t; --'" in query.for_bigquery("p", "d")
