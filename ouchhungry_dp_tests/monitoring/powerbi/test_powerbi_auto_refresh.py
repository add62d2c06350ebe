"""The auto-refresh brain against the real emulator on loopback (manual clock, no sleeping)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ouchhungry_dp.errors import ConfigurationError, ConnectivityError
from ouchhungry_dp.monitoring.powerbi.auto_refresh import (
    AutoRefresher,
    DatasetState,
    RefreshAlert,
    RefreshRetryPolicy,
    dump_states,
    load_states,
)
from ouchhungry_dp.monitoring.powerbi.client import PowerBIClient
from ouchhungry_dp.monitoring.powerbi.powerbi_settings import MonitoredDataset
from ouchhungry_dp.sandbox.company_cloud.powerbi_server import PowerBIEmulator

WORKSPACE = "11111111-2222-3333-4444-555555555555"
TIMEOUT = "ModelRefresh_ShortMessage_TimeoutError"
CREDENTIALS = "DMTS_OAuthTokenRefreshFailedError"


def monitored(budget: int = 8, capacity: str = "shared") -> MonitoredDataset:
    return MonitoredDataset(
        name="partner_sales",
        workspace_id=WORKSPACE,
        dataset_id="ds-sales",
        capacity=capacity,  # type: ignore[arg-type]
        reads=("ouchhungry_sales_daily", "platform_cost_kpis"),
        daily_refresh_budget=budget,
    )


class Harness:
    """Ticks like the sensor does: the state goes through its JSON cursor every time."""

    def __init__(self, client: PowerBIClient, clock, dataset: MonitoredDataset) -> None:
        self.refresher = AutoRefresher(
            client, RefreshRetryPolicy(max_attempts=3, backoff_base_s=600, backoff_max_s=3600)
        )
        self.clock = clock
        self.dataset = dataset
        self.cursor: str | None = None
        self.upstream = {key: 1 for key in dataset.reads}
        self.alerts: list[RefreshAlert] = []
        self.triggered: list[str] = []

    def tick(self) -> None:
        states = load_states(self.cursor)
        state, report = self.refresher.tick(
            self.dataset, states.get(self.dataset.name), dict(self.upstream), self.clock.now()
        )
        states[self.dataset.name] = state
        self.cursor = dump_states(states)
        self.alerts += report.alerts
        self.triggered += report.triggered

    def new_data(self, key: str | None = None) -> None:
        key = key or self.dataset.reads[0]
        self.upstream[key] += 10


@pytest.fixture
def harness(client: PowerBIClient, clock) -> Harness:
    return Harness(client, clock, monitored())


def test_first_tick_is_a_baseline_and_triggers_nothing(
    emulator: PowerBIEmulator, harness: Harness
) -> None:
    emulator.add_dataset(WORKSPACE, "ds-sales")
    harness.tick()
    harness.tick()
    assert emulator.api_refresh_count("ds-sales") == 0


def test_new_upstream_data_triggers_exactly_one_refresh(
    emulator: PowerBIEmulator, harness: Harness, clock
) -> None:
    emulator.add_dataset(WORKSPACE, "ds-sales", duration_s=120)
    harness.tick()
    # Both upstream assets land between two ticks: one refresh covers both.
    harness.new_data("ouchhungry_sales_daily")
    harness.new_data("platform_cost_kpis")
    for _ in range(6):
        harness.tick()
        clock.advance(minutes=1)
    for _ in range(5):
        clock.advance(minutes=10)
        harness.tick()
    assert emulator.api_refresh_count("ds-sales") == 1
    assert len(harness.triggered) == 1
    state = load_states(harness.cursor)["partner_sales"]
    assert state.pending is None and not state.dirty
    assert harness.alerts == []


def test_transient_failure_is_retried_with_backoff_and_recovers(
    emulator: PowerBIEmulator, harness: Harness, clock
) -> None:
    emulator.add_dataset(WORKSPACE, "ds-sales", duration_s=60, transient_failures=[TIMEOUT])
    harness.tick()
    harness.new_data()
    harness.tick()  # attempt 1 (will fail with a timeout)
    clock.advance(minutes=2)
    harness.tick()  # sees the failure, schedules the retry in 600 s
    assert emulator.api_refresh_count("ds-sales") == 1
    clock.advance(minutes=5)
    harness.tick()  # still inside the backoff
    assert emulator.api_refresh_count("ds-sales") == 1
    clock.advance(minutes=6)
    harness.tick()  # backoff over: attempt 2
    assert emulator.api_refresh_count("ds-sales") == 2
    clock.advance(minutes=2)
    harness.tick()
    statuses = [r.error_code for r in emulator.dataset("ds-sales").refreshes]
    assert statuses == [TIMEOUT, None]
    state = load_states(harness.cursor)["partner_sales"]
    assert not state.dirty and state.pending is None and state.attempts == 0
    assert harness.alerts == []


def test_transient_failures_stop_after_max_attempts_and_alert_once(
    emulator: PowerBIEmulator, harness: Harness, clock
) -> None:
    emulator.add_dataset(WORKSPACE, "ds-sales", transient_failures=[TIMEOUT] * 10)
    harness.tick()
    harness.new_data()
    for _ in range(20):
        harness.tick()
        clock.advance(minutes=30)
    assert emulator.api_refresh_count("ds-sales") == 3
    assert [a.kind for a in harness.alerts] == ["retries_exhausted"]


def test_permanent_failure_alerts_once_and_is_not_retried(
    emulator: PowerBIEmulator, harness: Harness, clock
) -> None:
    emulator.add_dataset(WORKSPACE, "ds-sales", permanent_error=CREDENTIALS)
    harness.tick()
    harness.new_data()
    for _ in range(10):
        harness.tick()
        clock.advance(minutes=20)
    assert emulator.api_refresh_count("ds-sales") == 1
    assert len(harness.alerts) == 1
    alert = harness.alerts[0]
    assert (alert.kind, alert.cause, alert.error_code) == (
        "permanent_failure",
        "credentials",
        CREDENTIALS,
    )
    error = alert.to_error()
    assert isinstance(error, ConnectivityError) and "credentials" in (error.hint or "")


def test_budget_is_never_exceeded_and_exhaustion_alerts_once(
    emulator: PowerBIEmulator, harness: Harness, clock
) -> None:
    emulator.add_dataset(WORKSPACE, "ds-sales", duration_s=60)
    # Power BI's own schedule already spent 5 of the 8 refreshes of the last 24 h.
    for hours_ago in (20, 16, 12, 8, 4):
        emulator.add_history("ds-sales", "Scheduled", clock.ts() - hours_ago * 3600, 60, None)
    harness.tick()
    for _ in range(40):  # new data every 30 minutes for 20 hours
        harness.new_data()
        harness.tick()
        clock.advance(minutes=5)
        harness.tick()
        clock.advance(minutes=25)
    starts = sorted(r.start_ts for r in emulator.dataset("ds-sales").refreshes)
    worst_window = max(
        sum(1 for other in starts if start <= other < start + 24 * 3600) for start in starts
    )
    assert worst_window <= 8
    assert emulator.dataset("ds-sales").rejected_over_limit == 0
    assert emulator.api_refresh_count("ds-sales") > 3  # the window slid and freed budget
    budget_alerts = [a for a in harness.alerts if a.kind == "budget_exhausted"]
    assert budget_alerts and len({a.key for a in budget_alerts}) == len(budget_alerts)
    assert isinstance(budget_alerts[0].to_error(), ConfigurationError)


def test_concurrent_scheduled_refresh_is_not_taken_for_ours(
    emulator: PowerBIEmulator, harness: Harness, clock
) -> None:
    emulator.add_dataset(WORKSPACE, "ds-sales", duration_s=1800)
    harness.tick()
    harness.new_data()
    harness.tick()
    ours = harness.triggered[0]
    # Power BI's schedule starts another refresh that fails fast, then one that completes.
    emulator.start_scheduled_refresh("ds-sales", error_code=CREDENTIALS, duration_s=30)
    clock.advance(minutes=2)
    harness.tick()
    emulator.start_scheduled_refresh("ds-sales", duration_s=30)
    clock.advance(minutes=2)
    harness.tick()
    state = load_states(harness.cursor)["partner_sales"]
    assert state.pending is not None and state.pending.request_id == ours
    assert state.dirty  # the scheduled completion did not count as ours
    assert harness.alerts == []  # nor did the scheduled failure
    clock.advance(minutes=30)
    harness.tick()
    state = load_states(harness.cursor)["partner_sales"]
    assert state.pending is None and not state.dirty
    assert emulator.api_refresh_count("ds-sales") == 1 and harness.alerts == []


def test_waits_while_a_scheduled_refresh_runs(
    emulator: PowerBIEmulator, harness: Harness, clock
) -> None:
    emulator.add_dataset(WORKSPACE, "ds-sales")
    harness.tick()
    emulator.start_scheduled_refresh("ds-sales", duration_s=600)
    harness.new_data()
    harness.tick()
    assert emulator.api_refresh_count("ds-sales") == 0
    clock.advance(minutes=11)
    harness.tick()
    assert emulator.api_refresh_count("ds-sales") == 1


def test_state_round_trips_through_the_cursor() -> None:
    state = DatasetState(covered={"a": 1}, wanted={"a": 2}, reported=["k"])
    again = load_states(dump_states({"x": state}))["x"]
    assert again == state and again.dirty


def test_retry_delay_grows_and_is_capped() -> None:
    policy = RefreshRetryPolicy(max_attempts=5, backoff_base_s=10, backoff_max_s=35)
    assert [policy.delay_after(n) for n in (1, 2, 3, 4)] == [10, 20, 35, 35]
    assert timedelta(seconds=policy.delay_after(1)) == timedelta(seconds=10)


def test_refresh_never_listed_is_retried_after_the_lost_timeout(
    emulator: PowerBIEmulator, harness: Harness, clock
) -> None:
    emulator.add_dataset(WORKSPACE, "ds-sales")
    harness.tick()
    harness.new_data()
    harness.tick()
    emulator.dataset("ds-sales").refreshes.clear()  # Power BI lost our refresh
    clock.advance(hours=1)
    harness.tick()
    assert emulator.api_refresh_count("ds-sales") == 0  # still waiting
    clock.advance(hours=6)
    harness.tick()  # declared lost: transient, retry scheduled
    clock.advance(minutes=11)
    harness.tick()
    assert emulator.api_refresh_count("ds-sales") == 1 and harness.alerts == []
