"""The outbox row by row (SQLite, the real SMTP sink): what a queued alert stores, that a
settled row holds no claim, and the age the alerting-health check reads (mutation pass of
2026-11-29)."""

from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from ouchhungry_dp.alerts import outbox as outbox_module
from ouchhungry_dp.alerts.outbox import Outbox
from ouchhungry_dp.sandbox.partner_systems.smtp_sink import SmtpSink
from ouchhungry_dp.state.db import PENDING, SENDING, SENT, alert_outbox
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
    down = outbox.flush(client(port, location))
    assert down.smtp_down and "unavailable" in down.error
    row = _rows(outbox)["<alert-1@ouchhungry.test>"]
    assert (row.state, row.claimed_at, row.attempts) == (PENDING, None, 1)
    assert row.last_error == down.error  # the relay's failure, kept for the operator
    with SmtpSink(tmp_path / "mail", port=port):
        sent = outbox.flush(client(port, location))
    assert (sent.sent, sent.smtp_down, sent.error) == (1, False, "")
    row = _rows(outbox)["<alert-1@ouchhungry.test>"]
    assert (row.state, row.claimed_at, row.attempts, row.last_error) == (SENT, None, 2, None)


def test_the_oldest_pending_age_is_now_minus_the_oldest_queued_time(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "state")
    assert outbox.oldest_pending_age(now=1_000.0) is None
    outbox.put(alert(2), queued_at=250.0)
    outbox.put(alert(1), queued_at=100.0)
    assert outbox.oldest_pending_age(now=1_000.0) == 900.0


def _frozen_clock(monkeypatch: pytest.MonkeyPatch, now: float) -> None:
    # Only the outbox's clock: the SMTP client and the database keep the real one.
    monkeypatch.setattr(outbox_module, "time", SimpleNamespace(time=lambda: now))


def _claimed(outbox: Outbox, message_id: str, at: float) -> None:
    """A claim left by a process that died mid-send."""
    with outbox.engine.begin() as conn:
        conn.execute(sa.update(alert_outbox).where(alert_outbox.c.message_id == message_id)
                     .values(state=SENDING, claimed_at=at))


def test_a_dead_senders_claim_is_taken_back_only_once_its_lease_has_passed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    location = str(tmp_path / "state")
    outbox = Outbox(location, lease_seconds=60.0)
    for n in (1, 2, 3):
        outbox.put(alert(n), queued_at=float(n))
    _frozen_clock(monkeypatch, 1_000.0)
    _claimed(outbox, "<alert-1@ouchhungry.test>", at=940.0)  # exactly one lease ago: held
    _claimed(outbox, "<alert-2@ouchhungry.test>", at=939.5)  # longer ago: taken back
    with SmtpSink(tmp_path / "mail") as sink:
        result = outbox.flush(client(sink.port, location))
        assert [m.subject for m in sink.messages()] == ["alert 2", "alert 3"]
    assert (result.sent, result.pending) == (2, 1)
    row = _rows(outbox)["<alert-1@ouchhungry.test>"]
    assert (row.state, row.claimed_at) == (SENDING, 940.0)


