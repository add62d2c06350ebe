"""The daily and monthly jobs with the prod resources (BigQuery, GCS) on emulators, delivering
to the loopback sandbox; then the same days on DuckDB, file for file.

The source is the BigQuery replica (seeded from the simulator): the prod source
SQL extracts each day. The DuckDB run replays exactly those extracts, so any
difference between the two runs' files comes from the warehouse engine and IO.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from ouchhungry_dp.lib.defs_folder import load_defs_folders
from ouchhungry_dp.lib.resources.by_environment import shared_resources
from ouchhungry_dp.lib.resources.source_systems import RAW_COLUMNS, SourceSystem, SourceTable
from ouchhungry_dp.lib.warehouse.bigquery_clients import BigQueryClients
from ouchhungry_dp.lib.warehouse.bigquery_tables import WarehouseTables
from ouchhungry_dp.sandbox.stack import SandboxStack
from ouchhungry_dp.simulation import (
    SimulationConfig,
    simulate_customers,
    simulate_products,
    simulate_transactions,
)
from ouchhungry_dp_tests.conftest import platform_env
from ouchhungry_dp_tests.postgres import PostgresServer
from ouchhungry_dp_tests.prod.conftest import SOURCE_DATASET, prod_env
from ouchhungry_dp_tests.prod.emulators import Emulators

DAYS = ["2026-10-06", "2026-10-07", "2026-10-08"]
MONTH = "2026-10-01"
ROWS = 300
DAILY_JOB, MONTHLY_JOB = "ouchhungry_daily_delivery", "ouchhungry_monthly_delivery"
BIG_TABLES = ("raw_transactions", "raw_customers", "raw_products", "cleaned_transactions",
              "cleaned_customers", "cleaned_products", "transactions_quarantine")


def seed_replica(clients: BigQueryClients) -> None:
    """The marketplace's replicated tables: ordered_at a TIMESTAMP, everything else text."""
    config = SimulationConfig(rows_per_day=ROWS)
    days = [dt.date.fromisoformat(d) for d in DAYS]
    items = pd.concat([simulate_transactions(d, config).frame for d in days], ignore_index=True)
    # The replica types ordered_at; text the simulator spells in other formats is parsed.
    items["ordered_at"] = pd.to_datetime(items["ordered_at"], format="ISO8601", utc=True,
                                         errors="coerce")
    replica = WarehouseTables(clients, SOURCE_DATASET)
    replica.overwrite("transactions", items.dropna(subset=["ordered_at"]))
    replica.overwrite("customers", simulate_customers(days[-1], config).frame)
    replica.overwrite("products", simulate_products(days[-1], config).frame)


def run_job(job: str, partition: str, instance: dg.DagsterInstance,
            source: SourceSystem | None = None,
            held_by_gate: bool = False) -> dg.ExecuteInProcessResult:
    resources = shared_resources()
    if source is not None:
        resources["source"] = source
    defs = dg.Definitions.merge(load_defs_folders("sources", "quality", "products", "delivery"),
                                dg.Definitions(resources=resources))
    result = defs.resolve_job_def(job).execute_in_process(
        partition_key=partition, instance=instance, raise_on_error=False)
    failures = [e.event_specific_data.error.message[:2000] for e in result.all_events
                if e.event_type_value == "STEP_FAILURE"]
    if held_by_gate:
        # A month-to-date monthly file (3 days here) is built and checked but never
        # released: the insights' blocking `built_from_released_monthly` stops the run
        # before any monthly delivery, and that is the only failure.
        assert not result.success and failures, "a month-to-date file must not be released"
        assert all("built_from_released_monthly" in f for f in failures), failures
        return result
    assert result.success, failures
    return result


REPLAY: dict[tuple[str, dt.date], pd.DataFrame] = {}


class ReplaySource(SourceSystem):
    """Returns what the prod run extracted (read back from its raw tables)."""

    def extract(self, table: SourceTable, day: dt.date) -> pd.DataFrame:
        return REPLAY[(table, day)].copy()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def row_counts(clients: BigQueryClients, dataset: str) -> dict[tuple[str, str], int]:
    frame = clients.query(
        f"SELECT table_name, partition_id, total_rows FROM `{clients.project}.{dataset}."
        "INFORMATION_SCHEMA.PARTITIONS`", [], "test")
    return {(t, p): int(n) for t, p, n in zip(frame["table_name"], frame["partition_id"],
                                               frame["total_rows"], strict=True)}


def outbound_in_gcs(bucket: str) -> dict[str, bytes]:
    from google.cloud import storage

    return {blob.name.removeprefix("outbound/"): blob.download_as_bytes()
            for blob in storage.Client().list_blobs(bucket) if blob.name.endswith(".csv")}


