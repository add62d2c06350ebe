"""Health figures computed by hand from a small, known refresh history."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from ouchhungry_dp.monitoring.powerbi.models import RefreshEntry
from ouchhungry_dp.monitoring.powerbi.powerbi_settings import MonitoredDataset
from ouchhungry_dp.monitoring.powerbi.refresh_health import refresh_health

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
SALES = MonitoredDataset("sales", "w", "d1", "shared", ("ouchhungry_sales_daily",), 8, 26)
COSTS = MonitoredDataset("costs", "w", "d2", "premium", ("platform_cost_kpis",), 48, 26)


def entry(hours_ago: float, seconds: float, status: str, code: str | None = None) -> RefreshEntry:
    start = NOW - timedelta(hours=hours_ago)
    return RefreshEntry(
        request_id=f"r{hours_ago}",
        refresh_type="Scheduled",
        status=status,
        start_time=start,
        end_time=None if status == "Unknown" else start + timedelta(seconds=seconds),
        service_exception_json=json.dumps({"errorCode": code}) if code else None,
    )


def test_health_figures() -> None:
    history = {
        "sales": [
            entry(30, 100, "Completed"),
            entry(20, 60, "Failed", "TooManyRequests"),
            entry(19, 60, "Failed", "TooManyRequests"),  # same incident
            entry(18, 300, "Completed"),
            entry(10, 60, "Failed", "DMTS_OAuthTokenRefreshFailedError"),
            entry(1, 0, "Unknown"),
        ],
        "costs": [],
    }
    upstream = {"sales": NOW - timedelta(hours=5), "costs": None}
    health = refresh_health([SALES, COSTS], history, upstream, NOW).set_index("dataset")
    sales = health.loc["sales"]
    assert sales["refreshes"] == 6 and sales["last_status"] == "Unknown"
    assert (sales["failures"], sales["transient_failures"], sales["permanent_failures"]) == (
        3,
        2,
        1,
    )
    assert sales["success_rate"] == pytest.approx(2 / 5)  # in-progress refresh excluded
    # incident starts at 20 h ago + 60 s, repaired when the 18 h refresh ended (+300 s)
    assert sales["mttr_minutes"] == pytest.approx((2 * 3600 + 240) / 60)
    assert sales["last_error_cause"] == "credentials"
    assert sales["median_duration_s"] == pytest.approx(200)
    # last success ended 18 h ago; new data landed 5 h ago and still waits
    assert sales["staleness_hours"] == pytest.approx(5)
    assert bool(sales["stale"])
    costs = health.loc["costs"]
    assert costs["refreshes"] == 0 and bool(costs["stale"])  # never refreshed


def test_fresh_dataset_is_not_stale() -> None:
    history = {"sales": [entry(3, 120, "Completed")], "costs": [entry(2, 60, "Completed")]}
    upstream = {"sales": NOW - timedelta(hours=4), "costs": NOW - timedelta(hours=3)}
    health = refresh_health([SALES, COSTS], history, upstream, NOW)
    assert not health["stale"].any()
    assert (health["staleness_hours"] == 0).all()
