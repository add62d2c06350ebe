"""The platform's error taxonomy.

Every layer raises one of these so that an alert can say what failed, for which
partner and partition, and what to try, and so that retry policies can tell a
transient fault (retry) from a permanent one (fail at once). No Dagster import.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    WARN = "WARN"
    ERROR = "ERROR"
    CRITICAL = "CRITICAL"


class OuchHungryError(Exception):
    """Base class of every platform error.

    ``what`` names the thing that failed (e.g. ``"SFTP upload of daily file"``),
    ``hint`` tells the person on call what to try. ``transient`` marks faults a
    retry may cure (network blips, throttling); auth, host-key and validation
    errors are never transient.
    """

    category: str = "platform"
    severity: Severity = Severity.ERROR

    def __init__(
        self,
        what: str,
        *,
        partner: str | None = None,
        partition: str | None = None,
        hint: str | None = None,
        detail: str | None = None,
        transient: bool = False,
    ) -> None:
        self.what = what
        self.partner = partner
        self.partition = partition
        self.hint = hint
        self.detail = detail
        self.transient = transient
        super().__init__(self._render())

    def _render(self) -> str:
        parts = [f"[{self.category}] {self.what}"]
        scope = ", ".join(
            f"{k}={v}" for k, v in (("partner", self.partner), ("partition", self.partition)) if v
        )
        if scope:
            parts.append(f"({scope})")
        text = " ".join(parts)
        if self.detail:
            text += f": {self.detail}"
        if self.hint:
            text += f" | hint: {self.hint}"
        return text

    def as_dict(self) -> dict[str, str | bool | None]:
        return {
            "category": self.category,
            "severity": self.severity.value,
            "error_class": type(self).__name__,
            "what": self.what,
            "partner": self.partner,
            "partition": self.partition,
            "detail": self.detail,
            "hint": self.hint,
            "transient": self.transient,
        }


class ExtractionError(OuchHungryError):
    """The source system could not be read, or returned something unusable."""

    category = "extraction"


class DataQualityError(OuchHungryError):
    """A check failed or the data is inconsistent (conservation, reconciliation, PII)."""

    category = "data_quality"


class ConnectivityError(OuchHungryError, ConnectionError):
    """SFTP / API / SMTP unreachable, authentication refused, or host key not trusted.

    Subclasses the built-in ``ConnectionError`` (so ``except ConnectionError``
    catches it) instead of shadowing the name.
    """

    category = "connectivity"


class DeliveryError(OuchHungryError):
    """The partner's system was reached but rejected or corrupted the delivery."""

    category = "delivery"


class ConfigurationError(OuchHungryError):
    """A contract, environment variable or setting is missing or invalid."""

    category = "configuration"


@dataclass(frozen=True)
class ErrorSummary:
    """What an alert needs from any exception, platform error or not."""

    error_class: str
    category: str
    severity: str
    what: str
    detail: str
    hint: str
    partner: str | None = None
    partition: str | None = None


def summarize_error(exc: BaseException) -> ErrorSummary:
    if isinstance(exc, OuchHungryError):
        return ErrorSummary(
            error_class=type(exc).__name__,
            category=exc.category,
            severity=exc.severity.value,
            what=exc.what,
            detail=exc.detail or "",
            hint=exc.hint or "",
            partner=exc.partner,
            partition=exc.partition,
        )
    return ErrorSummary(
        error_class=type(exc).__name__,
        category="unexpected",
        severity=Severity.ERROR.value,
        what=str(exc) or type(exc).__name__,
        detail="",
        hint="Unexpected error: read the run's logs and the stack trace in the Dagster UI.",
        partner=None,
        partition=None,
    )
