"""The SMTP client against the real SMTP sink on loopback: who receives a message, what
the client fills in, what it refuses (mutation pass of 2026-11-29)."""

from __future__ import annotations

import re
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from ouchhungry_dp.delivery.email import SentLog, SmtpConfig, SmtpEmailClient, build_message
from ouchhungry_dp.errors import ConfigurationError, ConnectivityError, DeliveryError
from ouchhungry_dp.sandbox.partner_systems.smtp_sink import SmtpSink
from ouchhungry_dp_tests.alerts.test_alert_email_client import self_signed

SENDER = "dados@ouchhungry.test"


@pytest.fixture
def sink(tmp_path: Path) -> Iterator[SmtpSink]:
    with SmtpSink(tmp_path / "mail") as running:
        yield running


def _client(sink: SmtpSink, tmp_path: Path, **options: object) -> SmtpEmailClient:
    config = SmtpConfig(host="127.0.0.1", port=sink.port, security="none", email_from=SENDER)
    return SmtpEmailClient(config, sent_log=SentLog(tmp_path / "sent.sqlite"),
                           **options)  # type: ignore[arg-type]


def test_to_cc_and_bcc_all_receive_it_and_the_bcc_header_is_not_sent(sink, tmp_path) -> None:
    message = build_message(subject="s", text="t", html=None, sender=SENDER,
                            recipients=["to@partner.test"])
    message["Cc"] = "Copy <cc@partner.test>"
    message["Bcc"] = "hidden@partner.test"
    result = _client(sink, tmp_path).send(message)
    [received] = sink.messages()
    assert sorted(received.rcpt_tos) == ["cc@partner.test", "hidden@partner.test",
                                         "to@partner.test"]
    assert received.message["Bcc"] is None
    assert (result.status, result.recipients, result.attempts) == ("sent", 3, 1)


def test_a_message_without_sender_or_id_gets_the_configured_ones(sink, tmp_path) -> None:
    message = build_message(subject="s", text="t", html=None, sender=SENDER,
                            recipients=["to@partner.test"])
    del message["From"], message["Message-ID"]
    result = _client(sink, tmp_path).send(message)
    [received] = sink.messages()
    assert received.mail_from == SENDER and received.message["From"] == SENDER
    assert received.message_id == result.message_id
    assert result.message_id.endswith("@ouchhungry.test>")


def test_a_message_without_recipients_is_refused_before_the_relay(sink, tmp_path) -> None:
    message = build_message(subject="s", text="t", html=None, sender=SENDER, recipients=[])
    with pytest.raises(ConfigurationError, match="no recipients"):
        _client(sink, tmp_path).send(message)
    assert sink.messages() == []


def test_without_dedupe_the_same_message_id_is_sent_twice(sink, tmp_path) -> None:
    config = SmtpConfig(host="127.0.0.1", port=sink.port, security="none", email_from=SENDER)
    client = SmtpEmailClient(config, dedupe=False)
    assert client.sent_log is None
    for _ in range(2):
        client.send(build_message(subject="s", text="t", html=None, sender=SENDER,
                                  recipients=["to@partner.test"], message_id="<same@x.test>"))
    assert [m.message_id for m in sink.messages()] == ["<same@x.test>"] * 2


def test_at_least_one_attempt_is_required() -> None:
    config = SmtpConfig(host="127.0.0.1", port=25, security="none", email_from=SENDER)
    with pytest.raises(ConfigurationError) as caught:
        SmtpEmailClient(config, attempts=0, dedupe=False)
    assert caught.value.what == "SMTP attempts must be >= 1"
    assert "attempts=1" in (caught.value.hint or "")
    assert SmtpEmailClient(config, attempts=1, dedupe=False).attempts == 1


