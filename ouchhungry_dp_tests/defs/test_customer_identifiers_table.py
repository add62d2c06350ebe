"""The incremental ``customer_identifiers`` table (DuckDB, through the real IO manager):
the catalogue check reads the same values as the full scan of ``cleaned_customers`` it
replaced, whatever order the days are written in and however often."""

import datetime as dt
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest

from ouchhungry_dp import tables
from ouchhungry_dp.errors import ConfigurationError
from ouchhungry_dp.lib.execution.partitions import daily_partitions
from ouchhungry_dp.lib.warehouse.duckdb_io_manager import ArrowDuckDBPandasIOManager
from ouchhungry_dp.lib.warehouse.readers import DuckDBWarehouseReader

D1, D2, D3, D4, D5 = (dt.date(2026, 9, d) for d in range(1, 6))
# (customer_id, full_name, email) per snapshot day; None: the field is empty.
SNAPSHOTS: dict[dt.date, list[tuple[str, str, str | None]]] = {
    D1: [("A", "Ana Lima", "ana@x.com.br"), ("B", "Bia Reis", None)],
    D2: [("B", "Bia Reis", "bia@x.com.br"), ("D", "Dora Sá", "dora@x.com.br")],
    D3: [("A", "Ana Lima", "ana@x.com.br"), ("C", "Caio Melo", "caio@x.com.br")],
    D4: [("E", "Edu Paz", "edu@x.com.br")],
    D5: [("A", "Ana Lima", "ana.nova@x.com.br")],
}
# The statement the table replaced: every snapshot before the day.
OLD_SCAN = ("SELECT DISTINCT value FROM (SELECT full_name AS value FROM marts.cleaned_customers "
            "WHERE snapshot_date < ? UNION ALL SELECT email AS value FROM "
            "marts.cleaned_customers WHERE snapshot_date < ?) WHERE value IS NOT NULL")


def _frame(days: list[dt.date]) -> pd.DataFrame:
    """The days' rows with every column of the table (the BigQuery DDL's), the rest empty."""
    rows = [(pd.Timestamp(day), *row) for day in days for row in SNAPSHOTS[day]]
    given = pd.DataFrame(rows, columns=["snapshot_date", "customer_id", "full_name", "email"])
    frame = pd.DataFrame(index=given.index)
    for column in tables.CLEANED_CUSTOMERS:
        if column in ("birth_date", "created_at", "updated_at", "snapshot_date"):
            frame[column] = given.get(column, pd.Series(pd.NaT, index=given.index))
            frame[column] = frame[column].astype("datetime64[ns]")
        else:
            frame[column] = given.get(column, pd.Series(None, index=given.index, dtype=object))
            frame[column] = frame[column].astype("string[pyarrow]")
    return frame


@dg.asset(partitions_def=daily_partitions, metadata={"partition_expr": "snapshot_date"})
def cleaned_customers(context: dg.AssetExecutionContext) -> pd.DataFrame:
    return _frame([dt.date.fromisoformat(k) for k in context.partition_keys])


def _write(database: Path, first: dt.date, last: dt.date | None = None) -> None:
    """One run of the asset over the days ``first..last`` (a backfill run when a range)."""
    tags = {} if last is None else {
        "dagster/asset_partition_range_start": first.isoformat(),
        "dagster/asset_partition_range_end": last.isoformat()}
    result = dg.materialize(
        [cleaned_customers], partition_key=None if last else first.isoformat(), tags=tags,
        resources={"io_manager": ArrowDuckDBPandasIOManager(database=str(database),
                                                            schema="marts")})
    assert result.success


def _old_scan(database: Path, before: dt.date) -> list[str]:
    with duckdb.connect(str(database), read_only=True) as conn:
        return sorted(v for (v,) in conn.execute(OLD_SCAN, [before, before]).fetchall())


def _first_seen(database: Path) -> dict[str, dt.date]:
    with duckdb.connect(str(database), read_only=True) as conn:
        return dict(conn.execute("SELECT value, first_seen FROM marts.customer_identifiers")
                    .fetchall())


