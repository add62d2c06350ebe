"""What an alert is: one incident, possibly many occurrences (runs, partitions, checks)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum


class AlertKind(StrEnum):
    RUN_FAILURE = "run_failure"
    CHECK_FAILURE = "check_failure"
    CHECK_DIGEST = "check_digest"
    SLA_MISSED = "sla_missed"
    ALERTING_HEALTH = "alerting_health"


@dataclass(frozen=True)
class Occurrence:
    """One failed run, one failed check evaluation, or one late partition."""

    partition: str | None = None
    run_id: str | None = None
    run_url: str | None = None
    job_name: str | None = None
    step: str | None = None
    label: str | None = None
    severity: str | None = None
    message: str = ""


@dataclass(frozen=True)
class Alert:
    kind: AlertKind
    severity: str
    category: str
    title: str
    # Stable identity of the incident: the e-mail's Message-ID derives from it, so the
    # same incident seen again (sensor re-evaluated, retried run) is never re-sent.
    incident_key: str
    partner: str | None = None
    job_name: str | None = None
    step: str | None = None
    error_class: str | None = None
    message: str = ""
    hint: str = ""
    occurrences: tuple[Occurrence, ...] = ()
    links: tuple[tuple[str, str], ...] = field(default=())
    note: str = ""

    @property
    def partitions(self) -> list[str]:
        return sorted({o.partition for o in self.occurrences if o.partition})

    @property
    def message_id(self) -> str:
        digest = hashlib.sha256(self.incident_key.encode()).hexdigest()[:40]
        return f"<{digest}@alerts.ouchhungry-dp>"