@pytest.fixture(scope="module")
def prod_runs(sandbox: SandboxStack, emulators: Emulators, postgres_server: PostgresServer,
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    home = tmp_path_factory.mktemp("prod")
    bucket = "ouchhungry-outbound"
    env = prod_env(sandbox, emulators, home, "marts", bucket,
                   postgres_server.create_database("prod_state"))
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        clients = BigQueryClients.from_env(emulators.project, "southamerica-east1")
        seed_replica(clients)
        from google.cloud import storage

        storage.Client().create_bucket(bucket)
        with dg.instance_for_test(temp_dir=env["DAGSTER_HOME"]) as instance:
            for day in DAYS:
                run_job(DAILY_JOB, day, instance)
            counts = row_counts(clients, "marts")
            run_job(DAILY_JOB, DAYS[0], instance)  # a re-materialization of the first day
            recount = row_counts(clients, "marts")
            run_job(MONTHLY_JOB, MONTH, instance, held_by_gate=True)
        marts = WarehouseTables(clients, "marts")
        raw = {(table, dt.date.fromisoformat(d)): marts.read(
                   f"raw_{table}", "partition_date", dt.date.fromisoformat(d),
                   dt.date.fromisoformat(d) + dt.timedelta(days=1))
               for table in RAW_COLUMNS for d in DAYS}
        sftp = {p.name: sha256(p.read_bytes()) for p in sandbox.sftp_files.rglob("*.csv")}
        yield {"env": env, "clients": clients, "counts": counts, "recount": recount,
               "raw": raw, "files": outbound_in_gcs(bucket), "sftp": sftp}


def test_the_big_tables_are_day_partitioned(prod_runs: dict) -> None:
    days = {d.replace("-", "") for d in DAYS}
    for table in BIG_TABLES:
        partitions = {p for t, p in prod_runs["counts"] if t == table}
        assert partitions == days, table


def test_rematerializing_a_day_leaves_row_counts_unchanged(prod_runs: dict) -> None:
    before, after = prod_runs["counts"], prod_runs["recount"]
    assert sum(before.values()) > 0
    assert {k: after[k] for k in before} == before


def test_the_source_sql_extracts_the_day_and_only_what_it_references(prod_runs: dict) -> None:
    clients = prod_runs["clients"]
    replica = WarehouseTables(clients, SOURCE_DATASET)
    items = replica.read("transactions")
    local_day = items["ordered_at"].dt.tz_convert("America/Sao_Paulo").dt.date
    customers, products = replica.read("customers"), replica.read("products")
    for day in (dt.date.fromisoformat(d) for d in DAYS):
        extracted = prod_runs["raw"][("transactions", day)]
        assert sorted(extracted["transaction_id"].dropna()) == sorted(
            items.loc[local_day == day, "transaction_id"].dropna())
        assert extracted["ordered_at"].str.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-03:00$").all()
        for table, frame, key in (("customers", customers, "customer_id"),
                                  ("products", products, "product_code")):
            referenced = set(extracted[key].dropna())
            expected = frame.loc[frame[key].isin(referenced), key]
            got = prod_runs["raw"][(table, day)][key]
            assert sorted(got) == sorted(expected) and 0 < len(got) < len(frame), table


def test_each_day_reached_the_partner_and_the_month_to_date_file_was_held(
        prod_runs: dict) -> None:
    expected = {f"ouchhungry_sales_daily_{d}.csv" for d in DAYS}
    assert expected <= set(prod_runs["sftp"])
    gcs = {Path(name).name: sha256(data) for name, data in prod_runs["files"].items()
           if not name.startswith("held/")}
    assert {name: gcs[name] for name in expected} == {n: prod_runs["sftp"][n] for n in expected}
    monthly = "ouchhungry_sales_monthly_by_city_2026-10.csv"
    assert monthly not in prod_runs["sftp"]  # 3 days of October: never sent
    assert f"held/monthly/{monthly}" in prod_runs["files"]  # kept in GCS for the data team


def test_duckdb_gives_the_same_product_files(prod_runs: dict, sandbox: SandboxStack,
                                             tmp_path: Path) -> None:
    for (table, day), frame in prod_runs["raw"].items():
        REPLAY[(table, day)] = frame.drop(columns="partition_date")
    env = {**platform_env(sandbox, tmp_path),
           "PSEUDONYMIZATION_KEY": prod_runs["env"]["PSEUDONYMIZATION_KEY"]}
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        with dg.instance_for_test(temp_dir=env["DAGSTER_HOME"]) as instance:
            for day in DAYS:
                run_job(DAILY_JOB, day, instance, ReplaySource())
            run_job(MONTHLY_JOB, MONTH, instance, ReplaySource(), held_by_gate=True)
    local = Path(env["OUCHHUNGRY_DATA_DIR"]) / "outbound"
    files = prod_runs["files"]
    # the three daily files, the held month-to-date monthly file and the month's decision
    assert set(files) == {*(f"daily/ouchhungry_sales_daily_{d}.csv" for d in DAYS),
                          "held/monthly/ouchhungry_sales_monthly_by_city_2026-10.csv",
                          "_decisions/ouchhungry/2026-10.csv"}
    for name, data in files.items():
        assert (local / name).read_bytes() == data, name