def test_out_of_order_backfill_and_rewrites_read_as_the_full_scan(tmp_path: Path) -> None:
    database = tmp_path / "w.duckdb"
    reader = DuckDBWarehouseReader(database=str(database))
    _write(database, D3)  # a later day first, then the earlier ones
    _write(database, D1)
    _write(database, D2)
    _write(database, D2)  # re-materialized, same rows
    _write(database, D4, D5)  # two days in one backfill run
    seen = _first_seen(database)
    assert seen["Ana Lima"] == D1 and seen["ana@x.com.br"] == D1  # not D3, written first
    assert seen["bia@x.com.br"] == D2 and seen["ana.nova@x.com.br"] == D5
    assert len(seen) == 11  # one row per distinct value, none NULL
    for before in (D1, D2, D3, D4, D5, D5 + dt.timedelta(days=1)):
        found = reader.customer_identifiers(before=before)
        assert len(found) == len(set(found))
        assert sorted(found) == _old_scan(database, before), before
    assert reader.customer_identifiers(before=D1) == []


def test_a_day_rewritten_without_a_value_keeps_it_a_stricter_check(tmp_path: Path) -> None:
    database = tmp_path / "w.duckdb"
    reader = DuckDBWarehouseReader(database=str(database))
    for day in (D1, D2):
        _write(database, day)
    SNAPSHOTS_D1 = SNAPSHOTS[D1]
    try:
        SNAPSHOTS[D1] = [SNAPSHOTS_D1[0]]  # Bia's D1 row gone from the rewritten day
        _write(database, D1)
    finally:
        SNAPSHOTS[D1] = SNAPSHOTS_D1
    found, scanned = set(reader.customer_identifiers(before=D2)), set(_old_scan(database, D2))
    assert found - scanned == {"Bia Reis"} and scanned <= found


def test_a_warehouse_with_customers_but_no_table_is_built_from_all_of_them(
        tmp_path: Path) -> None:
    """The migration: customers written before the table existed are in it after the
    first write of the new code, not only the day that write carried."""
    database = tmp_path / "w.duckdb"
    with duckdb.connect(str(database)) as conn:
        conn.execute("CREATE SCHEMA marts")
        conn.register("old_days", _frame([D1, D2]))
        conn.execute("CREATE TABLE marts.cleaned_customers AS SELECT * FROM old_days")
    _write(database, D3)
    assert _first_seen(database)["Bia Reis"] == D1
    reader = DuckDBWarehouseReader(database=str(database))
    assert sorted(reader.customer_identifiers(before=D4)) == _old_scan(database, D4)


def test_an_emptied_table_with_customer_history_fails_closed(tmp_path: Path) -> None:
    database = tmp_path / "w.duckdb"
    _write(database, D1)
    with duckdb.connect(str(database)) as conn:
        conn.execute("DELETE FROM marts.customer_identifiers")
    reader = DuckDBWarehouseReader(database=str(database))
    assert reader.customer_identifiers(before=D1) == []  # no snapshot before D1: nothing lost
    with pytest.raises(ConfigurationError, match="Drop customer_identifiers"):
        reader.customer_identifiers(before=D2)


def test_a_failed_merge_leaves_no_customers_outside_the_check(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A merge that fails after the day's rows were inserted (a killed step, a full disk)
    # must not leave those customers stored but absent from the identifiers the check
    # reads: the rows and the merge commit together or not at all.
    from ouchhungry_dp.lib.warehouse import customer_identifiers

    database = tmp_path / "w.duckdb"
    _write(database, D1)

    def fails(*args: object, **kwargs: object) -> None:
        raise RuntimeError("merge interrupted")

    monkeypatch.setattr(customer_identifiers, "merge_duckdb", fails)
    result = dg.materialize(
        [cleaned_customers], partition_key=D2.isoformat(), raise_on_error=False,
        resources={"io_manager": ArrowDuckDBPandasIOManager(database=str(database),
                                                            schema="marts")})
    assert not result.success
    monkeypatch.undo()
    _write(database, D3)
    reader = DuckDBWarehouseReader(database=str(database))
    assert sorted(reader.customer_identifiers(before=D4)) == _old_scan(database, D4)
    with duckdb.connect(str(database), read_only=True) as conn:
        stored = conn.execute("SELECT count(*) FROM marts.cleaned_customers "
                              "WHERE snapshot_date = ?", [D2]).fetchone()[0]
    assert stored == 0
