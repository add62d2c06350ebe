"""Names of outbound files and month arithmetic on partition keys (no Dagster import).

DESIGN.md fixes the spelling: files and API paths say ``YYYY-MM-DD`` for a day
and ``YYYY-MM`` for a month, whatever form the Dagster partition key takes
(``ouchhungry_dp.delivery.manifest.file_partition_key`` does the parsing).
"""

from __future__ import annotations

import datetime as dt

from ouchhungry_dp.delivery.manifest import Cadence, file_partition_key


def month_key(partition_key: str) -> str:
    """'2026-11' from '2026-11' or '2026-11-01' (the monthly partition's first day)."""
    return file_partition_key(partition_key, "monthly")


def month_bounds(partition_key: str) -> tuple[dt.date, dt.date]:
    first = dt.date.fromisoformat(month_key(partition_key) + "-01")
    nxt = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first, nxt - dt.timedelta(days=1)


def previous_month(first_day: dt.date) -> tuple[dt.date, dt.date]:
    last = first_day.replace(day=1) - dt.timedelta(days=1)
    return last.replace(day=1), last


def product_file(dataset: str, cadence: Cadence, partition_key: str) -> str:
    """Path under the partner's base dir, e.g. daily/ouchhungry_sales_daily_2026-11-25.csv."""
    return f"{cadence}/{dataset}_{file_partition_key(partition_key, cadence)}.csv"


def insights_file(partner_id: str, partition_key: str) -> str:
    return f"monthly/{partner_id}_insights_{month_key(partition_key)}.html"
