"""Every partner contract's delivery assets, jobs, schedules, sensors and freshness checks."""

import dagster as dg

from ouchhungry_dp.defs.delivery.delivery_assets import delivery_assets
from ouchhungry_dp.defs.delivery.freshness import freshness_checks, freshness_sensor
from ouchhungry_dp.defs.delivery.partner_jobs import automation, daily_job, monthly_job
from ouchhungry_dp.partners.contract import load_contracts


@dg.definitions
def partner_delivery() -> dg.Definitions:
    assets, jobs, schedules, sensors, checks = [], [], [], [], []
    for contract in load_contracts():
        daily, monthly = daily_job(contract), monthly_job(contract)
        partner_schedules, partner_sensors = automation(contract, daily, monthly)
        assets += delivery_assets(contract)
        jobs += [daily, monthly]
        schedules += partner_schedules
        sensors += partner_sensors
        checks += freshness_checks(contract)
    sensors.append(freshness_sensor(checks))
    return dg.Definitions(assets=assets, asset_checks=checks, jobs=jobs, schedules=schedules,
                          sensors=sensors)

