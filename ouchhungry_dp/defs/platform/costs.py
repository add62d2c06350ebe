"""Platform cost & consumption monitoring assets (group ``platform``, daily partitions).

Export: ``defs``. Resource keys: ``gcp_cost_source``, ``cost_monitoring`` (both chosen per
environment in ``lib/resources/by_environment.py``); tables go
through the shared ``io_manager``. Each table carries a DATE-like ``partition_expr``
column stored as datetime64 (never text) so the IO managers filter partitions right.
The anomaly and budget checks fail with severity ERROR: the alerting sensors e-mail
the data team for every failed check.
"""


from datetime import date, timedelta

import dagster as dg
import pandas as pd

from ouchhungry_dp.errors import ConfigurationError
from ouchhungry_dp.lib.event_log.run_metrics import run_metrics_for_window
from ouchhungry_dp.lib.execution.partitions import daily_partitions
from ouchhungry_dp.lib.resources.cost_monitoring import (
    CostMonitoringResource,
    GcpCostSourceResource,
)
from ouchhungry_dp.lib.resources.outbound_store import OutboundFileStore
from ouchhungry_dp.lib.warehouse.storage_kind import kind_for_env
from ouchhungry_dp.monitoring.costs import pipeline
from ouchhungry_dp.monitoring.costs.billing import budget_burn, cost_anomaly
from ouchhungry_dp.monitoring.costs.kpis import compute_kpis
from ouchhungry_dp.monitoring.costs.query_jobs import attribution_shares
from ouchhungry_dp.monitoring.costs.recommendations import build_recommendations

GROUP = "platform"
CHECK_ANOMALY = "daily_cost_anomaly"
CHECK_BUDGET = "budget_burn_rate"
CHECK_ATTRIBUTION = "attribution_shares_sum_to_one"


def _day(context: dg.AssetExecutionContext) -> date:
    if not context.has_partition_key:
        # A run launched without a partition (e.g. `dagster job execute` with no tag)
        # would otherwise die deep inside Dagster with no hint of what to do.
        raise ConfigurationError(
            f"{context.asset_key.to_user_string()} is partitioned by day and the run has "
            "no partition",
            hint='Launch platform_cost_monitoring for a day: pick it in the UI, or add '
                 '--tags \'{"dagster/partition": "YYYY-MM-DD"}\' to `dagster job execute`.',
        )
    return date.fromisoformat(context.partition_key)


def _meta(expr: str) -> dict[str, str]:
    return {"partition_expr": expr}


def _table_md(frame: pd.DataFrame, n: int = 10) -> dg.MetadataValue:
    # Plain text in a code block: to_markdown() would need the optional tabulate package.
    text = frame.head(n).to_string(index=False) if len(frame) else "(none)"
    return dg.MetadataValue.md(f"```\n{text}\n```")


@dg.asset(group_name=GROUP, partitions_def=daily_partitions, metadata=_meta("metric_date"),
          kinds={"dagster", kind_for_env()})
def dagster_run_metrics(context: dg.AssetExecutionContext) -> pd.DataFrame:
    """Runs, failures, success rate, duration p50/p95, step compute, retries, rows,
    freshness lag and MTTR per job and asset, read from this Dagster instance."""
    start, end = pipeline.day_bounds(_day(context))
    metrics = run_metrics_for_window(context.instance, start, end)
    context.add_output_metadata({"dagster/row_count": len(metrics)})
    return metrics


@dg.asset(
    group_name=GROUP, partitions_def=daily_partitions, metadata=_meta("usage_date"),
    kinds={kind_for_env()},
    check_specs=[dg.AssetCheckSpec(CHECK_ATTRIBUTION, asset="bigquery_job_costs")],
)
def bigquery_job_costs(
    context: dg.AssetExecutionContext,
    gcp_cost_source: GcpCostSourceResource,
    cost_monitoring: CostMonitoringResource,
):
    """Every query job of the day priced on-demand and under editions, attributed to an
    asset/partition, a Metabase card/user, a service account, or 'unattributed'."""
    config = cost_monitoring.config()
    with gcp_cost_source.source(context.run_id, context.partition_key) as source:
        jobs = pipeline.job_costs(source, config, _day(context))
    shares = attribution_shares(jobs)
    unattributed = shares.loc[shares["attribution_type"] == "unattributed", "share"]
    coverage = 1.0 - float(unattributed.iloc[0])
    yield dg.Output(jobs, metadata={
        "dagster/row_count": len(jobs),
        "estimated_cost_usd": float(jobs["estimated_cost_usd"].sum()),
        "allocation_coverage": coverage,
        "attribution_shares": _table_md(shares),
    })
    total = float(shares["share"].sum())
    yield dg.AssetCheckResult(
        check_name=CHECK_ATTRIBUTION,
        passed=jobs.empty or abs(total - 1.0) < 1e-9,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"share_total": total, "jobs": len(jobs)},
    )


@dg.asset(group_name=GROUP, partitions_def=daily_partitions, metadata=_meta("snapshot_date"),
          kinds={kind_for_env()})