def test_implicit_tls_sends_to_a_trusted_relay_and_refuses_an_untrusted_one(tmp_path) -> None:
    """SMTP_SECURITY=ssl (port 465 style): TLS from the first byte, certificate verified."""
    cert, key = self_signed(tmp_path)
    server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_tls.load_cert_chain(cert, key)
    with SmtpSink(tmp_path / "tls", implicit_tls_context=server_tls) as relay:
        def client(**extra: object) -> SmtpEmailClient:
            config = SmtpConfig(host="127.0.0.1", port=relay.port, security="ssl",
                                email_from=SENDER, **extra)  # type: ignore[arg-type]
            return SmtpEmailClient(config, attempts=1, dedupe=False)

        with pytest.raises(ConnectivityError, match="TLS") as refused:
            client().send(build_message(subject="s", text="t", html=None, sender=SENDER,
                                        recipients=["to@partner.test"]))
        assert refused.value.transient is False and relay.messages() == []
        # The class and the reason, not the library's whole sentence.
        assert refused.value.detail == "SSLCertVerificationError: CERTIFICATE_VERIFY_FAILED"
        result = client(ca_file=str(cert)).send(build_message(
            subject="s", text="t", html=None, sender=SENDER, recipients=["to@partner.test"]))
        assert result.status == "sent"
        [received] = relay.messages()
        assert received.rcpt_tos == ("to@partner.test",)


