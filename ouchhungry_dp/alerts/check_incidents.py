"""Failed asset checks -> incidents (ERROR at once, WARN batched in a digest)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from ouchhungry_dp.alerts.model import Alert, AlertKind, Occurrence
from ouchhungry_dp.alerts.redact import redact


@dataclass(frozen=True)
class CheckFailure:
    storage_id: int
    timestamp: float
    asset_key: str
    check_name: str
    severity: str
    blocking: bool
    description: str = ""
    partition: str | None = None
    partner: str | None = None
    run_id: str | None = None
    run_url: str | None = None
    backfill_id: str | None = None

    @property
    def check_label(self) -> str:
        return f"{self.asset_key}:{self.check_name}"

    @property
    def scope(self) -> str:
        if self.backfill_id:
            return f"backfill:{self.backfill_id}"
        return f"run:{self.run_id}" if self.run_id else f"event:{self.storage_id}"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CheckFailure:
        return cls(**data)


def _occurrence(f: CheckFailure) -> Occurrence:
    return Occurrence(
        partition=f.partition,
        run_id=f.run_id,
        run_url=f.run_url,
        label=f.check_label,
        severity=f.severity,
        message=redact(f.description, 300),
    )


def group_error_checks(failures: Iterable[CheckFailure]) -> list[Alert]:
    """One alert per (check, run or backfill): 30 partitions failing one check -> one e-mail."""
    groups: dict[tuple[str, str], list[CheckFailure]] = {}
    for f in sorted(failures, key=lambda f: (f.timestamp, f.storage_id)):
        groups.setdefault((f.check_label, f.scope), []).append(f)
    alerts = []
    for (label, scope), group in groups.items():
        first = group[0]
        kind = "blocking" if first.blocking else "non-blocking"
        alerts.append(
            Alert(
                kind=AlertKind.CHECK_FAILURE,
                severity=first.severity,
                category="data_quality",
                title=f"Asset check {label} failed ({kind})",
                incident_key=f"check-failure/{label}/{scope}",
                partner=first.partner,
                message=redact(first.description) or "(the check gave no description)",
                hint=(
                    "Open the check's evaluation in the UI (metadata shows the failing rows or "
                    "figures); fix the source or the rule, then re-materialize the partition. "
                    + (
                        "The check is blocking: downstream assets were not materialized."
                        if first.blocking
                        else "The check is non-blocking: downstream assets ran on this data."
                    )
                ),
                occurrences=tuple(_occurrence(f) for f in group),
                links=tuple((f"run {f.run_id[:8]}", f.run_url) for f in group[:5] if f.run_url),
            )
        )
    return alerts


def warn_digest_alert(failures: list[CheckFailure]) -> Alert:
    ordered = sorted(failures, key=lambda f: (f.timestamp, f.storage_id))
    # Storage ids are per run on run-sharded SQLite, so the key hashes (run, id) pairs.
    identity = "\n".join(f"{f.run_id}/{f.storage_id}" for f in ordered)
    checks = sorted({f.check_label for f in ordered})
    partners = sorted({f.partner for f in ordered if f.partner})
    return Alert(
        kind=AlertKind.CHECK_DIGEST,
        severity="WARN",
        category="data_quality",
        title=f"{len(ordered)} asset check warning(s) on {len(checks)} check(s)",
        incident_key="check-digest/" + hashlib.sha256(identity.encode()).hexdigest()[:16],
        partner=partners[0] if len(partners) == 1 else None,
        message="Checks with WARN severity failed: " + ", ".join(checks),
        hint=(
            "Warnings do not stop deliveries. Review each check in the UI; if one warns every "
            "day, tune its threshold in the check's rule rather than ignore it."
        ),
        occurrences=tuple(_occurrence(f) for f in ordered),
    )
