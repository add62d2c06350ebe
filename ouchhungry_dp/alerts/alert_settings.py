"""Alerting settings, read from the environment (optional variables have defaults)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ouchhungry_dp.delivery.email import default_email_state_dir
from ouchhungry_dp.errors import ConfigurationError
from ouchhungry_dp.state.db import STATE_DB_URL_ENV

DEFAULT_ALERT_RECIPIENTS: tuple[str, ...] = (
    "correa.igor@aiqfome.com",
    "diego.pastrello@aiqfome.com",
    "leonardo.artur@aiqfome.com",
)
DEFAULT_UI_BASE_URL = "http://127.0.0.1:3000"


def parse_recipients(text: str | None) -> tuple[str, ...]:
    """Comma-separated addresses; empty or unset gives the default data-team list."""
    addresses = tuple(dict.fromkeys(a.strip() for a in (text or "").split(",") if a.strip()))
    bad = [a for a in addresses if "@" not in a or any(c.isspace() for c in a)]
    if bad:
        raise ConfigurationError(
            "DATA_TEAM_ALERT_EMAILS holds an entry that is not an e-mail address",
            detail=f"{len(bad)} bad entr{'y' if len(bad) == 1 else 'ies'}",
            hint="Use comma-separated addresses, e.g. a@x.com,b@x.com.",
        )
    return addresses or DEFAULT_ALERT_RECIPIENTS


@dataclass(frozen=True)
class AlertSettings:
    recipients: tuple[str, ...] = DEFAULT_ALERT_RECIPIENTS
    ui_base_url: str = DEFAULT_UI_BASE_URL
    outbox_dir: Path = Path(".dagster_home/ouchhungry_email/alert_outbox")
    # WARN check failures are collected and sent as one digest at most this often.
    warn_digest_interval_seconds: float = 3600.0
    # Failures of a running backfill are held this long (or until it ends) to group them.
    backfill_settle_seconds: float = 900.0
    # A first tick (no cursor yet) looks back this far instead of alerting on all history.
    initial_lookback_seconds: float = 86400.0
    sla_lookback_days: int = 3
    # Shared state database (OUCHHUNGRY_STATE_DB_URL): when set, the outbox lives there
    # (every pod sees it) instead of a SQLite file in ``outbox_dir``.
    outbox_url: str | None = None

    @property
    def outbox_location(self) -> str | Path:
        return self.outbox_url or self.outbox_dir

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> AlertSettings:
        env = os.environ if environ is None else environ
        try:
            digest_minutes = float(env.get("OUCHHUNGRY_ALERT_WARN_DIGEST_MINUTES") or 60)
        except ValueError as exc:
            raise ConfigurationError(
                "OUCHHUNGRY_ALERT_WARN_DIGEST_MINUTES is not a number", hint="Use e.g. 60."
            ) from exc
        outbox = env.get("OUCHHUNGRY_ALERT_OUTBOX_DIR")
        return cls(
            recipients=parse_recipients(env.get("DATA_TEAM_ALERT_EMAILS")),
            ui_base_url=(env.get("OUCHHUNGRY_UI_BASE_URL") or DEFAULT_UI_BASE_URL).rstrip("/"),
            outbox_dir=Path(outbox) if outbox else default_email_state_dir(env) / "alert_outbox",
            warn_digest_interval_seconds=digest_minutes * 60,
            outbox_url=(env.get(STATE_DB_URL_ENV) or "").strip() or None,
        )

    def run_url(self, run_id: str) -> str:
        return f"{self.ui_base_url.rstrip('/')}/runs/{run_id}"

    def backfill_url(self, backfill_id: str) -> str:
        return f"{self.ui_base_url.rstrip('/')}/runs/b/{backfill_id}"

    def asset_url(self, asset_path: str) -> str:
        return f"{self.ui_base_url.rstrip('/')}/assets/{asset_path}"
