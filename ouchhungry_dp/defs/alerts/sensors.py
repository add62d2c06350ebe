"""Alert sensors. Each reads Dagster's event log after a cursor kept in the sensor's own
state, so a restart neither misses nor repeats an event; the deterministic Message-ID
and the client's sent-log stop the one window left (e-mail sent, tick not committed).

Why not ``@run_failure_sensor``: it calls the function once per run, so it cannot group
30 runs of a backfill failing the same way into one e-mail. Here a tick sees a batch of
RUN_FAILURE records (all jobs, every code location of the instance), holds a running
backfill's failures until it ends (or ``backfill_settle_seconds`` pass) and sends one
e-mail per incident.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from datetime import UTC, date, datetime
from typing import Any

import dagster as dg
from dagster._core.execution.backfill import BulkActionStatus
from dagster._core.storage.tags import WILL_RETRY_TAG

from ouchhungry_dp.alerts.alert_settings import AlertSettings
from ouchhungry_dp.alerts.check_incidents import CheckFailure, group_error_checks, warn_digest_alert
from ouchhungry_dp.alerts.model import Alert
from ouchhungry_dp.alerts.notifier import AlertNotifier
from ouchhungry_dp.alerts.run_incidents import ErrorFacts, RunFailure, group_run_failures
from ouchhungry_dp.alerts.sla import due_partitions, sla_alert
from ouchhungry_dp.errors import ConfigurationError
from ouchhungry_dp.lib.event_log.alert_facts import check_failure_of, run_failure_of
from ouchhungry_dp.lib.execution.partitions import PARTITIONS_START
from ouchhungry_dp.lib.resources.email import AlertSettingsResource, EmailResource
from ouchhungry_dp.partners.contract import load_contracts

RUN_FAILURE_SENSOR = "data_team_run_failure_alerts"
CHECK_SENSOR = "data_team_asset_check_alerts"
SLA_SENSOR = "data_team_sla_alerts"
HEALTH_SENSOR = "data_team_alerting_health"
SENSOR_INTERVALS = {RUN_FAILURE_SENSOR: 30, CHECK_SENSOR: 60, SLA_SENSOR: 300, HEALTH_SENSOR: 300}
BATCH = 200
MAX_HELD = 500


def make_notifier(email: EmailResource, settings: AlertSettings, log: Any) -> AlertNotifier:
    """An SMTP misconfiguration must not lose alerts: they go to the outbox instead."""
    try:
        client = email.client()
    except ConfigurationError as exc:
        log.error(f"SMTP not usable, alerts will wait in the outbox: {exc}")
        client = None
    sender = email.email_from if "@" in email.email_from else "ouchhungry-dp@localhost"
    return AlertNotifier(client, settings, sender)


def _load(cursor: str | None) -> dict[str, Any]:
    return json.loads(cursor) if cursor else {}


def _report(context: dg.SensorEvaluationContext, notifier: AlertNotifier, alerts: list[Alert]):
    report = notifier.deliver_all(alerts)
    for key, outcome in report.outcomes:
        context.log.info(f"alert {key}: {outcome}")
    return report.summary()


# -- run failures ------------------------------------------------------------------------------
def _failure_to_json(f: RunFailure) -> dict[str, Any]:
    return asdict(f)


def _failure_from_json(data: dict[str, Any]) -> RunFailure:
    return RunFailure(**{**data, "error": ErrorFacts(**data["error"])})


def _backfill_running(instance: dg.DagsterInstance, backfill_id: str) -> bool:
    backfill = instance.get_backfill(backfill_id)
    return backfill is not None and backfill.status in (
        BulkActionStatus.REQUESTED,
        BulkActionStatus.CANCELING,
        BulkActionStatus.FAILING,
    )


def evaluate_run_failures(
    context: dg.SensorEvaluationContext, email: EmailResource, settings: AlertSettings
) -> str:
    instance = context.instance
    state = _load(context.cursor)
    now = time.time()
    after = state.get("after")
    records_filter = dg.RunStatusChangeRecordsFilter(
        dg.DagsterEventType.RUN_FAILURE,
        after_storage_id=after,
        after_timestamp=None if after is not None else now - settings.initial_lookback_seconds,
    )
    result = instance.fetch_run_status_changes(records_filter, limit=BATCH, ascending=True)
    held = [_failure_from_json(d) for d in state.get("held", [])]
    for record in result.records:
        after = record.storage_id
        run_id = record.event_log_entry.run_id
        run = instance.get_run_by_id(run_id)
        if run is None or run.tags.get(WILL_RETRY_TAG) == "true":
            continue  # the retry will alert if it fails too
        failure = run_failure_of(instance, run_id, record.timestamp, settings)
        if failure is not None:
            held.append(failure)
    ready, keep = [], []
    first_seen: dict[str, float] = {}
    for f in held:
        first_seen.setdefault(f.incident_key, f.timestamp)
    for f in held:
        waiting = (
            f.backfill_id is not None
            and _backfill_running(instance, f.backfill_id)
            and now - first_seen[f.incident_key] < settings.backfill_settle_seconds
        )
        (keep if waiting else ready).append(f)
    notifier = make_notifier(email, settings, context.log)
    alerts = group_run_failures(ready, backfill_url=settings.backfill_url)
    summary = _report(context, notifier, alerts)
    context.update_cursor(
        json.dumps({"after": after, "held": [_failure_to_json(f) for f in keep[-MAX_HELD:]]})
    )
    return f"{len(result.records)} run failure event(s); {len(keep)} held; {summary}"


@dg.sensor(
    name=RUN_FAILURE_SENSOR,
    minimum_interval_seconds=SENSOR_INTERVALS[RUN_FAILURE_SENSOR],
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="E-mails the data team when any run fails (grouped per incident).",
)
def data_team_run_failure_alerts(
    context: dg.SensorEvaluationContext,
    alert_email: EmailResource,
    alert_settings: AlertSettingsResource,
) -> dg.SkipReason:
    return dg.SkipReason(evaluate_run_failures(context, alert_email, alert_settings.settings()))


# -- asset checks ------------------------------------------------------------------------------
# Check evaluations are read per finished run: run-end events are mirrored in the index
# shard with global ids on every storage, whereas ASSET_CHECK_EVALUATION events on the
# default run-sharded SQLite storage cannot be paged by a global cursor (and the check
# executions table numbers rows when they are planned, not evaluated). Cost: an ERROR
# check is e-mailed when its run ends, not mid-run.
RUN_END_EVENTS = {
    "success": dg.DagsterEventType.RUN_SUCCESS,
    "failure": dg.DagsterEventType.RUN_FAILURE,
    "canceled": dg.DagsterEventType.RUN_CANCELED,
}


def _finished_runs(
    instance: dg.DagsterInstance, state: dict[str, Any], now: float, lookback: float
) -> tuple[list[str], dict[str, int | None], int]:
    run_ids: list[str] = []
    cursors: dict[str, int | None] = {}
    events = 0
    for name, event_type in RUN_END_EVENTS.items():
        after = state.get(name)
        result = instance.fetch_run_status_changes(
            dg.RunStatusChangeRecordsFilter(
                event_type,
                after_storage_id=after,
                after_timestamp=None if after is not None else now - lookback,
            ),
            limit=BATCH,
            ascending=True,
        )
        for record in result.records:
            after = record.storage_id
            events += 1
            if record.event_log_entry.run_id not in run_ids:
                run_ids.append(record.event_log_entry.run_id)
        cursors[name] = after
    return run_ids, cursors, events


def evaluate_check_failures(
    context: dg.SensorEvaluationContext, email: EmailResource, settings: AlertSettings
) -> str:
    instance = context.instance
    state = _load(context.cursor)
    now = time.time()
    run_ids, cursors, _ = _finished_runs(instance, state, now, settings.initial_lookback_seconds)
    errors: list[CheckFailure] = []
    warns = [CheckFailure.from_json(d) for d in state.get("warn", [])]
    warn_since = state.get("warn_since")
    evaluations = 0
    for run_id in run_ids:
        run = instance.get_run_by_id(run_id)
        tags = dict(run.tags) if run else {}
        records = instance.get_records_for_run(
            run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION, limit=5000
        ).records
        evaluations += len(records)
        for record in records:
            failure = check_failure_of(record, tags, settings)
            if failure is None:
                continue
            if failure.severity == "WARN":
                warns.append(failure)
                warn_since = warn_since or now
            else:
                errors.append(failure)
    alerts = group_error_checks(errors)
    if warns and now - (warn_since or now) >= settings.warn_digest_interval_seconds:
        alerts.append(warn_digest_alert(warns))
        warns, warn_since = [], None
    summary = _report(context, make_notifier(email, settings, context.log), alerts)
    new_state = {**cursors, "warn": [w.to_json() for w in warns[-MAX_HELD:]]}
    context.update_cursor(json.dumps({**new_state, "warn_since": warn_since}))
    return (
        f"{len(run_ids)} finished run(s), {evaluations} check evaluation(s); "
        f"{len(warns)} warning(s) for the digest; {summary}"
    )


@dg.sensor(
    name=CHECK_SENSOR,
    minimum_interval_seconds=SENSOR_INTERVALS[CHECK_SENSOR],
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="E-mails failed asset checks: ERROR at once, WARN in a periodic digest.",
)
def data_team_asset_check_alerts(
    context: dg.SensorEvaluationContext,
    alert_email: EmailResource,
    alert_settings: AlertSettingsResource,
) -> dg.SkipReason:
    return dg.SkipReason(evaluate_check_failures(context, alert_email, alert_settings.settings()))


# -- SLA ---------------------------------------------------------------------------------------
def evaluate_sla(
    context: dg.SensorEvaluationContext,
    email: EmailResource,
    settings: AlertSettings,
    now: datetime | None = None,
) -> str:
    instance = context.instance
    state = _load(context.cursor)
    now = now or datetime.now(UTC)
    alerted: dict[str, list[str]] = state.get("alerted", {})
    alerts = []
    new_alerted: dict[str, list[str]] = {}
    for contract in load_contracts():
        sla = contract.sla
        due = due_partitions(
            now,
            sla.daily_available_by,
            sla.timezone,
            settings.sla_lookback_days,
            date.fromisoformat(PARTITIONS_START),
        )
        assets = {
            "SFTP delivery": dg.AssetKey(contract.delivery_asset("daily", "sftp")),
            "API delivery": dg.AssetKey(contract.delivery_asset("daily", "api")),
        }
        done = {label: instance.get_materialized_partitions(key) for label, key in assets.items()}
        missing = {
            p: " and ".join(label for label, parts in done.items() if p not in parts) for p in due
        }
        already = set(alerted.get(contract.id, []))
        late = [p for p in due if missing[p] and p not in already]
        if late:
            alerts.append(
                sla_alert(contract.id, late, sla.daily_available_by, sla.timezone, missing)
            )
        new_alerted[contract.id] = sorted((already | set(late)) & set(due))
    summary = _report(context, make_notifier(email, settings, context.log), alerts)
    context.update_cursor(json.dumps({"alerted": new_alerted}))
    return f"SLA: {sum(len(a.partitions) for a in alerts)} late partition(s); {summary}"


@dg.sensor(
    name=SLA_SENSOR,
    minimum_interval_seconds=SENSOR_INTERVALS[SLA_SENSOR],
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="E-mails when a daily partition is not delivered by the contract's deadline.",
)
def data_team_sla_alerts(
    context: dg.SensorEvaluationContext,
    alert_email: EmailResource,
    alert_settings: AlertSettingsResource,
) -> dg.SkipReason:
    return dg.SkipReason(evaluate_sla(context, alert_email, alert_settings.settings()))
