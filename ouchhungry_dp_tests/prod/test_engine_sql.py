"""The products' engine statements in BigQuery (the emulator) give DuckDB's frames.

The same simulated month is written to both warehouses as the platform writes it
(BigQuery: the day-partitioned tables, partition filter required on the big ones),
each statement runs translated for each engine, and the results must be equal
row for row; then the decision, the monthly file (to the byte), the
reconciliation and the insights report's figures built on them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from ouchhungry_dp.lib.warehouse.bigquery_clients import BigQueryClients
from ouchhungry_dp.lib.warehouse.bigquery_tables import WarehouseTables
from ouchhungry_dp.lib.warehouse.readers import BigQueryWarehouseReader, row_counts_query
from ouchhungry_dp.partners.contract import get_contract
from ouchhungry_dp.products.cells import decide_locations
from ouchhungry_dp.products.csv_files import to_csv_bytes
from ouchhungry_dp.products.daily import build_daily_product
from ouchhungry_dp.products.engine import insights_statements, month_inputs, statements
from ouchhungry_dp.products.engine.insights import insights_metrics_in_engine
from ouchhungry_dp.products.engine.monthly import (
    build_monthly_in_engine,
    decide_in_engine,
    reconcile_in_engine,
)
from ouchhungry_dp.products.engine.query import EngineQuery
from ouchhungry_dp_tests.products.conftest import KEY, month_frames, products_frame
from ouchhungry_dp_tests.products.engine.conftest import Warehouse

CONTRACT = get_contract("ouchhungry")
HISTORY = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
MONTH = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
END = dt.date(2026, 12, 1)


def _snapshot(day: dt.date) -> pd.DataFrame:
    stamp = pd.Timestamp(day)
    return products_frame().assign(snapshot_date=stamp, updated_at=stamp)


@pytest.fixture
def engines(clients: BigQueryClients, dataset: str, tmp_path: Path) -> dict:
    history = pd.concat(month_frames("2026-10", 30, seed=21), ignore_index=True)
    days = month_frames("2026-11", 30, seed=22)
    transactions = pd.concat([history, *days], ignore_index=True)
    products = pd.concat([_snapshot(HISTORY[0]), _snapshot(MONTH[0])], ignore_index=True)
    decision = decide_locations(history, _snapshot(HISTORY[0]), CONTRACT)
    daily = pd.concat([build_daily_product(d, _snapshot(MONTH[0]), decision, CONTRACT, key=KEY)
                       for d in days], ignore_index=True)
    daily = daily.assign(sale_date=pd.to_datetime(daily["sale_date"]))

    duck = Warehouse(tmp_path / "warehouse.duckdb")
    bigquery = WarehouseTables(clients, dataset)
    for table, frame, column in (("cleaned_transactions", transactions, "sale_date"),
                                 ("cleaned_products", products, "snapshot_date"),
                                 (CONTRACT.daily_asset, daily, "sale_date")):
        duck.put(table, frame)
        bigquery.replace(table, frame, column, HISTORY[0], END)
    reader = BigQueryWarehouseReader(bigquery=clients, dataset=dataset)
    return {"duckdb": duck.run, "bigquery": reader.aggregate, "decision": decision}


def _rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Engine-neutral: text as strings, numbers as nullable Int64 (a city without other
    companies has one NULL row), rows in one order."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].astype("Int64")
        else:
            out[column] = out[column].astype("string")
    return out.sort_values(list(out.columns)).reset_index(drop=True)


def _statements(decision: pd.DataFrame, monthly: pd.DataFrame) -> dict[str, EngineQuery]:
    return {
        "decision_basis": statements.decision_basis(CONTRACT, *HISTORY),
        "monthly_cells": statements.monthly_cells(CONTRACT, *MONTH, decision),
        "segment_market": statements.segment_market(*MONTH),
        "catalogue_makers": statements.catalogue_makers(*MONTH),
        "daily_reconciliation": statements.daily_reconciliation(CONTRACT.daily_asset, *MONTH,
                                                                monthly),
        "insights_month": insights_statements.insights_month(
            CONTRACT, [CONTRACT.partner.manufacturer], *MONTH),
        # The fingerprint the insights compare with the one released with the monthly
        # file: the same in both engines (integers and an MD5 of the same text).
        "month_inputs": month_inputs.month_inputs(*MONTH),
        # The volume check's counts (the reader's path for a table not day-partitioned
        # on the column; partitioned ones are counted from partition metadata).
        "row_counts": row_counts_query("cleaned_transactions", "sale_date", *MONTH),
    }


def test_every_statement_gives_the_same_rows_in_both_engines(engines: dict) -> None:
    decision = engines["decision"]
    monthly = build_monthly_in_engine(engines["duckdb"], decision, CONTRACT, first=MONTH[0],
                                      last=MONTH[1], month="2026-11")
    for name, query in _statements(decision, monthly).items():
        duck, bigquery = engines["duckdb"](query), engines["bigquery"](query)
        assert len(duck), name  # a statement that returns nothing proves nothing
        pd.testing.assert_frame_equal(_rows(bigquery), _rows(duck), obj=name)


def test_decision_monthly_file_and_reconciliation_are_the_same(engines: dict) -> None:
    built = {}
    for engine in ("duckdb", "bigquery"):
        run = engines[engine]
        decision = decide_in_engine(run, CONTRACT, *HISTORY)
        monthly = build_monthly_in_engine(run, decision, CONTRACT, first=MONTH[0],
                                          last=MONTH[1], month="2026-11")
        outcome = reconcile_in_engine(run, monthly, CONTRACT.daily_asset, first=MONTH[0],
                                      last=MONTH[1], min_customers=CONTRACT)
        built[engine] = (decision, monthly, outcome)
    (duck_decision, duck_monthly, duck_outcome) = built["duckdb"]
    (bq_decision, bq_monthly, bq_outcome) = built["bigquery"]
    pd.testing.assert_frame_equal(bq_decision, duck_decision)
    pd.testing.assert_frame_equal(bq_decision, engines["decision"])
    assert to_csv_bytes(bq_monthly) == to_csv_bytes(duck_monthly)
    assert duck_outcome.passed and (bq_outcome.passed, bq_outcome.metadata) == (
        duck_outcome.passed, duck_outcome.metadata)


def test_an_empty_decision_parameter_is_typed_in_both_engines(engines: dict) -> None:
    """No location decided (the platform's first month): the rows parameter is an empty
    ARRAY<STRUCT>, and every sale goes to the country in both engines."""
    empty = engines["decision"].iloc[0:0]
    query = statements.monthly_cells(CONTRACT, *MONTH, empty)
    duck, bigquery = engines["duckdb"](query), engines["bigquery"](query)
    assert len(duck) and set(duck["location_level"]) == {"country"}
    pd.testing.assert_frame_equal(_rows(bigquery), _rows(duck))


def test_the_insights_figures_are_the_same(engines: dict) -> None:
    duck_monthly = build_monthly_in_engine(engines["duckdb"], engines["decision"], CONTRACT,
                                           first=MONTH[0], last=MONTH[1], month="2026-11")
    figures = {engine: insights_metrics_in_engine(
        engines[engine], CONTRACT, month="2026-11", first=MONTH[0], last=MONTH[1],
        products=_snapshot(MONTH[0]), monthly_products=duck_monthly)
        for engine in ("duckdb", "bigquery")}
    assert figures["duckdb"]["brands"] and figures["duckdb"]["top_cities"]
    assert figures["bigquery"] == figures["duckdb"]
