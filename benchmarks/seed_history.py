"""Seed a local warehouse with days of history, fast, the way the daily job stores them.

    .venv/bin/python benchmarks/seed_history.py --data-dir /tmp/h --home /tmp/h/home \\
        --first 2026-09-01 --days 30 --rows 1000000

Running the daily job 30 times at 1M rows would take an hour on this machine; this
writes the same tables in minutes. Per day, with the platform's own code and no
Dagster run: the simulated source's three extracts (``SimulatedSourceSystem.extract``,
as the raw assets call it), the cleaning step's library calls (``_clean_one``), the
partner's daily product (``build_daily_product`` with the month's stored decision),
each frame stored through the local IO manager (``ArrowDuckDBPandasIOManager``, so
table layout and dtypes are the IO manager's), the cleaning's quality verdicts in
the outbound store, and a runless materialization of every asset and partition in
the Dagster instance (what the decision's history rule and the monthly sensor read).

Shortcuts, said where they matter: the verdicts record conservation and the
quarantine share as computed here, but the pandera schema and volume checks are
recorded as passed without running them; the month's location decision is made
from the month's first seeded day (as if the previous month looked like it: with
the simulator's 20,000 customers a day of 1M rows already holds nearly all of
them) and stored as the month's record before its daily products are built.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd

from ouchhungry_dp import tables
from ouchhungry_dp.defs.products.decision import record_path
from ouchhungry_dp.defs.quality.cleaning_assets import TABLES, _clean_one, _quarantine_total
from ouchhungry_dp.defs.sources.raw_assets import with_partition_date
from ouchhungry_dp.lib.execution.partitions import daily_partitions
from ouchhungry_dp.lib.resources.by_environment import WAREHOUSE_SCHEMA
from ouchhungry_dp.lib.resources.outbound_store import LocalFileStore
from ouchhungry_dp.lib.resources.source_systems import SimulatedSourceSystem
from ouchhungry_dp.lib.warehouse.duckdb_io_manager import ArrowDuckDBPandasIOManager
from ouchhungry_dp.partners.contract import PartnerContract, load_contracts
from ouchhungry_dp.products.cells import decide_locations
from ouchhungry_dp.products.csv_files import to_csv_bytes
from ouchhungry_dp.products.daily import build_daily_product
from ouchhungry_dp.quality import checks
from ouchhungry_dp.release import quality_verdict


class Seeder:
    """Writes whole days into ``data_dir``'s warehouse and outbound store."""

    def __init__(self, data_dir: Path, instance: dg.DagsterInstance | None, rows: int,
                 key: bytes) -> None:
        self.database = str(data_dir / "warehouse.duckdb")
        data_dir.mkdir(parents=True, exist_ok=True)
        manager = ArrowDuckDBPandasIOManager(database=self.database, schema=WAREHOUSE_SCHEMA)
        self.io = manager.create_io_manager(dg.build_init_resource_context())
        self.files = LocalFileStore(root=str(data_dir / "outbound"))
        self.source = SimulatedSourceSystem(rows_per_day=rows)
        self.instance = instance
        self.scratch = dg.DagsterInstance.ephemeral()
        self.key = key
        self.contracts = load_contracts()
        self.decisions: dict[tuple[str, str], pd.DataFrame] = {}

    def store(self, asset: str, day: dt.date, frame: pd.DataFrame, partition_expr: str) -> None:
        context = dg.build_output_context(
            asset_key=asset, partition_key=day.isoformat(), asset_partitions_def=daily_partitions,
            definition_metadata={"partition_expr": partition_expr},
            resource_config={"database": self.database, "connection_config": {}},
            # Without one, each context makes (and leaks) an ephemeral instance.
            instance=self.instance or self.scratch)
        self.io.handle_output(context, frame)
        if self.instance is not None:
            self.instance.report_runless_asset_event(
                dg.AssetMaterialization(asset_key=asset, partition=day.isoformat()))

    def seed_day(self, day: dt.date) -> dict[str, int]:
        raw = {t: with_partition_date(self.source.extract(t, day)[list(columns)], day)
               for t, columns in (("transactions", tables.RAW_TRANSACTIONS),
                                  ("customers", tables.RAW_CUSTOMERS),
                                  ("products", tables.RAW_PRODUCTS))}
        upstream = {"raw_customers": raw["customers"], "raw_products": raw["products"]}
        cleaned: dict[str, pd.DataFrame] = {}
        for table, frame in raw.items():
            spec = TABLES[table]
            self.store(f"raw_{table}", day, frame, "partition_date")
            # No catalogue check against past customers (identifiers=None): the seeded
            # catalogue is the simulator's, and the check's cost is the customer base's,
            # which the daily run under measurement pays itself.
            result = _clean_one(spec, frame.drop(columns="partition_date"), day, upstream,
                                None)
            self.store(spec.cleaned_key, day, result.cleaned, spec.partition_column)
            self.store(spec.quarantine_key, day, result.quarantine, "partition_date")
            passed = {
                "schema": True,  # not re-run here (see the module docstring)
                "conservation": checks.conservation(
                    len(frame), len(result.cleaned), len(result.quarantine)).passed,
                "quarantine_total": _quarantine_total(len(frame), len(result.quarantine)).passed,
                "volume": True,
            }
            quality_verdict.write_verdict(self.files, table, day.isoformat(), passed)
            cleaned[table] = result.cleaned
        counts = {"raw_transactions": len(raw["transactions"]),
                  "cleaned_transactions": len(cleaned["transactions"])}
        del raw, upstream
        for contract in self.contracts:
            decision = self.decision(contract, day, cleaned)
            daily = build_daily_product(cleaned["transactions"], cleaned["products"], decision,
                                        contract, key=self.key)
            stored = daily.assign(sale_date=pd.to_datetime(daily["sale_date"]))
            self.store(contract.daily_asset, day, stored, "sale_date")
            counts[contract.daily_asset] = len(stored)
        return counts

    def decision(self, contract: PartnerContract, day: dt.date,
                 cleaned: dict[str, pd.DataFrame]) -> pd.DataFrame:
        """The month's record: made from its first seeded day, stored once."""
        month = day.strftime("%Y-%m")
        if (contract.id, month) not in self.decisions:
            decision = decide_locations(cleaned["transactions"], cleaned["products"], contract)
            self.files.put(record_path(contract, month), to_csv_bytes(decision))
            self.decisions[(contract.id, month)] = decision
        return self.decisions[(contract.id, month)]


