"""Run failures -> incidents.

The Dagster layer turns each failed run into a ``RunFailure`` (plain data); this
module parses the platform error out of the failure message, and groups failures
that are the same incident: the same job, step and error (partition dates and
numbers ignored) within the same backfill or retry chain.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ouchhungry_dp import errors
from ouchhungry_dp.alerts.model import Alert, AlertKind, Occurrence
from ouchhungry_dp.alerts.redact import redact

_QUALIFIED_PREFIX = re.compile(r"^(?:[A-Za-z_][\w]*\.)*(?P<cls>[A-Za-z_]\w*): ", re.S)
_PLATFORM = re.compile(
    r"^\[(?P<category>[a-z_]+)\] (?P<what>.*?)"
    r"(?: \((?P<scope>(?:partner|partition)=[^()]*)\))?"
    r"(?:: (?P<detail>.*?))?"
    r"(?: \| hint: (?P<hint>.*))?$",
    re.S,
)
_DATE = re.compile(r"\d{4}-\d{2}(?:-\d{2})?")
_NUMBER = re.compile(r"\d+")

BLOCKING_CHECK_ERROR = "DagsterAssetCheckFailedError"


# The same facts the taxonomy gives for a live exception, here read back from an event.
ErrorFacts = errors.ErrorSummary


def _platform_class(name: str) -> type[errors.OuchHungryError] | None:
    candidate = getattr(errors, name, None)
    if isinstance(candidate, type) and issubclass(candidate, errors.OuchHungryError):
        return candidate
    return None


def parse_error(error_class: str, message: str) -> ErrorFacts:
    """Facts of an error from its class name and ``traceback``-style message.

    Platform errors render as ``[category] what (partner=.., partition=..): detail |
    hint: ..`` (see ``OuchHungryError._render``); anything else is ``unexpected``.
    """
    text = message.strip()
    prefix = _QUALIFIED_PREFIX.match(text)
    if prefix and prefix.group("cls") == error_class:
        text = text[prefix.end() :]
    platform = _platform_class(error_class)
    match = _PLATFORM.match(text) if platform else None
    if platform is None or match is None:
        summary = errors.summarize_error(RuntimeError(text.splitlines()[0] if text else ""))
        return ErrorFacts(
            error_class=error_class,
            category="unexpected",
            severity=errors.Severity.ERROR.value,
            what=redact(summary.what, 200) or error_class,
            detail=redact(text),
            hint=summary.hint,
        )
    scope = dict(
        part.split("=", 1) for part in (match.group("scope") or "").split(", ") if "=" in part
    )
    return ErrorFacts(
        error_class=error_class,
        category=match.group("category"),
        severity=platform.severity.value,
        what=redact(match.group("what"), 200),
        detail=redact(match.group("detail") or ""),
        hint=redact(match.group("hint") or "", 500),
        partner=scope.get("partner"),
        partition=scope.get("partition"),
    )


@dataclass(frozen=True)
class RunFailure:
    run_id: str
    job_name: str
    timestamp: float
    error: ErrorFacts
    step: str | None = None
    partition: str | None = None
    backfill_id: str | None = None
    root_run_id: str | None = None
    run_url: str | None = None

    @property
    def scope(self) -> str:
        if self.backfill_id:
            return f"backfill:{self.backfill_id}"
        return f"run:{self.root_run_id or self.run_id}"

    @property
    def signature(self) -> str:
        """Same job, step and error, ignoring dates and numbers (they vary per partition)."""
        what = _NUMBER.sub("#", _DATE.sub("<date>", self.error.what))
        raw = "|".join((self.job_name, self.step or "", self.error.error_class, what))
        return hashlib.sha256(raw.encode()).hexdigest()[:16]

    @property
    def incident_key(self) -> str:
        return f"run-failure/{self.scope}/{self.signature}"


def group_run_failures(
    failures: Iterable[RunFailure], *, backfill_url: Callable[[str], str] | None = None
) -> list[Alert]:
    """One alert per incident key, oldest incident first."""
    groups: dict[str, list[RunFailure]] = {}
    for failure in sorted(failures, key=lambda f: f.timestamp):
        groups.setdefault(failure.incident_key, []).append(failure)
    return [_alert_for(group, backfill_url) for group in groups.values()]


def _alert_for(group: list[RunFailure], backfill_url: Callable[[str], str] | None) -> Alert:
    first = group[0]
    err = first.error
    occurrences = tuple(
        Occurrence(
            partition=f.partition or f.error.partition,
            run_id=f.run_id,
            run_url=f.run_url,
            job_name=f.job_name,
            step=f.step,
            message=f.error.detail,
        )
        for f in group
    )
    links = [(f"run {f.run_id[:8]}", f.run_url) for f in group[:5] if f.run_url]
    if first.backfill_id and backfill_url:
        links.insert(0, (f"backfill {first.backfill_id}", backfill_url(first.backfill_id)))
    note = ""
    if first.backfill_id:
        note = (
            f"{len(group)} run(s) of backfill {first.backfill_id} failed the same way; "
            "they are grouped in this single e-mail."
        )
    title = err.what if err.category != "unexpected" else f"{first.job_name} failed"
    return Alert(
        kind=AlertKind.RUN_FAILURE,
        severity=err.severity,
        category=err.category,
        title=title,
        incident_key=first.incident_key,
        partner=err.partner,
        job_name=first.job_name,
        step=first.step,
        error_class=err.error_class,
        message=err.detail or err.what,
        hint=err.hint,
        occurrences=occurrences,
        links=tuple((label, url) for label, url in links if url),
        note=note,
    )
