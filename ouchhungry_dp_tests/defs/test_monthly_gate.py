"""The monthly delivery waits until every day of its month was delivered."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import dagster as dg

from ouchhungry_dp import file_names
from ouchhungry_dp.defs.delivery.partner_jobs import last_complete_month
from ouchhungry_dp.lib.execution.partitions import daily_partitions
from ouchhungry_dp.partners.contract import get_contract

CONTRACT = get_contract("ouchhungry")


def _code_location() -> dg.Definitions:
    from ouchhungry_dp.definitions import defs

    return defs


def _deliver(instance: dg.DagsterInstance, days: list[str]) -> None:
    for day in days:
        instance.report_runless_asset_event(dg.AssetMaterialization(
            asset_key=f"{CONTRACT.id}_daily_email_notification", partition=day))


def _days_of(month: str) -> list[str]:
    first, last = file_names.month_bounds(month)
    return daily_partitions.get_partition_keys_in_range(
        dg.PartitionKeyRange(first.isoformat(), last.isoformat()))


def test_month_with_a_missing_day_is_skipped_then_launched_once_complete() -> None:
    month = last_complete_month(None)
    assert month is not None
    days = _days_of(month)
    defs = _code_location()
    sensor = defs.get_sensor_def(f"{CONTRACT.id}_monthly_catch_up")
    with dg.instance_for_test() as instance:
        _deliver(instance, days[:-1])
        skipped = sensor.evaluate_tick(dg.build_sensor_context(instance=instance,
                                                               definitions=defs))
        assert not skipped.run_requests
        assert days[-1] in (skipped.skip_message or "")

        _deliver(instance, days[-1:])
        launched = sensor.evaluate_tick(dg.build_sensor_context(instance=instance,
                                                                definitions=defs))
        (request,) = launched.run_requests
        assert request.partition_key == month
        assert request.run_key == f"{CONTRACT.id}-monthly-{month}"

        # Delivered (by the schedule or by this sensor): neither launches it again.
        instance.report_runless_asset_event(dg.AssetMaterialization(
            asset_key=f"{CONTRACT.id}_monthly_email_notification", partition=month))
        for name in (f"{CONTRACT.id}_monthly_catch_up",):
            again = defs.get_sensor_def(name).evaluate_tick(
                dg.build_sensor_context(instance=instance, definitions=defs))
            assert not again.run_requests and "already delivered" in (again.skip_message or "")
        schedule = defs.get_schedule_def(f"{CONTRACT.id}_monthly_schedule")
        day_one = file_names.month_bounds(month)[1] + dt.timedelta(days=1)
        at = dt.datetime.combine(day_one, dt.time(7), tzinfo=ZoneInfo("America/Sao_Paulo"))
        tick = schedule.evaluate_tick(
            dg.build_schedule_context(instance=instance, scheduled_execution_time=at))
        assert not tick.run_requests and "already delivered" in (tick.skip_message or "")


def test_last_complete_month_is_never_the_current_one() -> None:
    keys = [k for k in (last_complete_month(None),) if k]
    assert keys and keys[0] < dg.MonthlyPartitionsDefinition(
        start_date="2026-01-01", timezone="America/Sao_Paulo", end_offset=1
    ).get_last_partition_key()
