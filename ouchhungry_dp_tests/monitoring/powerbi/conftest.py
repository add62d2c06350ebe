"""Fixtures: the Power BI emulator on loopback, with a manual clock shared with the code."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from ouchhungry_dp.monitoring.powerbi.client import PowerBIClient
from ouchhungry_dp.monitoring.powerbi.powerbi_settings import PowerBISettings
from ouchhungry_dp.sandbox.company_cloud.powerbi_server import PowerBIEmulator

WORKSPACE = "11111111-2222-3333-4444-555555555555"


@dataclass
class ManualClock:
    """Shared by the emulator (when refreshes end) and the refresher (its `now`)."""

    current: datetime = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)

    def ts(self) -> float:
        return self.current.timestamp()

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def emulator(clock: ManualClock) -> Iterator[PowerBIEmulator]:
    with PowerBIEmulator(clock=clock.ts) as server:
        yield server


@pytest.fixture
def settings(emulator: PowerBIEmulator) -> PowerBISettings:
    base = PowerBISettings.from_env(emulator.env())
    return PowerBISettings(
        tenant_id=base.tenant_id,
        client_id=base.client_id,
        client_secret=base.client_secret,
        api_base_url=base.api_base_url,
        authority_url=base.authority_url,
        timeout_s=5,
        max_attempts=3,
        backoff_base_s=0.0,
        max_retry_wait_s=5,
    )


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client(settings: PowerBISettings, sleeps: list[float]) -> Iterator[PowerBIClient]:
    with PowerBIClient(settings, sleep=sleeps.append) as api:
        yield api
