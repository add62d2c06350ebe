"""Read Dagster's event log and runs into the alerting domain's plain records."""

from __future__ import annotations

from dataclasses import replace

import dagster as dg
from dagster._core.errors import DagsterExecutionStepExecutionError
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
    BACKFILL_ID_TAG,
    PARTITION_NAME_TAG,
    ROOT_RUN_ID_TAG,
)
from dagster._utils.error import SerializableErrorInfo

from ouchhungry_dp.alerts.alert_settings import AlertSettings
from ouchhungry_dp.alerts.check_incidents import CheckFailure
from ouchhungry_dp.alerts.run_incidents import BLOCKING_CHECK_ERROR, RunFailure, parse_error
from ouchhungry_dp.errors import ConfigurationError
from ouchhungry_dp.partners.contract import load_contracts

_WRAPPER = DagsterExecutionStepExecutionError.__name__


def partition_of(run: dg.DagsterRun) -> str | None:
    tags = run.tags
    if tags.get(PARTITION_NAME_TAG):
        return tags[PARTITION_NAME_TAG]
    start, end = tags.get(ASSET_PARTITION_RANGE_START_TAG), tags.get(ASSET_PARTITION_RANGE_END_TAG)
    if start and end:
        return start if start == end else f"{start}..{end}"
    return None


# After a step's RetryPolicy is exhausted the failure is "Exceeded max_retries";
# what the on-call person needs is the error of the last attempt, its cause.
_RETRY_WRAPPER = "RetryRequestedFromPolicy"
# A step that raised ``RetryRequested`` itself (the month decision waiting for the
# previous month) and ran out of retries: the alert names the error it chained.
_RETRY_REQUESTED = "RetryRequested"


# lib/execution/step_retries.py re-raises permanent platform errors as Failure(allow_retries=False)
# chained to the original: the original carries the class, partition and hint.
_FAIL_FAST = "Failure"


def user_error(error: SerializableErrorInfo) -> SerializableErrorInfo:
    """The exception user code raised, not Dagster's wrappers around it."""
    while (error.cls_name in (_WRAPPER, _RETRY_WRAPPER, _RETRY_REQUESTED, _FAIL_FAST)
           and error.cause is not None):
        error = error.cause
    return error


def partner_of(asset_name: str) -> str | None:
    try:
        ids = [c.id for c in load_contracts()]
    except ConfigurationError:
        return None
    return next((pid for pid in ids if asset_name.startswith(f"{pid}_")), None)


def run_failure_of(
    instance: dg.DagsterInstance, run_id: str, timestamp: float, settings: AlertSettings
) -> RunFailure | None:
    """The run's first failing step (blocking-check failures excluded: the check sensor
    reports those with their own detail). None when there is nothing else to report."""
    run = instance.get_run_by_id(run_id)
    if run is None:
        return None
    step_failures = instance.get_records_for_run(
        run_id, of_type=dg.DagsterEventType.STEP_FAILURE, limit=50
    ).records
    steps: list[tuple[str | None, SerializableErrorInfo]] = []
    for record in step_failures:
        event = record.event_log_entry.dagster_event
        data = event.event_specific_data if event else None
        error = getattr(data, "error", None)
        if event is None or error is None or error.cls_name == BLOCKING_CHECK_ERROR:
            continue
        steps.append((event.step_key, user_error(error)))
    if step_failures and not steps:
        return None
    if steps:
        step, error = steps[0]
        others = [s for s, _ in steps[1:] if s]
    else:
        step, error, others = None, _run_level_error(instance, run_id), []
    facts = parse_error(error.cls_name or "Error", error.message)
    if others:
        facts = replace(facts, detail=f"{facts.detail} (also failed: {', '.join(others)})")
    return RunFailure(
        run_id=run_id,
        job_name=run.job_name,
        timestamp=timestamp,
        error=facts,
        step=step,
        partition=partition_of(run),
        backfill_id=run.tags.get(BACKFILL_ID_TAG),
        root_run_id=run.tags.get(ROOT_RUN_ID_TAG),
        run_url=settings.run_url(run_id),
    )


def _run_level_error(instance: dg.DagsterInstance, run_id: str) -> SerializableErrorInfo:
    records = instance.get_records_for_run(
        run_id, of_type=dg.DagsterEventType.RUN_FAILURE, limit=1
    ).records
    event = records[0].event_log_entry.dagster_event if records else None
    error = getattr(event.event_specific_data, "error", None) if event else None
    if error is not None:
        return user_error(error)
    message = event.message if event and event.message else "run failed without an error record"
    return SerializableErrorInfo(message=message, stack=[], cls_name="RunFailure")


def check_failure_of(
    record: dg.EventLogRecord, run_tags: dict[str, str], settings: AlertSettings
) -> CheckFailure | None:
    evaluation = record.event_log_entry.asset_check_evaluation
    if evaluation is None or evaluation.passed:
        return None
    asset_name = evaluation.asset_key.path[-1]
    run_id = record.event_log_entry.run_id or None
    return CheckFailure(
        storage_id=record.storage_id,
        timestamp=record.timestamp,
        asset_key=evaluation.asset_key.to_user_string(),
        check_name=evaluation.check_name,
        severity=evaluation.severity.value,
        blocking=bool(evaluation.blocking),
        description=evaluation.description or "",
        partition=evaluation.partition or run_tags.get(PARTITION_NAME_TAG),
        partner=partner_of(asset_name),
        run_id=run_id,
        run_url=settings.run_url(run_id) if run_id else None,
        backfill_id=run_tags.get(BACKFILL_ID_TAG),
    )
