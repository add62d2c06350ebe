"""Mutants the suite must kill: the issue-15 breakages and the mutmut survivors since killed.

Each is one exact edit of a source file (the text must occur exactly once, so a
refactor that moves the code makes the guard fail loudly instead of testing
nothing) and the tests expected to fail when it is applied.
"""

from __future__ import annotations

from ouchhungry_dp_tests.mutation.mutant_types import Mutant, _t
from ouchhungry_dp_tests.mutation.mutants_delivery_alerts import DELIVERY_ALERTS
from ouchhungry_dp_tests.mutation.mutants_engine_sql import ENGINE_SQL
from ouchhungry_dp_tests.mutation.mutants_insights import INSIGHTS
from ouchhungry_dp_tests.mutation.mutants_privacy import PRIVACY_RELEASE
from ouchhungry_dp_tests.mutation.mutants_products import PRODUCTS
from ouchhungry_dp_tests.mutation.mutants_quality import QUALITY
from ouchhungry_dp_tests.mutation.mutants_tables import TABLES

DELIVERY = "ouchhungry_dp_tests/delivery"
ALERTS = "ouchhungry_dp_tests/alerts"


_MANIFEST_WRITE = (
    '        manifest_part = posixpath.join(directory, f".{name}.manifest.{sha256[:12]}.part")\n'
    "        data = manifest_bytes(manifest)\n"
    '        with sftp.open(manifest_part, "wb") as remote:\n'
    "            remote.write(data)\n"
    "        self._check_size(sftp, manifest_part, len(data))\n"
    "        _replace(sftp, manifest_part, manifest_path)\n"
)

