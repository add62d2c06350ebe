"""Savings recommendations, each with its evidence and an estimated monthly saving.

Inputs cover a trailing window (``history_days``); savings are scaled to a month
(30.44 days). The estimates rest on assumptions named in settings.yaml
(``assumed_*``) and are written into each recommendation's evidence.
Per-recommendation code runs on tens of grouped rows, never on the job rows.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

import pandas as pd

from .cost_settings import CostConfig

GIB = 2**30
DAYS_PER_MONTH = 30.4375
RECOMMENDATION_COLUMNS = (
    "recommendation_date", "kind", "target", "action", "evidence", "monthly_saving_usd",
)


def _rec(kind: str, target: str, action: str, saving: float, **evidence: object) -> dict:
    return {
        "kind": kind,
        "target": target,
        "action": action,
        "evidence": json.dumps(evidence, default=str, sort_keys=True),
        "monthly_saving_usd": round(float(saving), 2),
    }


def _table_key(tables: pd.DataFrame) -> pd.Series:
    return tables["project_id"] + "." + tables["table_schema"] + "." + tables["table_name"]


def unfiltered_scans(jobs: pd.DataFrame, tables: pd.DataFrame, cfg: CostConfig, k: float) -> list:
    s = cfg.settings
    t = tables.assign(table_id=_table_key(tables)).set_index("table_id")
    large = t[t["total_logical_bytes"] >= s.large_table_gib * GIB]
    scans = jobs[jobs["full_scan"] & jobs["referenced_tables"].isin(large.index)]
    out = []
    for table_id, g in scans.groupby("referenced_tables"):
        info = large.loc[table_id]
        saving = g["estimated_cost_usd"].sum() * k * (1 - s.assumed_filtered_scan_fraction)
        if info["is_partitioned"]:
            action = (
                f"Set require_partition_filter = TRUE on {table_id} and add a partition "
                "filter to the queries of the consumers listed"
            )
        else:
            action = (
                f"Partition {table_id} by its date column (and cluster by the filtered "
                "keys), then set require_partition_filter = TRUE"
            )
        out.append(_rec(
            "unfiltered_scan", str(table_id), action, saving,
            full_scan_jobs=len(g), tib_billed=round(g["tib_billed"].sum(), 2),
            cost_in_window_usd=round(g["estimated_cost_usd"].sum(), 2),
            table_gib=round(info["total_logical_bytes"] / GIB, 1),
            partitioned=bool(info["is_partitioned"]),
            top_consumers=g.groupby("consumer_user")["estimated_cost_usd"].sum().nlargest(3)
            .round(2).to_dict(),
            assumed_filtered_scan_fraction=s.assumed_filtered_scan_fraction,
        ))
    return out


def select_star(jobs: pd.DataFrame, tables: pd.DataFrame, cfg: CostConfig, k: float) -> list:
    s = cfg.settings
    t = tables.assign(table_id=_table_key(tables)).set_index("table_id")
    wide = t[t["column_count"] >= s.wide_table_columns]
    star = jobs[jobs["selects_star"] & jobs["referenced_tables"].isin(wide.index)]
    out = []
    for table_id, g in star.groupby("referenced_tables"):
        saving = g["estimated_cost_usd"].sum() * k * (1 - s.assumed_selected_columns_fraction)
        out.append(_rec(
            "select_star_wide_table", str(table_id),
            f"Replace SELECT * on {table_id} by the columns the consumers use "
            "(a view with those columns for BI tools)", saving,
            jobs=len(g), columns=int(wide.loc[table_id, "column_count"]),
            cost_in_window_usd=round(g["estimated_cost_usd"].sum(), 2),
            consumers=sorted(g["consumer"].dropna().unique().tolist())[:5],
            assumed_selected_columns_fraction=s.assumed_selected_columns_fraction,
        ))
    return out


def low_cache_dashboards(jobs: pd.DataFrame, cfg: CostConfig, k: float) -> list:
    bi = jobs[jobs["attribution_type"].isin(["metabase", "powerbi"])].copy()
    if bi.empty:
        return []
    bi["query_key"] = bi["metabase_query_hash"].fillna(bi["query_fingerprint"])
    bi = bi.sort_values("creation_time")
    # Repeats of the same query on the same day could have been served from cache.
    bi["repeat"] = bi.groupby(["query_key", "usage_date"]).cumcount() > 0
    waste = bi["repeat"] & ~bi["cache_hit"]
    per = bi.assign(waste_cost=bi["estimated_cost_usd"].where(waste, 0.0)).groupby("consumer")
    stats = per.agg(
        jobs=("job_id", "size"), cache_hit_rate=("cache_hit", "mean"),
        cost=("estimated_cost_usd", "sum"), waste_cost=("waste_cost", "sum"),
    )
    low = stats[stats["cache_hit_rate"] < cfg.settings.low_cache_hit_rate]
    return [
        _rec(
            "dashboard_low_cache_hit", str(consumer),
            "Make the query deterministic (no CURRENT_TIMESTAMP()/NOW()), enable Metabase "
            "result caching or a Power BI import/aggregation, or read a materialised table",
            row["waste_cost"] * k,
            jobs=int(row["jobs"]), cache_hit_rate=round(row["cache_hit_rate"], 3),
            cost_in_window_usd=round(row["cost"], 2),
            repeated_uncached_cost_usd=round(row["waste_cost"], 2),
        )
        for consumer, row in low.iterrows()
    ]


def cold_tables(tables: pd.DataFrame, cfg: CostConfig) -> list:
    cold = tables[tables["is_cold"] & (tables["monthly_cost_usd"] > 0)]
    return [
        _rec(
            "cold_table", f"{r.project_id}.{r.table_schema}.{r.table_name}",
            "Set a table expiration (or delete it after the owner agrees); if it must stay, "
            "stop rewriting it so its bytes turn long-term at half price",
            r.monthly_cost_usd,
            unread_days_at_least=int(r.unread_days), logical_gib=round(r.total_logical_bytes / GIB),
            active_logical_gib=round(r.active_logical_bytes / GIB),
            monthly_cost_usd=round(r.monthly_cost_usd, 2),
        )
        for r in cold.itertuples()
    ]


def pricing_model(jobs: pd.DataFrame, cfg: CostConfig, k: float) -> list:
    on_demand = jobs["on_demand_cost_usd"].sum() * k
    editions = jobs["editions_cost_usd"].sum() * k
    s = cfg.settings
    if abs(on_demand - editions) < s.min_monthly_saving_usd:
        return []
    cheaper = "editions" if editions < on_demand else "on_demand"
    action = (
        f"Move query compute to {s.edition} edition (autoscaling, baseline 0, max slots "
        "sized from the slot p95) and keep on-demand only for projects that need it"
        if cheaper == "editions"
        else "Stay on (or go back to) on-demand: the slot-hours cost more than the bytes"
    )
    return [_rec(
        "pricing_model_break_even", "bigquery_compute", action, abs(on_demand - editions),
        monthly_on_demand_usd=round(on_demand, 2), monthly_editions_usd=round(editions, 2),
        monthly_tib_billed=round(jobs["tib_billed"].sum() * k, 2),
        monthly_slot_hours=round(jobs["slot_hours"].sum() * k, 1),
        slot_hour_price=cfg.slot_hour_price, on_demand_per_tib=cfg.on_demand_per_tib,
        autoscale_overhead=s.editions_autoscale_overhead,
    )]


def gcs_lifecycle(gcs: pd.DataFrame, cfg: CostConfig) -> list:
    prices = cfg.prices.gcs.storage_per_gib_month.by_class
    target = "COLDLINE"
    hot = gcs[(gcs["storage_class"] == "STANDARD") & (gcs["cold_bytes"] > 0)]
    return [
        _rec(
            "gcs_lifecycle_rule", f"gs://{r.bucket}",
            f"Add a lifecycle rule: SetStorageClass {target} at age "
            f"{cfg.settings.cold_after_days} days (retrieval fees apply if the data is read)",
            r.cold_bytes / GIB * (prices["STANDARD"] - prices[target]),
            cold_objects=int(r.cold_objects), cold_gib=round(r.cold_bytes / GIB),
            bucket_gib=round(r.bytes / GIB), from_class="STANDARD", to_class=target,
        )
        for r in hot.itertuples()
    ]


def bytes_guardrails(jobs: pd.DataFrame, cfg: CostConfig, k: float) -> list:
    own = jobs[(jobs["attribution_type"] == "platform_asset") & (jobs["total_bytes_billed"] > 0)]
    if own.empty:
        return []
    median = own.groupby("label_asset")["total_bytes_billed"].transform("median")
    cap = median * cfg.settings.guardrail_multiplier
    over = own.assign(cap=cap)[own["total_bytes_billed"] > cap]
    return [
        _rec(
            "maximum_bytes_billed_guardrail", str(asset),
            f"Set maximum_bytes_billed = {int(g['cap'].iloc[0])} bytes on the queries of "
            f"{asset} (labels identify them); backfills raise it explicitly",
            g["estimated_cost_usd"].sum() * k,
            jobs_over_cap=len(g), cap_gib=round(g["cap"].iloc[0] / GIB, 1),
            max_job_gib=round(g["total_bytes_billed"].max() / GIB, 1),
            cost_over_cap_in_window_usd=round(g["estimated_cost_usd"].sum(), 2),
            guardrail_multiplier_of_median=cfg.settings.guardrail_multiplier,
        )
        for asset, g in over.groupby("label_asset")
    ]


def build_recommendations(
    day: date,
    jobs: pd.DataFrame,
    full_scan: pd.Series,
    tables: pd.DataFrame,
    gcs: pd.DataFrame,
    config: CostConfig,
    window_days: int,
) -> pd.DataFrame:
    k = DAYS_PER_MONTH / max(window_days, 1)
    jobs = jobs.assign(full_scan=full_scan)
    makers: list[Callable[[], list]] = [
        lambda: unfiltered_scans(jobs, tables, config, k),
        lambda: select_star(jobs, tables, config, k),
        lambda: low_cache_dashboards(jobs, config, k),
        lambda: cold_tables(tables, config),
        lambda: pricing_model(jobs, config, k),
        lambda: gcs_lifecycle(gcs, config),
        lambda: bytes_guardrails(jobs, config, k),
    ]
    rows = [rec for make in makers for rec in make()]
    out = pd.DataFrame(rows, columns=list(RECOMMENDATION_COLUMNS[1:]))
    out = out[out["monthly_saving_usd"] >= config.settings.min_monthly_saving_usd]
    out.insert(0, "recommendation_date", pd.Timestamp(day))
    for col in ("kind", "target", "action", "evidence"):
        out[col] = out[col].astype("string[pyarrow]")
    out["monthly_saving_usd"] = out["monthly_saving_usd"].astype("float64")
    return out.sort_values("monthly_saving_usd", ascending=False).reset_index(drop=True)
