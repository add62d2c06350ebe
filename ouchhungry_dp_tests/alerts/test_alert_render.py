"""The alert e-mail, field by field: subject, the labelled fields (empty ones left out),
the partition range, the occurrence list and its cap, the headers the team's mail rules
read. Direct calls on hand-built alerts (mutation pass of 2026-11-29: render.py had no
test of its own)."""

from __future__ import annotations

from ouchhungry_dp.alerts.model import Alert, AlertKind, Occurrence
from ouchhungry_dp.alerts.render import (
    MAX_LISTED,
    partitions_label,
    render_alert,
    subject_for,
)

DAYS = ["2026-11-01", "2026-11-02", "2026-11-03"]


def _alert(**overrides: object) -> Alert:
    values: dict[str, object] = {
        "kind": AlertKind.RUN_FAILURE, "severity": "error", "category": "connectivity",
        "title": "Daily delivery failed", "incident_key": "run_failure:daily:ouchhungry",
        "partner": "ouchhungry", "job_name": "daily_delivery", "step": "upload",
        "error_class": "ConnectivityError", "message": "connection refused",
        "hint": "Check the SFTP server.",
        "occurrences": tuple(Occurrence(partition=d, job_name="daily_delivery") for d in DAYS),
    }
    values.update(overrides)
    return Alert(**values)  # type: ignore[arg-type]


def _text(alert: Alert) -> str:
    message = render_alert(alert, sender="alerts@x.example", recipients=("team@x.example",))
    body = message.get_body(("plain",))
    assert body is not None
    return body.get_content()


def test_the_partition_label_is_empty_one_day_or_first_to_last_with_the_count() -> None:
    assert partitions_label([]) == ""
    assert partitions_label(["2026-11-01"]) == "2026-11-01"
    assert partitions_label(DAYS) == "2026-11-01..2026-11-03 (3 partitions)"


def test_the_subject_carries_tag_severity_category_title_and_scope() -> None:
    assert subject_for(_alert()) == ("[ouchhungry_dp][error][connectivity] Daily delivery failed"
                                     " — ouchhungry 2026-11-01..2026-11-03 (3 partitions)")
    # No partner: the job names the scope; no scope at all: no dash.
    assert subject_for(_alert(partner=None)).endswith("— daily_delivery 2026-11-01..2026-11-03 "
                                                      "(3 partitions)")
    bare = subject_for(_alert(partner=None, job_name=None, occurrences=()))
    assert bare == "[ouchhungry_dp][error][connectivity] Daily delivery failed"
    # One line (no header injection), at most 200 characters.
    long = subject_for(_alert(title="a\r\nBcc: x@y.z " + "b" * 300))
    assert "\n" not in long and "\r" not in long and len(long) == 200


def test_each_field_is_labelled_and_an_empty_one_is_left_out() -> None:
    lines = _text(_alert()).splitlines()
    expected = {"What failed": "Daily delivery failed", "Severity": "error (connectivity)",
                "Partner": "ouchhungry", "Partition(s)": "2026-11-01..2026-11-03 (3 partitions)",
                "Job": "daily_delivery", "Step": "upload", "Error class": "ConnectivityError"}
    for label, value in expected.items():
        assert f"{label:<13}: {value}" in lines, label
    sparse = _text(_alert(partner=None, job_name=None, step=None, error_class=None,
                          occurrences=()))
    for label in ("Partner", "Partition(s)", "Job", "Step", "Error class"):
        assert not any(line.startswith(f"{label:<13}:") for line in sparse.splitlines()), label


def test_the_occurrences_are_capped_and_the_rest_counted() -> None:
    many = tuple(Occurrence(partition=f"p{n:03d}") for n in range(MAX_LISTED + 5))
    text = _text(_alert(occurrences=many))
    assert f"Occurrences ({MAX_LISTED + 5}):" in text
    listed = [line for line in text.splitlines() if line.startswith("- p")]
    assert len(listed) == MAX_LISTED and listed[-1].startswith(f"- p{MAX_LISTED - 1:03d}")
    assert "... and 5 more" in text


def test_the_headers_the_teams_mail_rules_read() -> None:
    alert = _alert()
    message = render_alert(alert, sender="alerts@x.example",
                           recipients=("a@x.example", "b@x.example"))
    assert message["Message-ID"] == alert.message_id
    assert message["X-Ouchhungry-Incident"] == "run_failure:daily:ouchhungry"
    assert message["X-Ouchhungry-Severity"] == "error"
    assert message["Subject"] == subject_for(alert)
    assert (message["From"], message["To"]) == ("alerts@x.example", "a@x.example, b@x.example")
    html = message.get_body(("html",))
    assert html is not None and "<h2>Daily delivery failed</h2>" in html.get_content()
