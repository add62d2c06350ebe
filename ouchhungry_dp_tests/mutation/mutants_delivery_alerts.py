"""Survivors of the 2026-11-29 evening passes (SMTP client and settings, the alert e-mail
and outbox, the re-release scenarios), each killed by a test written for it
(docs/testing.md, "email", "alerts (outbox, render, redact)", "privacy"). Kept apart from
``mutants.py`` so that areas measured in parallel merge cleanly."""

from __future__ import annotations

from ouchhungry_dp_tests.mutation.mutant_types import Mutant, _t

_DELIVERY = "ouchhungry_dp_tests/delivery"
_ALERTS = "ouchhungry_dp_tests/alerts"

DELIVERY_ALERTS = [
    Mutant(
        "rerelease.late_day: only the last re-run month's changed files counted",
        "ouchhungry_dp/privacy/rerelease.py",
        'changed += [f"{current.month} {n}" for n in _differing(current.files, again.files)]',
        'changed = [f"{current.month} {n}" for n in _differing(current.files, again.files)]',
        _t("ouchhungry_dp_tests/privacy/test_rerelease_scenarios.py",
           "test_a_late_day_counts_the_changed_files_of_every_month_not_only_the_last"),
    ),
    Mutant(
        "SmtpConfig.from_env: SMTP_PORT ignored (the security's default port used)",
        "ouchhungry_dp/delivery/email.py",
        "port = int(port_text) if port_text else",
        "port = int(port_text) if port_text and False else",
        _t(f"{_DELIVERY}/test_smtp_settings.py", "test_every_variable_is_read"),
    ),
    Mutant(
        "SMTP client: Bcc recipients left out of the envelope (they never get the mail)",
        "ouchhungry_dp/delivery/email.py",
        'for key in ("To", "Cc", "Bcc")',
        'for key in ("To", "Cc")',
        _t(f"{_DELIVERY}/test_smtp_client_details.py",
           "test_to_cc_and_bcc_all_receive_it_and_the_bcc_header_is_not_sent"),
    ),
    Mutant(
        "alert e-mail: the partition range ends at the second partition, not the last",
        "ouchhungry_dp/alerts/render.py",
        'return f"{partitions[0]}..{partitions[-1]} ({len(partitions)} partitions)"',
        'return f"{partitions[0]}..{partitions[+1]} ({len(partitions)} partitions)"',
        _t(f"{_ALERTS}/test_alert_render.py",
           "test_the_partition_label_is_empty_one_day_or_first_to_last_with_the_count"),
        slow=True,  # the alerts conftest imports Dagster
    ),
    Mutant(
        "outbox: a settled row keeps its claim time",
        "ouchhungry_dp/alerts/outbox.py",
        ".values(state=state, claimed_at=None, last_error=error))",
        ".values(state=state, last_error=error))",
        _t(f"{_ALERTS}/test_alert_outbox_details.py",
           "test_a_settled_row_holds_no_claim_whether_sent_or_put_back"),
        slow=True,  # the alerts conftest imports Dagster
    ),
]
