"""Reads the Dagster instance into the frames ``compute_run_metrics`` works on."""

from __future__ import annotations

from datetime import datetime, timedelta

import dagster as dg
import pandas as pd

from ouchhungry_dp.monitoring.costs.run_metrics import compute_run_metrics

LOOKBACK = timedelta(days=7)  # freshness and MTTR look this far back
_ROW_KEYS = ("dagster/row_count", "row_count", "rows")


def _rows(metadata: dict) -> float:
    for key in _ROW_KEYS:
        if key in metadata:
            value = getattr(metadata[key], "value", metadata[key])
            if isinstance(value, int | float):
                return float(value)
    return float("nan")


def instance_frames(
    instance: dg.DagsterInstance, start: datetime, end: datetime
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    records = instance.get_run_records(
        filters=dg.RunsFilter(created_after=start - LOOKBACK, created_before=end)
    )
    finished = [r for r in records if r.dagster_run.is_finished]
    runs = pd.DataFrame(
        [
            {
                "run_id": r.dagster_run.run_id,
                "job_name": r.dagster_run.job_name,
                "status": r.dagster_run.status.value,
                "start_time": r.start_time,
                "end_time": r.end_time,
            }
            for r in finished
        ],
        columns=["run_id", "job_name", "status", "start_time", "end_time"],
    ).astype({"start_time": "float64", "end_time": "float64"})
    in_day = runs[runs["end_time"].between(start.timestamp(), end.timestamp())]
    steps = pd.DataFrame(
        [
            {
                "run_id": run_id, "job_name": job, "step_key": s.step_key,
                "start_time": s.start_time, "end_time": s.end_time, "attempts": s.attempts or 1,
            }
            for run_id, job in zip(in_day["run_id"], in_day["job_name"], strict=True)
            for s in instance.get_run_step_stats(run_id)
        ],
        columns=["run_id", "job_name", "step_key", "start_time", "end_time", "attempts"],
    ).astype({"start_time": "float64", "end_time": "float64", "attempts": "int64"})
    mats = pd.DataFrame(
        [
            {
                "run_id": run_id,
                "asset_key": e.asset_materialization.asset_key.to_user_string(),
                "timestamp": e.timestamp,
                "rows": _rows(dict(e.asset_materialization.metadata)),
            }
            for run_id in runs["run_id"]
            for e in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION)
            if e.asset_materialization is not None
        ],
        columns=["run_id", "asset_key", "timestamp", "rows"],
    ).astype({"timestamp": "float64", "rows": "float64"})
    return runs, steps, mats


def run_metrics_for_window(
    instance: dg.DagsterInstance, start: datetime, end: datetime
) -> pd.DataFrame:
    return compute_run_metrics(*instance_frames(instance, start, end), start, end)
