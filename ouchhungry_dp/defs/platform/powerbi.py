"""Power BI monitoring wiring: refresh health asset + check, auto-refresh sensor, alert job.

Alerting route: a permanent refresh failure, retries exhausted or an exhausted
refresh budget launches one run of ``powerbi_refresh_alert`` whose op raises the
classified platform error (what, dataset, error code, hint). The data team's
run-failure sensor e-mails it. The sensor's cursor remembers what it reported and
the run key is the alert's key, so one problem alerts once.
"""

from datetime import UTC, datetime

import dagster as dg
import pandas as pd

from ouchhungry_dp.errors import OuchHungryError
from ouchhungry_dp.lib.execution.partitions import TIMEZONE
from ouchhungry_dp.lib.resources.powerbi import (
    PowerBIResource,
)
from ouchhungry_dp.monitoring.powerbi.auto_refresh import (
    AutoRefresher,
    RefreshAlert,
    dump_states,
    load_states,
)
from ouchhungry_dp.monitoring.powerbi.powerbi_settings import (
    MonitoredDatasets,
    load_monitored_datasets,
)
from ouchhungry_dp.monitoring.powerbi.refresh_health import refresh_health

ALERT_JOB_NAME = "powerbi_refresh_alert"
HISTORY_TOP = 60  # Power BI keeps 20-60 entries per dataset (about 3 days)


def _latest_materializations(
    instance: dg.DagsterInstance, keys: list[str]
) -> tuple[dict[str, int], dict[str, float]]:
    """Storage id (monotonic, for change detection) and timestamp of each key's last event."""
    records = instance.get_asset_records([dg.AssetKey(key) for key in keys])
    marks: dict[str, int] = {}
    times: dict[str, float] = {}
    for record in records:
        last = record.asset_entry.last_materialization_record
        if last is not None:
            name = record.asset_entry.asset_key.to_user_string()
            marks[name] = last.storage_id
            times[name] = last.timestamp
    return marks, times


@dg.asset(
    group_name="platform",
    description="Refresh health of the monitored Power BI datasets: last status, duration "
    "trend, transient/permanent failures, success rate, MTTR and staleness against the "
    "warehouse data they show.",
    kinds={"python", "powerbi"},
)
def powerbi_refresh_health(
    context: dg.AssetExecutionContext, powerbi: PowerBIResource
) -> dg.Output[pd.DataFrame]:
    monitored = load_monitored_datasets()
    now = datetime.now(UTC)
    history = {}
    upstream_latest: dict[str, datetime | None] = {}
    with powerbi.client() as client:
        for ds in monitored.datasets:
            history[ds.name] = client.refresh_history(ds.workspace_id, ds.dataset_id, HISTORY_TOP)
            _marks, times = _latest_materializations(context.instance, list(ds.reads))
            upstream_latest[ds.name] = (
                datetime.fromtimestamp(max(times.values()), tz=UTC) if times else None
            )
    health = refresh_health(list(monitored.datasets), history, upstream_latest, now)
    preview = health[
        ["dataset", "last_status", "success_rate", "mttr_minutes", "staleness_hours", "stale"]
    ]
    return dg.Output(
        health,
        metadata={
            "datasets": len(health),
            "stale_datasets": int(health["stale"].sum()),
            "failures_last_days": int(health["failures"].sum()),
            "permanent_failures_last_days": int(health["permanent_failures"].sum()),
            "worst_success_rate": dg.MetadataValue.float(
                float(health["success_rate"].min()) if health["success_rate"].notna().any() else 0.0
            ),
            "health": dg.MetadataValue.md(preview.to_markdown(index=False)),
        },
    )


@dg.asset_check(
    asset=powerbi_refresh_health,
    description="Every monitored dataset refreshed recently, shows the newest warehouse data "
    "and its last refresh did not fail. WARN: the auto-refresh sensor alerts each failure "
    "once; this check keeps the ongoing state visible.",
)
def powerbi_datasets_healthy(
    powerbi_refresh_health: pd.DataFrame,
) -> dg.AssetCheckResult:
    stale = powerbi_refresh_health["stale"].fillna(True).astype(bool)
    failing = powerbi_refresh_health["last_status"].isin(["Failed", "Disabled"]).fillna(False)
    bad = powerbi_refresh_health[stale | failing]
    return dg.AssetCheckResult(
        passed=bad.empty,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "unhealthy": dg.MetadataValue.json(bad["dataset"].astype(str).tolist()),
            "hint": "See powerbi_refresh_health: last_error_cause says credentials, gateway, "
            "schema (fix by hand) or throttling/timeout/capacity (auto-retried).",
        },
    )


class PowerBIAlertConfig(dg.Config):
    dataset: str
    kind: str
    cause: str
    error_code: str = ""
    hint: str = ""
    request_id: str = ""
    detail: str = ""
    key: str


