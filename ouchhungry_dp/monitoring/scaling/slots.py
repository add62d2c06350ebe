"""BigQuery reservation sizing from hourly slot utilisation (vectorised, no Dagster).

BigQuery editions bill baseline slots every hour and autoscaled slots only while
used, in steps of 50 slots. Given the slot demand of the last weeks by hour we pick
the baseline that minimises expected cost (baseline at the commitment price + the
hours above it at the pay-as-you-go price) and an autoscale ceiling that covers the
p99 peak, so only rare spikes queue (slower, never failed).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

SLOT_INCREMENT = 50
HOURS_PER_MONTH = 730.0

# Production: slot demand per hour from the jobs timeline. JOBS_TIMELINE has one row per
# job and second (period_slot_ms = slot-milliseconds that job used in that second), so the
# slots in use during a second are the sum over jobs; the hour's average is the hour's
# slot-ms over 3600 s and its peak the busiest second.
JOBS_TIMELINE_SQL = """
WITH per_second AS (
  SELECT period_start, SUM(period_slot_ms) / 1000 AS slots
  FROM {timeline}
  -- job_creation_time is the view's partitioning column: it bounds the bytes scanned.
  WHERE job_creation_time >= TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL {days} + 1 DAY)
    AND period_start >= TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL {days} DAY)
    AND (statement_type IS NULL OR statement_type != 'SCRIPT')
  GROUP BY period_start
)
SELECT TIMESTAMP_TRUNC(period_start, HOUR) AS hour,
       SUM(slots) / 3600 AS avg_slots,
       MAX(slots) AS peak_slots
FROM per_second
GROUP BY hour
ORDER BY hour
"""


def jobs_timeline_sql(project: str, region: str, weeks: int,
                      timeline: str | None = None) -> str:
    """The BigQuery query of hourly slot demand over the last ``weeks`` (SCRIPT parents
    left out: their children's seconds are already counted)."""
    if not 1 <= int(weeks) <= 26:  # INFORMATION_SCHEMA keeps 180 days
        raise ValueError(f"weeks={weeks}: JOBS_TIMELINE keeps 180 days, use 1-26 weeks")
    table = timeline or (f"`{project}`.`region-{region.lower()}`"
                         ".INFORMATION_SCHEMA.JOBS_TIMELINE_BY_PROJECT")
    return JOBS_TIMELINE_SQL.format(timeline=table, days=int(weeks) * 7)


@dataclass(frozen=True)
class SlotPricing:
    """USD per slot-hour. Defaults: Enterprise edition list prices (US); set your region's."""

    pay_as_you_go: float = 0.06
    committed: float = 0.048  # 1-year commitment, applies to baseline slots


@dataclass(frozen=True)
class ReservationProposal:
    baseline_slots: int
    autoscale_max_slots: int  # extra slots the autoscaler may add on top of the baseline
    expected_monthly_cost_usd: float
    all_autoscale_monthly_cost_usd: float  # baseline 0: the cost we compare against
    monthly_saving_usd: float
    p50_slots: float
    p95_slots: float
    p99_slots: float
    hours_observed: int
    hours_above_ceiling: int

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


def simulate_slot_usage(weeks: int = 4, seed: int = 7, end: str = "2026-11-23") -> pd.DataFrame:
    """Synthetic hourly slot demand: 06:00 pipeline burst, business-hours dashboards,
    quiet weekends and nights, noise and a few spikes (documented stand-in for
    JOBS_TIMELINE when no GCP account is reachable)."""
    rng = np.random.default_rng(seed)
    hours = pd.date_range(
        end=pd.Timestamp(end, tz="America/Sao_Paulo"), periods=weeks * 168, freq="h"
    )
    hour = hours.hour.to_numpy()
    weekday = hours.weekday.to_numpy() < 5
    base = 40 + 25 * weekday
    pipeline = np.where((hour >= 6) & (hour < 8), 260, 0)
    dashboards = np.where((hour >= 9) & (hour < 19), 120 * weekday + 20, 0)
    noise = rng.gamma(shape=2.0, scale=12.0, size=len(hours))
    spikes = np.where(rng.random(len(hours)) < 0.01, rng.uniform(300, 600, len(hours)), 0)
    avg = base + pipeline + dashboards + noise + spikes
    peak = avg * rng.uniform(1.2, 1.8, len(hours))
    return pd.DataFrame({"hour": hours, "avg_slots": avg.round(1), "peak_slots": peak.round(1)})


def _round_up(values: np.ndarray | float, step: int = SLOT_INCREMENT) -> np.ndarray:
    return np.ceil(np.asarray(values, dtype="float64") / step) * step


def recommend_reservation(
    usage: pd.DataFrame, pricing: SlotPricing | None = None, ceiling_quantile: float = 0.99
) -> ReservationProposal:
    """``usage``: one row per hour with ``avg_slots`` (and optionally ``peak_slots``)."""
    pricing = pricing or SlotPricing()
    demand = usage["avg_slots"].to_numpy(dtype="float64")
    if demand.size == 0:
        raise ValueError("no slot usage to size a reservation from")
    ceiling = float(_round_up(np.quantile(demand, ceiling_quantile)))
    candidates = np.arange(0, ceiling + SLOT_INCREMENT, SLOT_INCREMENT)
    # Hourly cost of every candidate baseline at once: (candidates x hours) matrix.
    served = np.minimum(demand[None, :], ceiling)
    above = _round_up(np.maximum(served - candidates[:, None], 0.0))
    cost = candidates * pricing.committed * demand.size + above.sum(axis=1) * pricing.pay_as_you_go
    best = int(np.argmin(cost))
    scale = HOURS_PER_MONTH / demand.size
    baseline = int(candidates[best])
    all_autoscale = float(cost[0] * scale)
    expected = float(cost[best] * scale)
    return ReservationProposal(
        baseline_slots=baseline,
        autoscale_max_slots=int(ceiling) - baseline,
        expected_monthly_cost_usd=round(expected, 2),
        all_autoscale_monthly_cost_usd=round(all_autoscale, 2),
        monthly_saving_usd=round(all_autoscale - expected, 2),
        p50_slots=round(float(np.quantile(demand, 0.5)), 1),
        p95_slots=round(float(np.quantile(demand, 0.95)), 1),
        p99_slots=round(float(np.quantile(demand, 0.99)), 1),
        hours_observed=int(demand.size),
        hours_above_ceiling=int((demand > ceiling).sum()),
    )


def hourly_profile(usage: pd.DataFrame) -> pd.DataFrame:
    """Mean and p95 slot demand per hour of day (for charts and the deck)."""
    hour = pd.to_datetime(usage["hour"]).dt.hour
    grouped = usage.groupby(hour)["avg_slots"]
    return pd.DataFrame({"mean_slots": grouped.mean(), "p95_slots": grouped.quantile(0.95)})
