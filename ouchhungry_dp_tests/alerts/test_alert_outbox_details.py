"""The outbox row by row (SQLite, the real SMTP sink): what a queued alert stores, that a
settled row holds no claim, and the age the alerting-health check reads (mutation pass of
2026-11-29)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from ouchhungry_dp.alerts.outbox import Outbox
from ouchhungry_dp.sandbox.partner_systems.smtp_sink import SmtpSink
from ouchhungry_dp.state.db import PENDING, SENT, alert_outbox
from ouchhungry_dp_tests.alerts.test_alert_outbox_db import alert, client


def _rows(outbox: Outbox) -> dict[str, sa.Row]:
    with outbox.engine.connect() as conn:
        return {row.message_id: row for row in conn.execute(sa.select(alert_outbox))}


def test_a_queued_alert_stores_its_id_subject_and_time_unclaimed(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "state")
    message_id = outbox.put(alert(7), queued_at=123.5)
    assert message_id == "<alert-7@ouchhungry.test>"
    row = _rows(outbox)[message_id]
    assert (row.subject, row.state, row.queued_at) == ("alert 7", PENDING, 123.5)
    assert (row.attempts, row.claimed_at, row.last_error) == (0, None, None)


def test_an_alert_without_a_subject_is_stored_with_an_empty_one(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "state")
    message = alert(8)
    del message["Subject"]
    message_id = outbox.put(message, queued_at=1.0)
    assert _rows(outbox)[message_id].subject == ""


def test_a_settled_row_holds_no_claim_whether_sent_or_put_back(tmp_path: Path) -> None:
    location = str(tmp_path / "state")
    outbox = Outbox(location)
    outbox.put(alert(1), queued_at=1.0)
    with SmtpSink(tmp_path / "gone") as gone:
        port = gone.port
    assert outbox.flush(client(port, location)).smtp_down
    row = _rows(outbox)["<alert-1@ouchhungry.test>"]
    assert (row.state, row.claimed_at, row.attempts) == (PENDING, None, 1)
    assert row.last_error
    with SmtpSink(tmp_path / "mail", port=port):
        assert outbox.flush(client(port, location)).sent == 1
    row = _rows(outbox)["<alert-1@ouchhungry.test>"]
    assert (row.state, row.claimed_at, row.attempts, row.last_error) == (SENT, None, 2, None)


def test_the_oldest_pending_age_is_now_minus_the_oldest_queued_time(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "state")
    assert outbox.oldest_pending_age(now=1_000.0) is None
    outbox.put(alert(2), queued_at=250.0)
    outbox.put(alert(1), queued_at=100.0)
    assert outbox.oldest_pending_age(now=1_000.0) == 900.0
