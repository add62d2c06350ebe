"""Partitions shared by every domain (America/Sao_Paulo days and months)."""

from __future__ import annotations

import dagster as dg

TIMEZONE = "America/Sao_Paulo"
# History the platform can backfill. end_offset=0: the newest partition is
# yesterday, which is what the 06:00 schedule delivers.
PARTITIONS_START = "2026-01-01"

daily_partitions = dg.DailyPartitionsDefinition(
    start_date=PARTITIONS_START, timezone=TIMEZONE, end_offset=0
)
# end_offset=1: the current month is a valid key, so an operator can build a
# month-to-date file on demand; automation only ever launches complete months
# (see defs/delivery/jobs.py) and the monthly asset flags an incomplete month.
monthly_partitions = dg.MonthlyPartitionsDefinition(
    start_date=PARTITIONS_START, timezone=TIMEZONE, end_offset=1
)

# Steps that write the DuckDB warehouse file take a slot of this pool, so parallel
# partitions queue instead of fighting over the file's single-writer lock (the
# local dagster.yaml sets every pool's default limit to 1).
WAREHOUSE_POOL = "warehouse"
