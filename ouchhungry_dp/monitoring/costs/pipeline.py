"""Read and price one day (or a trailing window) from a CostSource. No Dagster import."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd

from .billing import daily_net_totals, normalise_billing
from .cost_settings import CostConfig
from .query_jobs import mark_full_scans, price_jobs
from .source import CostSource
from .storage import price_gcs, price_table_storage

TIMEZONE = "America/Sao_Paulo"


def day_bounds(first_day: date, days: int = 1, tz: str = TIMEZONE) -> tuple[datetime, datetime]:
    """UTC instants of [first_day 00:00, first_day + days 00:00) in ``tz``."""
    zone = ZoneInfo(tz)
    start = datetime.combine(first_day, time(0), zone).astimezone(UTC)
    end = datetime.combine(first_day + timedelta(days=days), time(0), zone).astimezone(UTC)
    return start, end


def job_costs(
    source: CostSource, config: CostConfig, first_day: date, days: int = 1
) -> pd.DataFrame:
    start, end = day_bounds(first_day, days)
    raw = source.query("jobs", window_start=start, window_end=end)
    return price_jobs(raw, config, TIMEZONE)


def table_storage(source: CostSource, config: CostConfig, day: date) -> pd.DataFrame:
    """Storage snapshot (TABLE_STORAGE holds only the current state) priced as of ``day``'s end."""
    _, as_of = day_bounds(day)
    reads_start = as_of - timedelta(days=config.settings.cold_after_days)
    tables = source.query("table_storage")
    last_read = source.query("table_last_read", window_start=reads_start, window_end=as_of)
    return price_table_storage(tables, last_read, config, as_of)


def gcs_storage(source: CostSource, config: CostConfig, day: date) -> pd.DataFrame:
    _, as_of = day_bounds(day)
    raw = source.query(
        "gcs_inventory", as_of=as_of, cold_after_days=config.settings.cold_after_days
    )
    return price_gcs(raw, config, as_of)


def billing(source: CostSource, first_day: date, days: int = 1) -> pd.DataFrame:
    start, end = day_bounds(first_day, days)
    return normalise_billing(source.query("billing", window_start=start, window_end=end))


def billing_history(source: CostSource, day: date, days: int) -> pd.Series:
    """Daily net totals of the ``days`` days up to and including ``day``."""
    first = day - timedelta(days=days - 1)
    totals = daily_net_totals(billing(source, first, days))
    full = pd.date_range(pd.Timestamp(first), pd.Timestamp(day), freq="D")
    return totals.reindex(full, fill_value=0.0)


def full_scans(jobs: pd.DataFrame, tables: pd.DataFrame, config: CostConfig) -> pd.Series:
    return mark_full_scans(jobs, tables, config.settings.full_scan_ratio)
