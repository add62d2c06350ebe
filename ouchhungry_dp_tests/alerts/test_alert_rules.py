"""SLA sensor on a real instance, health rules, error parsing and redaction."""

from __future__ import annotations

from datetime import UTC, datetime

import dagster as dg
import pytest

from ouchhungry_dp.alerts.alerting_health import OutboxStatus, SensorStatus, assess, health_alert
from ouchhungry_dp.alerts.redact import redact
from ouchhungry_dp.alerts.run_incidents import parse_error
from ouchhungry_dp.defs.alerts.sensors import evaluate_sla
from ouchhungry_dp_tests.alerts.conftest import email_resource, instance_overrides


@pytest.mark.parametrize("storage", ["sqlite", "postgres"])
def test_missed_sla_emails_the_undelivered_partition_once(
    storage, request, sink, tmp_path, settings_resource
):
    (tmp_path / "home").mkdir()
    overrides = instance_overrides(storage, request)
    with dg.instance_for_test(temp_dir=str(tmp_path / "home"), overrides=overrides) as instance:
        for asset in ("ouchhungry_daily_sftp_delivery", "ouchhungry_daily_api_delivery"):
            instance.report_runless_asset_event(
                dg.AssetMaterialization(asset, partition="2026-11-23")
            )
        instance.report_runless_asset_event(
            dg.AssetMaterialization("ouchhungry_daily_sftp_delivery", partition="2026-11-24")
        )
        # 2026-11-26 12:00 in São Paulo: 11-24 was due 11-25 08:00; 11-25 is due at 08:00 today.
        now = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
        email = email_resource(sink.port, tmp_path)
        context = dg.build_sensor_context(instance=instance)
        evaluate_sla(context, email, settings_resource.settings(), now=now)
        [late] = sink.messages()
        assert "[ERROR][sla]" in late.subject
        assert late.subject.endswith("ouchhungry 2026-11-24..2026-11-25 (2 partitions)")
        body = late.body()
        assert "2026-11-24: API delivery missing" in body
        assert "2026-11-25: SFTP delivery and API delivery missing" in body
        assert "2026-11-23" not in body

        context = dg.build_sensor_context(instance=instance, cursor=context.cursor)
        evaluate_sla(context, email, settings_resource.settings(), now=now)
        assert len(sink.messages()) == 1


def test_health_flags_an_erroring_a_silent_and_a_stopped_sensor_and_a_stuck_outbox():
    now = 10_000.0
    sensors = [
        SensorStatus("ok", True, 30, last_tick_at=now - 40),
        SensorStatus(
            "erroring",
            True,
            30,
            last_tick_at=now - 20,
            last_tick_failed=True,
            last_error="ConfigurationError: SMTP_HOST is not set",
        ),
        SensorStatus("silent", True, 30, last_tick_at=now - 3600),
        SensorStatus("stopped", False, 30),
    ]
    problems = assess(sensors, OutboxStatus(4, 7200.0, 0), now)

    assert len(problems) == 4
    assert not any(" ok " in p for p in problems)
    assert any("erroring" in p and "SMTP_HOST" in p for p in problems)
    assert any("silent is not ticking" in p for p in problems)
    assert any("stopped is stopped" in p for p in problems)
    assert any("4 alert e-mail(s) waiting" in p for p in problems)
    alert = health_alert(problems, now)
    assert alert.severity == "CRITICAL"
    assert health_alert(list(reversed(problems)), now).incident_key == alert.incident_key


def test_platform_error_message_is_parsed_into_its_parts():
    facts = parse_error(
        "DeliveryError",
        "ouchhungry_dp.errors.DeliveryError: [delivery] API rejected upload (partner=ouchhungry, "
        "partition=2026-11-25): HTTP 422 | hint: compare the columns with the contract\n",
    )
    assert (facts.category, facts.what, facts.partner, facts.partition) == (
        "delivery",
        "API rejected upload",
        "ouchhungry",
        "2026-11-25",
    )
    assert (facts.detail, facts.hint) == ("HTTP 422", "compare the columns with the contract")
    unexpected = parse_error("KeyError", "builtins.KeyError: 'city'\n")
    assert unexpected.category == "unexpected" and "'city'" in unexpected.detail


def test_redaction_hides_secrets_and_personal_data():
    text = redact(
        "connect postgres://etl:pa55@db/x failed; password=hunter2 token: abc.def "
        "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.x customer ana@mail.com cpf 123.456.789-09"
    )
    for secret in (
        "pa55",
        "hunter2",
        "abc.def",
        "eyJhbGciOiJIUzI1NiJ9",
        "ana@mail.com",
        "123.456.789-09",
    ):
        assert secret not in text
    assert "postgres://" in text and "failed" in text


def test_health_sensor_fails_its_tick_when_alerts_are_stuck_in_the_outbox(
    tmp_path, settings_resource
):
    import pytest

    from ouchhungry_dp.alerts.outbox import Outbox
    from ouchhungry_dp.defs.alerts.alerting_health_sensor import (
        AlertingUnhealthyError,
        data_team_alerting_health,
    )
    from ouchhungry_dp.delivery.email import build_message
    from ouchhungry_dp.sandbox.partner_systems.smtp_sink import SmtpSink

    with SmtpSink(tmp_path / "gone") as gone:
        dead_port = gone.port
    outbox = Outbox(settings_resource.settings().outbox_dir)
    outbox.put(
        build_message(
            subject="old alert", text="t", html=None, sender="a@b.test", recipients=["team@b.test"]
        ),
        queued_at=0,  # queued long ago
    )
    (tmp_path / "home").mkdir()
    with dg.instance_for_test(temp_dir=str(tmp_path / "home")) as instance:
        context = dg.build_sensor_context(
            instance=instance,
            resources={
                "alert_email": email_resource(dead_port, tmp_path),
                "alert_settings": settings_resource,
            },
        )
        with pytest.raises(AlertingUnhealthyError, match="waiting in the outbox"):
            data_team_alerting_health(context)
    # The health e-mail itself is queued behind the stuck one, not lost.
    assert len(outbox.pending()) == 2
