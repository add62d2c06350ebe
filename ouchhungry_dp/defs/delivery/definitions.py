import dagster as dg

from ouchhungry_dp.defs.delivery.factory import delivery_assets
from ouchhungry_dp.defs.delivery.jobs import automation, daily_job, monthly_job
from ouchhungry_dp.partners.contract import load_contracts


def _partner_defs() -> dg.Definitions:
    assets, jobs, schedules, sensors = [], [], [], []
    for contract in load_contracts():
        daily, monthly = daily_job(contract), monthly_job(contract)
        partner_schedules, partner_sensors = automation(contract, daily, monthly)
        assets += delivery_assets(contract)
        jobs += [daily, monthly]
        schedules += partner_schedules
        sensors += partner_sensors
    return dg.Definitions(assets=assets, jobs=jobs, schedules=schedules, sensors=sensors)


defs = _partner_defs()
