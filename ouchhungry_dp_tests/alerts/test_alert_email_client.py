"""SMTP client against the real aiosmtpd sink on loopback (plain, AUTH, STARTTLS, faults)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ouchhungry_dp.delivery.email import SentLog, SmtpConfig, SmtpEmailClient, build_message
from ouchhungry_dp.errors import ConfigurationError, ConnectivityError
from ouchhungry_dp.sandbox.partner_systems.smtp_sink import SmtpSink

SENDER = "dados@ouchhungry.test"


def client_for(port: int, tmp_path: Path, **overrides: object) -> SmtpEmailClient:
    fields: dict[str, object] = {
        "host": "127.0.0.1",
        "port": port,
        "security": "none",
        "email_from": SENDER,
    }
    fields.update(overrides)
    return SmtpEmailClient(
        SmtpConfig(**fields),  # type: ignore[arg-type]
        attempts=2,
        backoff_seconds=0.01,
        sent_log=SentLog(tmp_path / "sent.sqlite"),
    )


def message(message_id: str | None = None):
    return build_message(
        subject="Base atualizada\r\nBcc: intruso@x.com",
        text="texto",
        html="<p>html</p>",
        sender=SENDER,
        recipients=["a@partner.test", "b@partner.test"],
        message_id=message_id,
    )


def self_signed(tmp_path: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_multipart_message_is_delivered_and_a_known_message_id_is_not_resent(sink, tmp_path):
    first = client_for(sink.port, tmp_path).send(message("<run-42.partner@ouchhungry.test>"))
    # A new client (a retried run) sharing the sent-log does not send it again.
    again = client_for(sink.port, tmp_path).send(message("<run-42.partner@ouchhungry.test>"))

    assert (first.status, again.status) == ("sent", "duplicate")
    [received] = sink.messages()
    assert received.rcpt_tos == ("a@partner.test", "b@partner.test")
    assert received.mail_from == SENDER
    assert received.body("plain").strip() == "texto"
    assert received.body("html").strip() == "<p>html</p>"
    # The CR/LF in the subject did not smuggle a Bcc header in.
    assert received.message["Bcc"] is None
    assert "intruso@x.com" not in received.rcpt_tos


def test_plain_text_smtp_to_a_remote_host_is_refused():
    with pytest.raises(ConfigurationError, match="loopback"):
        SmtpConfig(host="smtp.example.com", port=25, security="none", email_from=SENDER)


def test_from_env_keeps_the_password_out_of_repr():
    config = SmtpConfig.from_env(
        {
            "SMTP_HOST": "smtp.example.com",
            "SMTP_SECURITY": "ssl",
            "EMAIL_FROM": SENDER,
            "SMTP_USERNAME": "relay-user",
            "SMTP_PASSWORD": "s3cr3t-pw",
        }
    )
    assert config.port == 465 and config.password == "s3cr3t-pw"
    assert "s3cr3t-pw" not in repr(config)
    assert "s3cr3t-pw" not in repr(SmtpEmailClient(config, dedupe=False))


def test_relay_down_raises_a_transient_connectivity_error(tmp_path):
    with SmtpSink(tmp_path / "gone") as gone:
        port = gone.port
    with pytest.raises(ConnectivityError) as raised:
        client_for(port, tmp_path).send(message())
    assert raised.value.transient is True
    assert "after 2 attempt(s)" in str(raised.value)


def test_a_4xx_answer_is_retried_then_reported_transient(sink, tmp_path):
    sink.reject_with = (421, "Service not available")
    with pytest.raises(ConnectivityError) as raised:
        client_for(sink.port, tmp_path).send(message())
    assert raised.value.transient is True and "421" in str(raised.value)
    assert sink.messages() == []


def test_wrong_password_is_not_transient_and_not_echoed(tmp_path):
    with SmtpSink(tmp_path / "auth", credentials=("relay", "right-pw")) as relay:
        ok = client_for(relay.port, tmp_path, username="relay", password="right-pw")
        assert ok.send(message()).status == "sent"
        bad = client_for(relay.port, tmp_path, username="relay", password="wrong-pw")
        with pytest.raises(ConnectivityError) as raised:
            bad.send(message())
    assert raised.value.transient is False
    assert "wrong-pw" not in str(raised.value)


def test_starttls_verifies_the_relay_certificate(tmp_path):
    cert, key = self_signed(tmp_path)
    server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_tls.load_cert_chain(cert, key)
    with SmtpSink(tmp_path / "tls", starttls_context=server_tls) as relay:
        untrusted = client_for(relay.port, tmp_path, security="starttls")
        with pytest.raises(ConnectivityError, match="TLS") as raised:
            untrusted.send(message())
        assert raised.value.transient is False
        trusted = client_for(relay.port, tmp_path, security="starttls", ca_file=str(cert))
        assert trusted.send(message()).status == "sent"
        assert len(relay.messages()) == 1
