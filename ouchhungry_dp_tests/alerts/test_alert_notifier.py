"""AlertNotifier (send now or queue, never drop) and the SLA / health alerts, without Dagster.

Real SMTP sink on loopback; the sensors' own tests cover the same paths through real
runs, these pin the rules one by one (mutmut survivors of notifier, sla and health).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from ouchhungry_dp.alerts.alert_settings import AlertSettings
from ouchhungry_dp.alerts.alerting_health import health_alert
from ouchhungry_dp.alerts.model import AlertKind
from ouchhungry_dp.alerts.notifier import AlertNotifier
from ouchhungry_dp.alerts.outbox import Outbox
from ouchhungry_dp.alerts.sla import daily_deadline, due_partitions, sla_alert
from ouchhungry_dp.delivery.email import SentLog, SmtpConfig, SmtpEmailClient
from ouchhungry_dp.sandbox.partner_systems.smtp_sink import SmtpSink

SENDER = "alerts@ouchhungry.test"
TEAM = ("ana@team.test",)


def settings(tmp_path: Path) -> AlertSettings:
    return AlertSettings(recipients=TEAM, outbox_dir=tmp_path / "outbox")


def client(port: int, tmp_path: Path) -> SmtpEmailClient:
    return SmtpEmailClient(
        SmtpConfig(host="127.0.0.1", port=port, security="none", email_from=SENDER),
        attempts=1, sent_log=SentLog(tmp_path / "sent.sqlite"),
    )


def alerts(*partitions: str):
    return [sla_alert("ouchhungry", [p], "08:00", "America/Sao_Paulo", {}) for p in partitions]


def test_without_smtp_every_alert_is_queued_and_the_flush_reports_the_relay_down(tmp_path):
    notifier = AlertNotifier(None, settings(tmp_path), SENDER)
    report = notifier.deliver_all(alerts("2026-11-24", "2026-11-25"))

    assert report.outcomes == [
        ("sla/ouchhungry/2026-11-24", "queued"), ("sla/ouchhungry/2026-11-25", "queued"),
    ]
    flush = notifier.flush_outbox()
    assert (flush.sent, flush.pending, flush.dead, flush.smtp_down) == (0, 2, 0, True)


def test_a_dead_relay_is_tried_once_per_tick_then_alerts_queue_and_go_out_when_it_returns(
    tmp_path,
):
    with SmtpSink(tmp_path / "gone") as gone:
        port = gone.port
    notifier = AlertNotifier(client(port, tmp_path), settings(tmp_path), SENDER)
    report = notifier.deliver_all(alerts("2026-11-23", "2026-11-24"))
    assert [o for _, o in report.outcomes] == ["queued", "queued"]
    assert len(Outbox(tmp_path / "outbox").pending()) == 2

    with SmtpSink(tmp_path / "mail", port=port) as back:
        again = AlertNotifier(client(port, tmp_path), settings(tmp_path), SENDER)
        report = again.deliver_all(alerts("2026-11-25"))
        assert report.flush is not None and report.flush.sent == 2
        assert report.outcomes == [("sla/ouchhungry/2026-11-25", "sent")]
        mails = back.messages()
    assert [m.mail_from for m in mails] == [SENDER] * 3
    assert all(m.rcpt_tos == TEAM for m in mails)
    assert Outbox(tmp_path / "outbox").pending() == []


def test_the_sla_alert_says_what_is_missing_for_each_late_day():
    alert = sla_alert(
        "ouchhungry", ["2026-11-24", "2026-11-25"], "08:00", "America/Sao_Paulo",
        {"2026-11-24": "API delivery"},
    )
    assert (alert.kind, alert.severity, alert.category, alert.partner) == (
        AlertKind.SLA_MISSED, "ERROR", "sla", "ouchhungry",
    )
    assert alert.title == "Daily delivery late (due 08:00 America/Sao_Paulo next day)"
    assert alert.incident_key == "sla/ouchhungry/2026-11-24,2026-11-25"
    assert alert.message == (
        "Not delivered by the contract's deadline: 2026-11-24: API delivery missing; "
        "2026-11-25: delivery missing"
    )
    assert [(o.partition, o.label, o.message) for o in alert.occurrences] == [
        ("2026-11-24", "late", "API delivery"), ("2026-11-25", "late", ""),
    ]
    assert "re-deliver-a-partition" in alert.hint


def test_a_day_is_due_from_its_deadline_on_in_the_contracts_time_zone():
    deadline = daily_deadline(date(2026, 11, 24), "08:30", "America/Sao_Paulo")
    assert deadline == datetime(2026, 11, 25, 11, 30, tzinfo=UTC)  # UTC-3
    at = due_partitions(deadline, "08:30", "America/Sao_Paulo", 3, date(2026, 11, 1))
    assert at == ["2026-11-22", "2026-11-23", "2026-11-24"]
    before = due_partitions(
        datetime(2026, 11, 25, 11, 29, tzinfo=UTC), "08:30", "America/Sao_Paulo", 3,
        date(2026, 11, 1),
    )
    assert before == ["2026-11-22", "2026-11-23"]
    assert due_partitions(deadline, "08:30", "America/Sao_Paulo", 3, date(2026, 11, 24)) == [
        "2026-11-24"
    ]


def test_the_health_alert_is_critical_lists_each_problem_and_repeats_once_a_day():
    now = datetime(2026, 11, 25, 23, 0, tzinfo=UTC).timestamp()
    alert = health_alert(["b broken", "a broken"], now)
    assert (alert.kind, alert.severity, alert.category) == (
        AlertKind.ALERTING_HEALTH, "CRITICAL", "alerting",
    )
    assert alert.title == "Alerting is degraded: failures may go unnoticed"
    assert alert.message == "- b broken\n- a broken"
    assert [o.label for o in alert.occurrences] == ["b broken", "a broken"]
    assert alert.incident_key.startswith("health/2026-11-25/")
    assert len(alert.incident_key.split("/")[-1]) == 12
    assert health_alert(["a broken", "b broken"], now).incident_key == alert.incident_key
    assert health_alert(["a broken"], now).incident_key != alert.incident_key
    next_day = health_alert(["a broken", "b broken"], now + 3600)
    assert next_day.incident_key.startswith("health/2026-11-26/")


def test_an_alert_already_sent_is_reported_as_duplicate_not_sent_twice(tmp_path):
    with SmtpSink(tmp_path / "mail") as sink:
        notifier = AlertNotifier(client(sink.port, tmp_path), settings(tmp_path), SENDER)
        [alert] = alerts("2026-11-25")
        outcomes = [notifier.deliver(alert), notifier.deliver(alert)]
        assert outcomes == ["sent", "duplicate"]
        assert len(sink.messages()) == 1


def test_once_the_relay_defers_later_alerts_of_the_tick_are_queued_without_trying(tmp_path):
    with SmtpSink(tmp_path / "mail") as sink:
        # The relay defers exactly one transaction, then would accept again.
        sink.faults.script("MAIL", "421 4.3.2 try later")
        notifier = AlertNotifier(client(sink.port, tmp_path), settings(tmp_path), SENDER)
        report = notifier.deliver_all(alerts("2026-11-24", "2026-11-25"))
        assert [o for _, o in report.outcomes] == ["queued", "queued"]
        assert sink.messages() == []

        # Next tick: the flush finds the relay deferring again, so this tick queues too.
        sink.faults.script("MAIL", "421 4.3.2 try later")
        again = AlertNotifier(client(sink.port, tmp_path), settings(tmp_path), SENDER)
        report = again.deliver_all(alerts("2026-11-26"))
        assert report.flush is not None and report.flush.smtp_down
        assert report.outcomes == [("sla/ouchhungry/2026-11-26", "queued")]
        assert sink.messages() == []