ISSUE_15 = [
    Mutant(
        "a: SFTP sha256 read-back not compared",
        "ouchhungry_dp/delivery/sftp.py",
        "        self._compare(path, digest, sha256)\n        return \"sha256-readback\"",
        '        return "sha256-readback"',
        _t(f"{DELIVERY}/test_delivery_sftp_integrity.py",
           "test_an_upload_damaged_on_the_server_is_never_published"),
    ),
    Mutant(
        "b: manifest written before the data rename",
        "ouchhungry_dp/delivery/sftp.py",
        # The data rename moved after the manifest's (not dropped: a file never published
        # fails a dozen tests and proves nothing about the order).
        "        _replace(sftp, part, remote_path)\n\n" + _MANIFEST_WRITE,
        "\n" + _MANIFEST_WRITE + "        _replace(sftp, part, remote_path)\n",
        _t(f"{DELIVERY}/test_delivery_sftp_integrity.py",
           "test_the_manifest_is_written_only_after_the_data_file_is_in_place"),
    ),
    Mutant(
        "c: API 'one new token per delivery' flag never set",
        "ouchhungry_dp/delivery/api.py",
        '            state["renewed_after_401"] = True\n',
        "",
        _t(f"{DELIVERY}/test_delivery_api_sequences.py",
           "test_only_one_new_token_per_delivery_even_across_retries"),
    ),
    Mutant(
        "d: outbox deletes a permanently rejected alert",
        "ouchhungry_dp/alerts/outbox.py",
        "os.replace(path, self.dead_dir / path.name)",
        "path.unlink()",
        _t(f"{ALERTS}/test_alert_smtp_refusals.py",
           "test_outbox_moves_a_permanently_rejected_alert_to_dead_letters_and_sends_the_rest"),
        (("self._settle(message_id, DEAD, str(exc)[:2000])",
          "self._settle(message_id, SENT, str(exc)[:2000])"),),
        slow=True,
    ),
    Mutant(
        "e: outbox sends the newest first",
        "ouchhungry_dp/alerts/outbox.py",
        "for path in self.pending():",
        "for path in reversed(self.pending()):",
        _t(f"{ALERTS}/test_alert_smtp_refusals.py",
           "test_outbox_stops_while_the_relay_defers_then_sends_oldest_first"),
        ((".order_by(T.queued_at, T.message_id).limit(1)",
          ".order_by(T.queued_at.desc(), T.message_id).limit(1)"),),
        slow=True,
    ),
    Mutant(
        "f1: SMTP 5xx to every recipient treated as temporary",
        "ouchhungry_dp/delivery/email.py",
        "if codes and all(400 <= c < 500 for c in codes):",
        "if codes:",
        _t(f"{ALERTS}/test_alert_smtp_refusals.py",
           "test_every_recipient_refused_for_good_is_a_delivery_error_without_retry"),
        slow=True,
    ),
    Mutant(
        "f2: SMTP 5xx after DATA treated as temporary",
        "ouchhungry_dp/delivery/email.py",
        "if 400 <= exc.smtp_code < 500:",
        "if exc.smtp_code >= 400:",
        _t(f"{ALERTS}/test_alert_smtp_refusals.py",
           "test_a_5xx_after_data_is_a_delivery_error_quoting_the_relay"),
        slow=True,
    ),
    Mutant(
        "g: retried runs alerted",
        "ouchhungry_dp/defs/alerts/sensors.py",
        'if run is None or run.tags.get(WILL_RETRY_TAG) == "true":',
        "if run is None:",
        _t(f"{ALERTS}/test_alert_retries_and_backfills.py",
           "test_a_run_dagster_will_retry_is_not_alerted_its_failed_retry_is"),
        slow=True,
    ),
    Mutant(
        "h: running backfill not held",
        "ouchhungry_dp/defs/alerts/sensors.py",
        "            f.backfill_id is not None\n            and _backfill_running",
        "            False\n            and _backfill_running",
        _t(f"{ALERTS}/test_alert_retries_and_backfills.py",
           "test_a_running_backfill_is_held_then_sent_as_one_email_when_it_ends"),
        slow=True,
    ),
    Mutant(
        "docs: host-key message without the pinned fingerprint",
        "ouchhungry_dp/delivery/sftp_errors.py",
        'detail=f"expected {_fingerprint(exc.expected_key)}, got {_fingerprint(exc.key)}",',
        'detail=f"got {_fingerprint(exc.key)}",',
        _t(f"{DELIVERY}/test_delivery_sftp.py",
           "test_fault_host_key_changed_is_refused_and_never_trusted"),
    ),
    Mutant(
        "docs: Retry-After ignored (backoff only)",
        "ouchhungry_dp/delivery/retry.py",
        "return max(backoff, asked) if asked is not None else backoff",
        "return backoff",
        _t(f"{DELIVERY}/test_delivery_api_sequences.py",
           "test_waits_are_retry_after_when_asked_and_bounded_backoff_otherwise"),
    ),
    Mutant(
        "docs: backoff not capped by max_delay_s",
        "ouchhungry_dp/delivery/retry.py",
        "multiplier=policy.initial_delay_s, max=policy.max_delay_s",
        "multiplier=policy.initial_delay_s",
        _t(f"{DELIVERY}/test_delivery_api_sequences.py",
           "test_waits_are_retry_after_when_asked_and_bounded_backoff_otherwise"),
    ),
    Mutant(
        "docs: a changed file re-uses the Message-ID (no second e-mail)",
        "ouchhungry_dp/delivery/partner_email.py",
        'f"{dataset}\\n{partition}\\n{sha256}".encode()',
        'f"{dataset}\\n{partition}".encode()',
        _t(f"{DELIVERY}/test_delivery_partner_email.py",
           "test_redelivering_identical_bytes_sends_no_second_email_a_changed_file_sends_one"),
    ),
]

_CONTEXT = f"{DELIVERY}/test_delivery_error_context.py"
_API_DETAILS = f"{DELIVERY}/test_delivery_api_contract_details.py"
_SFTP_DETAILS = f"{DELIVERY}/test_delivery_sftp_contract_details.py"
_GATE = "ouchhungry_dp_tests/release/test_gate_refusals.py"

