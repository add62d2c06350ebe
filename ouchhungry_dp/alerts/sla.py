"""Missed delivery SLA: a daily partition D must be delivered by HH:MM on D+1."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ouchhungry_dp.alerts.model import Alert, AlertKind, Occurrence


def daily_deadline(partition: date, available_by: str, timezone: str) -> datetime:
    hours, minutes = (int(x) for x in available_by.split(":"))
    return datetime.combine(
        partition + timedelta(days=1), time(hours, minutes), tzinfo=ZoneInfo(timezone)
    )


def due_partitions(
    now: datetime, available_by: str, timezone: str, lookback_days: int, earliest: date
) -> list[str]:
    """Partitions whose deadline has passed, newest ``lookback_days`` only (older ones were
    checked by earlier ticks; a platform down for longer is the health check's business)."""
    today = now.astimezone(ZoneInfo(timezone)).date()
    due = []
    for offset in range(1, lookback_days + 1):
        day = today - timedelta(days=offset)
        if day >= earliest and daily_deadline(day, available_by, timezone) <= now:
            due.append(day.isoformat())
    return sorted(due)


def sla_alert(
    partner: str, partitions: list[str], available_by: str, timezone: str, missing: dict[str, str]
) -> Alert:
    """``missing`` maps a partition to what is missing for it (e.g. 'api delivery')."""
    return Alert(
        kind=AlertKind.SLA_MISSED,
        severity="ERROR",
        category="sla",
        title=f"Daily delivery late (due {available_by} {timezone} next day)",
        incident_key=f"sla/{partner}/{','.join(partitions)}",
        partner=partner,
        message="Not delivered by the contract's deadline: "
        + "; ".join(f"{p}: {missing.get(p, 'delivery')} missing" for p in partitions),
        hint=(
            "Look for a failed or still-running daily run of the partition in the UI; if none "
            "ran, launch it (docs/operations.md#re-deliver-a-partition) and tell the partner "
            "the new ETA."
        ),
        occurrences=tuple(
            Occurrence(partition=p, label="late", message=missing.get(p, "")) for p in partitions
        ),
    )
