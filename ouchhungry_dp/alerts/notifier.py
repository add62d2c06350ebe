"""Deliver alerts: send now, or queue in the outbox and say so; never drop one."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Literal

from ouchhungry_dp.alerts.alert_settings import AlertSettings
from ouchhungry_dp.alerts.model import Alert
from ouchhungry_dp.alerts.outbox import FlushResult, Outbox
from ouchhungry_dp.alerts.render import render_alert
from ouchhungry_dp.delivery.email import SmtpEmailClient
from ouchhungry_dp.errors import OuchHungryError

log = logging.getLogger(__name__)

Outcome = Literal["sent", "duplicate", "queued"]


@dataclass
class DeliveryReport:
    outcomes: list[tuple[str, Outcome]] = field(default_factory=list)
    flush: FlushResult | None = None

    def summary(self) -> str:
        counts: dict[str, int] = {}
        for _, outcome in self.outcomes:
            counts[outcome] = counts.get(outcome, 0) + 1
        parts = [f"{n} {k}" for k, n in sorted(counts.items())]
        if self.flush is not None and (self.flush.sent or self.flush.pending):
            parts.append(f"outbox: {self.flush.sent} re-sent, {self.flush.pending} waiting")
        return ", ".join(parts) or "nothing to send"


class AlertNotifier:
    """Renders alerts for the data team and sends them, falling back to the outbox.

    ``client`` may be None when SMTP is not configured: every alert is then queued
    (and the health check reports it) rather than lost.
    """

    def __init__(self, client: SmtpEmailClient | None, settings: AlertSettings, sender: str):
        self.client = client
        self.settings = settings
        self.sender = sender
        self.outbox = Outbox(settings.outbox_location)
        self._smtp_down = client is None

    def flush_outbox(self) -> FlushResult:
        if self.client is None:
            pending = len(self.outbox.pending())
            return FlushResult(0, pending, len(self.outbox.dead()), smtp_down=True)
        result = self.outbox.flush(self.client)
        self._smtp_down = result.smtp_down
        return result

    def deliver(self, alert: Alert) -> Outcome:
        message = render_alert(alert, sender=self.sender, recipients=self.settings.recipients)
        if not self._smtp_down and self.client is not None:
            try:
                result = self.client.send(message)
                return "duplicate" if result.status == "duplicate" else "sent"
            except OuchHungryError as exc:
                # Later alerts of this tick go straight to the outbox: no point waiting
                # for the same dead relay again.
                self._smtp_down = True
                log.warning("alert %s not sent (%s); queued in outbox", alert.incident_key, exc)
        self.outbox.put(message)
        # Not the location: in production it is a database URL with a password.
        log.warning("alert queued in outbox: %s", message["Subject"])
        return "queued"

    def deliver_all(self, alerts: list[Alert]) -> DeliveryReport:
        report = DeliveryReport(flush=self.flush_outbox())
        for alert in alerts:
            report.outcomes.append((alert.incident_key, self.deliver(alert)))
        return report