# mutmut survivors killed by a test written for them (see docs/testing.md).
KILLED_SURVIVORS: list[Mutant] = [
    Mutant(
        "sftp._remove_stale_parts: 'and' -> 'or' (removes other files' temp files)",
        "ouchhungry_dp/delivery/sftp.py",
        'if entry.startswith(f".{name}.") and entry.endswith(".part"):',
        'if entry.startswith(f".{name}.") or entry.endswith(".part"):',
        _t(_CONTEXT, "test_temp_files_of_an_earlier_different_upload_are_removed"),
    ),
    Mutant(
        "sftp._verify_sha256: readback limit '>' -> '>='",
        "ouchhungry_dp/delivery/sftp.py",
        "size > self.config.readback_max_bytes",
        "size >= self.config.readback_max_bytes",
        _t(_CONTEXT, "test_files_up_to_the_readback_limit_are_read_back_larger_ones_only_sized"),
    ),
    Mutant(
        "sftp._check_size: detail dropped",
        "ouchhungry_dp/delivery/sftp.py",
        'detail=f"{actual} bytes on the server, {expected} expected",',
        "detail=None,",
        _t(_CONTEXT, "test_a_truncated_upload_error_says_both_sizes"),
    ),
    Mutant(
        "sftp._compare: digests dropped from detail",
        "ouchhungry_dp/delivery/sftp.py",
        'detail=f"server {remote_digest}, local {sha256}",',
        "detail=None,",
        _t(_CONTEXT, "test_a_corrupted_sftp_upload_error_carries_both_digests"),
    ),
    Mutant(
        "api.parse_retry_after: zone-less date not read as UTC",
        "ouchhungry_dp/delivery/api.py",
        "if when.tzinfo is None:",
        "if when.tzinfo is not None:",
        _t(_CONTEXT, "test_an_http_date_without_a_zone_is_read_as_utc"),
    ),
    Mutant(
        "api._message: the server's 'detail' key not quoted",
        "ouchhungry_dp/delivery/api.py",
        'for k in ("message", "error", "detail")',
        'for k in ("message", "error")',
        _t(_CONTEXT, "test_every_api_failure_names_partner_partition_evidence_and_hint"),
    ),
    Mutant(
        "manifest.manifest_bytes: non-ASCII escaped",
        "ouchhungry_dp/delivery/manifest.py",
        "ensure_ascii=False",
        "ensure_ascii=True",
        _t(_CONTEXT, "test_manifest_bytes_keep_non_ascii_text_as_utf8_with_sorted_keys"),
    ),
    Mutant(
        "api: redirects followed (the bearer token could leave)",
        "ouchhungry_dp/delivery/api.py",
        "follow_redirects=False,",
        "follow_redirects=True,",
        _t(f"{DELIVERY}/test_delivery_api_sequences.py",
           "test_a_redirect_is_not_followed_so_the_token_cannot_leak"),
    ),
    Mutant(
        "api._message: the bearer token not blanked out of server messages",
        "ouchhungry_dp/delivery/api.py",
        'self._token or ""',
        'self._token and ""',
        _t(f"{DELIVERY}/test_delivery_secrets.py",
           "test_no_secret_leaks_through_logs_errors_or_receipts"),
        slow=True,
    ),
    Mutant(
        "alerts.health.assess: stale at exactly the limit",
        "ouchhungry_dp/alerts/alerting_health.py",
        "now - s.last_tick_at > stale_after",
        "now - s.last_tick_at >= stale_after",
        _t(f"{ALERTS}/test_alert_health_boundaries.py",
           "test_a_sensor_is_stale_only_past_five_intervals_or_fifteen_minutes"),
        slow=True,
    ),
    Mutant(
        "alerts.notifier: the relay is tried again after it deferred in the same tick",
        "ouchhungry_dp/alerts/notifier.py",
        "                self._smtp_down = True\n",
        "                self._smtp_down = False\n",
        _t(f"{ALERTS}/test_alert_notifier.py",
           "test_once_the_relay_defers_later_alerts_of_the_tick_are_queued_without_trying"),
        slow=True,
    ),
    Mutant(
        "alerts.notifier: a duplicate reported as sent",
        "ouchhungry_dp/alerts/notifier.py",
        '"duplicate" if result.status == "duplicate" else "sent"',
        '"sent"',
        _t(f"{ALERTS}/test_alert_notifier.py",
           "test_an_alert_already_sent_is_reported_as_duplicate_not_sent_twice"),
        slow=True,
    ),
    # Killed in the 2nd delivery pass (docs/testing.md); one per new test module.
    Mutant(
        "api._bearer: refresh margin not capped at half the lifetime",
        "ouchhungry_dp/delivery/api.py",
        "lifetime / 2)",
        "lifetime * 2)",
        _t(_API_DETAILS,
           "test_the_token_lifetime_decides_whether_the_next_delivery_asks_again"),
    ),
    Mutant(
        "api._raise_for_status: a 300 taken for success",
        "ouchhungry_dp/delivery/api.py",
        "if 200 <= status < 300:",
        "if 200 <= status <= 300:",
        _t(_API_DETAILS, "test_a_3xx_answer_is_rejected_not_read_as_a_receipt"),
    ),
    Mutant(
        "api._put_once: Content-Length not sent (chunked upload)",
        "ouchhungry_dp/delivery/api.py",
        '"Content-Length": str(size),',
        '"XXContent-LengthXX": str(size),',
        _t(_API_DETAILS,
           "test_the_request_names_its_sender_and_length_and_the_receipt_describes_the_file"),
    ),
    Mutant(
        "sftp.deliver: a key error loses the partition",
        "ouchhungry_dp/delivery/sftp.py",
        "pkey = self._load_key(partition)",
        "pkey = self._load_key(None)",
        _t(_SFTP_DETAILS,
           "test_an_unreadable_client_key_names_the_partition_and_the_exception_class"),
    ),
    Mutant(
        "manifest.build_manifest: stamp in the machine's zone",
        "ouchhungry_dp/delivery/manifest.py",
        ".astimezone(UTC)",
        ".astimezone(None)",
        _t(_SFTP_DETAILS, "test_the_manifest_stamp_is_utc_whatever_the_machines_zone"),
    ),
    Mutant(
        "sftp._verify_sha256: check-file mode reads the file back",
        "ouchhungry_dp/delivery/sftp.py",
        'if mode == "check-file" or size',
        'if mode == "XXcheck-fileXX" or size',
        _t(_SFTP_DETAILS, "test_check_file_mode_against_a_server_without_the_extension_only_"
           "checks_the_size"),
    ),
    Mutant(
        "release.gate: a non-ASCII signature raises instead of being refused",
        "ouchhungry_dp/release/gate.py",
        'self.signature.encode("ascii", "replace")',
        'self.signature.encode("ascii")',
        _t(_GATE, "test_a_record_not_signed_with_the_gate_key_is_refused"),
        slow=True,
    ),
    Mutant(
        "release.gate: publish does not say where the bytes went",
        "ouchhungry_dp/release/gate.py",
        "return Publication(record=record, location=location, released=True)",
        "return Publication(record=record, location=None, released=True)",
        _t(_GATE, "test_publish_reports_its_record_and_where_the_bytes_went"),
        slow=True,
    ),
    Mutant(
        "release.quality_verdict: a missing table hides the later ones",
        "ouchhungry_dp/release/quality_verdict.py",
        'failed.append(f"{table}:no_verdict")\n            continue',
        'failed.append(f"{table}:no_verdict")\n            break',
        _t("ouchhungry_dp_tests/release/test_quality_verdict.py",
           "test_a_bad_first_table_does_not_hide_the_others"),
        slow=True,
    ),
]

ALL = (ISSUE_15 + KILLED_SURVIVORS + QUALITY + PRIVACY_RELEASE + TABLES + PRODUCTS + INSIGHTS
       + DELIVERY_ALERTS + ENGINE_SQL)
