"""The relay says no: per-recipient and per-command SMTP refusals from the real sink.

``SmtpSink.faults`` answers a chosen reply to RCPT TO for an address, or a
scripted reply to the next MAIL / RCPT / DATA. These tests run the client's
``DeliveryError`` and refused-recipient paths, and the alert outbox's dead
letters and order, through the outbox's public functions only (``put``,
``pending``, ``dead``, ``flush``), so they hold whatever stores the outbox.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from ouchhungry_dp.alerts.outbox import Outbox
from ouchhungry_dp.delivery.email import SentLog, SmtpConfig, SmtpEmailClient, build_message
from ouchhungry_dp.errors import ConnectivityError, DeliveryError

SENDER = "alerts@ouchhungry.test"
TEAM = ["ana@team.test", "bia@team.test"]


class Waits(list[float]):
    """Stands in for time.sleep in tenacity: records each wait instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def client(port: int, tmp_path: Path, attempts: int = 3, waits: Waits | None = None):
    return SmtpEmailClient(
        SmtpConfig(host="127.0.0.1", port=port, security="none", email_from=SENDER),
        attempts=attempts,
        backoff_seconds=0.5,
        max_backoff_seconds=1.5,
        sent_log=SentLog(tmp_path / "sent.sqlite"),
        sleep=waits if waits is not None else Waits(),
    )


def alert(subject: str, recipients: list[str] = TEAM):
    return build_message(
        subject=subject, text="t", html=None, sender=SENDER, recipients=recipients,
        message_id=f"<{subject.replace(' ', '-')}@ouchhungry.test>",
    )


def test_one_refused_recipient_is_reported_and_the_others_get_the_mail(sink, tmp_path):
    sink.faults.refuse_recipient("bia@team.test", "550 5.1.1 no such user")
    result = client(sink.port, tmp_path).send(alert("one refused"))

    assert result.status == "sent" and result.refused == ("bia@team.test",)
    [received] = sink.messages()
    assert received.rcpt_tos == ("ana@team.test",)


def test_every_recipient_refused_for_good_is_a_delivery_error_without_retry(sink, tmp_path):
    for address in TEAM:
        sink.faults.refuse_recipient(address, "550 5.1.1 no such user")
    waits = Waits()
    with pytest.raises(DeliveryError, match="refused every recipient") as caught:
        client(sink.port, tmp_path, waits=waits).send(alert("all refused"))

    assert caught.value.transient is False
    assert "550" in (caught.value.detail or "") and waits == []
    assert sink.messages() == []


def test_mixed_temporary_and_permanent_refusals_are_permanent(sink, tmp_path):
    sink.faults.refuse_recipient("ana@team.test", "450 4.2.1 mailbox busy")
    sink.faults.refuse_recipient("bia@team.test", "550 5.1.1 no such user")
    with pytest.raises(DeliveryError, match="refused every recipient"):
        client(sink.port, tmp_path).send(alert("mixed"))


def test_recipients_deferred_with_4xx_are_retried_with_growing_bounded_waits(sink, tmp_path):
    for address in TEAM:
        sink.faults.refuse_recipient(address, "450 4.2.1 mailbox busy")
    waits = Waits()
    with pytest.raises(ConnectivityError) as caught:
        client(sink.port, tmp_path, attempts=4, waits=waits).send(alert("deferred"))

    assert caught.value.transient is True
    assert "after 4 attempt(s)" in (caught.value.detail or "")
    # wait_exponential(multiplier=0.5, min=0.5, max=1.5): 0.5, 1.0, then capped at 1.5.
    assert waits == [0.5, 1.0, 1.5]


def test_a_5xx_after_data_is_a_delivery_error_quoting_the_relay(sink, tmp_path):
    sink.faults.script("DATA", "554 5.7.1 message refused by policy")
    with pytest.raises(DeliveryError, match="rejected the message") as caught:
        client(sink.port, tmp_path).send(alert("policy"))
    assert "554" in (caught.value.detail or "") and "refused by policy" in caught.value.detail
    assert sink.messages() == []


def test_a_temporary_mail_from_refusal_is_retried_then_sent(sink, tmp_path):
    sink.faults.script("MAIL", "451 4.3.0 try again later")
    waits = Waits()
    result = client(sink.port, tmp_path, waits=waits).send(alert("later"))

    assert (result.status, result.attempts) == ("sent", 2)
    assert waits == [0.5]
    assert len(sink.messages()) == 1


# -- the alert outbox -------------------------------------------------------------------------


def test_outbox_moves_a_permanently_rejected_alert_to_dead_letters_and_sends_the_rest(
    sink, tmp_path
):
    outbox = Outbox(tmp_path / "outbox")
    outbox.put(alert("to a gone address", ["gone@team.test"]))
    outbox.put(alert("to the team"))
    sink.faults.refuse_recipient("gone@team.test", "550 5.1.1 no such user")

    result = outbox.flush(client(sink.port, tmp_path))

    assert (result.sent, result.pending, result.dead, result.smtp_down) == (1, 0, 1, False)
    assert len(outbox.dead()) == 1 and outbox.pending() == []
    assert [m.subject for m in sink.messages()] == ["to the team"]
    # A dead letter is kept, not re-sent on the next flush.
    assert outbox.flush(client(sink.port, tmp_path)).dead == 1
    assert len(sink.messages()) == 1


def test_outbox_stops_while_the_relay_defers_then_sends_oldest_first(sink, tmp_path):
    outbox = Outbox(tmp_path / "outbox")
    for subject in ("first", "second", "third"):
        outbox.put(alert(subject))
        time.sleep(0.05)  # distinct queue times even on a coarse file-system clock
    sink.faults.script("DATA", "451 4.3.0 queue full")

    stopped = outbox.flush(client(sink.port, tmp_path, attempts=1))

    # The relay deferred the first one: no point trying the others now.
    assert (stopped.sent, stopped.pending, stopped.dead, stopped.smtp_down) == (0, 3, 0, True)
    assert sink.messages() == []
    flushed = outbox.flush(client(sink.port, tmp_path, attempts=1))
    assert (flushed.sent, flushed.pending, flushed.smtp_down) == (3, 0, False)
    assert [m.subject for m in sink.messages()] == ["first", "second", "third"]
