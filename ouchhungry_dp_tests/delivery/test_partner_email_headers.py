"""The partner e-mail's headers and Message-ID, field by field (mutation pass of
2026-11-29: what ``test_delivery_partner_email.py`` did not pin)."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import pytest

from ouchhungry_dp.delivery.partner_email import (
    dataset_title,
    delivery_message_id,
    render_partner_email,
)
from ouchhungry_dp.errors import ConfigurationError
from ouchhungry_dp_tests.delivery.test_delivery_partner_email import _render


def test_a_dataset_without_a_known_suffix_keeps_its_own_name_as_title() -> None:
    assert dataset_title("acme_sales_daily") == "vendas diárias"
    assert dataset_title("acme_refunds") == "acme_refunds"
    message = _render(dataset="acme_refunds", partition="2026-11")
    assert message["Subject"] == "[OuchHungry] Base atualizada: acme_refunds — 2026-11"


def test_the_message_id_is_40_hex_of_the_deliverys_digest_at_the_senders_domain() -> None:
    fields = ("ouchhungry_sales_daily", "2026-11-25", "ab" * 32)
    # Independent of the module: the three fields, one a line, hashed with SHA-256.
    digest = hashlib.sha256("\n".join(fields).encode()).hexdigest()
    message_id = delivery_message_id(*fields, "Dados <dados@marketplace.example>")
    assert message_id == f"<delivery.{digest[:40]}@marketplace.example>"
    # The domain follows the address's last "@" (a quoted local part may hold one);
    # no address at all: a fixed local domain.
    assert delivery_message_id(*fields, 'Dados <"a@b"@mail.example>') == (
        f"<delivery.{digest[:40]}@mail.example>")
    assert delivery_message_id(*fields, "") == f"<delivery.{digest[:40]}@ouchhungry-dp.local>"


def test_the_missing_recipients_error_names_the_partner_and_the_partition() -> None:
    with pytest.raises(ConfigurationError) as refused:
        _render(recipients=[], partner_name="Acme", partition="2026-11-24")
    assert (refused.value.partner, refused.value.partition) == ("Acme", "2026-11-24")


def test_every_header_the_partners_mail_server_reads() -> None:
    sent_at = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    message = _render(sent_at=sent_at)
    assert message["From"] == "Dados <dados@marketplace.example>"
    assert parsedate_to_datetime(message["Date"]) == sent_at
    # Out-of-office replies suppressed (Exchange reads the exact value "All").
    assert message["X-Auto-Response-Suppress"] == "All"
    assert message["Auto-Submitted"] == "auto-generated"
    assert [part.get_content_type() for part in message.iter_parts()] == [
        "text/plain", "text/html"]
    assert re.fullmatch(r"<delivery\.[0-9a-f]{40}@marketplace\.example>", message["Message-ID"])


def test_without_a_send_time_the_date_is_now_in_utc() -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    message = render_partner_email(
        partner_name="OuchHungry", dataset="ouchhungry_sales_daily", partition="2026-11-25",
        rows=1, sha256="ab" * 32, file_name="f.csv", sftp_path=None, api_receipt_id="r",
        recipients=["dados@ouchhungry.example"], sender="dados@marketplace.example")
    after = datetime.now(UTC)
    date = parsedate_to_datetime(message["Date"])
    assert date.utcoffset() is not None and date.utcoffset().total_seconds() == 0
    assert before <= date <= after
