"""BigQuery table storage and GCS bucket costs (per GiB-month list prices)."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd

from .cost_settings import CostConfig

GIB = 2**30


def price_table_storage(
    tables: pd.DataFrame, last_read: pd.DataFrame, config: CostConfig, as_of: datetime
) -> pd.DataFrame:
    """Monthly cost of every table under both billing models, and how long unread.

    Physical billing charges time travel and fail-safe bytes at the active physical
    rate (they are part of ``active_physical_bytes`` / billed alongside it).
    """
    p = config.prices.bigquery.storage_per_gib_month
    out = tables.copy()
    out["logical_cost_usd_month"] = (
        out["active_logical_bytes"] / GIB * p.active_logical
        + out["long_term_logical_bytes"] / GIB * p.long_term_logical
    )
    out["physical_cost_usd_month"] = (
        (out["active_physical_bytes"] + out["fail_safe_physical_bytes"]) / GIB * p.active_physical
        + out["long_term_physical_bytes"] / GIB * p.long_term_physical
    )
    logical = config.settings.storage_billing_model == "LOGICAL"
    out["billing_model"] = config.settings.storage_billing_model
    out["monthly_cost_usd"] = np.where(
        logical, out["logical_cost_usd_month"], out["physical_cost_usd_month"]
    )
    out["cheaper_billing_model"] = np.where(
        out["physical_cost_usd_month"] < out["logical_cost_usd_month"], "PHYSICAL", "LOGICAL"
    )
    reads = last_read.loc[:, ["table_schema", "table_name", "last_read_time", "read_jobs"]]
    out = out.merge(reads, on=["table_schema", "table_name"], how="left")
    out["read_jobs"] = out["read_jobs"].fillna(0).astype("int64")
    out["last_read_time"] = pd.to_datetime(out["last_read_time"], utc=True)
    as_of_ts = pd.Timestamp(as_of)
    unread_days = (as_of_ts - out["last_read_time"]).dt.days
    window = config.settings.cold_after_days
    # Never read in the window: at least the window's length.
    out["unread_days"] = unread_days.fillna(window).astype("int64")
    out["is_cold"] = out["unread_days"] >= window
    out["snapshot_time"] = as_of_ts
    for col in ("project_id", "table_schema", "table_name", "table_type", "billing_model",
                "cheaper_billing_model"):
        out[col] = out[col].astype("string[pyarrow]")
    return out


def price_gcs(buckets: pd.DataFrame, config: CostConfig, as_of: datetime) -> pd.DataFrame:
    prices = config.prices.gcs.storage_per_gib_month.by_class
    out = buckets.copy()
    out["storage_class"] = out["storage_class"].astype("string[pyarrow]")
    unit = out["storage_class"].map(prices).astype("float64")
    out["price_per_gib_month"] = unit
    out["monthly_cost_usd"] = out["bytes"] / GIB * unit
    out["cold_monthly_cost_usd"] = out["cold_bytes"] / GIB * unit
    out["bucket"] = out["bucket"].astype("string[pyarrow]")
    out["snapshot_time"] = pd.Timestamp(as_of)
    for col in ("objects", "bytes", "cold_bytes", "cold_objects"):
        out[col] = pd.to_numeric(out[col]).fillna(0).astype("int64")
    return out
