"""Refresh health of monitored Power BI datasets (vectorised pandas, no Dagster).

Per dataset: last status, duration and its trend, failures split transient /
permanent by error code, success rate, MTTR (failure incident -> next success) and
staleness against the data the dataset shows (the newest upstream materialization
the last successful refresh has not picked up yet).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import pandas as pd

from ouchhungry_dp.monitoring.powerbi.classification import classify_codes, parse_error_code
from ouchhungry_dp.monitoring.powerbi.models import RefreshEntry
from ouchhungry_dp.monitoring.powerbi.powerbi_settings import MonitoredDataset

HEALTH_COLUMNS = [
    "dataset",
    "workspace_id",
    "dataset_id",
    "capacity",
    "refreshes",
    "last_status",
    "last_refresh_type",
    "last_start",
    "last_duration_s",
    "median_duration_s",
    "duration_trend_pct",
    "failures",
    "transient_failures",
    "permanent_failures",
    "last_error_code",
    "last_error_cause",
    "success_rate",
    "mttr_minutes",
    "last_success_end",
    "upstream_latest_at",
    "hours_since_success",
    "staleness_hours",
    "stale",
]
BEHIND_TOLERANCE_HOURS = 2.0  # newer upstream data may wait this long for its refresh
TREND_WINDOW = 5  # refreshes compared: last 5 against the 5 before


def entries_frame(history: Mapping[str, list[RefreshEntry]]) -> pd.DataFrame:
    """All refresh entries of all datasets as one frame, oldest first per dataset."""
    rows = [
        {
            "dataset": name,
            "request_id": e.request_id,
            "refresh_type": e.refresh_type,
            "status": e.status,
            "start": e.start_time,
            "end": e.end_time,
            "error_code": parse_error_code(e.service_exception_json),
        }
        for name, entries in history.items()
        for e in entries
    ]
    frame = pd.DataFrame(
        rows,
        columns=["dataset", "request_id", "refresh_type", "status", "start", "end", "error_code"],
    )
    frame["start"] = pd.to_datetime(frame["start"], utc=True)
    frame["end"] = pd.to_datetime(frame["end"], utc=True)
    for column in ("dataset", "request_id", "refresh_type", "status", "error_code"):
        frame[column] = frame[column].astype("string[pyarrow]")
    return frame.sort_values(["dataset", "start"], kind="stable").reset_index(drop=True)


def refresh_health(
    datasets: list[MonitoredDataset],
    history: Mapping[str, list[RefreshEntry]],
    upstream_latest: Mapping[str, datetime | None],
    now: datetime,
) -> pd.DataFrame:
    frame = entries_frame(history)
    failed = frame["status"].isin(["Failed", "Disabled"]).fillna(False)
    completed = frame["status"].eq("Completed").fillna(False)
    classes = classify_codes(frame["error_code"].where(failed, ""))
    frame["transient"] = classes["transient"] & failed
    frame["permanent"] = failed & ~classes["transient"]
    frame["cause"] = classes["cause"].where(failed, "")
    frame.loc[frame["status"].eq("Disabled").fillna(False), "cause"] = "disabled"
    frame["duration_s"] = (frame["end"] - frame["start"]).dt.total_seconds()
    by = frame.groupby("dataset", sort=False)

    # MTTR: each failure incident (a failure not preceded by a failure) until the next success.
    success_end = frame["end"].where(completed)
    frame["next_success_end"] = success_end.groupby(frame["dataset"]).bfill()
    previous_failed = failed.groupby(frame["dataset"]).shift(1, fill_value=False).astype(bool)
    incident = failed & ~previous_failed
    frame["repair_minutes"] = (
        (frame["next_success_end"] - frame["end"]).dt.total_seconds() / 60
    ).where(incident)

    finished = frame[frame["status"].ne("Unknown").fillna(False)]
    durations = frame[completed]
    last = by.tail(1).set_index("dataset")
    last_failure = frame[failed].groupby("dataset").tail(1).set_index("dataset")
    stats = pd.DataFrame(
        {
            "refreshes": by.size(),
            "failures": failed.groupby(frame["dataset"]).sum(),
            "transient_failures": frame["transient"].groupby(frame["dataset"]).sum(),
            "permanent_failures": frame["permanent"].groupby(frame["dataset"]).sum(),
            "success_rate": completed[finished.index].groupby(finished["dataset"]).mean(),
            "mttr_minutes": frame.groupby("dataset")["repair_minutes"].mean(),
            "median_duration_s": durations.groupby("dataset")["duration_s"].median(),
            "recent_median_s": durations.groupby("dataset")["duration_s"].agg(
                lambda s: s.tail(TREND_WINDOW).median()
            ),
            "prior_median_s": durations.groupby("dataset")["duration_s"].agg(
                lambda s: s.iloc[-2 * TREND_WINDOW : -TREND_WINDOW].median()
            ),
            "last_success_end": durations.groupby("dataset")["end"].max(),
        }
    )
    out = pd.DataFrame(
        {
            "dataset": [d.name for d in datasets],
            "workspace_id": [d.workspace_id for d in datasets],
            "dataset_id": [d.dataset_id for d in datasets],
            "capacity": [d.capacity for d in datasets],
            "max_staleness_hours": [d.max_staleness_hours for d in datasets],
        }
    ).set_index("dataset", drop=False)
    out = out.join(stats)
    out["last_status"] = last["status"].reindex(out.index)
    out["last_refresh_type"] = last["refresh_type"].reindex(out.index)
    out["last_start"] = last["start"].reindex(out.index)
    out["last_duration_s"] = last["duration_s"].reindex(out.index)
    out["last_error_code"] = last_failure["error_code"].reindex(out.index)
    out["last_error_cause"] = last_failure["cause"].reindex(out.index)
    out["duration_trend_pct"] = (out["recent_median_s"] / out["prior_median_s"] - 1) * 100
    out["upstream_latest_at"] = pd.to_datetime(
        pd.Series({d.name: upstream_latest.get(d.name) for d in datasets}, dtype="object"),
        utc=True,
    ).reindex(out.index)
    now_ts = pd.Timestamp(now).tz_convert("UTC")
    out["hours_since_success"] = (now_ts - out["last_success_end"]).dt.total_seconds() / 3600
    behind = out["upstream_latest_at"] > out["last_success_end"].fillna(pd.Timestamp(0, tz="UTC"))
    waiting = (now_ts - out["upstream_latest_at"]).dt.total_seconds() / 3600
    out["staleness_hours"] = waiting.where(behind, 0.0).fillna(0.0)
    never = out["last_success_end"].isna()
    out["stale"] = (
        never
        | (out["hours_since_success"] > out["max_staleness_hours"])
        | (out["staleness_hours"] > BEHIND_TOLERANCE_HOURS)
    )
    for column in ("success_rate", "mttr_minutes", "median_duration_s", "duration_trend_pct"):
        out[column] = out[column].astype("float64")
    for column in ("refreshes", "failures", "transient_failures", "permanent_failures"):
        out[column] = out[column].fillna(0).astype("int64")
    for column in (
        "dataset",
        "workspace_id",
        "dataset_id",
        "capacity",
        "last_status",
        "last_refresh_type",
        "last_error_code",
        "last_error_cause",
    ):
        out[column] = out[column].astype("string[pyarrow]")
    return out[HEALTH_COLUMNS].reset_index(drop=True)
