"""The alerting code location piece: sensors plus their resources (unique keys)."""

from __future__ import annotations

import dagster as dg

from ouchhungry_dp.defs.alerts.alerting_health_sensor import data_team_alerting_health
from ouchhungry_dp.defs.alerts.sensors import (
    data_team_asset_check_alerts,
    data_team_run_failure_alerts,
    data_team_sla_alerts,
)
from ouchhungry_dp.lib.resources.email import AlertSettingsResource, EmailResource

ALERT_SENSORS = [
    data_team_run_failure_alerts,
    data_team_asset_check_alerts,
    data_team_sla_alerts,
    data_team_alerting_health,
]

defs = dg.Definitions(
    sensors=ALERT_SENSORS,
    resources={
        "alert_email": EmailResource.from_env(),
        "alert_settings": AlertSettingsResource(),
    },
)