@dg.op(description="Fails with the classified Power BI error so the data team is e-mailed.")
def powerbi_refresh_alert_op(config: PowerBIAlertConfig) -> None:
    alert = RefreshAlert(
        key=config.key,
        dataset=config.dataset,
        kind=config.kind,
        cause=config.cause,
        error_code=config.error_code,
        hint=config.hint,
        request_id=config.request_id,
        detail=config.detail,
    )
    raise alert.to_error()


@dg.job(
    name=ALERT_JOB_NAME,
    description="One run per Power BI refresh problem; its failure is the alert.",
    tags={"ouchhungry/alert_source": "powerbi"},
)
def powerbi_refresh_alert() -> None:
    powerbi_refresh_alert_op()


def alert_run_request(alert: RefreshAlert) -> dg.RunRequest:
    fields = {
        "dataset": alert.dataset,
        "kind": alert.kind,
        "cause": alert.cause,
        "error_code": alert.error_code,
        "hint": alert.hint,
        "request_id": alert.request_id,
        "detail": alert.detail,
        "key": alert.key,
    }
    return dg.RunRequest(
        run_key=alert.key,
        job_name=ALERT_JOB_NAME,
        run_config={"ops": {"powerbi_refresh_alert_op": {"config": fields}}},
        tags={"powerbi/dataset": alert.dataset, "powerbi/alert_kind": alert.kind},
    )


def api_error_alert(dataset: str, exc: OuchHungryError, now: datetime) -> RefreshAlert:
    return RefreshAlert(
        key=f"{dataset}:api_error:{now.date().isoformat()}",
        dataset=dataset,
        kind="api_error",
        cause=exc.category,
        error_code="",
        hint=exc.hint or "",
        detail=exc.detail or exc.what,
    )


def build_auto_refresh_sensor(
    monitored: MonitoredDatasets | None = None, minimum_interval_seconds: int = 120
) -> dg.SensorDefinition:
    datasets = monitored or load_monitored_datasets()

    @dg.sensor(
        name="powerbi_auto_refresh_sensor",
        jobs=[powerbi_refresh_alert],
        minimum_interval_seconds=minimum_interval_seconds,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Refreshes a Power BI dataset when the warehouse assets it reads get new "
        "materializations; follows its own refresh by request id, retries transient failures "
        "with backoff within the daily budget, and alerts permanent failures once.",
    )
    def powerbi_auto_refresh_sensor(
        context: dg.SensorEvaluationContext, powerbi: PowerBIResource
    ) -> dg.SensorResult:
        states = load_states(context.cursor)
        run_requests: list[dg.RunRequest] = []
        now = datetime.now(UTC)
        with powerbi.client() as client:
            refresher = AutoRefresher(client, powerbi.retry_policy(), datasets.timezone)
            for ds in datasets.datasets:
                marks, _times = _latest_materializations(context.instance, list(ds.reads))
                try:
                    state, report = refresher.tick(ds, states.get(ds.name), marks, now)
                except OuchHungryError as exc:
                    if exc.transient:  # Power BI unreachable or throttling: next tick retries
                        context.log.warning(f"{ds.name}: {exc}")
                        continue
                    # Wrong ids, revoked access...: one alert per dataset and day (run key).
                    run_requests.append(alert_run_request(api_error_alert(ds.name, exc, now)))
                    continue
                except Exception as exc:  # keep the other datasets' state
                    # An unexpected error must not lose the cursor of refreshes this tick
                    # already started (they would be started again next tick): alert, go on.
                    unexpected = OuchHungryError(
                        f"Power BI auto-refresh of {ds.name}", detail=type(exc).__name__,
                        hint="Read the sensor's logs in the Dagster UI (Automation > sensor).")
                    context.log.exception(f"{ds.name}: unexpected error")
                    run_requests.append(
                        alert_run_request(api_error_alert(ds.name, unexpected, now)))
                    continue
                states[ds.name] = state
                for note in report.notes:
                    context.log.info(f"{ds.name}: {note}")
                for request_id in report.triggered:
                    context.log.info(
                        f"{ds.name}: refresh {request_id} started "
                        f"(budget {report.budget_used}/{ds.daily_refresh_budget} in 24 h)"
                    )
                run_requests += [alert_run_request(alert) for alert in report.alerts]
        return dg.SensorResult(run_requests=run_requests, cursor=dump_states(states))

    return powerbi_auto_refresh_sensor


powerbi_refresh_health_job = dg.define_asset_job(
    "powerbi_refresh_health_job", selection=[powerbi_refresh_health]
)
powerbi_refresh_health_schedule = dg.ScheduleDefinition(
    name="powerbi_refresh_health_hourly",
    job=powerbi_refresh_health_job,
    cron_schedule="15 * * * *",
    execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
)

defs = dg.Definitions(
    assets=[powerbi_refresh_health],
    asset_checks=[powerbi_datasets_healthy],
    jobs=[powerbi_refresh_alert, powerbi_refresh_health_job],
    schedules=[powerbi_refresh_health_schedule],
    sensors=[build_auto_refresh_sensor()],
)
