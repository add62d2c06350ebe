"""Daily platform KPIs in long format (one row per KPI and dimension).

Long format lets Power BI / Metabase chart any KPI with one visual filtered on
``kpi``; ``numerator`` and ``denominator`` are kept so a month's value is
SUM(numerator) / SUM(denominator), never an average of daily ratios.
Formulas: docs/cost-monitoring.md.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from .billing import budget_burn
from .cost_settings import CostConfig

KPI_COLUMNS = ("kpi_date", "kpi", "dimension", "value", "unit", "numerator", "denominator")
MS_PER_DAY = 86_400_000


def _ratio(num: pd.Series | float, den: pd.Series | float) -> pd.Series | float:
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.divide(num, den)
    return out


def _rows(kpi: str, unit: str, num: pd.Series, den: pd.Series) -> pd.DataFrame:
    num = num.astype("float64")
    den = den.reindex(num.index).astype("float64")
    value = pd.Series(_ratio(num.to_numpy(), den.to_numpy()), index=num.index)
    return pd.DataFrame(
        {
            "kpi": kpi,
            "dimension": num.index.astype(str),
            "value": value.replace([np.inf, -np.inf], np.nan).to_numpy(),
            "unit": unit,
            "numerator": num.to_numpy(),
            "denominator": den.to_numpy(),
        }
    )


def _one(kpi: str, unit: str, num: float, den: float) -> pd.DataFrame:
    return _rows(kpi, unit, pd.Series({"all": num}), pd.Series({"all": den}))


def compute_kpis(
    day: date,
    jobs: pd.DataFrame,
    full_scan: pd.Series,
    tables: pd.DataFrame,
    gcs: pd.DataFrame,
    billing_day: pd.DataFrame,
    daily_totals: pd.Series,
    config: CostConfig,
) -> pd.DataFrame:
    s = config.settings
    cost = jobs["estimated_cost_usd"]
    total_cost = float(cost.sum())
    platform = jobs[jobs["attribution_type"] == "platform_asset"]
    bi = jobs[jobs["attribution_type"].isin(["metabase", "powerbi"])]
    partner_jobs = platform[platform["label_partner"].notna()]
    bigquery_billed = billing_day.loc[
        (billing_day["service"] == "BigQuery") & (billing_day["sku"] == "Analysis"), "net_cost"
    ].sum()
    table_bytes = float(tables["total_logical_bytes"].sum())
    gcs_bytes = float(gcs["bytes"].sum())
    burn = budget_burn(
        daily_totals, day,
        monthly_budget_usd=s.monthly_budget_usd, tolerance=s.budget_burn_tolerance,
    )
    frames = [
        _one("cost_per_tib_scanned", "usd_per_tib", total_cost, float(jobs["tib_billed"].sum())),
        _rows(
            "cost_per_asset_run", "usd_per_run",
            platform.groupby("label_asset")["estimated_cost_usd"].sum(),
            platform.groupby("label_asset")["label_run_id"].nunique(),
        ),
        _rows(
            "cost_per_data_product_delivery", "usd_per_delivery",
            partner_jobs.groupby("label_partner")["estimated_cost_usd"].sum(),
            partner_jobs.groupby("label_partner")["label_partition"].nunique(),
        ),
        _rows(
            "cost_per_dashboard", "usd_per_day",
            bi.groupby("consumer")["estimated_cost_usd"].sum(),
            bi.groupby("consumer")["estimated_cost_usd"].size() * 0 + 1,
        ),
        _rows(
            "cost_per_bi_user", "usd_per_day",
            bi.groupby("consumer_user")["estimated_cost_usd"].sum(),
            bi.groupby("consumer_user")["estimated_cost_usd"].size() * 0 + 1,
        ),
        _one("cache_hit_rate", "ratio", float(jobs["cache_hit"].sum()), float(len(jobs))),
        _one(
            "unfiltered_scan_share", "ratio",
            float(jobs.loc[full_scan, "total_bytes_billed"].sum()),
            float(jobs["total_bytes_billed"].sum()),
        ),
        _one(
            "cold_storage_share", "ratio",
            float(tables.loc[tables["is_cold"], "total_logical_bytes"].sum()), table_bytes,
        ),
        _one(
            "long_term_storage_share", "ratio",
            float(tables["long_term_logical_bytes"].sum()), table_bytes,
        ),
        _one("gcs_cold_share", "ratio", float(gcs["cold_bytes"].sum()), gcs_bytes),
        _one(
            "slot_utilisation", "ratio", float(jobs["total_slot_ms"].sum()),
            float(MS_PER_DAY * s.reservation_baseline_slots),
        ),
        _one("avg_slots_used", "slots", float(jobs["total_slot_ms"].sum()), float(MS_PER_DAY)),
        _one("budget_burn_rate", "ratio", burn.month_to_date_usd, burn.plan_to_date_usd),
        _one(
            "allocation_coverage", "ratio",
            float(cost[jobs["attribution_type"] != "unattributed"].sum()), total_cost,
        ),
        _one("estimate_vs_invoice", "ratio", total_cost, float(bigquery_billed)),
        _one("net_cost", "usd", float(billing_day["net_cost"].sum()), 1.0),
    ]
    out = pd.concat(frames, ignore_index=True)
    out.insert(0, "kpi_date", pd.Timestamp(day))
    for col in ("kpi", "dimension", "unit"):
        out[col] = out[col].astype("string[pyarrow]")
    return out.loc[:, list(KPI_COLUMNS)]
