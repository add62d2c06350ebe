"""Partitioned BigQuery tables against the emulator: layout, partition replacement, round trip."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from ouchhungry_dp import tables
from ouchhungry_dp.errors import ConfigurationError
from ouchhungry_dp.lib.warehouse.bigquery_clients import BigQueryClients
from ouchhungry_dp.lib.warehouse.bigquery_tables import DDL_DIR, WarehouseTables

DAY = dt.date(2026, 11, 20)
NEXT = DAY + dt.timedelta(days=1)
EXPECTED_COLUMNS = {
    "raw_transactions": (*tables.RAW_TRANSACTIONS, "partition_date"),
    "raw_customers": (*tables.RAW_CUSTOMERS, "partition_date"),
    "raw_products": (*tables.RAW_PRODUCTS, "partition_date"),
    "cleaned_transactions": tables.CLEANED_TRANSACTIONS,
    "cleaned_customers": tables.CLEANED_CUSTOMERS,
    "cleaned_products": tables.CLEANED_PRODUCTS,
    "transactions_quarantine": (*tables.RAW_TRANSACTIONS, "partition_date", "source_row",
                                "reasons"),
    "customers_quarantine": (*tables.RAW_CUSTOMERS, "partition_date", "source_row", "reasons"),
    "products_quarantine": (*tables.RAW_PRODUCTS, "partition_date", "source_row", "reasons"),
    "customer_identifiers": ("value", "first_seen"),
}


def cleaned_day(day: dt.date, n: int = 3) -> pd.DataFrame:
    """A few cleaned order items typed as the cleaning library types them."""
    stamp = pd.Timestamp(day)
    return pd.DataFrame({
        "transaction_id": pd.array([f"IT{day:%Y%m%d}{i:07d}" for i in range(n)],
                                   dtype="string[pyarrow]"),
        "order_id": pd.array([f"PED-{i}" for i in range(n)], dtype="string[pyarrow]"),
        "customer_id": pd.array(["CLI-0000001"] * n, dtype="string[pyarrow]"),
        "merchant_id": pd.array(["LOJ-00001"] * n, dtype="string[pyarrow]"),
        "merchant_cnpj": pd.array(["11222333000181"] * n, dtype="string[pyarrow]"),
        "product_code": pd.array(["REF-HNG-0350"] * n, dtype="string[pyarrow]"),
        "quantity": pd.array(range(1, n + 1), dtype="Int64"),
        "unit_price": pd.array([7.5] * n, dtype="Float64"),
        "total_amount": pd.array([7.5 * (i + 1) for i in range(n)], dtype="Float64"),
        "ordered_at": pd.Series([stamp + pd.Timedelta(hours=12, seconds=i) for i in range(n)]),
        "sale_date": pd.Series([stamp] * n),
        "city": pd.array(["SAO PAULO"] * n, dtype="string[pyarrow]"),
        "state": pd.array(["SP"] * n, dtype="string[pyarrow]"),
        "city_ibge_code": pd.array([None] + ["3550308"] * (n - 1), dtype="string[pyarrow]"),
        "cep": pd.array(["01310-100"] * n, dtype="string[pyarrow]"),
        "payment_method": pd.array(["pix"] * n, dtype="string[pyarrow]"),
        "updated_at": pd.Series([stamp + pd.Timedelta(hours=13)] * n),
    })


@pytest.fixture
def warehouse(clients: BigQueryClients, dataset: str) -> WarehouseTables:
    return WarehouseTables(clients, dataset)


def test_ddl_columns_are_the_tables_module_columns() -> None:
    for table, expected in EXPECTED_COLUMNS.items():
        body = (DDL_DIR / f"{table}.sql").read_text()
        columns = re.findall(r"^\s+([a-z_]+) [A-Z0-9]+,?$", body, flags=re.MULTILINE)
        assert tuple(columns) == expected, table
    assert {p.stem for p in DDL_DIR.glob("*.sql")} == set(EXPECTED_COLUMNS)


def test_tables_are_created_partitioned_clustered_and_filter_required(
        warehouse: WarehouseTables, clients: BigQueryClients, dataset: str) -> None:
    warehouse.replace("cleaned_transactions", cleaned_day(DAY), "sale_date", DAY, NEXT)
    table = warehouse.get("cleaned_transactions")
    assert table.time_partitioning.field == "sale_date"
    assert table.time_partitioning.type_ == "DAY"
    # The emulator reports the option inside timePartitioning (its older place in the API).
    assert table.require_partition_filter or table.time_partitioning.require_partition_filter
    options = clients.query(
        f"SELECT option_name, option_value FROM `{clients.project}.{dataset}."
        "INFORMATION_SCHEMA.TABLE_OPTIONS` WHERE table_name = 'cleaned_transactions'", [], "test")
    assert ("require_partition_filter", "true") in set(
        zip(options["option_name"], options["option_value"].str.lower(), strict=True))


def test_rewriting_a_day_replaces_only_that_partition(
        warehouse: WarehouseTables, clients: BigQueryClients, dataset: str) -> None:
    warehouse.replace("cleaned_transactions", cleaned_day(DAY, 3), "sale_date", DAY, NEXT)
    warehouse.replace("cleaned_transactions", cleaned_day(NEXT, 2), "sale_date", NEXT,
                      NEXT + dt.timedelta(days=1))
    for _ in range(2):  # a re-materialization of the day, twice
        warehouse.replace("cleaned_transactions", cleaned_day(DAY, 4), "sale_date", DAY, NEXT)
    partitions = clients.query(
        f"SELECT partition_id, total_rows FROM `{clients.project}.{dataset}."
        "INFORMATION_SCHEMA.PARTITIONS` WHERE table_name = 'cleaned_transactions' "
        "ORDER BY partition_id", [], "test")
    assert list(zip(partitions["partition_id"], partitions["total_rows"], strict=True)) == [
        ("20261120", 4), ("20261121", 2)]


def test_an_emptied_day_loses_its_old_rows(warehouse: WarehouseTables) -> None:
    warehouse.replace("cleaned_transactions", cleaned_day(DAY), "sale_date", DAY, NEXT)
    warehouse.replace("cleaned_transactions", cleaned_day(DAY).iloc[:0], "sale_date", DAY, NEXT)
    assert len(warehouse.read("cleaned_transactions", "sale_date", DAY, NEXT)) == 0


def test_rows_outside_the_written_partition_are_refused(warehouse: WarehouseTables) -> None:
    with pytest.raises(ConfigurationError, match="outside the partitions written"):
        warehouse.replace("cleaned_transactions", cleaned_day(NEXT), "sale_date", DAY, NEXT)


def test_column_names_and_dtypes_survive_the_round_trip(warehouse: WarehouseTables) -> None:
    written = cleaned_day(DAY)
    warehouse.replace("cleaned_transactions", written, "sale_date", DAY, NEXT)
    read = warehouse.read("cleaned_transactions", "sale_date", DAY, NEXT)
    pd.testing.assert_frame_equal(
        read.sort_values("transaction_id").reset_index(drop=True), written)


def test_a_table_without_ddl_keeps_the_frame_dtypes_and_partitions_by_month(
        warehouse: WarehouseTables) -> None:
    month = dt.date(2026, 11, 1)
    written = pd.DataFrame({
        "month_start": pd.Series([pd.Timestamp(month)] * 2),
        "state": ["SP", "RJ"],  # object
        "orders": pd.array([3, 5], dtype="int64"),
        "share": [0.25, 0.75],
        "generalised": [True, False],
    })
    warehouse.replace("partner_monthly", written, "month_start", month, dt.date(2026, 12, 1),
                      "MONTH")
    assert warehouse.get("partner_monthly").time_partitioning.type_ == "MONTH"
    read = warehouse.read("partner_monthly", "month_start", month, dt.date(2026, 12, 1))
    pd.testing.assert_frame_equal(read.sort_values("state", ignore_index=True),
                                  written.sort_values("state", ignore_index=True))


def test_a_first_write_that_is_empty_still_creates_the_partitioned_table(
        warehouse: WarehouseTables) -> None:
    # A table without DDL is shaped by its first frame; when the first partition written
    # is empty the table must still exist, partitioned on the DATE column, so the next
    # step's read finds it (not "table does not exist") and later days land in partitions.
    empty = pd.DataFrame({
        "kpi_date": pd.Series([], dtype="datetime64[ns]"),
        "kpi": pd.array([], dtype="string[pyarrow]"),
        "value": pd.array([], dtype="Float64"),
    })
    assert warehouse.replace("first_day_empty", empty, "kpi_date", DAY, NEXT) == 0
    table = warehouse.get("first_day_empty")
    assert table is not None
    assert (table.time_partitioning.type_, table.time_partitioning.field) == ("DAY", "kpi_date")
    assert {f.name: f.field_type for f in table.schema} == {
        "kpi_date": "DATE", "kpi": "STRING", "value": "FLOAT64"}
    assert len(warehouse.read("first_day_empty", "kpi_date", DAY, NEXT)) == 0

    later = pd.DataFrame({"kpi_date": pd.Series([pd.Timestamp(NEXT)] * 2),
                          "kpi": pd.array(["spend", "jobs"], dtype="string[pyarrow]"),
                          "value": pd.array([1.5, 2.0], dtype="Float64")})
    warehouse.replace("first_day_empty", later, "kpi_date", NEXT, NEXT + dt.timedelta(days=1))
    read = warehouse.read("first_day_empty", "kpi_date", NEXT, NEXT + dt.timedelta(days=1))
    pd.testing.assert_frame_equal(read.sort_values("kpi", ignore_index=True),
                                  later.sort_values("kpi", ignore_index=True))


def test_projected_reads_return_only_the_asked_columns(warehouse: WarehouseTables) -> None:
    warehouse.replace("cleaned_transactions", cleaned_day(DAY), "sale_date", DAY, NEXT)
    read = warehouse.read("cleaned_transactions", "sale_date", DAY, NEXT,
                          ["sale_date", "quantity"])
    assert list(read.columns) == ["sale_date", "quantity"]
    assert sorted(read["quantity"].tolist()) == [1, 2, 3]


def test_ddl_clusters_where_the_emulator_cannot_show_it() -> None:
    """bqemulator accepts CLUSTER BY but does not keep it: the DDL is checked by parsing it."""
    import sqlglot
    from sqlglot import exp

    expected = {"raw_transactions": ["customer_id", "product_code"],
                "cleaned_transactions": ["state", "city", "product_code"],
                "cleaned_customers": ["customer_id"], "raw_customers": ["customer_id"]}
    for table, columns in expected.items():
        ddl = (DDL_DIR / f"{table}.sql").read_text().replace("{table}", "`p.d.t`")
        statement = sqlglot.parse_one(ddl, read="bigquery")
        cluster = statement.find(exp.ClusterProperty)
        assert [c.name for c in cluster.expressions] == columns, table
        partition = statement.find(exp.PartitionedByProperty)
        assert partition.this.name in ("partition_date", "sale_date", "snapshot_date"), table
        options = {p.name: p.args["value"] for p in statement.find_all(exp.Property)
                   if type(p) is exp.Property}
        assert options["require_partition_filter"].this is True, table


def test_warehouse_reader_counts_from_partition_metadata_and_reads_a_range(
        warehouse: WarehouseTables, clients: BigQueryClients, dataset: str) -> None:
    from ouchhungry_dp.lib.warehouse.readers import BigQueryWarehouseReader

    reader = BigQueryWarehouseReader(bigquery=clients, dataset=dataset)
    assert reader.row_counts("cleaned_transactions", "sale_date", DAY, NEXT) == {}
    warehouse.replace("cleaned_transactions", cleaned_day(DAY, 3), "sale_date", DAY, NEXT)
    warehouse.replace("cleaned_transactions", cleaned_day(NEXT, 2), "sale_date", NEXT,
                      NEXT + dt.timedelta(days=1))
    assert reader.row_counts("cleaned_transactions", "sale_date", DAY, NEXT) == {DAY: 3, NEXT: 2}
    assert reader.row_counts("cleaned_transactions", "sale_date", NEXT, NEXT) == {NEXT: 2}
    history = reader.read_range("cleaned_transactions", "sale_date", DAY, NEXT,
                                ["sale_date", "total_amount"])
    assert list(history.columns) == ["sale_date", "total_amount"] and len(history) == 5
    assert reader.read_range("no_such_table", "sale_date", DAY, NEXT).empty


def test_warehouse_reader_counts_a_table_not_day_partitioned_with_the_statement(
        warehouse: WarehouseTables, clients: BigQueryClients, dataset: str) -> None:
    """No day partitions to read the counts from: ``row_counts_query`` runs in BigQuery."""
    from ouchhungry_dp.lib.warehouse.readers import BigQueryWarehouseReader

    month = dt.date(2026, 11, 1)
    stamps = pd.to_datetime(["2026-11-01 08:00", "2026-11-01 23:59", "2026-11-30 12:00"])
    warehouse.replace("partner_counts", pd.DataFrame({"sold_at": stamps, "n": [1, 2, 3]}),
                      "sold_at", month, dt.date(2026, 12, 1), "MONTH")
    reader = BigQueryWarehouseReader(bigquery=clients, dataset=dataset)
    assert reader.row_counts("partner_counts", "sold_at", month, dt.date(2026, 11, 30)) == {
        month: 2, dt.date(2026, 11, 30): 1}
    assert reader.row_counts("partner_counts", "sold_at", month, dt.date(2026, 11, 29)) == {
        month: 2}


def test_warehouse_reader_reads_the_distinct_customer_identifiers_before_a_day(
        warehouse: WarehouseTables, clients: BigQueryClients, dataset: str) -> None:
    from ouchhungry_dp.lib.warehouse.readers import BigQueryWarehouseReader
    from ouchhungry_dp.quality.cleaning import clean_customers
    from ouchhungry_dp.simulation import SimulationConfig
    from ouchhungry_dp.simulation.extract import referenced_by_orders

    reader = BigQueryWarehouseReader(bigquery=clients, dataset=dataset)
    assert reader.customer_identifiers(before=NEXT) == []  # no table yet
    config = SimulationConfig(seed=7, rows_per_day=40)
    for day in (DAY, NEXT):
        cleaned = clean_customers(referenced_by_orders(day, config, "customers").frame,
                                  snapshot_date=day).cleaned
        warehouse.replace("cleaned_customers", cleaned, "snapshot_date", day,
                          day + dt.timedelta(days=1))
        if day == DAY:
            expected = set(cleaned["full_name"].dropna()) | set(cleaned["email"].dropna())
    found = reader.customer_identifiers(before=NEXT)
    assert set(found) == expected and len(found) == len(expected)  # DISTINCT, day 1 only
