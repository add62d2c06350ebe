"""Dagster wiring against the emulator, with a real temporary Dagster instance."""

from __future__ import annotations

from collections.abc import Iterator

import dagster as dg
import pytest

from ouchhungry_dp.defs.platform.powerbi import (
    build_auto_refresh_sensor,
    powerbi_datasets_healthy,
    powerbi_refresh_alert,
    powerbi_refresh_health,
)
from ouchhungry_dp.lib.resources.powerbi import PowerBIResource
from ouchhungry_dp.monitoring.powerbi.powerbi_settings import MonitoredDataset, MonitoredDatasets
from ouchhungry_dp.sandbox.company_cloud.powerbi_server import PowerBIEmulator

WORKSPACE = "11111111-2222-3333-4444-555555555555"
SALES = MonitoredDataset(
    name="partner_sales",
    workspace_id=WORKSPACE,
    dataset_id="ds-sales",
    capacity="shared",
    reads=("ouchhungry_sales_daily", "ouchhungry_sales_monthly_by_city"),
    daily_refresh_budget=8,
)
MONITORED = MonitoredDatasets(timezone="America/Sao_Paulo", datasets=(SALES,))


@pytest.fixture
def real_emulator() -> Iterator[PowerBIEmulator]:
    with PowerBIEmulator() as server:  # real clock: refreshes take 0 s here
        yield server


@pytest.fixture
def resource(real_emulator: PowerBIEmulator) -> PowerBIResource:
    env = real_emulator.env()
    return PowerBIResource(
        tenant_id=env["POWERBI_TENANT_ID"],
        client_id=env["POWERBI_CLIENT_ID"],
        client_secret=env["POWERBI_CLIENT_SECRET"],
        api_base_url=env["POWERBI_API_BASE_URL"],
        authority_url=env["POWERBI_AUTHORITY_URL"],
        http_backoff_base_s=0,
        refresh_backoff_base_s=0,
        refresh_backoff_max_s=0,
    )


@pytest.fixture
def instance() -> Iterator[dg.DagsterInstance]:
    with dg.instance_for_test() as temporary:
        yield temporary


class SensorDriver:
    def __init__(self, instance: dg.DagsterInstance, resource: PowerBIResource) -> None:
        self.sensor = build_auto_refresh_sensor(MONITORED)
        self.instance = instance
        self.resource = resource
        self.cursor: str | None = None
        self.run_requests: list[dg.RunRequest] = []

    def tick(self) -> None:
        context = dg.build_sensor_context(
            instance=self.instance, cursor=self.cursor, resources={"powerbi": self.resource}
        )
        result = self.sensor(context)
        assert isinstance(result, dg.SensorResult)
        self.cursor = result.cursor
        self.run_requests += list(result.run_requests or [])


def materialize_upstream(instance: dg.DagsterInstance, key: str) -> None:
    instance.report_runless_asset_event(dg.AssetMaterialization(asset_key=key))


def test_sensor_refreshes_once_per_upstream_change(
    real_emulator: PowerBIEmulator, resource: PowerBIResource, instance: dg.DagsterInstance
) -> None:
    real_emulator.add_dataset(WORKSPACE, "ds-sales")
    driver = SensorDriver(instance, resource)
    driver.tick()  # baseline
    materialize_upstream(instance, "ouchhungry_sales_daily")
    materialize_upstream(instance, "ouchhungry_sales_monthly_by_city")
    for _ in range(4):
        driver.tick()
    assert real_emulator.api_refresh_count("ds-sales") == 1
    materialize_upstream(instance, "ouchhungry_sales_daily")
    for _ in range(3):
        driver.tick()
    assert real_emulator.api_refresh_count("ds-sales") == 2
    assert driver.run_requests == []


def test_sensor_ignores_unrelated_assets(
    real_emulator: PowerBIEmulator, resource: PowerBIResource, instance: dg.DagsterInstance
) -> None:
    real_emulator.add_dataset(WORKSPACE, "ds-sales")
    driver = SensorDriver(instance, resource)
    driver.tick()
    materialize_upstream(instance, "raw_transactions")
    driver.tick()
    driver.tick()
    assert real_emulator.api_refresh_count("ds-sales") == 0


