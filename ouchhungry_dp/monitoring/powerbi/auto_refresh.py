"""Event-driven, budgeted auto-refresh of Power BI datasets (the sensor's brain, no Dagster).

One ``tick`` per dataset:

1. New upstream data = an upstream asset's latest materialization id moved past what
   the last successful refresh covered. Several new materializations between ticks
   ask for ONE refresh.
2. Our refresh is followed by the request id Power BI returned for our POST; a
   concurrent scheduled (or manual) refresh has another request id and is never
   taken for ours. While any refresh is running we wait rather than pile on.
3. Transient failures (throttling, timeout, capacity) are retried with exponential
   backoff up to ``max_attempts``; permanent ones (credentials, schema, gateway,
   unknown) are alerted once and not retried.
4. Budget: a refresh is started only if fewer than ``daily_refresh_budget`` refreshes
   (all types, ours still unseen included) started in the trailing 24 hours. A rolling
   window is stricter than Power BI's calendar day, whichever time zone it uses: every
   24-hour window, hence every calendar day, stays within the budget.

The state is a small JSON document (the Dagster sensor keeps it in its cursor), so a
restart neither forgets a pending refresh nor re-sends an alert.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from ouchhungry_dp.errors import (
    ConfigurationError,
    ConnectivityError,
    DataQualityError,
    DeliveryError,
    OuchHungryError,
)
from ouchhungry_dp.monitoring.powerbi.classification import classify_failure
from ouchhungry_dp.monitoring.powerbi.models import COMPLETED, IN_PROGRESS, RefreshEntry
from ouchhungry_dp.monitoring.powerbi.powerbi_settings import MonitoredDataset

BUDGET_WINDOW = timedelta(hours=24)
MAX_REMEMBERED = 200  # alert keys / request ids kept in the cursor
LOST_AFTER_S = 6 * 3600  # longer than Power BI's default refresh timeout (5 h on Premium)


class RefreshApi(Protocol):
    def refresh_history(
        self, workspace_id: str, dataset_id: str, top: int = 60
    ) -> list[RefreshEntry]: ...

    def trigger_refresh(self, workspace_id: str, dataset_id: str) -> str: ...


@dataclass(frozen=True)
class RefreshRetryPolicy:
    max_attempts: int = 3
    backoff_base_s: float = 300.0
    backoff_max_s: float = 3600.0

    def delay_after(self, attempt: int) -> float:
        return min(self.backoff_base_s * 2 ** (attempt - 1), self.backoff_max_s)


@dataclass
class PendingRefresh:
    request_id: str
    triggered_at: float
    attempt: int
    covers: dict[str, int]


@dataclass
class DatasetState:
    covered: dict[str, int] = field(default_factory=dict)  # upstream ids the model holds
    wanted: dict[str, int] = field(default_factory=dict)  # latest upstream ids seen
    pending: PendingRefresh | None = None
    attempts: int = 0  # attempts spent on the current `wanted`
    retry_at: float | None = None
    our_request_ids: list[str] = field(default_factory=list)
    reported: list[str] = field(default_factory=list)

    @property
    def dirty(self) -> bool:
        return any(mark > self.covered.get(key, -1) for key, mark in self.wanted.items())


@dataclass(frozen=True)
class RefreshAlert:
    key: str  # stable id: the same problem never alerts twice
    dataset: str
    kind: str  # permanent_failure | retries_exhausted | budget_exhausted | trigger_refused
    cause: str
    error_code: str
    hint: str
    request_id: str = ""
    detail: str = ""

    def to_error(self) -> OuchHungryError:
        what = f"Power BI dataset '{self.dataset}': {self.kind.replace('_', ' ')}"
        detail = "; ".join(
            part
            for part in (
                f"cause={self.cause}" if self.cause else "",
                f"errorCode={self.error_code}" if self.error_code else "",
                f"requestId={self.request_id}" if self.request_id else "",
                self.detail,
            )
            if part
        )
        error_class: type[OuchHungryError] = DeliveryError
        if self.kind == "budget_exhausted":
            error_class = ConfigurationError
        elif self.cause in ("credentials", "gateway"):
            error_class = ConnectivityError
        elif self.cause == "schema":
            error_class = DataQualityError
        return error_class(what, detail=detail, hint=self.hint)


@dataclass
class TickReport:
    dataset: str
    triggered: list[str] = field(default_factory=list)
    alerts: list[RefreshAlert] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    budget_used: int = 0


def _remember(items: list[str], item: str) -> None:
    items.append(item)
    del items[:-MAX_REMEMBERED]


class AutoRefresher:
    def __init__(
        self, api: RefreshApi, retry: RefreshRetryPolicy | None = None, timezone: str = "UTC"
    ) -> None:
        self.api = api
        self.retry = retry or RefreshRetryPolicy()
        self.tz = ZoneInfo(timezone)

    def tick(
        self,
        dataset: MonitoredDataset,
        state: DatasetState | None,
        upstream: dict[str, int],
        now: datetime,
    ) -> tuple[DatasetState, TickReport]:
        report = TickReport(dataset=dataset.name)
        if state is None:
            # First sight of this dataset: take today's data as the baseline instead of
            # refreshing everything at deploy time (Power BI's own schedule covered it).
            report.notes.append("baseline recorded; next upstream change triggers a refresh")
            return DatasetState(covered=dict(upstream), wanted=dict(upstream)), report
        for key, mark in upstream.items():
            if mark > state.wanted.get(key, -1):
                state.wanted[key] = mark
        history = self.api.refresh_history(dataset.workspace_id, dataset.dataset_id, top=60)
        if state.pending is not None:
            self._follow_pending(dataset, state, history, now, report)
        if state.pending is None and state.dirty:
            self._maybe_trigger(dataset, state, history, now, report)
        return state, report

    def _alert(self, state: DatasetState, report: TickReport, alert: RefreshAlert) -> None:
        if alert.key in state.reported:
            return
        _remember(state.reported, alert.key)
        report.alerts.append(alert)

    def _follow_pending(
        self,
        dataset: MonitoredDataset,
        state: DatasetState,
        history: list[RefreshEntry],
        now: datetime,
        report: TickReport,
    ) -> None:
        pending = state.pending
        assert pending is not None
        ours = next((e for e in history if e.request_id == pending.request_id), None)
        if ours is None and now.timestamp() - pending.triggered_at > LOST_AFTER_S:
            # Accepted but never listed: treat as a transient failure rather than wait forever.
            ours = RefreshEntry(
                pending.request_id,
                "ViaApi",
                "Failed",
                None,
                None,
                '{"errorCode": "RefreshNotListedTimeout"}',
            )
        if ours is None or ours.status == IN_PROGRESS:
            report.notes.append(f"refresh {pending.request_id} still running")
            return
        state.pending = None
        if ours.status == COMPLETED:
            state.covered.update(pending.covers)
            state.attempts = 0
            state.retry_at = None
            report.notes.append(f"refresh {pending.request_id} completed")
            return
        failure = classify_failure(ours.status, ours.service_exception_json)
        if failure.transient and pending.attempt < self.retry.max_attempts:
            delay = self.retry.delay_after(pending.attempt)
            state.retry_at = now.timestamp() + delay
            report.notes.append(
                f"refresh {pending.request_id} failed transiently ({failure.error_code}); "
                f"retry {pending.attempt + 1}/{self.retry.max_attempts} in {delay:.0f}s"
            )
            return
        # Give up on this data: mark it covered so the next upstream change starts afresh
        # instead of looping on a failure a retry cannot cure.
        state.covered.update(pending.covers)
        state.attempts = 0
        state.retry_at = None
        kind = "retries_exhausted" if failure.transient else "permanent_failure"
        self._alert(
            state,
            report,
            RefreshAlert(
                key=f"{dataset.name}:{kind}:{pending.request_id}",
                dataset=dataset.name,
                kind=kind,
                cause=failure.cause,
                error_code=failure.error_code,
                hint=failure.hint
                if not failure.transient
                else f"{self.retry.max_attempts} attempts failed ({failure.cause}): "
                "refresh by hand when the capacity recovers. " + failure.hint,
                request_id=pending.request_id,
            ),
        )

    def _maybe_trigger(
        self,
        dataset: MonitoredDataset,
        state: DatasetState,
        history: list[RefreshEntry],
        now: datetime,
        report: TickReport,
    ) -> None:
        if state.retry_at is not None and now.timestamp() < state.retry_at:
            report.notes.append("waiting for retry backoff")
            return
        running = [e for e in history if e.status == IN_PROGRESS]
        if running:
            report.notes.append(
                f"deferred: a {running[0].refresh_type} refresh is running "
                f"({running[0].request_id})"
            )
            return
        used = self.budget_used(history, state, now)
        report.budget_used = used
        if used >= dataset.daily_refresh_budget:
            local_day = now.astimezone(self.tz).date().isoformat()
            self._alert(
                state,
                report,
                RefreshAlert(
                    key=f"{dataset.name}:budget_exhausted:{local_day}",
                    dataset=dataset.name,
                    kind="budget_exhausted",
                    cause="budget",
                    error_code="",
                    hint=f"{used} refreshes in the last 24 h reached the budget of "
                    f"{dataset.daily_refresh_budget} ({dataset.capacity} capacity): the "
                    "refresh runs when the window frees up; reduce scheduled refreshes or "
                    "move the dataset to Premium.",
                ),
            )
            return
        try:
            request_id = self.api.trigger_refresh(dataset.workspace_id, dataset.dataset_id)
        except OuchHungryError as exc:
            if exc.transient:
                report.notes.append(f"trigger failed transiently, next tick retries: {exc.what}")
                return
            self._alert(
                state,
                report,
                RefreshAlert(
                    key=f"{dataset.name}:trigger_refused:{now.astimezone(self.tz).date()}",
                    dataset=dataset.name,
                    kind="trigger_refused",
                    cause=exc.category,
                    error_code="",
                    hint=exc.hint or "",
                    detail=exc.detail or exc.what,
                ),
            )
            return
        state.attempts += 1
        state.pending = PendingRefresh(
            request_id=request_id,
            triggered_at=now.timestamp(),
            attempt=state.attempts,
            covers=dict(state.wanted),
        )
        state.retry_at = None
        _remember(state.our_request_ids, request_id)
        report.triggered.append(request_id)
        report.budget_used = used + 1

    def budget_used(self, history: list[RefreshEntry], state: DatasetState, now: datetime) -> int:
        since = now - BUDGET_WINDOW
        seen = {e.request_id for e in history}
        in_window = sum(1 for e in history if e.start_time is not None and e.start_time > since)
        # A refresh we started may not be listed yet; it still spends budget.
        unseen_ours = int(state.pending is not None and state.pending.request_id not in seen)
        return in_window + unseen_ours


def dump_states(states: dict[str, DatasetState]) -> str:
    return json.dumps({name: asdict(state) for name, state in states.items()}, sort_keys=True)


def load_states(cursor: str | None) -> dict[str, DatasetState]:
    if not cursor:
        return {}
    raw = json.loads(cursor)
    states: dict[str, DatasetState] = {}
    for name, data in raw.items():
        pending = data.pop("pending", None)
        state = DatasetState(**data)
        state.pending = PendingRefresh(**pending) if pending else None
        states[name] = state
    return states