def store_decision_from_day(data_dir: Path, month: str, day: dt.date) -> list[str]:
    """Stores ``month``'s decision record made from ``day``'s cleaned rows (the same
    shortcut as the seeded month's), for code whose decision job cannot run here;
    returns the records written."""
    files = LocalFileStore(root=str(data_dir / "outbound"))
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as conn:
        frames = {t: conn.execute(f"SELECT * FROM {WAREHOUSE_SCHEMA}.cleaned_{t} WHERE "
                                  f"CAST({c} AS DATE) = ?", [day]).df()
                  for t, c in (("transactions", "sale_date"), ("products", "snapshot_date"))}
    written = []
    for contract in load_contracts():
        decision = decide_locations(frames["transactions"], frames["products"], contract)
        written.append(files.put(record_path(contract, month), to_csv_bytes(decision)))
    return written


def partition_listing(database: str, table: str, column: str) -> list[tuple[str, int]]:
    """(day, rows) of every partition of ``table``: the check that the seed landed."""
    with duckdb.connect(database, read_only=True) as conn:
        rows = conn.execute(
            f"SELECT CAST({column} AS DATE)::VARCHAR, count(*) FROM {WAREHOUSE_SCHEMA}.{table} "
            "GROUP BY 1 ORDER BY 1").fetchall()
    return [(day, int(n)) for day, n in rows]


def seed(data_dir: Path, home: Path | None, first: dt.date, days: int, rows: int,
         key: bytes) -> dict[str, object]:
    """Seeds ``days`` days from ``first``; returns seconds taken and the partition listing."""
    started = time.perf_counter()
    with contextlib.ExitStack() as stack:
        instance = None
        if home is not None:
            home.mkdir(parents=True, exist_ok=True)
            os.environ["DAGSTER_HOME"] = str(home)
            instance = stack.enter_context(dg.DagsterInstance.get())
        seeder = Seeder(data_dir, instance, rows, key)
        for i in range(days):
            day = first + dt.timedelta(days=i)
            counts = seeder.seed_day(day)
            print(f"seeded {day}: {counts}", file=sys.stderr)
    listing = partition_listing(seeder.database, "cleaned_transactions", "sale_date")
    return {"seconds": time.perf_counter() - started, "partitions": listing,
            "rows": sum(n for _, n in listing)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="OUCHHUNGRY_DATA_DIR")
    parser.add_argument("--home", type=Path, help="DAGSTER_HOME to record materializations in")
    parser.add_argument("--first", type=dt.date.fromisoformat, default=dt.date(2026, 9, 1))
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    # The products read the key as UTF-8 text of the variable; the jobs must get the same.
    key = (os.environ.get("PSEUDONYMIZATION_KEY") or os.urandom(32).hex()).encode()
    result = seed(args.data_dir, args.home, args.first, args.days, args.rows, key)
    print(summary(args.first, args.days, result))


def summary(first: dt.date, days: int, result: dict[str, object]) -> str:
    """What was seeded, any first day (a month key crashed on a day other than the 1st)."""
    partitions = result["partitions"]
    last = first + dt.timedelta(days=days - 1)
    lines = [f"seeded {days} day(s), {first}..{last}, in {result['seconds']:.0f} s: "
             f"cleaned_transactions {result['rows']:,} rows in "
             f"{len(partitions)} partitions"]  # type: ignore[arg-type]
    lines += [f"| {day} | {n:,} |" for day, n in partitions]  # type: ignore[attr-defined]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
