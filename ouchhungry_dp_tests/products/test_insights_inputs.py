"""What the insights and monthly steps read from the warehouse besides their inputs: the
catalogue over the whole trend and the month's known identifiers (real DuckDB reader)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd

from ouchhungry_dp.defs.products.insights_asset import trend_catalogue
from ouchhungry_dp.defs.products.product_assets import identifiers_of_month
from ouchhungry_dp.lib.warehouse.readers import DuckDBWarehouseReader
from ouchhungry_dp.products.selection import CATALOGUE_ATTRIBUTES, market_items

from .conftest import customers_buying, products_frame, rows_frame

OCTOBER, DECEMBER_END = dt.date(2026, 10, 1), dt.date(2026, 12, 31)


def _store(database: Path, **tables: pd.DataFrame) -> DuckDBWarehouseReader:
    with duckdb.connect(str(database)) as conn:
        conn.execute("CREATE SCHEMA IF NOT EXISTS marts")
        for name, frame in tables.items():
            conn.register("frame", frame)
            conn.execute(f"CREATE OR REPLACE TABLE marts.{name} AS SELECT * FROM frame")
            conn.unregister("frame")
    return DuckDBWarehouseReader(database=str(database), schema_="marts")


def _snapshot(codes: list[str], day: str) -> pd.DataFrame:
    catalogue = products_frame()
    return catalogue[catalogue["product_code"].isin(codes)].assign(
        snapshot_date=pd.Timestamp(day), updated_at=pd.Timestamp(day))


def test_the_trend_reads_the_catalogue_of_every_month_it_charts(tmp_path: Path) -> None:
    # Incremental extraction: a day's snapshot holds only the products sold that day.
    november = _snapshot(["SAL-OCH-0200", "REF-HNG-0350"], "2026-11-10")
    december = _snapshot(["REF-HNG-0350"], "2026-12-05").assign(
        product_name=pd.array(["Hungry Cola Lata 350ml (nova)"], dtype="string"))
    sales = rows_frame(customers_buying("2026-11-10", "SP", "SAO PAULO", "SAL-OCH-0200", 4)
                       + customers_buying("2026-12-05", "SP", "SAO PAULO", "REF-HNG-0350", 3))
    reader = _store(tmp_path / "w.duckdb",
                    cleaned_products=pd.concat([november, december], ignore_index=True))

    catalogue = trend_catalogue(reader, OCTOBER, DECEMBER_END)
    assert list(catalogue.columns) == list(CATALOGUE_ATTRIBUTES)
    assert sorted(catalogue["product_code"]) == ["REF-HNG-0350", "SAL-OCH-0200"]
    latest = catalogue.set_index("product_code")["product_name"]
    assert latest["REF-HNG-0350"] == "Hungry Cola Lata 350ml (nova)"  # newest snapshot wins
    # Every charted month keeps its items; December's snapshots alone lost November's.
    assert len(market_items(sales, catalogue)) == len(sales) == 7
    assert len(market_items(sales, december)) == 3


def test_an_empty_catalogue_or_customer_table_gives_empty_inputs(tmp_path: Path) -> None:
    reader = _store(tmp_path / "empty.duckdb")
    assert trend_catalogue(reader, OCTOBER, DECEMBER_END).empty
    assert identifiers_of_month(reader, OCTOBER, DECEMBER_END) == []


def test_the_months_known_identifiers_are_its_customers(tmp_path: Path) -> None:
    customers = pd.DataFrame({
        "customer_id": ["CLI-0000001", "CLI-0000002"],
        "full_name": ["Maria Aparecida Souza", "Jose Carlos Lima"],
        "email": ["maria@example.com", None],
        "snapshot_date": pd.to_datetime(["2026-12-03", "2026-11-30"]),
    })
    reader = _store(tmp_path / "c.duckdb", cleaned_customers=customers)
    known = identifiers_of_month(reader, dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert sorted(known) == ["CLI-0000001", "Maria Aparecida Souza", "maria@example.com"]
