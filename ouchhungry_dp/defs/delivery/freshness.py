"""The contract's delivery SLA as Dagster freshness checks, so a late day shows in the UI.

The SLA sensor (``defs/alerts``) e-mails the data team when a day is late; these
checks put the same fact on the delivery assets' health in the UI (asset catalog,
lineage, "Checks" tab): the newest day (or month) must be on the partner's SFTP and
API by the contract's deadline (``sla.daily_available_by``, in its timezone).

Daily only, like the SLA sensor: the monthly partitions end one month late
(``end_offset=1``, so the month to date can be built on demand), and Dagster's
check expects the newest partition, i.e. the month still running, which can never
be on time.

Severity WARN: the SLA e-mail is the page; an ERROR here would make the check-alert
sensor send a second e-mail for the same late day (WARN goes to its digest).
"""

from __future__ import annotations

from collections.abc import Sequence

import dagster as dg

from ouchhungry_dp.partners.contract import PartnerContract

CHANNELS = ("sftp", "api")  # where the partner reads the file (the e-mail only announces it)
SENSOR_NAME = "delivery_freshness_checks_sensor"


def deadline_cron(contract: PartnerContract) -> str:
    """Every day at the contract's ``daily_available_by``."""
    hours, minutes = (int(x) for x in contract.sla.daily_available_by.split(":"))
    return f"{minutes} {hours} * * *"


def freshness_checks(contract: PartnerContract) -> list[dg.AssetChecksDefinition]:
    return list(dg.build_time_partition_freshness_checks(
        assets=[contract.delivery_asset("daily", channel) for channel in CHANNELS],
        deadline_cron=deadline_cron(contract), timezone=contract.sla.timezone,
        severity=dg.AssetCheckSeverity.WARN))


def freshness_sensor(checks: Sequence[dg.AssetChecksDefinition]) -> dg.SensorDefinition:
    # Freshness checks are evaluated by a sensor, not by the delivery runs: a day that
    # never ran has no run to evaluate it. RUNNING, or a fresh deployment shows nothing.
    return dg.build_sensor_for_freshness_checks(
        freshness_checks=checks, name=SENSOR_NAME,
        default_status=dg.DefaultSensorStatus.RUNNING)
