"""Cost of BigQuery query jobs and who they are attributed to (vectorised)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .cost_settings import CostConfig

TIB = 2**40
MS_PER_HOUR = 3_600_000

ATTRIBUTION_TYPES = ("platform_asset", "metabase", "powerbi", "service_account", "unattributed")

JOB_COST_COLUMNS = (
    "usage_date", "creation_time", "job_id", "project_id", "user_email", "statement_type",
    "total_bytes_processed", "total_bytes_billed", "total_slot_ms", "cache_hit",
    "reservation_id", "error_reason", "label_asset", "label_partition", "label_partner",
    "label_run_id", "referenced_table_count", "referenced_tables", "metabase_user_id",
    "metabase_query_hash", "selects_star", "query_fingerprint", "tib_billed", "slot_hours",
    "on_demand_cost_usd", "editions_cost_usd", "estimated_cost_usd", "attribution_type",
    "consumer", "consumer_user",
)


def price_jobs(raw: pd.DataFrame, config: CostConfig, timezone: str) -> pd.DataFrame:
    """Add cost columns and attribution to the rows of ``sql/jobs.sql``.

    ``estimated_cost_usd`` follows how the job was actually billed: on-demand when it
    ran without a reservation, else its share of editions slot-hours.
    """
    jobs = raw.copy()
    settings = config.settings
    for col in ("total_bytes_processed", "total_bytes_billed", "total_slot_ms"):
        jobs[col] = pd.to_numeric(jobs[col]).fillna(0).astype("int64")
    jobs["cache_hit"] = jobs["cache_hit"].fillna(False).astype(bool)
    jobs["selects_star"] = jobs["selects_star"].fillna(False).astype(bool)
    jobs["creation_time"] = pd.to_datetime(jobs["creation_time"], utc=True)
    jobs["usage_date"] = (
        jobs["creation_time"].dt.tz_convert(timezone).dt.tz_localize(None).dt.normalize()
    )
    # Query text can hold literal personal data: keep only a fingerprint of it.
    jobs["query_fingerprint"] = (
        pd.util.hash_pandas_object(jobs["query"].fillna(""), index=False)
        .map("{:016x}".format)
        .astype("string[pyarrow]")
    )
    jobs["tib_billed"] = jobs["total_bytes_billed"] / TIB
    jobs["slot_hours"] = jobs["total_slot_ms"] / MS_PER_HOUR
    jobs["on_demand_cost_usd"] = jobs["tib_billed"] * config.on_demand_per_tib
    jobs["editions_cost_usd"] = (
        jobs["slot_hours"] * config.slot_hour_price * settings.editions_autoscale_overhead
    )
    on_reservation = jobs["reservation_id"].notna() & (jobs["reservation_id"] != "")
    jobs["estimated_cost_usd"] = np.where(
        on_reservation, jobs["editions_cost_usd"], jobs["on_demand_cost_usd"]
    )
    jobs = _attribute(jobs, config)
    string_cols = [c for c in JOB_COST_COLUMNS if jobs[c].dtype == object]
    jobs[string_cols] = jobs[string_cols].astype("string[pyarrow]")
    return jobs.loc[:, list(JOB_COST_COLUMNS)].reset_index(drop=True)


def _attribute(jobs: pd.DataFrame, config: CostConfig) -> pd.DataFrame:
    accounts = config.settings.service_accounts
    sa_type = jobs["user_email"].map({k: v.type for k, v in accounts.items()})
    sa_consumer = jobs["user_email"].map({k: v.consumer for k, v in accounts.items()})
    has_asset = jobs["label_asset"].notna()
    is_metabase = jobs["metabase_query_hash"].notna() | (sa_type == "metabase")
    is_known_sa = sa_type.notna()
    jobs["attribution_type"] = np.select(
        [has_asset, is_metabase, is_known_sa],
        ["platform_asset", "metabase", sa_type.fillna("")],
        default="unattributed",
    )
    card = "card:" + jobs["metabase_query_hash"].fillna("unknown").str.slice(0, 12)
    jobs["consumer"] = np.select(
        [has_asset, is_metabase, is_known_sa],
        [jobs["label_asset"], card, sa_consumer],
        default="unattributed",
    )
    metabase_user = "metabase_user:" + jobs["metabase_user_id"].fillna("unknown")
    jobs["consumer_user"] = np.where(is_metabase, metabase_user, jobs["user_email"])
    return jobs


def attribution_shares(jobs: pd.DataFrame) -> pd.DataFrame:
    """Share of estimated cost per attribution type; the shares add up to 1."""
    total = float(jobs["estimated_cost_usd"].sum())
    by_type = (
        jobs.groupby("attribution_type")["estimated_cost_usd"]
        .sum()
        .reindex(ATTRIBUTION_TYPES, fill_value=0.0)
    )
    share = by_type / total if total > 0 else by_type * 0.0
    return pd.DataFrame(
        {"attribution_type": by_type.index, "cost_usd": by_type.values, "share": share.values}
    )


def mark_full_scans(
    jobs: pd.DataFrame, tables: pd.DataFrame, full_scan_ratio: float
) -> pd.Series:
    """True for single-table jobs that processed at least ``full_scan_ratio`` of the table.

    INFORMATION_SCHEMA does not say whether a partition filter was used; reading
    (almost) the whole table is the observable symptom. Multi-table jobs are left
    out because their bytes cannot be split per table.
    """
    table_bytes = pd.Series(
        tables["total_logical_bytes"].to_numpy(),
        index=_table_id(tables["project_id"], tables["table_schema"], tables["table_name"]),
    )
    single = jobs["referenced_table_count"].fillna(0).eq(1)
    size = jobs["referenced_tables"].map(table_bytes).astype("float64")
    ratio = jobs["total_bytes_processed"] / size
    return (single & (ratio >= full_scan_ratio)).fillna(False).astype(bool)


def _table_id(project: pd.Series, schema: pd.Series, table: pd.Series) -> pd.Index:
    return pd.Index(project.astype(str) + "." + schema.astype(str) + "." + table.astype(str))
