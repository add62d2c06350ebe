"""The e-mail a partner gets after a base update, in Brazilian Portuguese (no Dagster import).

It carries a summary only (partition, row count, file name, sha256, where the
file is) and never a row or anything personal. The Message-ID is derived from
(dataset, partition, sha256): a retried run produces the same ID, so the SMTP
client's sent-log dedupe and the partner's mail server both see one message.
Sending belongs to ``delivery.email``.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from jinja2 import Environment, StrictUndefined

from ouchhungry_dp.delivery.manifest import MANIFEST_SUFFIX
from ouchhungry_dp.errors import ConfigurationError

_TITLES = {
    "_sales_daily": "vendas diárias",
    "_sales_monthly_by_city": "vendas mensais por cidade",
}

_TEXT = """\
Olá, equipe {{ partner_name }},

A base "{{ title }}" foi atualizada.

  Partição: {{ partition }}
  Linhas: {{ rows }}
  Arquivo: {{ file_name }}
  SHA-256: {{ sha256 }}

Onde buscar:
{% if sftp_path %}  - SFTP: {{ sftp_path }} (manifesto ao lado: {{ manifest_name }})
{% endif %}{% if api_receipt_id %}  - API: recibo {{ api_receipt_id }} \
(/v1/deliveries/{{ dataset }}/{{ partition }})
{% endif %}
Para conferir a integridade, compare o SHA-256 acima com o do arquivo recebido
(por exemplo: sha256sum {{ file_name }}).

Este e-mail é automático e traz apenas um resumo: nenhuma linha da base nem dado pessoal.
Dúvidas? Responda a esta mensagem.

Equipe de Dados
"""

_HTML = """\
<!doctype html>
<html lang="pt-BR"><body style="font-family: Arial, sans-serif; color: #222;">
<p>Olá, equipe {{ partner_name }},</p>
<p>A base <strong>{{ title }}</strong> foi atualizada.</p>
<table style="border-collapse: collapse;">
<tr><th align="left">Partição</th><td>{{ partition }}</td></tr>
<tr><th align="left">Linhas</th><td>{{ rows }}</td></tr>
<tr><th align="left">Arquivo</th><td><code>{{ file_name }}</code></td></tr>
<tr><th align="left">SHA-256</th><td><code>{{ sha256 }}</code></td></tr>
</table>
<p>Onde buscar:</p>
<ul>
{% if sftp_path %}<li>SFTP: <code>{{ sftp_path }}</code> (manifesto ao lado:
<code>{{ manifest_name }}</code>)</li>{% endif %}
{% if api_receipt_id %}<li>API: recibo <code>{{ api_receipt_id }}</code>
(<code>/v1/deliveries/{{ dataset }}/{{ partition }}</code>)</li>{% endif %}
</ul>
<p>Para conferir a integridade, compare o SHA-256 acima com o do arquivo recebido.</p>
<p style="color: #666; font-size: 90%;">Este e-mail é automático e traz apenas um resumo:
nenhuma linha da base nem dado pessoal. Dúvidas? Responda a esta mensagem.</p>
<p>Equipe de Dados</p>
</body></html>
"""

_ENV = Environment(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)
_TEXT_TEMPLATE = Environment(undefined=StrictUndefined, keep_trailing_newline=True).from_string(
    _TEXT
)
_HTML_TEMPLATE = _ENV.from_string(_HTML)


def dataset_title(dataset: str) -> str:
    return next((t for suffix, t in _TITLES.items() if dataset.endswith(suffix)), dataset)


def format_count_pt_br(value: int) -> str:
    """12345 -> "12.345" (Brazilian thousands separator)."""
    return f"{int(value):,}".replace(",", ".")


def delivery_message_id(dataset: str, partition: str, sha256: str, sender: str) -> str:
    """Same delivery (same dataset, partition and content) -> same Message-ID."""
    digest = hashlib.sha256(f"{dataset}\n{partition}\n{sha256}".encode()).hexdigest()[:40]
    domain = parseaddr(sender)[1].rpartition("@")[2] or "ouchhungry-dp.local"
    return f"<delivery.{digest}@{domain}>"


def render_partner_email(
    *,
    partner_name: str,
    dataset: str,
    partition: str,
    rows: int,
    sha256: str,
    file_name: str,
    sftp_path: str | None,
    api_receipt_id: str | None,
    recipients: list[str],
    sender: str,
    sent_at: datetime | None = None,
) -> EmailMessage:
    """The partner's "base updated" message: plain text + HTML, pt-BR, deterministic ID."""
    if not recipients:
        raise ConfigurationError(
            "partner delivery e-mail has no recipients",
            partner=partner_name,
            partition=partition,
            hint="Set OUCHHUNGRY_NOTIFY_EMAILS (comma-separated).",
        )
    context = {
        "partner_name": partner_name,
        "title": dataset_title(dataset),
        "dataset": dataset,
        "partition": partition,
        "rows": format_count_pt_br(rows),
        "file_name": file_name,
        "manifest_name": file_name + MANIFEST_SUFFIX,
        "sha256": sha256,
        "sftp_path": sftp_path,
        "api_receipt_id": api_receipt_id,
    }
    message = EmailMessage()
    message["Subject"] = f"[{partner_name}] Base atualizada: {context['title']} — {partition}"
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = format_datetime(sent_at or datetime.now(UTC))
    message["Message-ID"] = delivery_message_id(dataset, partition, sha256, sender)
    # Ask auto-responders (out-of-office) not to answer a machine.
    message["Auto-Submitted"] = "auto-generated"
    message["X-Auto-Response-Suppress"] = "All"
    message.set_content(_TEXT_TEMPLATE.render(context))
    message.add_alternative(_HTML_TEMPLATE.render(context), subtype="html")
    # After the body: set_content() drops every Content-* header set before it.
    message["Content-Language"] = "pt-BR"
    return message
