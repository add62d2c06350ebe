"""Alert -> e-mail (subject, text and HTML bodies, deterministic Message-ID).

Jinja2 renders the bodies; the HTML environment autoescapes, so an error message
cannot inject markup. Alerts go to the data team, so the text is in English.
"""

from __future__ import annotations

from email.message import EmailMessage

from jinja2 import Environment, StrictUndefined

from ouchhungry_dp.alerts.model import Alert
from ouchhungry_dp.delivery.email import build_message

PROJECT_TAG = "ouchhungry_dp"
MAX_LISTED = 40

_TEXT = """\
{{ alert.title }}

{% for label, value in fields %}{{ "%-13s"|format(label) }}: {{ value }}
{% endfor %}
Message:
{{ alert.message or "(none)" }}

What to try:
{{ alert.hint or "See docs/operations.md for this alert." }}
{% if alert.note %}
Note: {{ alert.note }}
{% endif %}
{% if listed %}Occurrences ({{ alert.occurrences|length }}):
{% for o in listed %}- {{ o.partition or "-" }} {{ o.label or o.job_name or "" }}\
{% if o.severity %} [{{ o.severity }}]{% endif %}{% if o.run_url %} {{ o.run_url }}{% endif %}\
{% if o.message and o.message != alert.message %}: {{ o.message }}{% endif %}
{% endfor %}{% if hidden %}... and {{ hidden }} more
{% endif %}{% endif %}
{% if alert.links %}Links:
{% for label, url in alert.links %}- {{ label }}: {{ url }}
{% endfor %}{% endif %}
Runbook: docs/operations.md#{{ alert.kind.value }}
-- ouchhungry_dp alerting (incident {{ alert.incident_key }})
"""

_HTML = """\
<html><body style="font-family:sans-serif">
<h2>{{ alert.title }}</h2>
<table cellpadding="4">
{% for label, value in fields %}<tr><th align="left">{{ label }}</th><td>{{ value }}</td></tr>
{% endfor %}</table>
<h3>Message</h3><pre>{{ alert.message or "(none)" }}</pre>
<h3>What to try</h3><p>{{ alert.hint or "See docs/operations.md for this alert." }}</p>
{% if alert.note %}<p><i>{{ alert.note }}</i></p>{% endif %}
{% if listed %}<h3>Occurrences ({{ alert.occurrences|length }})</h3><ul>
{% for o in listed %}<li>{{ o.partition or "-" }} {{ o.label or o.job_name or "" }}\
{% if o.severity %} [{{ o.severity }}]{% endif %}\
{% if o.run_url %} <a href="{{ o.run_url }}">run</a>{% endif %}\
{% if o.message and o.message != alert.message %}: {{ o.message }}{% endif %}</li>
{% endfor %}{% if hidden %}<li>... and {{ hidden }} more</li>{% endif %}</ul>{% endif %}
{% if alert.links %}<p>{% for label, url in alert.links %}<a href="{{ url }}">{{ label }}</a> \
{% endfor %}</p>{% endif %}
<p style="color:#888">Runbook: docs/operations.md#{{ alert.kind.value }} —
incident {{ alert.incident_key }}</p>
</body></html>
"""

_text_env = Environment(autoescape=False, undefined=StrictUndefined, keep_trailing_newline=True)
_html_env = Environment(autoescape=True, undefined=StrictUndefined)
_TEXT_TEMPLATE = _text_env.from_string(_TEXT)
_HTML_TEMPLATE = _html_env.from_string(_HTML)


def partitions_label(partitions: list[str]) -> str:
    if not partitions:
        return ""
    if len(partitions) == 1:
        return partitions[0]
    return f"{partitions[0]}..{partitions[-1]} ({len(partitions)} partitions)"


def _fields(alert: Alert) -> list[tuple[str, str]]:
    rows = [
        ("What failed", alert.title),
        ("Severity", f"{alert.severity} ({alert.category})"),
        ("Partner", alert.partner or ""),
        ("Partition(s)", partitions_label(alert.partitions)),
        ("Job", alert.job_name or ""),
        ("Step", alert.step or ""),
        ("Error class", alert.error_class or ""),
    ]
    return [(label, value) for label, value in rows if value]


def subject_for(alert: Alert) -> str:
    scope = " ".join(
        part
        for part in (alert.partner or alert.job_name, partitions_label(alert.partitions))
        if part
    )
    subject = f"[{PROJECT_TAG}][{alert.severity}][{alert.category}] {alert.title}"
    if scope:
        subject += f" — {scope}"
    return " ".join(subject.split())[:200]


def render_alert(alert: Alert, *, sender: str, recipients: tuple[str, ...]) -> EmailMessage:
    listed = alert.occurrences[:MAX_LISTED]
    context = {
        "alert": alert,
        "fields": _fields(alert),
        "listed": listed,
        "hidden": len(alert.occurrences) - len(listed),
    }
    message = build_message(
        subject=subject_for(alert),
        text=_TEXT_TEMPLATE.render(context),
        html=_HTML_TEMPLATE.render(context),
        sender=sender,
        recipients=recipients,
        message_id=alert.message_id,
    )
    message["X-Ouchhungry-Incident"] = alert.incident_key
    message["X-Ouchhungry-Severity"] = alert.severity
    return message
