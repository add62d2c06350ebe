"""Dagster run concurrency limit from queue depth (no Dagster import).

Replays the observed run arrivals and durations through a queue with ``k`` run
slots for each candidate ``k`` and keeps the smallest limit whose p95 queue wait
meets the target. Runs are few (hundreds a day), so a heap-based replay is cheap;
this is not a hot data path.
"""

from __future__ import annotations

import heapq
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class ConcurrencyProposal:
    max_concurrent_runs: int
    p95_wait_minutes: float
    observed_p95_queue_depth: float
    runs_observed: int
    run_hours_per_month: float
    expected_monthly_worker_cost_usd: float
    peak_nodes: int

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


def simulate_runs(days: int = 14, seed: int = 11, end: str = "2026-11-23") -> pd.DataFrame:
    """Synthetic run history: the 06:00 burst of daily partitions plus hourly monitoring."""
    rng = np.random.default_rng(seed)
    end_ts = pd.Timestamp(end, tz="America/Sao_Paulo")
    days_index = pd.date_range(end=end_ts, periods=days, freq="D")
    burst = np.repeat(days_index + pd.Timedelta(hours=6), 12)
    burst = burst + pd.to_timedelta(rng.uniform(0, 20, burst.size), unit="m")
    hourly = pd.date_range(end=end_ts, periods=days * 24, freq="h") + pd.Timedelta(minutes=15)
    queued = pd.DatetimeIndex(np.concatenate([burst.to_numpy(), hourly.to_numpy()]))
    durations = np.concatenate([rng.gamma(4.0, 4.0, burst.size), rng.gamma(2.0, 1.0, hourly.size)])
    return pd.DataFrame(
        {
            "queued_at": queued.tz_localize("UTC") if queued.tz is None else queued,
            "duration_minutes": durations.round(2),
        }
    ).sort_values("queued_at", ignore_index=True)


def replay_queue(arrivals_min: np.ndarray, durations_min: np.ndarray, limit: int) -> np.ndarray:
    """Wait (minutes) of each run with ``limit`` run slots, first come first served."""
    slots = [0.0] * limit  # time each slot frees up
    heapq.heapify(slots)
    waits = np.empty(arrivals_min.size)
    for i, (arrival, duration) in enumerate(zip(arrivals_min, durations_min, strict=True)):
        free_at = heapq.heappop(slots)
        start = max(arrival, free_at)
        waits[i] = start - arrival
        heapq.heappush(slots, start + duration)
    return waits


def queue_depth_p95(arrivals_min: np.ndarray, starts_min: np.ndarray) -> float:
    """p95 over arrivals of how many runs were queued at that moment (vectorised)."""
    queued_before = np.arange(arrivals_min.size) + 1
    started_before = np.searchsorted(np.sort(starts_min), arrivals_min, side="right")
    return float(np.quantile(np.maximum(queued_before - started_before, 0), 0.95))


def recommend_run_concurrency(
    runs: pd.DataFrame,
    *,
    target_p95_wait_minutes: float = 10.0,
    min_limit: int = 1,
    max_limit: int = 32,
    worker_cost_per_hour_usd: float = 0.05,
    runs_per_node: int = 4,
) -> ConcurrencyProposal:
    """``runs``: ``queued_at`` (timestamps) and ``duration_minutes``."""
    if runs.empty:
        raise ValueError("no runs to size the run queue from")
    ordered = runs.sort_values("queued_at")
    t0 = ordered["queued_at"].iloc[0]
    arrivals = ((ordered["queued_at"] - t0).dt.total_seconds() / 60).to_numpy()
    durations = ordered["duration_minutes"].to_numpy(dtype="float64")
    chosen, waits = max_limit, replay_queue(arrivals, durations, max_limit)
    for limit in range(min_limit, max_limit + 1):
        waits = replay_queue(arrivals, durations, limit)
        if np.quantile(waits, 0.95) <= target_p95_wait_minutes:
            chosen = limit
            break
    span_days = max((ordered["queued_at"].iloc[-1] - t0).total_seconds() / 86400, 1.0)
    run_hours_month = durations.sum() / 60 / span_days * 30.4
    return ConcurrencyProposal(
        max_concurrent_runs=chosen,
        p95_wait_minutes=round(float(np.quantile(waits, 0.95)), 2),
        observed_p95_queue_depth=queue_depth_p95(arrivals, arrivals + waits),
        runs_observed=len(ordered),
        run_hours_per_month=round(float(run_hours_month), 1),
        expected_monthly_worker_cost_usd=round(
            float(run_hours_month * worker_cost_per_hour_usd), 2
        ),
        peak_nodes=int(np.ceil(chosen / runs_per_node)),
    )