def test_a_claim_records_its_time_and_counts_the_attempt(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What lets a claim expire if its process dies between the claim and the send."""
    outbox = Outbox(tmp_path / "state")
    outbox.put(alert(1), queued_at=1.0)
    _frozen_clock(monkeypatch, 500.0)
    message_id, raw = outbox._claim_oldest() or ("", b"")
    assert message_id == "<alert-1@ouchhungry.test>" and b"Subject: alert 1" in raw
    row = _rows(outbox)[message_id]
    assert (row.state, row.claimed_at, row.attempts) == (SENDING, 500.0, 1)
    assert outbox._claim_oldest() is None  # held, and nothing else waits


def test_equal_queue_times_are_sent_in_message_id_order_else_oldest_first(
        tmp_path: Path) -> None:
    location = str(tmp_path / "state")
    outbox = Outbox(location)
    for n, queued_at in ((3, 5.0), (1, 9.0), (2, 5.0)):
        outbox.put(alert(n), queued_at=queued_at)
    assert outbox.pending() == [f"<alert-{n}@ouchhungry.test>" for n in (2, 3, 1)]
    # A folder location holds the SQLite file under its documented name.
    assert (tmp_path / "state" / "outbox.sqlite").is_file()
    with SmtpSink(tmp_path / "mail") as sink:
        outbox.flush(client(sink.port, location))
        assert [m.subject for m in sink.messages()] == ["alert 2", "alert 3", "alert 1"]


def test_a_row_another_sender_claims_between_our_read_and_our_update_is_not_sent(
        tmp_path: Path) -> None:
    """The race the conditional UPDATE settles, made deterministic: just before our claim's
    UPDATE runs, another sender claims the row."""
    location = str(tmp_path / "state")
    outbox = Outbox(location)
    outbox.put(alert(1), queued_at=1.0)

    def other_sender_first(conn, cursor, statement: str, *args: object) -> None:
        if statement.lstrip().upper().startswith("UPDATE") and "claimed_at" in statement \
                and not taken:
            taken.append(True)
            # SQLite holds our transaction's lock: the other sender's write goes through
            # our connection, which is what our UPDATE would then see after its commit.
            cursor.connection.execute(
                "UPDATE ouchhungry_alert_outbox SET state = ?, claimed_at = ?",
                (SENDING, time.time()))

    taken: list[bool] = []
    sa.event.listen(outbox.engine, "before_cursor_execute", other_sender_first)
    with SmtpSink(tmp_path / "mail") as sink:
        result = outbox.flush(client(sink.port, location))
        assert sink.messages() == []
    assert taken and result.sent == 0
    assert _rows(outbox)["<alert-1@ouchhungry.test>"].state == SENDING


class _Interrupted:
    """A send cut short by the process being stopped (Ctrl-C, a pod's SIGTERM handler)."""

    def send(self, message: object) -> None:
        raise KeyboardInterrupt


def test_an_interrupted_send_puts_the_row_back_at_once_and_re_raises(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "state", lease_seconds=3_600.0)
    outbox.put(alert(1), queued_at=1.0)
    with pytest.raises(KeyboardInterrupt):
        outbox.flush(_Interrupted())  # type: ignore[arg-type]
    row = _rows(outbox)["<alert-1@ouchhungry.test>"]
    # Not left claimed for the lease (an hour): the next flush sends it.
    assert (row.state, row.claimed_at, row.last_error) == (PENDING, None, "flush interrupted")


def test_the_default_lease_is_fifteen_minutes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without ``lease_seconds``, a dead sender's claim is held for 900 s, not a moment more."""
    location = str(tmp_path / "state")
    outbox = Outbox(location)
    for n in (1, 2):
        outbox.put(alert(n), queued_at=float(n))
    _frozen_clock(monkeypatch, 10_000.0)
    _claimed(outbox, "<alert-1@ouchhungry.test>", at=9_100.0)  # exactly 900 s ago: held
    _claimed(outbox, "<alert-2@ouchhungry.test>", at=9_099.5)  # 900.5 s ago: taken back
    with SmtpSink(tmp_path / "mail") as sink:
        result = outbox.flush(client(sink.port, location))
        assert [m.subject for m in sink.messages()] == ["alert 2"]
    assert (result.sent, result.pending) == (1, 1)


def test_dead_letters_are_listed_oldest_first_ties_in_message_id_order(tmp_path: Path) -> None:
    location = str(tmp_path / "state")
    outbox = Outbox(location)
    for n, queued_at in ((3, 5.0), (1, 9.0), (2, 5.0)):
        outbox.put(alert(n), queued_at=queued_at)
    with SmtpSink(tmp_path / "mail") as sink:
        sink.reject_with = (554, "policy violation")
        assert outbox.flush(client(sink.port, location)).dead == 3
    assert outbox.dead() == [f"<alert-{n}@ouchhungry.test>" for n in (2, 3, 1)]
