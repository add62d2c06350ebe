"""What the code declares is what runs: schedules from the contract, one reading of the
environment, kinds that follow it."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from ouchhungry_dp.defs.delivery.freshness import SENSOR_NAME, freshness_checks
from ouchhungry_dp.defs.delivery.partner_jobs import automation, daily_job, monthly_job
from ouchhungry_dp.errors import ConfigurationError
from ouchhungry_dp.lib.execution.partitions import TIMEZONE
from ouchhungry_dp.lib.resources.by_environment import RESOURCES_BY_ENV, refuse_local_only_in_prod
from ouchhungry_dp.lib.resources.cost_monitoring import BigQueryCostSourceResource
from ouchhungry_dp.lib.resources.simulated_cost_source import SimulatedCostSourceResource
from ouchhungry_dp.lib.warehouse.bigquery_io_manager import BigQueryPartitionIOManager
from ouchhungry_dp.partners.contract import load_contracts
from ouchhungry_dp.settings import current_env

CONTRACTS = load_contracts()


def _schedules(contract) -> dict[str, dg.ScheduleDefinition]:
    schedules, _ = automation(contract, daily_job(contract), monthly_job(contract))
    return {s.name: s for s in schedules}


@pytest.mark.parametrize("contract", CONTRACTS, ids=lambda c: c.id)
def test_schedules_run_at_the_contracts_cron_and_timezone(contract) -> None:
    schedules = _schedules(contract)
    daily = schedules[f"{contract.id}_daily_schedule"]
    monthly = schedules[f"{contract.id}_monthly_schedule"]
    assert (daily.cron_schedule, daily.execution_timezone) == (
        contract.sla.daily_cron, contract.sla.timezone)
    assert (monthly.cron_schedule, monthly.execution_timezone) == (
        contract.sla.monthly_cron, contract.sla.timezone)


def test_an_edited_contract_cron_is_the_cron_that_runs() -> None:
    contract = CONTRACTS[0]
    edited = contract.model_copy(update={"sla": contract.sla.model_copy(
        update={"daily_cron": "30 5 * * *", "monthly_cron": "15 4 2 * *"})})
    schedules = _schedules(edited)
    assert schedules[f"{edited.id}_daily_schedule"].cron_schedule == "30 5 * * *"
    assert schedules[f"{edited.id}_monthly_schedule"].cron_schedule == "15 4 2 * *"


def test_the_daily_tick_delivers_the_previous_local_day() -> None:
    from ouchhungry_dp.definitions import defs

    contract = CONTRACTS[0]
    daily = defs.get_schedule_def(f"{contract.id}_daily_schedule")
    # 06:00 in São Paulo on the 29th is 09:00 UTC: the 28th is delivered.
    tick = dt.datetime(2026, 11, 29, 6, 0, tzinfo=ZoneInfo(TIMEZONE))
    with dg.instance_for_test() as instance:
        context = dg.build_schedule_context(instance=instance, scheduled_execution_time=tick,
                                            repository_def=defs.get_repository_def())
        request = daily.evaluate_tick(context).run_requests[0]
    assert request.partition_key == "2026-11-28"
    assert request.run_key == f"{contract.id}-daily-2026-11-28"


def test_a_contract_in_another_timezone_is_refused() -> None:
    contract = CONTRACTS[0]
    lisbon = contract.model_copy(update={"sla": contract.sla.model_copy(
        update={"timezone": "Europe/Lisbon"})})
    with pytest.raises(ConfigurationError, match=r"sla\.timezone"):
        _schedules(lisbon)


@pytest.mark.parametrize("value", ["prod", "PROD", " Prod "])
def test_the_cost_source_follows_the_one_reading_of_the_environment(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OUCHHUNGRY_ENV", value)
    prod = RESOURCES_BY_ENV[current_env()]()
    assert isinstance(prod["gcp_cost_source"], BigQueryCostSourceResource)
    assert isinstance(prod["io_manager"], BigQueryPartitionIOManager)  # the same reading
    monkeypatch.setenv("OUCHHUNGRY_ENV", "local")
    local = RESOURCES_BY_ENV[current_env()]()
    assert isinstance(local["gcp_cost_source"], SimulatedCostSourceResource)
    with pytest.raises(ConfigurationError, match="local-only SimulatedCostSourceResource"):
        refuse_local_only_in_prod({"gcp_cost_source": local["gcp_cost_source"]})


KINDS_SCRIPT = """
import json
from ouchhungry_dp.defs.platform import costs
print(json.dumps({a.key.to_user_string(): sorted(a.specs_by_key[a.key].kinds)
                  for a in costs.cost_assets}))
"""


@pytest.mark.parametrize(("env", "kind", "not_kind"),
                         [("local", "duckdb", "bigquery"), ("prod", "bigquery", "duckdb")])
def test_warehouse_kinds_follow_the_environment(env: str, kind: str, not_kind: str) -> None:
    # A fresh interpreter: kinds are fixed when the definitions are imported.
    result = subprocess.run([sys.executable, "-c", KINDS_SCRIPT], capture_output=True,
                            text=True, timeout=300, env={**os.environ, "OUCHHUNGRY_ENV": env})
    assert result.returncode == 0, result.stderr[-2000:]
    kinds = json.loads(result.stdout.strip().splitlines()[-1])
    stored = {key: k for key, k in kinds.items() if key != "platform_cost_report"}
    assert stored and all(kind in k and not_kind not in k for k in stored.values()), kinds


def _freshness(delivered: list[str], now: dt.datetime) -> dict[str, bool]:
    """The freshness checks evaluated at ``now`` after ``delivered`` days reached SFTP."""
    from dagster._core.test_utils import freeze_time

    from ouchhungry_dp.lib.execution.partitions import daily_partitions

    contract = CONTRACTS[0]
    checks = freshness_checks(contract)
    specs = [dg.AssetSpec(contract.delivery_asset("daily", ch), partitions_def=daily_partitions)
             for ch in ("sftp", "api")]
    with dg.instance_for_test() as instance, freeze_time(now):
        for day in delivered:
            instance.report_runless_asset_event(dg.AssetMaterialization(
                asset_key=contract.delivery_asset("daily", "sftp"), partition=day))
        result = dg.materialize([*specs, *checks], instance=instance,
                                selection=dg.AssetSelection.checks(*checks))
    return {e.asset_key.to_user_string(): e.passed
            for e in result.get_asset_check_evaluations()}


def test_a_late_day_shows_on_the_delivery_assets_health_after_the_contract_deadline() -> None:
    contract = CONTRACTS[0]
    sftp, api = (contract.delivery_asset("daily", ch) for ch in ("sftp", "api"))
    by, tz = contract.sla.daily_available_by, ZoneInfo(contract.sla.timezone)
    hours, minutes = (int(x) for x in by.split(":"))
    after = dt.datetime(2026, 11, 29, hours, minutes, tzinfo=tz) + dt.timedelta(minutes=1)
    # The 28th reached SFTP but not the API by the deadline: only the API check fails.
    assert _freshness(["2026-11-28"], after) == {sftp: True, api: False}
    # Before the deadline the 28th is not due yet: the 27th is what must be there.
    before = after - dt.timedelta(minutes=2)
    assert _freshness(["2026-11-27"], before)[sftp] is True
    assert _freshness(["2026-11-26"], before)[sftp] is False


def test_the_freshness_sensor_runs_by_default() -> None:
    from ouchhungry_dp.definitions import defs

    sensor = defs.get_sensor_def(SENSOR_NAME)
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING
