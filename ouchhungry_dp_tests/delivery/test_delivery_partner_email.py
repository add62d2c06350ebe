"""The partner's pt-BR "base updated" e-mail: content, safety and deterministic Message-ID."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage

import pytest

from ouchhungry_dp.delivery.partner_email import render_partner_email
from ouchhungry_dp.errors import ConfigurationError

SHA = "ab" * 32


def _render(**overrides: object) -> EmailMessage:
    values: dict[str, object] = {
        "partner_name": "OuchHungry",
        "dataset": "ouchhungry_sales_daily",
        "partition": "2026-11-25",
        "rows": 12345,
        "sha256": SHA,
        "file_name": "ouchhungry_sales_daily_2026-11-25.csv",
        "sftp_path": "/upload/daily/ouchhungry_sales_daily_2026-11-25.csv",
        "api_receipt_id": "rcpt_123",
        "recipients": ["dados@ouchhungry.example", "bi@ouchhungry.example"],
        "sender": "Dados <dados@marketplace.example>",
        "sent_at": datetime(2026, 11, 26, 9, 0, tzinfo=UTC),
    }
    values.update(overrides)
    return render_partner_email(**values)  # type: ignore[arg-type]


def _parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


def test_summary_in_portuguese_with_partition_rows_file_sha_and_where_to_fetch() -> None:
    message = _render()
    text, html = _parts(message)

    assert message["Subject"] == "[OuchHungry] Base atualizada: vendas diárias — 2026-11-25"
    assert message["To"] == "dados@ouchhungry.example, bi@ouchhungry.example"
    assert message["Content-Language"] == "pt-BR"
    assert message["Auto-Submitted"] == "auto-generated"
    for body in (text, html):
        for expected in (
            "Partição",
            "2026-11-25",
            "12.345",
            SHA,
            "rcpt_123",
            "ouchhungry_sales_daily_2026-11-25.csv.manifest.json",
            "/upload/daily/ouchhungry_sales_daily_2026-11-25.csv",
            "nenhuma linha da base nem dado pessoal",
        ):
            assert expected in body, expected


def test_message_id_is_deterministic_per_dataset_partition_and_content() -> None:
    first, again = _render(), _render(sent_at=datetime(2026, 11, 27, tzinfo=UTC), rows=1)
    assert first["Message-ID"] == again["Message-ID"]
    assert first["Message-ID"].endswith("@marketplace.example>")
    assert _render(sha256="cd" * 32)["Message-ID"] != first["Message-ID"]
    assert _render(partition="2026-11-24")["Message-ID"] != first["Message-ID"]
    assert _render(dataset="ouchhungry_sales_monthly_by_city")["Message-ID"] != first["Message-ID"]


def test_html_is_escaped_and_missing_channels_are_left_out() -> None:
    message = _render(
        partner_name="<script>x</script>",
        api_receipt_id=None,
        partition="2026-11",
        dataset="ouchhungry_sales_monthly_by_city",
    )
    text, html = _parts(message)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "recibo" not in text and "recibo" not in html
    assert "vendas mensais por cidade" in message["Subject"]


def test_no_recipients_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="OUCHHUNGRY_NOTIFY_EMAILS"):
        _render(recipients=[])


def test_redelivering_identical_bytes_sends_no_second_email_a_changed_file_sends_one(
    tmp_path,
) -> None:
    """The runbook's promise, end to end through the real SMTP client, sent-log and sink."""
    from ouchhungry_dp.delivery.email import SentLog, SmtpConfig, SmtpEmailClient
    from ouchhungry_dp.sandbox.partner_systems.smtp_sink import SmtpSink

    changed = "cd" * 32
    with SmtpSink(tmp_path / "mail") as sink:
        config = SmtpConfig(
            host="127.0.0.1", port=sink.port, security="none", email_from="dados@x.example"
        )

        def send(sha256: str, sent_at: datetime) -> str:
            # A new client per delivery, as each run builds its own: only the sent-log is shared.
            client = SmtpEmailClient(config, attempts=1, sent_log=SentLog(tmp_path / "sent.db"))
            return client.send(_render(sha256=sha256, sent_at=sent_at)).status

        first = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
        later = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
        statuses = [send(SHA, first), send(SHA, later), send(changed, later)]

        assert statuses == ["sent", "duplicate", "sent"]
        mails = sink.messages()
    assert len(mails) == 2
    assert SHA in mails[0].body() and changed in mails[1].body()
    assert mails[0].message_id != mails[1].message_id
