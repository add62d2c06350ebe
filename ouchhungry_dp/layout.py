"""Names of outbound files and partition keys as partners see them (no Dagster import).

DESIGN.md fixes them: files and API paths always say ``YYYY-MM-DD`` for a day and
``YYYY-MM`` for a month, whatever form the Dagster partition key takes.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from ouchhungry_dp.errors import ConfigurationError

Cadence = Literal["daily", "monthly"]
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")


def month_key(partition_key: str) -> str:
    """'2026-11' from '2026-11' or '2026-11-01' (the monthly partition's first day)."""
    if _MONTH.match(partition_key):
        return partition_key
    if _DAY.match(partition_key) and partition_key.endswith("-01"):
        return partition_key[:7]
    raise ConfigurationError(
        f"{partition_key!r} is not a monthly partition key",
        hint="Use YYYY-MM or the month's first day YYYY-MM-01.",
    )


def month_bounds(partition_key: str) -> tuple[dt.date, dt.date]:
    first = dt.date.fromisoformat(month_key(partition_key) + "-01")
    nxt = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first, nxt - dt.timedelta(days=1)


def previous_month(first_day: dt.date) -> tuple[dt.date, dt.date]:
    last = first_day.replace(day=1) - dt.timedelta(days=1)
    return last.replace(day=1), last


def external_partition(cadence: Cadence, partition_key: str) -> str:
    if cadence == "monthly":
        return month_key(partition_key)
    if not _DAY.match(partition_key):
        raise ConfigurationError(f"{partition_key!r} is not a daily partition key (YYYY-MM-DD)")
    return partition_key


def product_file(dataset: str, cadence: Cadence, partition_key: str) -> str:
    """Path relative to the partner's base directory, e.g. daily/ouchhungry_sales_daily_2026-11-25.csv."""
    return f"{cadence}/{dataset}_{external_partition(cadence, partition_key)}.csv"


def insights_file(partner_id: str, partition_key: str) -> str:
    return f"monthly/{partner_id}_insights_{month_key(partition_key)}.html"
