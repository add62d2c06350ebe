"""Dagster resources for e-mail (shared with partner e-mails) and alert settings."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
from pydantic import Field

from ouchhungry_dp.alerts.alert_settings import AlertSettings, parse_recipients
from ouchhungry_dp.delivery.email import (
    SentLog,
    SmtpConfig,
    SmtpEmailClient,
)
from ouchhungry_dp.settings import check_endpoint

# SMTP attempts of one send; a run config may lower it, never raise it (docs/reliability.md,
# "Nested retries").
MAX_SMTP_ATTEMPTS = 3


class EmailResource(dg.ConfigurableResource):
    """SMTP relay settings; ``client()`` gives a ready ``SmtpEmailClient``.

    Build it with ``EmailResource.from_env()`` so every value is a ``dg.EnvVar``
    (the UI shows the variable's name, never the password).
    """

    host: str
    email_from: str
    port: int | None = None  # default by security: 465 ssl, 587 starttls, 25 none
    security: str = "starttls"
    username: str | None = None
    password: str | None = None
    timeout_seconds: float = 30.0
    ca_file: str | None = None
    attempts: int = Field(default=MAX_SMTP_ATTEMPTS, ge=1, le=MAX_SMTP_ATTEMPTS)
    backoff_seconds: float = 2.0
    max_backoff_seconds: float = 30.0
    # Where the sent-log lives: a database URL or a SQLite file; default
    # OUCHHUNGRY_STATE_DB_URL (shared by every pod), else SQLite under $DAGSTER_HOME.
    sent_log_path: str | None = None

    @classmethod
    def from_env(cls) -> EmailResource:
        """Required: SMTP_HOST, EMAIL_FROM. Optional ones are wired only when set, because a
        ``dg.EnvVar`` of an unset variable fails at resource initialisation."""
        optional: dict[str, object] = {}
        for field, var in (
            ("security", "SMTP_SECURITY"),
            ("username", "SMTP_USERNAME"),
            ("password", "SMTP_PASSWORD"),
            ("ca_file", "SMTP_CA_FILE"),
        ):
            if os.environ.get(var):
                optional[field] = dg.EnvVar(var)
        if os.environ.get("SMTP_PORT"):
            optional["port"] = dg.EnvVar.int("SMTP_PORT")
        return cls(host=dg.EnvVar("SMTP_HOST"), email_from=dg.EnvVar("EMAIL_FROM"), **optional)

    def smtp_config(self) -> SmtpConfig:
        # The relay reaches real mailboxes: local refuses a remote one, prod a loopback one.
        check_endpoint("SMTP_HOST", self.host)
        security = self.security.strip().lower()
        environ = {
            "SMTP_HOST": self.host,
            "SMTP_SECURITY": security,
            "SMTP_PORT": str(self.port or ""),
            "EMAIL_FROM": self.email_from,
            "SMTP_USERNAME": self.username or "",
            "SMTP_PASSWORD": self.password or "",
            "SMTP_TIMEOUT_SECONDS": str(self.timeout_seconds),
            "SMTP_CA_FILE": self.ca_file or "",
        }
        return SmtpConfig.from_env(environ)

    def client(self) -> SmtpEmailClient:
        return SmtpEmailClient(
            self.smtp_config(),
            attempts=self.attempts,
            backoff_seconds=self.backoff_seconds,
            max_backoff_seconds=self.max_backoff_seconds,
            sent_log=SentLog(self.sent_log_path),
        )


class AlertSettingsResource(dg.ConfigurableResource):
    """Overrides of the alerting settings; unset fields come from the environment
    (DATA_TEAM_ALERT_EMAILS, OUCHHUNGRY_UI_BASE_URL, OUCHHUNGRY_STATE_DB_URL,
    OUCHHUNGRY_ALERT_OUTBOX_DIR,
    OUCHHUNGRY_ALERT_WARN_DIGEST_MINUTES) or defaults."""

    recipients: str | None = None
    ui_base_url: str | None = None
    outbox_dir: str | None = None
    warn_digest_interval_seconds: float | None = None
    backfill_settle_seconds: float = 900.0
    initial_lookback_seconds: float = 86400.0
    sla_lookback_days: int = 3

    def settings(self) -> AlertSettings:
        base = AlertSettings.from_env()
        return AlertSettings(
            recipients=parse_recipients(self.recipients) if self.recipients else base.recipients,
            ui_base_url=(self.ui_base_url or base.ui_base_url).rstrip("/"),
            outbox_dir=Path(self.outbox_dir) if self.outbox_dir else base.outbox_dir,
            # An explicit folder (tests, a developer) wins over the shared database.
            outbox_url=None if self.outbox_dir else base.outbox_url,
            warn_digest_interval_seconds=(
                self.warn_digest_interval_seconds
                if self.warn_digest_interval_seconds is not None
                else base.warn_digest_interval_seconds
            ),
            backfill_settle_seconds=self.backfill_settle_seconds,
            initial_lookback_seconds=self.initial_lookback_seconds,
            sla_lookback_days=self.sla_lookback_days,
        )
