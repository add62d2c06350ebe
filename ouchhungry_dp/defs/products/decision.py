"""The month's location decision as a stored, immutable asset: ``<id>_publishable_cells``.

Made once per month from the previous (complete) month and kept as a record
(``_decisions/<id>/<YYYY-MM>.csv`` in the file store, deterministic bytes) that
every daily file, the monthly file and the insights of the month read, instead
of re-reading last month's transactions on every run.

Immutability: every product step that reads the record (daily and monthly; the
insights read the released monthly files) writes a ``.released`` marker beside it,
because it builds a partner file with it (a built file can leave at any time, by
the job or by a re-delivery, so "built" is the safe reading of "left"). From then on
a materialization that would change the record is refused with a
``DataQualityError`` (the run fails, the data team is alerted) and the record
stays as it was. Before that, a re-materialization (e.g. a late day of the
previous month reloaded) may still replace it. These rules are
``privacy/decision_record.py`` (no Dagster), the code the privacy audit runs too.

First use decides, only on complete history: if a product run reaches a month
whose record does not exist yet (the sensor below was stopped, or a backfill ran
first), it makes the record with the same function and stores it before building
the file, so the month still has one decision and later runs read it. It does so
under the sensor's rule (``missing_history_days``): every day of the previous
month is cleaned, or there is no history at all (no day before the month was
ever cleaned on this instance: the platform's first month, decided at the most
general level). Otherwise the step asks Dagster to retry it later
(``PreviousMonthIncomplete``, transient): a 7-day backfill chunk of a month that
runs before the last chunk of the previous month waits for it instead of locking
a decision made from part of a month.
"""

import datetime as dt

import dagster as dg
import pandas as pd

from ouchhungry_dp import file_names
from ouchhungry_dp.errors import OuchHungryError
from ouchhungry_dp.lib.execution.partitions import (
    WAREHOUSE_POOL,
    daily_partitions,
    monthly_partitions,
)
from ouchhungry_dp.lib.resources.outbound_store import OutboundFileStore
from ouchhungry_dp.lib.warehouse.readers import WarehouseReader
from ouchhungry_dp.partners.contract import PartnerContract
from ouchhungry_dp.privacy import decision_record
from ouchhungry_dp.privacy.decision_record import parse_record
from ouchhungry_dp.products.cells import named_states
from ouchhungry_dp.products.csv_files import to_csv_bytes
from ouchhungry_dp.products.engine.monthly import decide_in_engine

OWNERS = ["team:data-products"]

# The month's decision reads the previous month's days (both window ends shifted back by
# one month); the platform's first month has none, which is not an error.
PREVIOUS_MONTH_OF_DAYS = dg.TimeWindowPartitionMapping(
    start_offset=-1, end_offset=-1, allow_nonexistent_upstream_partitions=True)


def decision_asset_name(contract: PartnerContract) -> str:
    return f"{contract.id}_publishable_cells"


def record_path(contract: PartnerContract, month: str) -> str:
    return decision_record.record_path(contract.id, month)


class PreviousMonthIncomplete(OuchHungryError):
    """The month's decision cannot be made yet: days of the previous month are not
    cleaned. Transient: the missing days are normally a backfill chunk still to run."""

    category = "data_not_ready"


# A backfill chunk of 7 days at production volume takes minutes; an hour of retries
# covers the previous month's last chunk queued behind it in the warehouse pool.
HISTORY_RETRIES = 6
HISTORY_RETRY_WAIT_S = 600


def _previous_month_days(month_first: dt.date) -> list[str]:
    """The previous month's daily partition keys (none before the platform's start)."""
    start, end = file_names.previous_month(month_first)
    first = daily_partitions.start.date()
    if end < first:
        return []
    return daily_partitions.get_partition_keys_in_range(
        dg.PartitionKeyRange(max(start, first).isoformat(), end.isoformat()))


def _cleaned_days(instance: dg.DagsterInstance) -> set[str]:
    return instance.get_materialized_partitions(dg.AssetKey("cleaned_transactions"))


def missing_history_days(instance: dg.DagsterInstance, month_first: dt.date) -> list[str]:
    """Days of the previous month not cleaned yet: the rule the sensor and the product
    steps share before a month's decision is made.

    Empty when the previous month is complete, and also when there is **no history**:
    no day before ``month_first`` was ever cleaned on this instance (the platform's
    first month: the decision is then the most general level). Any cleaned earlier day
    means history exists, so a gap in the previous month is **incomplete history**.
    """
    cleaned = _cleaned_days(instance)
    missing = [d for d in _previous_month_days(month_first) if d not in cleaned]
    if missing and not any(d < month_first.isoformat() for d in cleaned):
        return []  # no history at all
    return missing


def _require_history(instance: dg.DagsterInstance, contract: PartnerContract,
                     month_first: dt.date) -> None:
    missing = missing_history_days(instance, month_first)
    if not missing:
        return
    month = month_first.strftime("%Y-%m")
    shown = ", ".join(missing[:10]) + (f" and {len(missing) - 10} more" if len(missing) > 10
                                       else "")
    error = PreviousMonthIncomplete(
        f"the location decision of {month} waits for the previous month: "
        f"{len(missing)} day(s) not cleaned yet",
        partner=contract.id, partition=month, detail=f"missing days: {shown}",
        hint="Normally a backfill chunk of the previous month still to run: the step "
        "retries. If it keeps failing, materialize cleaned_transactions for those days.",
        transient=True)
    raise dg.RetryRequested(max_retries=HISTORY_RETRIES,
                            seconds_to_wait=HISTORY_RETRY_WAIT_S) from error


