"""Health of the alerting itself: a sensor that watches the other alert sensors and the
outbox, and a command for an external prober when the daemon itself is down
(``python -m ouchhungry_dp.defs.alerts.alerting_health_sensor``, exit code 1 when unhealthy)."""

from __future__ import annotations

import sys
import time

import dagster as dg
from dagster._core.scheduler.instigation import InstigatorStatus, InstigatorType, TickStatus

from ouchhungry_dp.alerts.alert_settings import AlertSettings
from ouchhungry_dp.alerts.alerting_health import OutboxStatus, SensorStatus, assess, health_alert
from ouchhungry_dp.alerts.outbox import Outbox
from ouchhungry_dp.defs.alerts.sensors import (
    CHECK_SENSOR,
    HEALTH_SENSOR,
    RUN_FAILURE_SENSOR,
    SENSOR_INTERVALS,
    SLA_SENSOR,
    make_notifier,
)
from ouchhungry_dp.errors import OuchHungryError
from ouchhungry_dp.lib.resources.email import AlertSettingsResource, EmailResource


class AlertingUnhealthyError(OuchHungryError):
    category = "alerting"


def sensor_statuses(
    instance: dg.DagsterInstance, names: list[str], *, never_ticked_is_problem: bool
) -> list[SensorStatus]:
    """``never_ticked_is_problem``: False inside the daemon, where siblings that have not
    ticked yet are just starting; True for the external probe."""
    states = {
        s.instigator_name: s
        for s in instance.all_instigator_state(instigator_type=InstigatorType.SENSOR)
        if s.instigator_name in names
    }
    statuses = []
    for name in names:
        state = states.get(name)
        ticks = (
            instance.get_ticks(state.instigator_origin_id, state.selector_id, limit=1)
            if state is not None
            else []
        )
        last = ticks[0] if ticks else None
        if last is None and not never_ticked_is_problem:
            continue
        statuses.append(
            SensorStatus(
                name=name,
                running=state is None or state.status != InstigatorStatus.STOPPED,
                interval_seconds=SENSOR_INTERVALS[name],
                last_tick_at=last.timestamp if last else None,
                last_tick_failed=bool(last and last.status == TickStatus.FAILURE),
                last_error=(last.error.message if last and last.error else ""),
            )
        )
    return statuses


def outbox_status(settings: AlertSettings) -> OutboxStatus:
    outbox = Outbox(settings.outbox_location)
    return OutboxStatus(len(outbox.pending()), outbox.oldest_pending_age(), len(outbox.dead()))


def check_alerting_health(
    instance: dg.DagsterInstance,
    settings: AlertSettings,
    names: list[str],
    *,
    never_ticked_is_problem: bool = False,
) -> list[str]:
    statuses = sensor_statuses(instance, names, never_ticked_is_problem=never_ticked_is_problem)
    return assess(statuses, outbox_status(settings), time.time())


@dg.sensor(
    name=HEALTH_SENSOR,
    minimum_interval_seconds=SENSOR_INTERVALS[HEALTH_SENSOR],
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Fails (red in the UI) and e-mails when alerting is broken: sensors erroring, "
    "not ticking or stopped, or alerts stuck in the outbox.",
)
def data_team_alerting_health(
    context: dg.SensorEvaluationContext,
    alert_email: EmailResource,
    alert_settings: AlertSettingsResource,
) -> dg.SkipReason:
    settings = alert_settings.settings()
    notifier = make_notifier(alert_email, settings, context.log)
    flush = notifier.flush_outbox()
    problems = check_alerting_health(
        context.instance, settings, [RUN_FAILURE_SENSOR, CHECK_SENSOR, SLA_SENSOR]
    )
    if not problems:
        return dg.SkipReason(f"alerting healthy; outbox: {flush.pending} waiting")
    outcome = notifier.deliver(health_alert(problems, time.time()))
    # Raising marks this sensor's tick as failed, which the UI shows in red on the
    # Automation page: the signal survives even when no e-mail can leave.
    raise AlertingUnhealthyError(
        "alerting is degraded",
        detail="; ".join(problems) + f" (health e-mail: {outcome})",
        hint="See docs/operations.md#alerting_health.",
    )


def main() -> int:
    """External probe (cron / Kubernetes CronJob) for when the daemon itself is down."""
    settings = AlertSettings.from_env()
    with dg.DagsterInstance.get() as instance:
        names = [RUN_FAILURE_SENSOR, CHECK_SENSOR, SLA_SENSOR, HEALTH_SENSOR]
        problems = check_alerting_health(instance, settings, names, never_ticked_is_problem=True)
    if not problems:
        print("alerting healthy")
        return 0
    print("alerting UNHEALTHY:\n" + "\n".join(f"- {p}" for p in problems))
    notifier = make_notifier(EmailResource.from_env(), settings, _StderrLog())
    print(f"health e-mail: {notifier.deliver(health_alert(problems, time.time()))}")
    return 1


class _StderrLog:
    def error(self, text: str) -> None:
        print(text, file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
