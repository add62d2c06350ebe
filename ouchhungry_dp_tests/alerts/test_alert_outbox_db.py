"""The outbox and the sent-log as database tables, on SQLite (local) and a real Postgres
(production), against the real SMTP sink: semantics kept, exactly-once across processes."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest
import sqlalchemy as sa

from ouchhungry_dp.alerts.outbox import Outbox
from ouchhungry_dp.delivery.email import SentLog, SmtpConfig, SmtpEmailClient, build_message
from ouchhungry_dp.errors import ConnectivityError
from ouchhungry_dp.sandbox.partner_systems.smtp_sink import SmtpSink
from ouchhungry_dp.state.db import alert_outbox

SENDER = "alerts@ouchhungry.test"


@pytest.fixture(params=["sqlite", "postgres"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "state")
    return request.getfixturevalue("postgres_url")


def client(port: int, location: str) -> SmtpEmailClient:
    config = SmtpConfig(host="127.0.0.1", port=port, security="none", email_from=SENDER,
                        timeout_seconds=5)
    return SmtpEmailClient(config, attempts=1, backoff_seconds=0.01, sent_log=SentLog(location))


def alert(n: int):
    return build_message(subject=f"alert {n}", text=f"body {n}", html=None, sender=SENDER,
                         recipients=["team@ouchhungry.test"],
                         message_id=f"<alert-{n}@ouchhungry.test>")


def test_queued_twice_is_kept_once_and_flushed_oldest_first(location, tmp_path):
    outbox = Outbox(location)
    for n, queued_at in ((2, 200.0), (1, 100.0), (3, 300.0)):
        outbox.put(alert(n), queued_at=queued_at)
    outbox.put(alert(1), queued_at=999.0)
    assert outbox.pending() == [f"<alert-{n}@ouchhungry.test>" for n in (1, 2, 3)]

    with SmtpSink(tmp_path / "mail") as sink:
        result = outbox.flush(client(sink.port, location))
        assert [m.subject for m in sink.messages()] == ["alert 1", "alert 2", "alert 3"]
    assert (result.sent, result.pending, result.dead, result.smtp_down) == (3, 0, 0, False)
    assert outbox.pending() == []


def test_relay_down_keeps_the_message_and_a_permanent_rejection_makes_it_dead(location, tmp_path):
    outbox = Outbox(location)
    outbox.put(alert(1))
    with SmtpSink(tmp_path / "gone") as gone:
        port = gone.port
    result = outbox.flush(client(port, location))
    assert result.smtp_down and result.pending == 1 and outbox.pending() == [
        "<alert-1@ouchhungry.test>"]

    with SmtpSink(tmp_path / "mail", port=port) as sink:
        sink.reject_with = (554, "policy violation")
        result = outbox.flush(client(port, location))
        assert sink.messages() == []
    assert (result.sent, result.pending, result.dead) == (0, 0, 1)
    assert outbox.dead() == ["<alert-1@ouchhungry.test>"]
    with outbox.engine.connect() as c:
        row = c.execute(sa.select(alert_outbox.c.attempts, alert_outbox.c.last_error)).one()
    assert row.attempts == 2 and "rejected" in row.last_error


def _flush_in_process(location: str, port: int) -> int:
    return Outbox(location).flush(client(port, location)).sent


def _claim_in_process(location: str) -> bool:
    return SentLog(location).claim("<race@ouchhungry.test>", wait_seconds=0.0)


def test_two_processes_flushing_one_outbox_send_each_alert_once(location, tmp_path):
    outbox = Outbox(location)
    for n in range(12):
        outbox.put(alert(n), queued_at=float(n))
    with SmtpSink(tmp_path / "mail") as sink:
        with multiprocessing.get_context("spawn").Pool(2) as pool:
            sent = pool.starmap(_flush_in_process, [(location, sink.port)] * 2)
        subjects = sorted(m.subject for m in sink.messages())
    assert sum(sent) == 12
    assert subjects == sorted(f"alert {n}" for n in range(12))
    assert outbox.pending() == []


def test_only_one_process_wins_the_claim_on_a_message_id(postgres_url):
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        results = [r for r in (pool.apply_async(_claim_in_process, (postgres_url,))
                               for _ in range(4))]
        outcomes = []
        for r in results:
            try:
                outcomes.append(r.get(timeout=120))
            except Exception as exc:  # the losers: a fresh claim held elsewhere
                outcomes.append(type(exc).__name__)
    assert outcomes.count(True) == 1
    assert all(o == "ConnectivityError" for o in outcomes if o is not True)


def test_a_claim_held_elsewhere_is_waited_for_through_the_injected_sleep(location):
    message_id = "<held@ouchhungry.test>"
    holder = SentLog(location)
    assert holder.claim(message_id, wait_seconds=0.0)
    waits: list[float] = []
    waiter = SentLog(location, poll_seconds=0.5, sleep=waits.append)
    # The holder never settles: the waiter gives up after its budget, counted in polls.
    with pytest.raises(ConnectivityError, match="being sent by another process"):
        waiter.claim(message_id, wait_seconds=2.0)
    assert waits == [0.5] * 4

    # The holder's send lands while the waiter sleeps: the waiter sees a duplicate.
    def holder_sends(seconds: float) -> None:
        waits.append(seconds)
        holder.record(message_id)

    waits.clear()
    settles = SentLog(location, poll_seconds=0.5, sleep=holder_sends)
    assert settles.claim(message_id, wait_seconds=60.0) is False
    assert waits == [0.5]


def test_the_smtp_client_lends_its_sleep_to_the_default_sent_log(tmp_path, monkeypatch):
    monkeypatch.setenv("OUCHHUNGRY_ENV", "local")
    monkeypatch.delenv("OUCHHUNGRY_STATE_DB_URL", raising=False)
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    waits: list[float] = []
    config = SmtpConfig(host="127.0.0.1", port=25, security="none", email_from=SENDER)
    sent_log = SmtpEmailClient(config, sleep=waits.append).sent_log
    assert sent_log is not None
    sent_log.claim("<lent@ouchhungry.test>", wait_seconds=0.0)
    with pytest.raises(ConnectivityError):
        sent_log.claim("<lent@ouchhungry.test>", wait_seconds=sent_log.poll_seconds)
    assert waits == [sent_log.poll_seconds]


def test_a_failed_send_releases_the_claim_and_a_sent_one_is_a_duplicate(location, tmp_path):
    with SmtpSink(tmp_path / "gone") as gone:
        port = gone.port
    with pytest.raises(Exception, match="unavailable"):
        client(port, location).send(alert(7))
    with SmtpSink(tmp_path / "mail", port=port) as sink:
        assert client(port, location).send(alert(7)).status == "sent"
        assert client(port, location).send(alert(7)).status == "duplicate"
        assert len(sink.messages()) == 1
    assert SentLog(location).contains("<alert-7@ouchhungry.test>")