def bigquery_storage_costs(
    context: dg.AssetExecutionContext,
    gcp_cost_source: GcpCostSourceResource,
    cost_monitoring: CostMonitoringResource,
) -> pd.DataFrame:
    """TABLE_STORAGE per table (active/long-term, logical/physical, time travel), priced,
    with the days since it was last read. TABLE_STORAGE is current state: a backfilled
    partition holds the snapshot of the day it ran."""
    config = cost_monitoring.config()
    with gcp_cost_source.source(context.run_id, context.partition_key) as source:
        tables = pipeline.table_storage(source, config, _day(context))
    tables.insert(0, "snapshot_date", pd.Timestamp(_day(context)))
    context.add_output_metadata({
        "dagster/row_count": len(tables),
        "monthly_cost_usd": float(tables["monthly_cost_usd"].sum()),
        "cold_tables": int(tables["is_cold"].sum()),
    })
    return tables


@dg.asset(group_name=GROUP, partitions_def=daily_partitions, metadata=_meta("snapshot_date"),
          kinds={kind_for_env(), "gcs"})
def gcs_storage(
    context: dg.AssetExecutionContext,
    gcp_cost_source: GcpCostSourceResource,
    cost_monitoring: CostMonitoringResource,
) -> pd.DataFrame:
    """Bytes and objects per bucket and storage class, and those untouched for 90 days."""
    config = cost_monitoring.config()
    with gcp_cost_source.source(context.run_id, context.partition_key) as source:
        buckets = pipeline.gcs_storage(source, config, _day(context))
    buckets.insert(0, "snapshot_date", pd.Timestamp(_day(context)))
    context.add_output_metadata({
        "dagster/row_count": len(buckets),
        "monthly_cost_usd": float(buckets["monthly_cost_usd"].sum()),
    })
    return buckets


@dg.asset(
    group_name=GROUP, partitions_def=daily_partitions, metadata=_meta("usage_date"),
    kinds={kind_for_env()},
    check_specs=[
        dg.AssetCheckSpec(CHECK_ANOMALY, asset="cloud_billing_daily",
                          description="Daily net cost above the trailing mean + k sigma"),
        dg.AssetCheckSpec(CHECK_BUDGET, asset="cloud_billing_daily",
                          description="Month-to-date spend above the linear budget plan"),
    ],
)
def cloud_billing_daily(
    context: dg.AssetExecutionContext,
    gcp_cost_source: GcpCostSourceResource,
    cost_monitoring: CostMonitoringResource,
):
    """The billing export of the day: cost, credits and net per service, SKU, project, label."""
    day = _day(context)
    config = cost_monitoring.config()
    s = config.settings
    with gcp_cost_source.source(context.run_id, context.partition_key) as source:
        rows = pipeline.billing(source, day)
        history = pipeline.billing_history(source, day, max(s.anomaly_window_days + 1, day.day))
    yield dg.Output(rows, metadata={
        "dagster/row_count": len(rows), "net_cost_usd": float(rows["net_cost"].sum()),
    })
    anomaly = cost_anomaly(history, day, sigma=s.anomaly_sigma, window_days=s.anomaly_window_days,
                           min_excess_usd=s.anomaly_min_excess_usd)
    yield dg.AssetCheckResult(
        check_name=CHECK_ANOMALY, passed=anomaly.passed, severity=dg.AssetCheckSeverity.ERROR,
        description=(
            f"Net cost of {anomaly.day} was {anomaly.day_cost_usd:.2f} USD, "
            f"{anomaly.excess_usd:.2f} USD above the threshold {anomaly.threshold_usd:.2f} "
            f"(mean {anomaly.baseline_mean_usd:.2f} + {anomaly.sigma} sigma)"
        ),
        metadata={**anomaly.as_metadata(),
                  "hint": "open bigquery_job_costs of the day and the cost report: the top "
                          "consumers and the full-scan jobs show where the money went"},
    )
    burn = budget_burn(history, day, monthly_budget_usd=s.monthly_budget_usd,
                       tolerance=s.budget_burn_tolerance)
    yield dg.AssetCheckResult(
        check_name=CHECK_BUDGET, passed=burn.passed, severity=dg.AssetCheckSeverity.ERROR,
        description=(
            f"Month-to-date {burn.month_to_date_usd:.2f} USD vs plan {burn.plan_to_date_usd:.2f} "
            f"(burn rate {burn.burn_rate:.2f}); projected month {burn.projected_month_usd:.2f}"
        ),
        metadata={**burn.as_metadata(),
                  "hint": "apply the top cost_recommendations or raise the budget in settings"},
    )


@dg.asset(group_name=GROUP, partitions_def=daily_partitions, metadata=_meta("kpi_date"),
          kinds={kind_for_env(), "pandas"})