def test_a_built_message_carries_sender_date_in_utc_and_an_id_at_the_senders_domain(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # A local time zone other than UTC: the Date header must still be written in UTC.
    monkeypatch.setenv("TZ", "America/Sao_Paulo")
    time.tzset()
    try:
        before = datetime.now(UTC).replace(microsecond=0)
        message = build_message(subject="s", text="t", html="<p>h</p>", sender=SENDER,
                                recipients=["to@partner.test"])
        after = datetime.now(UTC)
    finally:
        monkeypatch.undo()
        time.tzset()
    assert message["From"] == SENDER
    # RFC 5322 writes UTC as "-0000" (parsed as a naive time) or "+0000".
    assert message["Date"].endswith(("-0000", "+0000"))
    date = parsedate_to_datetime(message["Date"]).replace(tzinfo=UTC)
    assert before <= date <= after
    assert re.fullmatch(r"<[^@<>]+@ouchhungry\.test>", message["Message-ID"])
    # The domain follows the last "@" (a quoted local part may hold one).
    quoted = build_message(subject="s", text="t", html=None, sender='"a@b"@mail.example',
                           recipients=["to@partner.test"])
    assert re.fullmatch(r"<[^@<>]+@mail\.example>", quoted["Message-ID"])


def test_a_refused_login_and_a_relay_without_starttls_say_what_happened(tmp_path) -> None:
    """Neither is transient; the login refusal gives the relay's code (never the password),
    the missing STARTTLS the library's words."""
    with SmtpSink(tmp_path / "auth", credentials=("relay", "right-pw")) as relay:
        config = SmtpConfig(host="127.0.0.1", port=relay.port, security="none",
                            email_from=SENDER, username="relay",
                            password="wrong-pw")  # pragma: allowlist secret
        with pytest.raises(ConnectivityError, match="refused the login") as refused:
            SmtpEmailClient(config, attempts=1, dedupe=False).send(build_message(
                subject="s", text="t", html=None, sender=SENDER, recipients=["to@x.test"]))
    assert refused.value.detail == "code 535" and refused.value.transient is False
    assert "wrong-pw" not in str(refused.value)
    with SmtpSink(tmp_path / "plain") as plain:
        config = SmtpConfig(host="127.0.0.1", port=plain.port, security="starttls",
                            email_from=SENDER)
        with pytest.raises(ConnectivityError, match="does not offer") as unsupported:
            SmtpEmailClient(config, attempts=1, dedupe=False).send(build_message(
                subject="s", text="t", html=None, sender=SENDER, recipients=["to@x.test"]))
    assert "STARTTLS" in (unsupported.value.detail or "")
    assert unsupported.value.transient is False


@pytest.mark.timeout(60)  # without the client's timeout the send would wait forever
@pytest.mark.parametrize("security", ["none", "ssl"])
def test_a_relay_that_accepts_and_never_answers_times_out_as_transient(
        security: str, tmp_path) -> None:
    """A listening socket that never sends the SMTP banner (nor the TLS handshake): the
    client gives up after ``timeout_seconds`` and reports it as transient."""
    with socket.create_server(("127.0.0.1", 0)) as silent:
        config = SmtpConfig(host="127.0.0.1", port=silent.getsockname()[1],
                            security=security, email_from=SENDER,  # type: ignore[arg-type]
                            timeout_seconds=0.3)
        client = SmtpEmailClient(config, attempts=1, dedupe=False)
        with pytest.raises(ConnectivityError) as raised:
            client.send(build_message(subject="s", text="t", html=None, sender=SENDER,
                                      recipients=["to@x.test"]))
    assert raised.value.transient is True
    assert "after 1 attempt(s)" in (raised.value.detail or "")


def _one(sink: SmtpSink) -> SmtpEmailClient:
    config = SmtpConfig(host="127.0.0.1", port=sink.port, security="none", email_from=SENDER)
    return SmtpEmailClient(config, attempts=3, backoff_seconds=0.01, dedupe=False)


def _mail(*recipients: str) -> EmailMessage:
    return build_message(subject="s", text="t", html=None, sender=SENDER,
                         recipients=list(recipients))


@pytest.mark.parametrize(("reply", "sent"), [("400 4.0.0 at the edge", True),
                                             ("499 4.0.0 at the edge", True),
                                             ("500 5.0.0 at the edge", False)])
def test_reply_codes_400_to_499_are_retried_500_is_final(sink, reply: str, sent: bool) -> None:
    """The class boundaries of RFC 5321 (4yz transient, 5yz permanent), for a refused
    recipient and for the answer to DATA alike."""
    sink.faults.script("RCPT", reply)
    sink.faults.script("DATA", reply)
    if sent:
        # Refused at RCPT, then at DATA, then sent.
        assert _one(sink).send(_mail("to@x.test")).attempts == 3
    else:  # refused for good at RCPT, then (a new message) at DATA, each on the first try
        for _ in range(2):
            with pytest.raises(DeliveryError):
                _one(sink).send(_mail("to@x.test"))
    assert len(sink.messages()) == (1 if sent else 0)


def test_a_rejection_quotes_at_most_200_characters_of_the_relays_words(sink) -> None:
    words = "x" * 150 + "y" * 100
    sink.faults.script("DATA", f"554 {words}")
    with pytest.raises(DeliveryError) as rejected:
        _one(sink).send(_mail("to@x.test"))
    assert rejected.value.detail == f"code 554: {words.encode()[:200]!r}"


def test_a_relay_that_hangs_up_is_reported_with_the_library_error(tmp_path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        def hang_up() -> None:
            for _ in range(2):
                connection, _ = listener.accept()
                connection.close()

        closer = threading.Thread(target=hang_up, daemon=True)
        closer.start()
        config = SmtpConfig(host="127.0.0.1", port=listener.getsockname()[1], security="none",
                            email_from=SENDER, timeout_seconds=5)
        with pytest.raises(ConnectivityError) as raised:
            SmtpEmailClient(config, attempts=2, backoff_seconds=0.01, dedupe=False).send(
                _mail("to@x.test"))
        closer.join(timeout=10)
    assert raised.value.transient is True
    assert (raised.value.detail or "").startswith("SMTPServerDisconnected: ")


def test_a_timeout_is_reported_with_its_class(tmp_path) -> None:
    """A TLS handshake that never completes (plain SMTP turns a silent relay into
    SMTPServerDisconnected, above)."""
    with socket.create_server(("127.0.0.1", 0)) as silent:
        config = SmtpConfig(host="127.0.0.1", port=silent.getsockname()[1], security="ssl",
                            email_from=SENDER, timeout_seconds=0.2)
        with pytest.raises(ConnectivityError) as raised:
            SmtpEmailClient(config, attempts=1, dedupe=False).send(_mail("to@x.test"))
    assert (raised.value.detail or "").startswith("TimeoutError: ")


def test_a_generated_message_id_takes_the_domain_after_the_senders_last_at() -> None:
    """A quoted local part may hold an ``@`` (RFC 5322); the domain is what follows the last
    one. The id is set on the message before the recipients are checked, so no relay is needed."""
    config = SmtpConfig(host="127.0.0.1", port=2525, security="none",
                        email_from='"dados@equipe"@ouchhungry.test')
    message = build_message(subject="s", text="t", html=None, sender=SENDER, recipients=[])
    del message["From"], message["Message-ID"]
    with pytest.raises(ConfigurationError, match="no recipients"):
        SmtpEmailClient(config, dedupe=False).send(message)
    assert message["From"] == '"dados@equipe"@ouchhungry.test'
    assert str(message["Message-ID"]).split("@", 1)[1] == "ouchhungry.test>"


def test_the_client_waits_for_a_claim_held_elsewhere_as_long_as_its_own_sends_may_take(
    tmp_path,
) -> None:
    """Another process holds the Message-ID's claim: the client polls for at most
    attempts x (timeout + longest backoff) = 2 x (2 + 3) = 10 s, then gives up, transient."""
    waits: list[float] = []
    sent_log = SentLog(tmp_path / "sent.sqlite", poll_seconds=1.0, sleep=waits.append)
    assert sent_log.claim("<held@x.test>")  # the other process, still sending
    config = SmtpConfig(host="127.0.0.1", port=2525, security="none", email_from=SENDER,
                        timeout_seconds=2.0)
    client = SmtpEmailClient(config, attempts=2, max_backoff_seconds=3.0, sent_log=sent_log)
    message = build_message(subject="s", text="t", html=None, sender=SENDER,
                            recipients=["to@partner.test"], message_id="<held@x.test>")
    with pytest.raises(ConnectivityError, match="being sent by another process") as caught:
        client.send(message)
    assert caught.value.transient is True
    assert waits == [1.0] * 10


def test_a_message_id_already_sent_is_reported_as_a_duplicate_without_an_attempt(
    sink, tmp_path
) -> None:
    message = build_message(subject="s", text="t", html=None, sender=SENDER,
                            recipients=["to@partner.test", "cc@partner.test"],
                            message_id="<once@x.test>")
    client = _client(sink, tmp_path)
    first = client.send(message)
    again = client.send(message)
    assert (first.status, first.attempts) == ("sent", 1)
    assert again == type(again)("<once@x.test>", "duplicate", 2, attempts=0)
    assert len(sink.messages()) == 1


def test_by_default_three_attempts_one_second_apart_doubling_up_to_30_seconds(tmp_path) -> None:
    """A relay that refuses connections (a port just closed): three attempts, waits of 1 s
    then 2 s; with more attempts the wait doubles until it stays at 30 s."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    config = SmtpConfig(host="127.0.0.1", port=port, security="none", email_from=SENDER)
    message = build_message(subject="s", text="t", html=None, sender=SENDER,
                            recipients=["to@partner.test"])
    waits: list[float] = []
    with pytest.raises(ConnectivityError) as caught:
        SmtpEmailClient(config, dedupe=False, sleep=waits.append).send(message)
    assert caught.value.transient is True and "(after 3 attempt(s))" in caught.value.detail
    assert waits == [1.0, 2.0]
    waits.clear()
    with pytest.raises(ConnectivityError):
        SmtpEmailClient(config, attempts=8, dedupe=False, sleep=waits.append).send(message)
    assert waits == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]


def test_without_dedupe_a_given_sent_log_is_not_used(sink, tmp_path) -> None:
    sent_log = SentLog(tmp_path / "sent.sqlite")
    config = SmtpConfig(host="127.0.0.1", port=sink.port, security="none", email_from=SENDER)
    client = SmtpEmailClient(config, sent_log=sent_log, dedupe=False)
    assert client.sent_log is None
    for _ in range(2):
        assert client.send(build_message(
            subject="s", text="t", html=None, sender=SENDER, recipients=["to@partner.test"],
            message_id="<same@x.test>")).status == "sent"
    assert len(sink.messages()) == 2
