"""A real DuckDB warehouse file holding the frames the pandas references are given."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from ouchhungry_dp.lib.warehouse.readers import DuckDBWarehouseReader

SCHEMA = "marts"


class Warehouse:
    def __init__(self, path: Path) -> None:
        self.reader = DuckDBWarehouseReader(database=str(path), schema_=SCHEMA)
        self.path = path

    def put(self, table: str, frame: pd.DataFrame) -> None:
        with duckdb.connect(str(self.path)) as conn:
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
            conn.register("frame", frame)
            conn.execute(f"CREATE OR REPLACE TABLE {SCHEMA}.{table} AS SELECT * FROM frame")

    @property
    def run(self) -> Callable[..., pd.DataFrame]:
        return self.reader.aggregate


@pytest.fixture
def warehouse(tmp_path: Path) -> Warehouse:
    return Warehouse(tmp_path / "warehouse.duckdb")
