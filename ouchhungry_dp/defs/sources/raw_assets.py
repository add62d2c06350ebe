"""Raw extracts of the source system: one daily partition per table, text as received."""


import datetime as dt

import dagster as dg
import pandas as pd

from ouchhungry_dp.errors import ExtractionError
from ouchhungry_dp.lib.execution.partitions import (
    DAILY_BACKFILL_POLICY,
    daily_partitions,
)
from ouchhungry_dp.lib.execution.step_retries import retry_only_transient
from ouchhungry_dp.lib.labels import asset_tags, stored_kinds, warehouse_pool
from ouchhungry_dp.lib.resources.source_systems import RAW_COLUMNS, SourceSystem, SourceTable
from ouchhungry_dp.lib.safe_metadata import table_metadata

OWNERS = ["team:data-platform"]
PRIORITY_TAG = "dagster/priority"  # steps ready at once run highest first
NETWORK_RETRY = dg.RetryPolicy(max_retries=3, delay=10, backoff=dg.Backoff.EXPONENTIAL)

_DESCRIPTIONS: dict[SourceTable, str] = {
    "transactions": (
        "Order items of the marketplace for the day (America/Sao_Paulo), as the source system "
        "exports them: every column is text, defects included. Cleaning happens downstream."
    ),
    "customers": (
        "Snapshot of the marketplace's customer table on the day. Holds personal data (name, CPF, "
        "e-mail, phone, CEP): it never leaves the warehouse; previews in the UI are masked."
    ),
    "products": "Snapshot of the marketplace's product catalogue on the day.",
}


def partition_day(context: dg.AssetExecutionContext) -> dt.date:
    return dt.date.fromisoformat(context.partition_key)


def with_partition_date(frame: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    # A DATE/TIMESTAMP partition column: the IO manager filters on it.
    return frame.assign(partition_date=pd.Timestamp(day))


def _raw_asset(table: SourceTable) -> dg.AssetsDefinition:
    name = f"raw_{table}"

    @dg.asset(
        name=name,
        partitions_def=daily_partitions,
        group_name="sources",
        owners=OWNERS,
        kinds=stored_kinds("python"),
        description=_DESCRIPTIONS[table],
        metadata={"partition_expr": "partition_date"},
        retry_policy=NETWORK_RETRY,
        backfill_policy=DAILY_BACKFILL_POLICY,
        tags=asset_tags(layer="raw"),
        pool=warehouse_pool(),
        # The order items first: the customers and products extracts are what the day's
        # items reference, and a simulated source then reuses the keys of the items it
        # just generated instead of generating the day again (simulation/extract.py).
        op_tags={PRIORITY_TAG: "1"} if table == "transactions" else None,
    )
    def _asset(context: dg.AssetExecutionContext, source: SourceSystem) -> dg.Output[pd.DataFrame]:
        frames = []
        for key in context.partition_keys:  # one partition, or a whole range in a backfill
            day = dt.date.fromisoformat(key)
            with retry_only_transient():
                frame = source.extract(table, day)
                missing = [c for c in RAW_COLUMNS[table] if c not in frame.columns]
                if missing:
                    raise ExtractionError(
                        f"source table {table} lacks columns {missing}",
                        partition=key,
                        hint="The source schema changed: update ouchhungry_dp/tables.py and "
                        "the cleaning rules, or ask the source team to restore the columns.",
                    )
            frames.append(with_partition_date(frame[list(RAW_COLUMNS[table])], day))
        result = pd.concat(frames, ignore_index=True)
        return dg.Output(result, metadata=table_metadata(result, {"partitions": len(frames)}))

    return _asset


raw_transactions = _raw_asset("transactions")
raw_customers = _raw_asset("customers")
raw_products = _raw_asset("products")
