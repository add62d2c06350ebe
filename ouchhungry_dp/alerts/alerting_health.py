"""Is the alerting itself working? (sensors ticking and not erroring, outbox draining)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from ouchhungry_dp.alerts.model import Alert, AlertKind, Occurrence


@dataclass(frozen=True)
class SensorStatus:
    name: str
    running: bool
    interval_seconds: float
    last_tick_at: float | None = None
    last_tick_failed: bool = False
    last_error: str = ""


@dataclass(frozen=True)
class OutboxStatus:
    pending: int
    oldest_pending_age_seconds: float | None
    dead: int


def assess(
    sensors: list[SensorStatus],
    outbox: OutboxStatus,
    now: float,
    *,
    stale_after_intervals: float = 5.0,
    min_stale_seconds: float = 900.0,
    outbox_max_age_seconds: float = 1800.0,
) -> list[str]:
    """Problems found, in plain words; empty when alerting is healthy."""
    problems = []
    for s in sensors:
        if not s.running:
            problems.append(f"sensor {s.name} is stopped: start it in the UI (Automation tab)")
            continue
        if s.last_tick_failed:
            problems.append(f"sensor {s.name} errors on its last tick: {s.last_error[:300]}")
        stale_after = max(min_stale_seconds, stale_after_intervals * s.interval_seconds)
        if s.last_tick_at is None or now - s.last_tick_at > stale_after:
            since = (
                "never ticked"
                if s.last_tick_at is None
                else f"last tick {int(now - s.last_tick_at)} s ago"
            )
            problems.append(f"sensor {s.name} is not ticking ({since}): is dagster-daemon up?")
    age = outbox.oldest_pending_age_seconds
    if outbox.pending and age is not None and age > outbox_max_age_seconds:
        problems.append(
            f"{outbox.pending} alert e-mail(s) waiting in the outbox for {int(age // 60)} min: "
            "SMTP relay down or misconfigured"
        )
    if outbox.dead:
        problems.append(
            f"{outbox.dead} alert e-mail(s) rejected for good by the relay (outbox, state dead)"
        )
    return problems


def health_alert(problems: list[str], now: float) -> Alert:
    """One e-mail per distinct set of problems per day (no repeat every tick)."""
    day = datetime.fromtimestamp(now, UTC).date().isoformat()
    fingerprint = hashlib.sha256("\n".join(sorted(problems)).encode()).hexdigest()[:12]
    return Alert(
        kind=AlertKind.ALERTING_HEALTH,
        severity="CRITICAL",
        category="alerting",
        title="Alerting is degraded: failures may go unnoticed",
        incident_key=f"health/{day}/{fingerprint}",
        message="\n".join(f"- {p}" for p in problems),
        hint="See docs/operations.md#alerting_health; until fixed, watch the Dagster UI runs page.",
        occurrences=tuple(Occurrence(label=p) for p in problems),
    )
