"""Reliability and compute metrics of the platform's own Dagster runs (no Dagster import).

The Dagster wiring turns the instance's run records, step stats and materialization
events into the three frames below; this module does the arithmetic.
runs:   run_id, job_name, status ("SUCCESS"/"FAILURE"/...), start_time, end_time (epoch s)
steps:  run_id, job_name, step_key, start_time, end_time, attempts
mats:   run_id, asset_key, timestamp (epoch s), rows (float, NaN when not reported)
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd

RUN_METRIC_COLUMNS = (
    "metric_date", "entity_type", "entity_name", "runs", "failures", "success_rate",
    "duration_p50_s", "duration_p95_s", "step_compute_s", "retries", "rows_processed",
    "freshness_lag_s", "mttr_s",
)


def _mttr(runs: pd.DataFrame, day_start: float, day_end: float) -> pd.Series:
    """Mean seconds from a failed run's end to the end of the job's next successful run."""
    done = runs.dropna(subset=["end_time"]).sort_values("end_time")
    failures = done[(done["status"] == "FAILURE") & done["end_time"].between(day_start, day_end)]
    successes = done[done["status"] == "SUCCESS"][["job_name", "end_time"]]
    if failures.empty or successes.empty:
        return pd.Series(dtype="float64")
    paired = pd.merge_asof(
        failures[["job_name", "end_time"]].sort_values("end_time"),
        successes.rename(columns={"end_time": "recovered_at"}).sort_values("recovered_at"),
        left_on="end_time", right_on="recovered_at", by="job_name", direction="forward",
    )
    paired["ttr"] = paired["recovered_at"] - paired["end_time"]
    return paired.groupby("job_name")["ttr"].mean()


def compute_run_metrics(
    runs: pd.DataFrame,
    steps: pd.DataFrame,
    mats: pd.DataFrame,
    day_start: datetime,
    day_end: datetime,
) -> pd.DataFrame:
    """One row per job and per asset for the day [day_start, day_end).

    ``runs`` may reach back before the day (MTTR and freshness look back); counts
    use only runs that ended inside the day.
    """
    start, end = day_start.timestamp(), day_end.timestamp()
    in_day = runs[runs["end_time"].between(start, end, inclusive="left")].copy()
    in_day["duration"] = in_day["end_time"] - in_day["start_time"]
    in_day["failed"] = (in_day["status"] == "FAILURE").astype("int64")
    step_day = steps[steps["run_id"].isin(in_day["run_id"])].copy()
    step_day["compute"] = (step_day["end_time"] - step_day["start_time"]).clip(lower=0)
    step_day["retries"] = (step_day["attempts"] - 1).clip(lower=0)

    by_job = in_day.groupby("job_name")
    jobs = pd.DataFrame(
        {
            "runs": by_job.size(),
            "failures": by_job["failed"].sum(),
            "duration_p50_s": by_job["duration"].quantile(0.5),
            "duration_p95_s": by_job["duration"].quantile(0.95),
        }
    )
    jobs["success_rate"] = (jobs["runs"] - jobs["failures"]) / jobs["runs"]
    step_job = step_day.groupby("job_name")
    jobs["step_compute_s"] = step_job["compute"].sum()
    jobs["retries"] = step_job["retries"].sum()
    jobs["mttr_s"] = _mttr(runs, start, end)
    jobs["entity_type"] = "job"

    mats_day = mats[mats["timestamp"].between(start, end, inclusive="left")]
    by_asset = mats_day.groupby("asset_key")
    assets = pd.DataFrame(
        {"runs": by_asset["run_id"].nunique(), "rows_processed": by_asset["rows"].sum(min_count=1)}
    )
    last = mats[mats["timestamp"] < end].groupby("asset_key")["timestamp"].max()
    assets = assets.reindex(assets.index.union(last.index))
    assets["freshness_lag_s"] = end - last
    assets["runs"] = assets["runs"].fillna(0)
    assets["entity_type"] = "asset"

    out = pd.concat([jobs, assets]).rename_axis("entity_name").reset_index()
    out.insert(0, "metric_date", pd.Timestamp(day_start.date()))
    out = out.reindex(columns=list(RUN_METRIC_COLUMNS))
    for col in ("runs", "failures", "retries"):
        out[col] = out[col].fillna(0).astype("int64")
    floats = [c for c in RUN_METRIC_COLUMNS[5:] if c != "retries"]
    out[floats] = out[floats].astype("float64").replace([np.inf, -np.inf], np.nan)
    out["entity_type"] = out["entity_type"].astype("string[pyarrow]")
    out["entity_name"] = out["entity_name"].astype("string[pyarrow]")
    return out
