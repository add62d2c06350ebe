"""What the publishing gate says when it refuses, what `publish` reports, and the record's
signature format, each pinned (mutation testing of `release/` found them unchecked).

The signature is recomputed here from the documented format (HMAC-SHA256 with a key
derived from PSEUDONYMIZATION_KEY under a fixed label, over canonical JSON of every field
but the signature): records already in the store must keep verifying after a deploy.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import json

import pytest

from ouchhungry_dp.errors import DataQualityError
from ouchhungry_dp.lib.resources.outbound_store import LocalFileStore
from ouchhungry_dp.release import gate
from ouchhungry_dp_tests.release.conftest import GATE_TEST_KEY
from ouchhungry_dp_tests.release.test_gate import ALL_PASS, EXPECTED, FILE, GOOD, publish, verify

RERUN = ("Materialize the product asset of this partition (its blocking checks must pass), "
         "then deliver again.")


def refusal(store: LocalFileStore, expected: frozenset[str] = EXPECTED) -> DataQualityError:
    with pytest.raises(DataQualityError) as caught:
        verify(store, expected)
    error = caught.value
    assert error.what == "publishing gate refused the SFTP delivery of the daily file"
    assert (error.partner, error.partition) == ("ouchhungry", "2026-11-25")
    return error


def _rewrite(store: LocalFileStore, **changes: object) -> None:
    body = json.loads(store.read(gate.record_path(FILE)) or b"{}")
    store.put(gate.record_path(FILE), json.dumps({**body, **changes}).encode())


def test_no_record_is_refused_with_the_rerun_hint(store: LocalFileStore) -> None:
    error = refusal(store)
    assert error.detail == f"{FILE} has no gate record: its checks never passed"
    assert error.hint == RERUN


def test_an_unreadable_record_is_refused_with_the_rerun_hint(store: LocalFileStore) -> None:
    publish(store, **ALL_PASS)
    _rewrite(store, checks={"pii_scan": "yes"})
    error = refusal(store)
    assert error.detail == f"{gate.record_path(FILE)} is not a valid gate record"
    assert error.hint == RERUN


@pytest.mark.parametrize("signature", ["0" * 64, "é" * 64, ""])
def test_a_record_not_signed_with_the_gate_key_is_refused(
        store: LocalFileStore, signature: str) -> None:
    """A non-ASCII signature is compared (and refused), never an encoding error."""
    publish(store, **ALL_PASS)
    _rewrite(store, signature=signature)
    error = refusal(store)
    assert error.detail == (f"{gate.record_path(FILE)} is not signed with this platform's gate "
                            "key (written by hand, copied from another environment, or altered)")
    assert error.hint == RERUN


def test_a_record_of_another_file_is_refused_naming_it(store: LocalFileStore) -> None:
    gate.publish(store, dataset="ouchhungry_sales_daily", partition="2026-11-24",
                 relative=FILE, data=GOOD, checks=ALL_PASS)
    error = refusal(store)
    assert error.detail == (f"{gate.record_path(FILE)} was written for another file "
                            f"(ouchhungry_sales_daily 2026-11-24 {FILE})")
    assert error.hint == RERUN


def test_a_record_with_no_check_at_all_is_refused_as_nothing_evaluated(
        store: LocalFileStore) -> None:
    now = dt.datetime(2026, 11, 26, 5, 0, tzinfo=dt.UTC)
    gate.publish(store, dataset="ouchhungry_sales_daily", partition="2026-11-25",
                 relative=FILE, data=GOOD, checks={}, now=now)
    error = refusal(store, frozenset())
    assert error.detail == ("failed blocking checks: no check was evaluated "
                            "(decided 2026-11-26T05:00:00+00:00)")


def test_a_changed_file_is_refused_naming_both_digests(store: LocalFileStore) -> None:
    publish(store, **ALL_PASS)
    changed = GOOD + b"2026-11-25,SANTANA\n"
    store.put(FILE, changed)
    error = refusal(store)
    assert error.detail == (f"{FILE} changed after its checks (sha256 "
                            f"{gate.sha256_hex(changed)[:12]}… is not the checked "
                            f"{gate.sha256_hex(GOOD)[:12]}…)")


@pytest.mark.parametrize("passed", [True, False])
def test_publish_reports_its_record_and_where_the_bytes_went(
        store: LocalFileStore, passed: bool) -> None:
    published = publish(store, **{**ALL_PASS, "pii_scan": passed})
    where = FILE if passed else gate.held_path(FILE)
    assert published.released is passed
    assert published.location == f"{store.root}/{where}"
    assert published.record == gate.read_record(store, FILE)
    # Stamped in UTC when no time is given, whatever the machine's zone.
    assert published.record.decided_at.endswith("+00:00")


def test_the_signature_is_hmac_sha256_of_canonical_json_under_the_derived_key(
        store: LocalFileStore) -> None:
    record = publish(store, **ALL_PASS).record
    key = hmac.new(GATE_TEST_KEY.encode(), b"ouchhungry_dp/publishing-gate/record-signature/v2",
                   hashlib.sha256).digest()
    fields = {"version": 2, "dataset": "ouchhungry_sales_daily", "partition": "2026-11-25",
              "file": FILE, "sha256": gate.sha256_hex(GOOD), "checks": ALL_PASS,
              "decided_at": record.decided_at}
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()
    assert record.signature == hmac.new(key, canonical, hashlib.sha256).hexdigest()


def test_a_record_round_trips_with_its_version(store: LocalFileStore) -> None:
    record = dataclasses.replace(publish(store, **ALL_PASS).record, version=1).signed()
    again = gate.GateRecord.from_json(record.to_json())
    assert again == record and again.version == 1 and again.signature_valid()


def test_a_record_naming_other_checks_is_refused_with_the_rerun_hint(
        store: LocalFileStore) -> None:
    publish(store, **ALL_PASS)
    error = refusal(store, EXPECTED | {"upstream_quality"})
    assert error.detail == ("the gate record's checks are not the asset's blocking checks "
                            "(missing: upstream_quality; unknown: -)")
    assert error.hint == RERUN
