"""Billing export: daily net cost, and the two daily alerts (anomaly and budget burn)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

import pandas as pd


def normalise_billing(raw: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``sql/billing.sql`` with typed columns and ``net_cost = cost + credits``.

    Credits are negative amounts in the export, so adding them gives what is owed.
    """
    out = raw.copy()
    out["usage_date"] = pd.to_datetime(out["usage_date"]).dt.tz_localize(None).dt.normalize()
    for col in ("cost", "credits", "usage_in_pricing_units"):
        out[col] = pd.to_numeric(out[col]).fillna(0.0).astype("float64")
    out["net_cost"] = out["cost"] + out["credits"]
    for col in ("service", "sku", "project_id", "cost_center", "currency", "pricing_unit"):
        out[col] = out[col].astype("string[pyarrow]")
    return out


def daily_net_totals(billing: pd.DataFrame) -> pd.Series:
    """Net cost per usage day (index: normalised Timestamp), days without rows are 0."""
    if billing.empty:
        return pd.Series(dtype="float64")
    totals = billing.groupby("usage_date")["net_cost"].sum().sort_index()
    full = pd.date_range(totals.index.min(), totals.index.max(), freq="D")
    return totals.reindex(full, fill_value=0.0)


@dataclass(frozen=True)
class AnomalyVerdict:
    day: str
    day_cost_usd: float
    baseline_mean_usd: float
    baseline_std_usd: float
    threshold_usd: float
    excess_usd: float
    sigma: float
    window_days: int
    passed: bool

    def as_metadata(self) -> dict[str, float | int | str | bool]:
        return asdict(self)


def cost_anomaly(
    totals: pd.Series, day: date, *, sigma: float, window_days: int, min_excess_usd: float
) -> AnomalyVerdict:
    """Is ``day``'s net cost above the trailing mean + ``sigma`` standard deviations?

    The baseline is the ``window_days`` days before ``day`` (the day itself excluded,
    so a spike does not raise its own bar). Excesses under ``min_excess_usd`` pass.
    """
    ts = pd.Timestamp(day)
    baseline = totals[(totals.index < ts) & (totals.index >= ts - pd.Timedelta(days=window_days))]
    day_cost = float(totals.get(ts, 0.0))
    mean = float(baseline.mean()) if len(baseline) else 0.0
    std = float(baseline.std(ddof=1)) if len(baseline) > 1 else 0.0
    threshold = mean + sigma * std
    excess = day_cost - threshold
    enough_history = len(baseline) >= 7
    passed = not (enough_history and excess > 0 and excess >= min_excess_usd)
    return AnomalyVerdict(
        day=ts.date().isoformat(), day_cost_usd=round(day_cost, 2),
        baseline_mean_usd=round(mean, 2), baseline_std_usd=round(std, 2),
        threshold_usd=round(threshold, 2), excess_usd=round(excess, 2), sigma=sigma,
        window_days=len(baseline), passed=passed,
    )


@dataclass(frozen=True)
class BudgetVerdict:
    day: str
    month_to_date_usd: float
    plan_to_date_usd: float
    monthly_budget_usd: float
    burn_rate: float
    projected_month_usd: float
    tolerance: float
    passed: bool

    def as_metadata(self) -> dict[str, float | str | bool]:
        return asdict(self)


def budget_burn(
    totals: pd.Series, day: date, *, monthly_budget_usd: float, tolerance: float
) -> BudgetVerdict:
    """Month-to-date spend against a linear plan of the monthly budget.

    burn_rate = MTD net cost / (budget x elapsed days / days in month); 1.0 is on plan.
    """
    ts = pd.Timestamp(day)
    month_start = ts.replace(day=1)
    mtd = float(totals[(totals.index >= month_start) & (totals.index <= ts)].sum())
    days_in_month = ts.days_in_month
    elapsed = ts.day
    plan = monthly_budget_usd * elapsed / days_in_month
    burn = mtd / plan if plan > 0 else 0.0
    return BudgetVerdict(
        day=ts.date().isoformat(), month_to_date_usd=round(mtd, 2),
        plan_to_date_usd=round(plan, 2), monthly_budget_usd=monthly_budget_usd,
        burn_rate=round(burn, 4), projected_month_usd=round(mtd / elapsed * days_in_month, 2),
        tolerance=tolerance, passed=burn <= 1 + tolerance,
    )