def compute_decision(warehouse: WarehouseReader, contract: PartnerContract,
                     month_first: dt.date) -> pd.DataFrame:
    """The decision from the previous month's cleaned transactions and catalogue, summed
    in the warehouse: only customer counts per signature come back (``engine.basis``),
    so neither this asset nor a daily run deciding on first use holds the month's rows."""
    start, end = file_names.previous_month(month_first)
    return decide_in_engine(warehouse.aggregate, contract, start, end)


def stored_decision(files: OutboundFileStore, warehouse: WarehouseReader,
                    contract: PartnerContract, month_first: dt.date,
                    *, instance: dg.DagsterInstance) -> pd.DataFrame:
    """The month's stored decision, released: the caller builds a partner file with it,
    so the record becomes immutable (see the module docstring). Made and stored now
    if it does not exist yet and the previous month is complete (or there is no
    history); otherwise ``dagster.RetryRequested`` from ``PreviousMonthIncomplete``.
    """
    month = month_first.strftime("%Y-%m")

    def first_use() -> bytes:
        _require_history(instance, contract, month_first)
        return to_csv_bytes(compute_decision(warehouse, contract, month_first))

    return decision_record.release_decision(files, contract.id, month, first_use)


def decision_metadata(decision: pd.DataFrame) -> dict[str, object]:
    levels = decision["level"].value_counts().to_dict() if len(decision) else {}
    return {
        "privacy/locations": len(decision),
        "privacy/city_locations": int(levels.get("city", 0)),
        "privacy/state_locations": int(levels.get("state", 0)),
        "privacy/country_locations": int(levels.get("country", 0)),
        "privacy/named_states": len(named_states(decision)),
        "privacy/decision_basis": "distinct customers of the partner's brands together per "
        "location in the previous calendar month; k at city, state residual and country "
        "residual",
    }


def _decision_asset(contract: PartnerContract) -> dg.AssetsDefinition:
    name = decision_asset_name(contract)

    @dg.asset(
        name=name,
        partitions_def=monthly_partitions,
        group_name=f"{contract.id}_products",
        owners=OWNERS,
        kinds={"pandas"},
        description=f"Location decision of the month for {contract.partner.name}: the level "
        "(city, state, country) of every location, made once from the previous month and "
        "immutable once a file of the month was built with it.",
        metadata={"partition_expr": "month_start", "partner": contract.id},
        tags={"partner": contract.id, "cadence": "monthly"},
        pool=WAREHOUSE_POOL,
        # Lineage, not inputs: the previous month is summed in the warehouse
        # (``compute_decision``); completeness is ``missing_history_days``' rule.
        deps=[dg.AssetDep(key, partition_mapping=PREVIOUS_MONTH_OF_DAYS)
              for key in ("cleaned_transactions", "cleaned_products")],
    )
    def _asset(context: dg.AssetExecutionContext, warehouse: WarehouseReader,
               outbound_files: OutboundFileStore) -> dg.Output[pd.DataFrame]:
        month = file_names.month_key(context.partition_key)
        first, _ = file_names.month_bounds(month)
        _require_history(context.instance, contract, first)
        new = to_csv_bytes(compute_decision(warehouse, contract, first))
        released = outbound_files.read(decision_record.released_path(contract.id, month))
        # Refused (DataQualityError: the run fails, the data team is alerted) once released.
        outcome = decision_record.store_decision(outbound_files, contract.id, month, new)
        relative = record_path(contract, month)
        decision = parse_record(new)
        stored = decision.assign(month_start=pd.Timestamp(first))
        return dg.Output(stored, metadata={"record": relative, "outcome": outcome,
                                           "released": released is not None,
                                           **decision_metadata(decision)})

    return _asset


def _decision_job(contract: PartnerContract) -> "dg.UnresolvedAssetJobDefinition":
    return dg.define_asset_job(
        name=f"{contract.id}_publishable_cells_job",
        selection=dg.AssetSelection.assets(decision_asset_name(contract)),
        partitions_def=monthly_partitions,
        tags={"partner": contract.id, "cadence": "monthly"},
        executor_def=dg.in_process_executor,
    )


def _decision_sensor(contract: PartnerContract,
                     job: "dg.UnresolvedAssetJobDefinition") -> dg.SensorDefinition:
    @dg.sensor(name=f"{contract.id}_publishable_cells_sensor", job=job,
               minimum_interval_seconds=900, default_status=dg.DefaultSensorStatus.RUNNING,
               description="Makes the month's location decision once every day of the "
               "previous month is cleaned (before the month's first daily run).")
    def _sensor(context: dg.SensorEvaluationContext) -> dg.RunRequest | dg.SkipReason:
        keys = monthly_partitions.get_partition_keys()
        if len(keys) < 2:
            return dg.SkipReason("no previous month yet")
        current = keys[-1]
        first, _ = file_names.month_bounds(current)
        missing = missing_history_days(context.instance, first)
        if missing:
            return dg.SkipReason(f"{len(missing)} day(s) of the previous month not cleaned yet")
        if not _cleaned_days(context.instance) & set(_previous_month_days(first)):
            # No history: not decided ahead (a backfill may be about to load it); the
            # month's first product run decides, at the most general level if still none.
            return dg.SkipReason("no history of the previous month")
        done = context.instance.get_materialized_partitions(
            dg.AssetKey(decision_asset_name(contract)))
        if current in done:
            return dg.SkipReason(f"decision of {file_names.month_key(current)} already made")
        return dg.RunRequest(run_key=f"{contract.id}-decision-{current}",
                             partition_key=current)

    return _sensor


def decision_definitions(contract: PartnerContract) -> dg.Definitions:
    job = _decision_job(contract)
    return dg.Definitions(assets=[_decision_asset(contract)], jobs=[job],
                          sensors=[_decision_sensor(contract, job)])