def platform_cost_kpis(
    context: dg.AssetExecutionContext,
    gcp_cost_source: GcpCostSourceResource,
    cost_monitoring: CostMonitoringResource,
    bigquery_job_costs: pd.DataFrame,
    bigquery_storage_costs: pd.DataFrame,
    gcs_storage: pd.DataFrame,
    cloud_billing_daily: pd.DataFrame,
) -> pd.DataFrame:
    """KPIs of the day in long format (kpi, dimension, value, numerator, denominator)."""
    day = _day(context)
    config = cost_monitoring.config()
    with gcp_cost_source.source(context.run_id, context.partition_key) as source:
        history = pipeline.billing_history(source, day, day.day)
    full_scan = pipeline.full_scans(bigquery_job_costs, bigquery_storage_costs, config)
    kpis = compute_kpis(day, bigquery_job_costs, full_scan, bigquery_storage_costs, gcs_storage,
                        cloud_billing_daily, history, config)
    headline = kpis[kpis["dimension"] == "all"][["kpi", "value", "unit"]]
    context.add_output_metadata({"dagster/row_count": len(kpis), "kpis": _table_md(headline, 20)})
    return kpis


@dg.asset(group_name=GROUP, partitions_def=daily_partitions,
          metadata=_meta("recommendation_date"), kinds={kind_for_env(), "pandas"})
def cost_recommendations(
    context: dg.AssetExecutionContext,
    gcp_cost_source: GcpCostSourceResource,
    cost_monitoring: CostMonitoringResource,
    bigquery_storage_costs: pd.DataFrame,
    gcs_storage: pd.DataFrame,
) -> pd.DataFrame:
    """Savings recommendations over the trailing window, each with evidence and saving."""
    day = _day(context)
    config = cost_monitoring.config()
    window = config.settings.history_days
    with gcp_cost_source.source(context.run_id, context.partition_key) as source:
        jobs = pipeline.job_costs(source, config, day - timedelta(days=window - 1), window)
    full_scan = pipeline.full_scans(jobs, bigquery_storage_costs, config)
    recs = build_recommendations(day, jobs, full_scan, bigquery_storage_costs, gcs_storage,
                                 config, window)
    context.add_output_metadata({
        "dagster/row_count": len(recs),
        "monthly_saving_usd": float(recs["monthly_saving_usd"].sum()),
        "recommendations": _table_md(recs[["kind", "target", "monthly_saving_usd"]]),
    })
    return recs


def report_object(day: date) -> str:
    """Where the day's report lives in the outbound store."""
    return f"platform/cost_reports/platform_cost_report_{day.isoformat()}.html"


@dg.asset(group_name=GROUP, partitions_def=daily_partitions, kinds={"html"})
def platform_cost_report(
    context: dg.AssetExecutionContext,
    gcp_cost_source: GcpCostSourceResource,
    cost_monitoring: CostMonitoringResource,
    outbound_files: OutboundFileStore,
    cost_recommendations: pd.DataFrame,
    platform_cost_kpis: pd.DataFrame,
) -> dg.MaterializeResult:
    """HTML cost & health report (trend per service, top consumers, KPIs vs last month)."""
    day = _day(context)
    config = cost_monitoring.config()
    window = config.settings.history_days
    # Enough history to compare this month with the same days of the last one.
    first = min(day - timedelta(days=window - 1), (day.replace(day=1) - timedelta(days=1))
                .replace(day=1))
    days = (day - first).days + 1
    with gcp_cost_source.source(context.run_id, context.partition_key) as source:
        billing = pipeline.billing(source, first, days)
        jobs = pipeline.job_costs(source, config, first, days)
    # Imported here: the report draws with matplotlib (~0.7 s to import), which no other
    # step of the code location needs.
    from ouchhungry_dp.monitoring.costs.report import render_report

    html = render_report(day, billing, jobs, cost_recommendations, window)
    # Through the outbound store (a folder locally, GCS in prod): a run pod's disk is
    # gone with the pod.
    location = outbound_files.put(report_object(day), html.encode("utf-8"))
    headline = platform_cost_kpis[platform_cost_kpis["dimension"] == "all"]
    return dg.MaterializeResult(metadata={
        "report_location": dg.MetadataValue.path(location),
        "kpis": _table_md(headline[["kpi", "value", "unit"]], 20),
        "report_bytes": len(html),
    })


cost_assets = [
    dagster_run_metrics, bigquery_job_costs, bigquery_storage_costs, gcs_storage,
    cloud_billing_daily, platform_cost_kpis, cost_recommendations, platform_cost_report,
]

platform_cost_job = dg.define_asset_job(
    "platform_cost_monitoring", selection=dg.AssetSelection.assets(*cost_assets),
    partitions_def=daily_partitions,
    description="Costs and consumption of the day: BigQuery jobs and storage, GCS, billing, "
    "KPIs, savings and the HTML report.",
    # One process: the eight steps are small queries (in prod BigQuery does the work), so a
    # process per step would mostly pay start-up, and locally they would contend for the
    # one-writer DuckDB warehouse file.
    executor_def=dg.in_process_executor,
)
platform_cost_schedule = dg.build_schedule_from_partitioned_job(
    platform_cost_job, hour_of_day=7, minute_of_hour=0,
    default_status=dg.DefaultScheduleStatus.RUNNING,
)

defs = dg.Definitions(
    assets=cost_assets,
    jobs=[platform_cost_job],
    schedules=[platform_cost_schedule],
)
