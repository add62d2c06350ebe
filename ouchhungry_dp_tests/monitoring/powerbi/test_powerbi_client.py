from __future__ import annotations

import pytest

from ouchhungry_dp.errors import ConfigurationError, ConnectivityError
from ouchhungry_dp.monitoring.powerbi.client import PowerBIClient
from ouchhungry_dp.monitoring.powerbi.powerbi_settings import PowerBISettings
from ouchhungry_dp.sandbox.company_cloud.powerbi_server import PowerBIEmulator

WORKSPACE = "11111111-2222-3333-4444-555555555555"


def test_trigger_returns_the_request_id_listed_in_history(
    emulator: PowerBIEmulator, client: PowerBIClient
) -> None:
    emulator.add_dataset(WORKSPACE, "ds-1")
    emulator.start_scheduled_refresh("ds-1")
    request_id = client.trigger_refresh(WORKSPACE, "ds-1")
    history = client.refresh_history(WORKSPACE, "ds-1", top=10)
    ours = [e for e in history if e.request_id == request_id]
    assert len(ours) == 1 and ours[0].refresh_type == "ViaApi"
    assert {e.refresh_type for e in history} == {"ViaApi", "Scheduled"}


def test_top_limits_history_newest_first(emulator: PowerBIEmulator, client: PowerBIClient) -> None:
    emulator.add_dataset(WORKSPACE, "ds-1")
    for hours_ago in (30, 20, 10):
        emulator.add_history("ds-1", "Scheduled", emulator.clock() - hours_ago * 3600, 60, None)
    history = client.refresh_history(WORKSPACE, "ds-1", top=2)
    assert len(history) == 2
    assert history[0].start_time is not None and history[1].start_time is not None
    assert history[0].start_time > history[1].start_time


def test_429_waits_retry_after_then_succeeds(
    emulator: PowerBIEmulator, client: PowerBIClient, sleeps: list[float]
) -> None:
    emulator.add_dataset(WORKSPACE, "ds-1")
    emulator.throttle_next(2, retry_after_s=3)
    assert client.refresh_history(WORKSPACE, "ds-1") == []
    assert sleeps == [3.0, 3.0]
    assert client.retries_done == 2


def test_persistent_429_raises_transient_connectivity_error(
    emulator: PowerBIEmulator, client: PowerBIClient
) -> None:
    emulator.add_dataset(WORKSPACE, "ds-1")
    emulator.throttle_next(10, retry_after_s=1)
    with pytest.raises(ConnectivityError) as caught:
        client.trigger_refresh(WORKSPACE, "ds-1")
    assert caught.value.transient
    assert emulator.api_refresh_count("ds-1") == 0


def test_wrong_secret_is_refused_without_leaking_it(
    emulator: PowerBIEmulator, settings: PowerBISettings
) -> None:
    emulator.add_dataset(WORKSPACE, "ds-1")
    bad = PowerBISettings(
        tenant_id=settings.tenant_id,
        client_id=settings.client_id,
        client_secret="not-the-secret-42",
        api_base_url=settings.api_base_url,
        authority_url=settings.authority_url,
    )
    with PowerBIClient(bad) as api, pytest.raises(ConnectivityError) as caught:
        api.refresh_history(WORKSPACE, "ds-1")
    assert "not-the-secret-42" not in str(caught.value)
    assert "not-the-secret-42" not in repr(bad)


def test_unknown_dataset_is_a_configuration_error(client: PowerBIClient) -> None:
    with pytest.raises(ConfigurationError) as caught:
        client.refresh_history(WORKSPACE, "no-such-dataset")
    assert "datasets.yaml" in (caught.value.hint or "")


def test_schedule_and_dataflow_transactions(
    emulator: PowerBIEmulator, client: PowerBIClient
) -> None:
    emulator.add_dataset(WORKSPACE, "ds-1")
    schedule = client.refresh_schedule(WORKSPACE, "ds-1")
    assert schedule["enabled"] is True and schedule["times"]
    transactions = client.dataflow_transactions(WORKSPACE, "flow-1")
    assert transactions and transactions[0]["id"].startswith("flow-1")


def test_settings_from_env_names_missing_variables() -> None:
    with pytest.raises(ConfigurationError) as caught:
        PowerBISettings.from_env({"POWERBI_TENANT_ID": "t"})
    assert "POWERBI_CLIENT_ID" in str(caught.value)
    assert "POWERBI_CLIENT_SECRET" in str(caught.value)
