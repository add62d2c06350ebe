"""The incremental ``customer_identifiers`` table in BigQuery (the emulator), written by
the prod IO manager: the MERGE runs in the partition write's transaction, and the
catalogue check reads what the full scan of ``cleaned_customers`` returned."""

import datetime as dt

import dagster as dg
import sqlglot
from sqlglot import exp

from ouchhungry_dp.lib.warehouse import customer_identifiers
from ouchhungry_dp.lib.warehouse.bigquery_clients import BigQueryClients, date_param
from ouchhungry_dp.lib.warehouse.bigquery_io_manager import BigQueryPartitionIOManager
from ouchhungry_dp.lib.warehouse.readers import BigQueryWarehouseReader
from ouchhungry_dp_tests.defs.test_customer_identifiers_table import (
    D1,
    D2,
    D3,
    D4,
    D5,
    cleaned_customers,
)


def _write(clients: BigQueryClients, dataset: str, first: dt.date,
           last: dt.date | None = None) -> None:
    tags = {} if last is None else {
        "dagster/asset_partition_range_start": first.isoformat(),
        "dagster/asset_partition_range_end": last.isoformat()}
    result = dg.materialize(
        [cleaned_customers], partition_key=None if last else first.isoformat(), tags=tags,
        resources={"io_manager": BigQueryPartitionIOManager(bigquery=clients, dataset=dataset)})
    assert result.success


def _old_scan(clients: BigQueryClients, dataset: str, before: dt.date) -> list[str]:
    table = f"`{clients.project}.{dataset}.cleaned_customers`"
    frame = clients.query(
        f"SELECT DISTINCT value FROM (SELECT full_name AS value FROM {table} "
        f"WHERE snapshot_date < @before UNION ALL SELECT email AS value FROM {table} "
        "WHERE snapshot_date < @before) WHERE value IS NOT NULL",
        [date_param("before", before)], "test")
    return sorted(frame["value"])


def test_the_io_manager_keeps_the_table_and_it_reads_as_the_full_scan(
        clients: BigQueryClients, dataset: str) -> None:
    reader = BigQueryWarehouseReader(bigquery=clients, dataset=dataset)
    _write(clients, dataset, D3)  # a later day first, then the earlier ones
    _write(clients, dataset, D1)
    _write(clients, dataset, D2)
    _write(clients, dataset, D2)  # re-materialized
    _write(clients, dataset, D4, D5)  # a two-day backfill run
    seen = clients.query(f"SELECT value, first_seen FROM `{clients.project}.{dataset}."
                         "customer_identifiers`", [], "test")
    first_seen = dict(zip(seen["value"], seen["first_seen"], strict=True))
    assert len(seen) == 11 and first_seen["Ana Lima"] == D1 and first_seen["Edu Paz"] == D4
    for before in (D1, D2, D3, D4, D5, D5 + dt.timedelta(days=1)):
        assert sorted(reader.customer_identifiers(before=before)) == _old_scan(
            clients, dataset, before), before


def test_the_merge_reads_only_the_written_days_and_the_table_is_clustered() -> None:
    """What the emulator cannot show: BigQuery bills the MERGE for the written
    partitions of cleaned_customers (filters on the partition column alone) and the
    table, which the DDL clusters on the reads' filter."""
    merge = sqlglot.parse_one(customer_identifiers.merge_query(D2, D4).for_bigquery("p", "d"),
                              read="bigquery")
    assert isinstance(merge, exp.Merge)
    for where in merge.find_all(exp.Where):
        assert {c.name for c in where.find_all(exp.Column)} <= {"snapshot_date", "value"}
    assert "snapshot_date >= CAST('2026-09-02' AS DATE)" in merge.sql(dialect="bigquery")
    assert "snapshot_date < CAST('2026-09-04' AS DATE)" in merge.sql(dialect="bigquery")
    ddl = customer_identifiers.ddl_for(customer_identifiers.TABLE)
    assert ddl is not None
    statement = sqlglot.parse_one(ddl.replace("{table}", "`p.d.t`").replace(
        "{history}", "SELECT 'x' AS value, CURRENT_DATE() AS first_seen"), read="bigquery")
    assert [c.name for c in statement.find(exp.ClusterProperty).expressions] == ["first_seen"]
