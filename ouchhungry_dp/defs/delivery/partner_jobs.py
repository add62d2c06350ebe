"""A partner's jobs and their automation, generated from its contract.

* ``<id>_daily_delivery``: raw -> cleaned -> daily product -> SFTP, API, e-mail.
* ``<id>_monthly_delivery``: monthly product -> SFTP, API, e-mail.
* daily schedule at the contract's ``sla.daily_cron`` for the previous day;
* monthly schedule at ``sla.monthly_cron`` and a catch-up sensor: the monthly job
  only runs once every day of the month has been delivered, so the monthly file
  never describes a month the partner has not fully seen day by day.

Cron and timezone are read from the contract (``sla``), never restated here: what
the contract declares is what the daemon runs.
"""


from __future__ import annotations

import datetime

import dagster as dg

from ouchhungry_dp import file_names
from ouchhungry_dp.errors import ConfigurationError
from ouchhungry_dp.lib.execution.partitions import TIMEZONE, daily_partitions, monthly_partitions
from ouchhungry_dp.lib.labels import job_tags
from ouchhungry_dp.partners.contract import PartnerContract

SHARED_DAILY_GROUPS = ("sources", "quality")  # shared by every partner's daily job
SHARED_DAILY_ASSETS = (
    "raw_transactions", "raw_customers", "raw_products",
    "cleaned_transactions", "transactions_quarantine",
    "cleaned_customers", "customers_quarantine",
    "cleaned_products", "products_quarantine",
)
def daily_job(contract: PartnerContract) -> dg.UnresolvedAssetJobDefinition:
    # Everything extracted and cleaned (by group: a new cleaned table joins the daily run),
    # then this partner's daily product and its deliveries.
    selection = (dg.AssetSelection.groups(*SHARED_DAILY_GROUPS)
                 | dg.AssetSelection.assets(contract.daily_asset,
                                            *contract.delivery_assets("daily")))
    return dg.define_asset_job(
        name=contract.daily_job,
        selection=selection,
        partitions_def=daily_partitions,
        tags=job_tags(contract.id, "daily"),
        description=f"Extract, clean, build and deliver {contract.partner.name}'s daily file.",
        # Steps are I/O-bound and share one DuckDB file: one process, no per-step start-up.
        executor_def=dg.in_process_executor,
    )


def monthly_job(contract: PartnerContract) -> dg.UnresolvedAssetJobDefinition:
    selection = dg.AssetSelection.assets(contract.monthly_asset, contract.insights_asset,
                                         *contract.delivery_assets("monthly"))
    return dg.define_asset_job(
        name=contract.monthly_job,
        selection=selection,
        partitions_def=monthly_partitions,
        tags=job_tags(contract.id, "monthly"),
        description=f"Build and deliver {contract.partner.name}'s monthly file by city.",
        executor_def=dg.in_process_executor,
    )


def undelivered_days(instance: dg.DagsterInstance, contract: PartnerContract,
                     month_key: str) -> list[str]:
    first, last = file_names.month_bounds(month_key)
    delivered = instance.get_materialized_partitions(
        dg.AssetKey(contract.delivery_asset("daily", "email")))
    days = daily_partitions.get_partition_keys_in_range(
        dg.PartitionKeyRange(first.isoformat(), last.isoformat()))
    return [d for d in days if d not in delivered]


def previous_day(now: datetime.datetime | None) -> str:
    """The newest daily key at ``now``: the day before, in the partitions' timezone."""
    return daily_partitions.get_partition_keys(current_time=now)[-1]


def last_complete_month(now: datetime.datetime | None) -> str | None:
    """The newest monthly key whose month has ended (the current month is a valid key too)."""
    keys = monthly_partitions.get_partition_keys(current_time=now)
    return keys[-2] if len(keys) >= 2 else None


