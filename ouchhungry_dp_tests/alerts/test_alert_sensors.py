"""Alert sensors evaluated against real runs of a real (temporary) Dagster instance,
e-mailing a real SMTP sink on loopback."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from ouchhungry_dp.alerts.alert_settings import DEFAULT_ALERT_RECIPIENTS
from ouchhungry_dp.alerts.outbox import Outbox
from ouchhungry_dp.defs.alerts.sensors import (
    data_team_asset_check_alerts,
    data_team_run_failure_alerts,
)
from ouchhungry_dp.lib.resources.email import AlertSettingsResource
from ouchhungry_dp.sandbox.partner_systems.smtp_sink import ReceivedMessage, SmtpSink
from ouchhungry_dp_tests.alerts.conftest import (
    BACKFILL_ID,
    BACKFILL_PARTITIONS,
    UI,
    Runs,
    alert_settings,
    email_resource,
)


def tick(
    sensor: dg.SensorDefinition,
    runs: Runs,
    port: int,
    tmp_path: Path,
    settings: AlertSettingsResource,
    cursor: str | None,
) -> tuple[str | None, str]:
    context = dg.build_sensor_context(
        instance=runs.instance,
        cursor=cursor,
        resources={"alert_email": email_resource(port, tmp_path), "alert_settings": settings},
    )
    result = sensor(context)
    assert isinstance(result, dg.SkipReason)
    return context.cursor, result.skip_message or ""


def with_subject(messages: list[ReceivedMessage], text: str) -> list[ReceivedMessage]:
    return [m for m in messages if text in m.subject]


def test_failing_run_emails_the_three_addresses_once(runs, sink, tmp_path, settings_resource):
    cursor, _ = tick(
        data_team_run_failure_alerts, runs, sink.port, tmp_path, settings_resource, None
    )

    sftp = with_subject(sink.messages(), "SFTP upload failed")
    assert len(sftp) == 1
    mail = sftp[0]
    assert sorted(mail.rcpt_tos) == sorted(DEFAULT_ALERT_RECIPIENTS)
    assert mail.subject == (
        "[ouchhungry_dp][ERROR][connectivity] SFTP upload failed — ouchhungry 2026-11-25"
    )
    text, html = mail.body("plain"), mail.body("html")
    for body in (text, html):
        assert "upload_daily_file" in body  # step
        assert "ConnectivityError" in body
        assert "connection refused by 127.0.0.1:2222" in body
        assert "re-deliver the partition" in body  # hint
        assert f"{UI}/runs/{runs.sftp_run_id}" in body

    # The next tick (cursor committed) and a replayed tick (cursor lost) send nothing new.
    before = len(sink.messages())
    tick(data_team_run_failure_alerts, runs, sink.port, tmp_path, settings_resource, cursor)
    tick(data_team_run_failure_alerts, runs, sink.port, tmp_path, settings_resource, None)
    assert len(sink.messages()) == before


def test_failed_backfill_sends_one_grouped_email(runs, sink, tmp_path, settings_resource):
    tick(data_team_run_failure_alerts, runs, sink.port, tmp_path, settings_resource, None)

    grouped = with_subject(sink.messages(), "partner API rejected the file")
    assert len(grouped) == 1
    mail = grouped[0]
    first, last = BACKFILL_PARTITIONS[0], BACKFILL_PARTITIONS[-1]
    assert f"{first}..{last} (3 partitions)" in mail.subject
    text = mail.body()
    assert BACKFILL_ID in text
    for run_id in runs.backfill_run_ids:
        assert f"{UI}/runs/{run_id}" in text
    # A blocking check failure is reported by the check sensor, not as a run failure too.
    assert runs.blocking_run_id not in "".join(m.body() for m in sink.messages())
    assert len(sink.messages()) == 2


def test_failed_checks_email_error_at_once_and_warn_in_a_digest(
    runs, sink, tmp_path, settings_resource
):
    cursor, _ = tick(
        data_team_asset_check_alerts, runs, sink.port, tmp_path, settings_resource, None
    )

    messages = sink.messages()
    non_blocking = with_subject(messages, "alerts_test_sales:volume_anomaly failed (non-blocking)")
    assert len(non_blocking) == 1
    assert "[ERROR][data_quality]" in non_blocking[0].subject
    assert "row count fell 80%" in non_blocking[0].body()
    assert f"{UI}/runs/{runs.checks_run_id}" in non_blocking[0].body()
    blocking = with_subject(messages, "alerts_test_guarded:conservation failed (blocking)")
    assert len(blocking) == 1
    digest = with_subject(messages, "asset check warning(s)")
    assert len(digest) == 1
    assert "[WARN]" in digest[0].subject and "late_rows_share" in digest[0].body()
    assert len(messages) == 3

    tick(data_team_asset_check_alerts, runs, sink.port, tmp_path, settings_resource, cursor)
    assert len(sink.messages()) == 3


def test_warnings_wait_for_the_digest_interval(runs, sink, tmp_path, settings_resource):
    hourly = alert_settings(tmp_path, warn_digest_seconds=3600.0)
    cursor, message = tick(data_team_asset_check_alerts, runs, sink.port, tmp_path, hourly, None)

    assert not with_subject(sink.messages(), "warning(s)")
    assert "1 warning(s) for the digest" in message
    # Held in the cursor, so they are neither lost nor re-read on the next tick.
    assert "late_rows_share" in (cursor or "")


def test_smtp_down_alert_lands_in_outbox_and_is_sent_when_smtp_returns(
    runs, tmp_path, settings_resource
):
    with SmtpSink(tmp_path / "first") as sink:
        port = sink.port
    # The relay is down now: nothing listens on the port.
    cursor, message = tick(
        data_team_run_failure_alerts, runs, port, tmp_path, settings_resource, None
    )
    outbox = Outbox(tmp_path / "outbox")
    assert len(outbox.pending()) == 2  # the SFTP incident and the grouped backfill
    assert "2 queued" in message

    with SmtpSink(tmp_path / "mail", port=port) as back:
        tick(data_team_run_failure_alerts, runs, back.port, tmp_path, settings_resource, cursor)
        assert outbox.pending() == []
        assert len(with_subject(back.messages(), "SFTP upload failed")) == 1
        assert len(with_subject(back.messages(), "partner API rejected")) == 1
        assert len(back.messages()) == 2
