"""What the emulator cannot show about the statements: their BigQuery text prunes and
stays small.

bqemulator does not enforce ``require_partition_filter``, so the translated text
itself is checked: every read of a partitioned table filters its partition column
with the ``@start``/``@end`` parameters in the same SELECT (what BigQuery prunes on).
Nor does it enforce BigQuery's 1,024 KB limit on a query's text: the caller's rows
travel as a parameter, so the text does not grow with them.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest
import sqlglot
from sqlglot import exp

from ouchhungry_dp.partners.contract import get_contract
from ouchhungry_dp.products.engine import insights_statements, month_inputs, statements
from ouchhungry_dp.products.engine.query import EngineQuery, RowsParam, date_range_params
from ouchhungry_dp.quality.reference import official_cities

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
    "catalogue_makers": statements.catalogue_makers(FIRST, LAST),
    "daily_reconciliation": statements.daily_reconciliation(CONTRACT.daily_asset, FIRST, LAST,
                                                            MONTHLY),
    "customer_identifiers": statements.month_customer_identifiers(FIRST, LAST),
    "insights_month": insights_statements.insights_month(
        CONTRACT, [CONTRACT.partner.manufacturer], FIRST, LAST),
    "month_inputs": month_inputs.month_inputs(FIRST, LAST),
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


def test_rows_are_a_parameter_never_text() -> None:
    hostile = RowsParam("decision", ("state", "city", "level"),
                        (("SP", "X'); DROP TABLE t; --", "city"),))
    query = EngineQuery("t", "SELECT city FROM decision", (), (), (hostile,))
    assert duckdb.execute(query.for_duckdb("marts"), query.duckdb_params()).fetchall() == [
        ("X'); DROP TABLE t; --",)]
    assert "DROP" not in query.for_bigquery("p", "d")
    assert query.all_params()[-1] == ("decision_rows", "STRUCT<state STRING, city STRING, "
                                      "level STRING>", [{"state": "SP", "level": "city",
                                                         "city": "X'); DROP TABLE t; --"}])


def test_empty_rows_keep_their_columns() -> None:
    query = EngineQuery("t", "SELECT state, city FROM decision", (), (),
                        (RowsParam("decision", ("state", "city", "level"), ()),))
    result = duckdb.execute(query.for_duckdb("marts"), query.duckdb_params())
    assert (result.fetchall(), [d[1] for d in result.description]) == ([], ["VARCHAR"] * 2)


def _every_municipality(brands: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    cities = official_cities()
    decision = pd.DataFrame({"state": cities["uf"].astype(str),
                             "city": cities["name"].astype(str), "level": "city"})
    monthly = pd.concat([decision.rename(columns={"level": "location_level"})
                         .assign(brand=b) for b in brands], ignore_index=True)
    return decision, monthly


def test_the_text_does_not_grow_with_the_locations() -> None:
    """Every IBGE municipality x the partner's brands (inlined, the reconciliation's text
    was ~0.96 MB, near BigQuery's 1,024 KB): the same text as with one location."""
    brands = sorted(CONTRACT.partner.brand_names)
    decision, monthly = _every_municipality(brands)
    assert len(decision) > 5000 and len(monthly) == len(decision) * len(brands)
    few = {"monthly_cells": statements.monthly_cells(CONTRACT, FIRST, LAST, decision.head(1)),
           "daily_reconciliation": statements.daily_reconciliation(
               CONTRACT.daily_asset, FIRST, LAST, monthly.head(1))}
    every = {"monthly_cells": statements.monthly_cells(CONTRACT, FIRST, LAST, decision),
             "daily_reconciliation": statements.daily_reconciliation(
                 CONTRACT.daily_asset, FIRST, LAST, monthly)}
    for name, query in every.items():
        text = query.for_bigquery("project", "dataset")
        assert text == few[name].for_bigquery("project", "dataset"), name
        assert len(text.encode()) < 10_000, name
        rows = query.all_params()[-1][2]
        assert len(rows) == len(decision if name == "monthly_cells" else monthly), name


def test_each_statement_is_labelled_with_what_it_is_for() -> None:
    """``purpose`` labels the BigQuery job and names the statement in errors."""
    assert {name: query.purpose for name, query in QUERIES.items()} == {
        name: name for name in QUERIES}


def test_a_row_of_the_wrong_width_is_refused() -> None:
    """A row with fewer fields than columns would bind its values to the wrong columns."""
    with pytest.raises(ValueError, match="zip"):
        RowsParam("decision", ("state", "city", "level"), (("SP", "SAO PAULO"),)).param()


def test_the_callers_rows_are_read_as_the_emulator_ran_them() -> None:
    """The rows CTE in BigQuery's text is the form ``prod/test_engine_sql.py`` runs in the
    emulator: each field cast from the alias of ``UNNEST(@<name>_rows)``."""
    query = EngineQuery("t", "SELECT city FROM decision", (), (),
                        (RowsParam("decision", ("state", "city"), ()),))
    assert ("WITH decision AS (SELECT CAST(r.state AS STRING) AS state, CAST(r.city AS STRING) "
            "AS city FROM UNNEST(@decision_rows) AS r)") in query.for_bigquery("p", "d")


def test_the_range_is_two_date_parameters_end_exclusive() -> None:
    """Built here, not read from ``QUERIES``: a module constant is built once at import."""
    assert date_range_params(FIRST, LAST) == (("start", "DATE", FIRST),
                                              ("end", "DATE", dt.date(2026, 12, 1)))


def test_list_parameters_reach_duckdb_as_lists() -> None:
    query = EngineQuery("t", "SELECT 1", (), (("brands", "STRING", ("Ouch", "Hungry")),
                                              ("k", "INT64", 10)))
    assert query.duckdb_params() == {"brands": ["Ouch", "Hungry"], "k": 10}


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_table_is_named_with_its_project_and_dataset(name: str) -> None:
    """The job may run in another project than the data's (billing): the text names both."""
    query = QUERIES[name]
    tree = sqlglot.parse_one(query.for_bigquery("project", "dataset"), read="bigquery")
    scans = {(t.catalog, t.db, t.name) for t in tree.find_all(exp.Table) if t.db}
    assert scans == {("project", "dataset", table) for table in query.tables}


def test_the_callers_rows_travel_under_their_documented_names() -> None:
    """Built here, not read from ``QUERIES`` (built once at import)."""
    for query, name in ((statements.monthly_cells(CONTRACT, FIRST, LAST, DECISION), "decision"),
                        (statements.daily_reconciliation(CONTRACT.daily_asset, FIRST, LAST,
                                                         MONTHLY), "monthly_cells")):
        assert query.all_params()[-1][0] == f"{name}_rows"
        assert f"WITH {name} AS (SELECT" in query.for_bigquery("p", "d")
        assert f"FROM UNNEST(@{name}_rows) AS r)" in query.for_bigquery("p", "d")
