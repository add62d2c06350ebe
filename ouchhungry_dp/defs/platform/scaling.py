"""Demand-driven scaling proposals (dry run): BigQuery reservation slots and Dagster run
concurrency, with the decision and its expected cost in metadata.

Slot demand comes from ``INFORMATION_SCHEMA.JOBS_TIMELINE_BY_PROJECT`` in prod and
from a simulated profile locally, which the asset says (``demand_source``); with real
run history in the instance (>= MIN_RUNS runs) the run-queue proposal uses it. Applying
a proposal is a reviewed change (``bq update --reservation`` / dagster.yaml or Helm
values), never automatic: the asset prints the exact command.
"""

from datetime import UTC, datetime, timedelta

import dagster as dg
import pandas as pd

from ouchhungry_dp.lib.execution.partitions import TIMEZONE
from ouchhungry_dp.lib.resources.cost_monitoring import GcpCostSourceResource
from ouchhungry_dp.lib.warehouse.storage_kind import kind_for_env
from ouchhungry_dp.monitoring.scaling.concurrency import (
    recommend_run_concurrency,
    simulate_runs,
)
from ouchhungry_dp.monitoring.scaling.slots import SlotPricing, recommend_reservation

MIN_RUNS = 50
QUEUE_ALERT_DEPTH = 5  # queued runs that make the limit worth re-proposing
LOOKBACK = timedelta(days=28)


class ScalingConfig(dg.Config):
    weeks_of_history: int = 4
    reservation_name: str = "ouchhungry-prod"
    reservation_location: str = "southamerica-east1"
    slot_price_pay_as_you_go_usd: float = 0.06
    slot_price_committed_usd: float = 0.048
    target_p95_queue_wait_minutes: float = 10.0
    worker_cost_per_hour_usd: float = 0.05
    max_concurrent_runs_cap: int = 32


def _run_history(instance: dg.DagsterInstance) -> pd.DataFrame:
    since = (datetime.now(UTC) - LOOKBACK).timestamp()
    records = instance.get_run_records(
        filters=dg.RunsFilter(created_after=datetime.fromtimestamp(since, UTC)), limit=5000
    )
    rows = [
        {
            "queued_at": pd.Timestamp(r.create_timestamp),
            "duration_minutes": (r.end_time - r.start_time) / 60,
        }
        for r in records
        if r.start_time is not None and r.end_time is not None
    ]
    return pd.DataFrame(rows, columns=["queued_at", "duration_minutes"])


@dg.asset(
    group_name="platform",
    description="Dry-run scaling proposal: BigQuery reservation baseline / autoscale max slots "
    "from hourly slot demand, and Dagster max_concurrent_runs from replaying the run queue.",
    kinds={"python", kind_for_env()},
)
def platform_scaling_recommendation(
    context: dg.AssetExecutionContext, config: ScalingConfig,
    gcp_cost_source: GcpCostSourceResource,
) -> dg.Output[pd.DataFrame]:
    # The same source as the cost monitor: BigQuery's jobs timeline in prod, the
    # simulated profile locally (the environment is chosen once, in costs.py).
    usage, slot_source = gcp_cost_source.slot_usage(config.weeks_of_history, context.run_id)
    reservation = recommend_reservation(
        usage,
        SlotPricing(
            pay_as_you_go=config.slot_price_pay_as_you_go_usd,
            committed=config.slot_price_committed_usd,
        ),
    )
    runs = _run_history(context.instance)
    run_source = f"Dagster instance ({len(runs)} runs, last 28 days)"
    if len(runs) < MIN_RUNS:
        runs = simulate_runs(days=14)
        run_source = "simulated (fewer than 50 finished runs in this instance)"
    queue = recommend_run_concurrency(
        runs,
        target_p95_wait_minutes=config.target_p95_queue_wait_minutes,
        max_limit=config.max_concurrent_runs_cap,
        worker_cost_per_hour_usd=config.worker_cost_per_hour_usd,
    )
    bq_command = (
        f"bq update --reservation --location={config.reservation_location} "
        f"--slots={reservation.baseline_slots} "
        f"--autoscale_max_slots={reservation.autoscale_max_slots} {config.reservation_name}"
    )
    helm_values = (
        "dagsterDaemon.runCoordinator.config.queuedRunCoordinator.maxConcurrentRuns: "
        f"{queue.max_concurrent_runs}"
    )
    table = pd.DataFrame(
        [
            {
                "resource": "bigquery_reservation",
                "decision": f"baseline {reservation.baseline_slots} slots, autoscale up to "
                f"+{reservation.autoscale_max_slots}",
                "expected_monthly_cost_usd": reservation.expected_monthly_cost_usd,
                "alternative_monthly_cost_usd": reservation.all_autoscale_monthly_cost_usd,
                "demand_source": slot_source,
                "apply_with": bq_command,
            },
            {
                "resource": "dagster_run_queue",
                "decision": f"max_concurrent_runs {queue.max_concurrent_runs} "
                f"(p95 wait {queue.p95_wait_minutes} min, {queue.peak_nodes} worker nodes)",
                "expected_monthly_cost_usd": queue.expected_monthly_worker_cost_usd,
                "alternative_monthly_cost_usd": float("nan"),
                "demand_source": run_source,
                "apply_with": helm_values,
            },
        ]
    )
    for column in ("resource", "decision", "demand_source", "apply_with"):
        table[column] = table[column].astype("string[pyarrow]")
    context.log.info(f"dry run, nothing applied: {bq_command}; {helm_values}")
    return dg.Output(
        table,
        metadata={
            "dry_run": True,
            "reservation": dg.MetadataValue.json(reservation.as_dict()),
            "run_queue": dg.MetadataValue.json(queue.as_dict()),
            "expected_monthly_cost_usd": reservation.expected_monthly_cost_usd
            + queue.expected_monthly_worker_cost_usd,
            "monthly_saving_vs_all_autoscale_usd": reservation.monthly_saving_usd,
            "slot_demand_source": slot_source,
            "run_history_source": run_source,
            "apply_bigquery": dg.MetadataValue.text(bq_command),
            "apply_dagster": dg.MetadataValue.text(helm_values),
        },
    )


platform_scaling_job = dg.define_asset_job(
    "platform_scaling_job", selection=[platform_scaling_recommendation]
)
platform_scaling_weekly = dg.ScheduleDefinition(
    name="platform_scaling_weekly",
    job=platform_scaling_job,
    cron_schedule="0 5 * * 1",
    execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
)


@dg.sensor(
    name="platform_run_queue_sensor",
    job=platform_scaling_job,
    minimum_interval_seconds=300,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Re-proposes the run concurrency limit when the run queue backs up "
    "(more queued runs than QUEUE_ALERT_DEPTH), at most once per hour.",
)
def platform_run_queue_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    queued = context.instance.get_runs_count(
        filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.QUEUED])
    )
    if queued <= QUEUE_ALERT_DEPTH:
        return dg.SensorResult(skip_reason=f"{queued} queued runs: no pressure")
    hour = datetime.now(UTC).strftime("%Y-%m-%dT%H")
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=f"queue-pressure-{hour}", tags={"queued": str(queued)})]
    )


defs = dg.Definitions(
    assets=[platform_scaling_recommendation],
    jobs=[platform_scaling_job],
    schedules=[platform_scaling_weekly],
    sensors=[platform_run_queue_sensor],
)