def test_permanent_failure_launches_one_failing_alert_run(
    real_emulator: PowerBIEmulator, resource: PowerBIResource, instance: dg.DagsterInstance
) -> None:
    real_emulator.add_dataset(
        WORKSPACE, "ds-sales", permanent_error="DM_GWPipeline_Client_GatewayUnreachable"
    )
    driver = SensorDriver(instance, resource)
    driver.tick()
    materialize_upstream(instance, "ouchhungry_sales_daily")
    for _ in range(5):
        driver.tick()
    assert real_emulator.api_refresh_count("ds-sales") == 1
    assert len(driver.run_requests) == 1
    request = driver.run_requests[0]
    assert request.job_name == "powerbi_refresh_alert"
    assert request.tags["powerbi/alert_kind"] == "permanent_failure"
    result = powerbi_refresh_alert.execute_in_process(
        run_config=request.run_config, instance=instance, raise_on_error=False
    )
    assert not result.success
    failure = result.failure_data_for_node("powerbi_refresh_alert_op")
    assert failure is not None and failure.error is not None
    cause = failure.error.cause  # Dagster wraps the op's exception in a step error
    assert cause is not None and cause.cls_name == "ConnectivityError"
    message = cause.message
    assert "partner_sales" in message and "gateway" in message.lower() and "hint" in message


def test_transient_failure_recovers_without_alert(
    real_emulator: PowerBIEmulator, resource: PowerBIResource, instance: dg.DagsterInstance
) -> None:
    real_emulator.add_dataset(
        WORKSPACE, "ds-sales", transient_failures=["ModelRefresh_ShortMessage_TimeoutError"]
    )
    driver = SensorDriver(instance, resource)
    driver.tick()
    materialize_upstream(instance, "ouchhungry_sales_daily")
    for _ in range(4):
        driver.tick()
    refreshes = real_emulator.dataset("ds-sales").refreshes
    assert [r.error_code for r in refreshes] == ["ModelRefresh_ShortMessage_TimeoutError", None]
    assert driver.run_requests == []


def test_health_asset_and_check_materialize(
    real_emulator: PowerBIEmulator, resource: PowerBIResource, instance: dg.DagsterInstance
) -> None:
    from ouchhungry_dp.monitoring.powerbi.powerbi_settings import load_monitored_datasets

    configured = load_monitored_datasets().datasets
    now = real_emulator.clock()
    for ds in configured:
        real_emulator.add_dataset(ds.workspace_id, ds.dataset_id)
    first = configured[0].dataset_id
    real_emulator.add_history(first, "Scheduled", now - 7200, 300, None)
    real_emulator.add_history(
        first, "Scheduled", now - 3600, 60, "DMTS_OAuthTokenRefreshFailedError"
    )
    result = dg.materialize(
        [powerbi_refresh_health, powerbi_datasets_healthy],
        resources={"powerbi": resource},
        instance=instance,
    )
    assert result.success
    health = result.output_for_node("powerbi_refresh_health")
    assert sorted(health["dataset"]) == sorted(ds.name for ds in configured)
    row = health.set_index("dataset").loc[configured[0].name]
    assert row["last_status"] == "Failed" and row["last_error_cause"] == "credentials"
    assert row["success_rate"] == 0.5
    checks = result.get_asset_check_evaluations()
    assert len(checks) == 1 and not checks[0].passed


def test_unknown_dataset_alerts_with_a_daily_run_key(
    real_emulator: PowerBIEmulator, resource: PowerBIResource, instance: dg.DagsterInstance
) -> None:
    driver = SensorDriver(instance, resource)  # ds-sales never added: Power BI answers 404
    driver.tick()
    driver.tick()
    assert {r.tags["powerbi/alert_kind"] for r in driver.run_requests} == {"api_error"}
    assert len({r.run_key for r in driver.run_requests}) == 1  # Dagster dedupes by run key
    assert (
        "datasets.yaml"
        in driver.run_requests[0].run_config["ops"]["powerbi_refresh_alert_op"]["config"]["hint"]
    )