def _already_launched(instance: dg.DagsterInstance, contract: PartnerContract,
                      month_partition: str) -> str | None:
    """Why not to launch again: the schedule and the catch-up sensor both watch the same
    month, and Dagster de-duplicates run keys per instigator only."""
    email = dg.AssetKey(contract.delivery_asset("monthly", "email"))
    if month_partition in instance.get_materialized_partitions(email):
        return f"{file_names.month_key(month_partition)} already delivered"
    runs = instance.get_run_records(
        dg.RunsFilter(job_name=contract.monthly_job,
                      tags={"dagster/partition": month_partition},
                      statuses=[dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED,
                                dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED]),
        limit=1)
    if runs:
        run_id = runs[0].dagster_run.run_id
        return f"{file_names.month_key(month_partition)} is being delivered (run {run_id})"
    return None


def _monthly_request(context: dg.ScheduleEvaluationContext | dg.SensorEvaluationContext,
                     contract: PartnerContract, month_partition: str | None,
                     ) -> dg.RunRequest | dg.SkipReason:
    if month_partition is None:
        return dg.SkipReason("no complete month yet")
    already = _already_launched(context.instance, contract, month_partition)
    if already:
        return dg.SkipReason(already)
    missing = undelivered_days(context.instance, contract, month_partition)
    if missing:
        return dg.SkipReason(
            f"{len(missing)} day(s) of {file_names.month_key(month_partition)} not delivered yet "
            f"(first: {missing[0]}); the monthly file waits for every daily file")
    return dg.RunRequest(run_key=f"{contract.id}-monthly-{month_partition}",
                         partition_key=month_partition, tags={"partner": contract.id})


def _schedule_timezone(contract: PartnerContract) -> str:
    # The partitions (days and months) are the platform's, in TIMEZONE: a contract in
    # another timezone would make "the previous day" of its schedule a different day.
    if contract.sla.timezone != TIMEZONE:
        raise ConfigurationError(
            f"contract {contract.id}: sla.timezone is {contract.sla.timezone!r}",
            hint=f"The platform's partitions are {TIMEZONE} days; set sla.timezone to "
            f"{TIMEZONE} (per-partner partitions would be a new design).")
    return contract.sla.timezone


def automation(contract: PartnerContract, daily: dg.UnresolvedAssetJobDefinition,
               monthly: dg.UnresolvedAssetJobDefinition) -> tuple[list, list]:
    """(schedules, sensors) of one partner, timed by its contract's ``sla``."""
    sla, timezone = contract.sla, _schedule_timezone(contract)

    # Not build_schedule_from_partitioned_job: it derives the cron from the partitions
    # and refuses one given to it; the contract's cron must be the one that runs.
    @dg.schedule(name=f"{contract.id}_daily_schedule", job=daily,
                 cron_schedule=sla.daily_cron, execution_timezone=timezone,
                 default_status=dg.DefaultScheduleStatus.RUNNING,
                 description=f"'{sla.daily_cron}' {timezone} (contract sla.daily_cron): "
                 "deliver the previous day.")
    def daily_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        day = previous_day(context.scheduled_execution_time)
        return dg.RunRequest(run_key=f"{contract.id}-daily-{day}", partition_key=day,
                             tags={"partner": contract.id})

    @dg.schedule(name=f"{contract.id}_monthly_schedule", job=monthly,
                 cron_schedule=sla.monthly_cron, execution_timezone=timezone,
                 default_status=dg.DefaultScheduleStatus.RUNNING,
                 description=f"'{sla.monthly_cron}' {timezone} (contract sla.monthly_cron): "
                 "deliver the previous month if all its days are delivered (else the "
                 "catch-up sensor does it when they are).")
    def monthly_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest | dg.SkipReason:
        return _monthly_request(context, contract,
                                last_complete_month(context.scheduled_execution_time))

    @dg.sensor(name=f"{contract.id}_monthly_catch_up", job=monthly, minimum_interval_seconds=900,
               default_status=dg.DefaultSensorStatus.RUNNING,
               description="Launches the last month's delivery once all its days are delivered "
               "(run_key: at most one run per month).")
    def monthly_catch_up(context: dg.SensorEvaluationContext) -> dg.RunRequest | dg.SkipReason:
        return _monthly_request(context, contract, last_complete_month(None))

    return [daily_schedule, monthly_schedule], [monthly_catch_up]
