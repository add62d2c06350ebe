"""Partitions shared by every domain (America/Sao_Paulo days and months)."""

from __future__ import annotations

import datetime as dt
import os

import dagster as dg
import pandas as pd

from ouchhungry_dp.errors import ConfigurationError

TIMEZONE = "America/Sao_Paulo"
# History the platform can backfill. end_offset=0: the newest partition is
# yesterday, which is what the 06:00 schedule delivers.
PARTITIONS_START = "2026-01-01"

daily_partitions = dg.DailyPartitionsDefinition(
    start_date=PARTITIONS_START, timezone=TIMEZONE, end_offset=0
)
# end_offset=1: the current month is a valid key, so an operator can build a
# month-to-date file on demand; automation only ever launches complete months
# (see defs/delivery/partner_jobs.py) and the monthly asset flags an incomplete month.
monthly_partitions = dg.MonthlyPartitionsDefinition(
    start_date=PARTITIONS_START, timezone=TIMEZONE, end_offset=1
)

# Steps that write the DuckDB warehouse file take a slot of this pool, so parallel
# partitions queue instead of fighting over the file's single-writer lock (the
# local dagster.yaml sets every pool's default limit to 1).
WAREHOUSE_POOL = "warehouse"


# Backfills of the daily assets run ceil(days / k) runs of k days each: a run holds
# k days of frames, so its memory is flat however long the range. k = 7 keeps a run
# of a marketplace at ~140k order items a day at the 1M rows a daily run is sized
# for (k x rows/day <= 1M); at 1M rows a day set it to 1. 0 = one run for the whole
# range (single_run): what `dagster asset materialize --partition-range` requires,
# fine for small months (tests, demo), not for a year at production volume.
BACKFILL_DAYS_ENV = "OUCHHUNGRY_BACKFILL_DAYS_PER_RUN"
DEFAULT_BACKFILL_DAYS_PER_RUN = 7


def _backfill_days_per_run() -> int:
    raw = (os.environ.get(BACKFILL_DAYS_ENV) or "").strip()
    if not raw:
        return DEFAULT_BACKFILL_DAYS_PER_RUN
    if not raw.isdigit() or int(raw) > 366:
        raise ConfigurationError(
            f"{BACKFILL_DAYS_ENV}={raw!r} is not a number of days",
            hint=f"Set it to 1..366 days per backfill run, 0 for single-run backfills, or leave "
            f"it unset ({DEFAULT_BACKFILL_DAYS_PER_RUN}).")
    return int(raw)


def daily_backfill_policy() -> dg.BackfillPolicy:
    """The backfill policy of every daily-partitioned asset (one constant for all factories)."""
    days = _backfill_days_per_run()
    return dg.BackfillPolicy.single_run() if days == 0 else dg.BackfillPolicy.multi_run(days)


DAILY_BACKFILL_POLICY = daily_backfill_policy()


def rows_of_day(frame: pd.DataFrame, column: str, day: dt.date) -> pd.DataFrame:
    """The rows of ``frame`` whose ``column`` falls on ``day``. A one-day run: every row is
    that day's, and the frame itself comes back instead of a masked copy of a million rows
    (callers only read it or take a projected copy)."""
    stamps = pd.to_datetime(frame[column])
    if stamps.dt.tz is not None:
        # Compared with a naive day, an aware timestamp matches nothing: the day would be
        # empty without a word. The platform's day columns are DATEs; fail closed.
        raise ConfigurationError(
            f"column {column!r} holds time-zone-aware timestamps ({stamps.dt.tz}), "
            f"not the DATE the platform writes",
            hint="Store the column as DATE (warehouse_ddl) or convert it to "
            f"{TIMEZONE} days before the step reads it.")
    # Timestamps compared as timestamps: ``.dt.date`` built a Python object per row.
    on_day = (stamps.dt.normalize() == pd.Timestamp(day)).to_numpy()
    return frame if on_day.all() else frame[on_day]
