"""Released = immutable: a file released once is never re-released with other bytes
(a partner differencing two versions of a month would see the late day's competitor
sales through ``segment_share``). Real outbound folder, real signed records."""

from __future__ import annotations

import json

import pytest

from ouchhungry_dp.errors import DataQualityError
from ouchhungry_dp.lib.resources.outbound_store import LocalFileStore
from ouchhungry_dp.release import gate

DATASET = "ouchhungry_sales_monthly_by_city"
MONTH = "2026-02"
FILE = f"monthly/{DATASET}_{MONTH}.csv"
CHECKS = {"pii_scan": True, "reconciles_with_daily": True, "no_small_cells": True}
FIRST = b"month,state,city,segment_share\n2026-02,AP,*,0.4120\n"
LATE_DAY = b"month,state,city,segment_share\n2026-02,AP,*,0.4087\n"


def publish(store: LocalFileStore, data: bytes, **overrides: bool) -> gate.Publication:
    return gate.publish(store, dataset=DATASET, partition=MONTH, relative=FILE, data=data,
                        checks={**CHECKS, **overrides}, partner="ouchhungry")


def delivered(store: LocalFileStore) -> bytes:
    data, _ = gate.released_bytes(store, FILE, partner="ouchhungry", dataset=DATASET,
                                  partition=MONTH, expected_checks=frozenset(CHECKS),
                                  what="SFTP delivery of the monthly file")
    return data


def test_identical_bytes_are_accepted_again(store: LocalFileStore) -> None:
    publish(store, FIRST)
    again = publish(store, FIRST)
    assert again.released and delivered(store) == FIRST
    assert store.read(gate.held_path(FILE)) is None


def test_different_bytes_are_held_and_the_released_file_stays(store: LocalFileStore) -> None:
    publish(store, FIRST)
    record_before = store.read(gate.record_path(FILE))
    with pytest.raises(gate.ReleasedFileChanged) as refused:
        publish(store, LATE_DAY)
    message = str(refused.value)
    assert DATASET in message and MONTH in message and "ouchhungry" in message
    assert gate.sha256_hex(FIRST)[:12] in message and gate.sha256_hex(LATE_DAY)[:12] in message
    assert "docs/operations.md" in message and not refused.value.transient
    assert store.read(gate.held_path(FILE)) == LATE_DAY
    assert store.read(FILE) == FIRST and store.read(gate.record_path(FILE)) == record_before
    assert delivered(store) == FIRST


def test_different_bytes_are_refused_even_when_a_check_fails(store: LocalFileStore) -> None:
    publish(store, FIRST)
    with pytest.raises(gate.ReleasedFileChanged):
        publish(store, LATE_DAY, pii_scan=False)
    assert delivered(store) == FIRST  # not withdrawn by the other bytes' verdict


def test_a_withdrawal_does_not_open_the_file_to_other_bytes(store: LocalFileStore) -> None:
    publish(store, FIRST)
    publish(store, FIRST, reconciles_with_daily=False)  # withdrawn, pin kept
    with pytest.raises(gate.ReleasedFileChanged):
        publish(store, LATE_DAY)
    assert publish(store, FIRST).released and delivered(store) == FIRST


def test_a_held_file_never_released_can_be_fixed_with_other_bytes(
        store: LocalFileStore) -> None:
    assert not publish(store, LATE_DAY, pii_scan=False).released
    assert publish(store, FIRST).released and delivered(store) == FIRST


def test_a_forged_record_for_the_new_bytes_is_still_refused(store: LocalFileStore) -> None:
    publish(store, FIRST)
    body = json.loads(store.read(gate.record_path(FILE)))
    body["sha256"] = gate.sha256_hex(LATE_DAY)
    store.put(FILE, LATE_DAY)
    store.put(gate.record_path(FILE), json.dumps(body).encode())
    with pytest.raises(DataQualityError, match="not signed"):
        delivered(store)
    with pytest.raises(gate.ReleasedFileChanged):
        publish(store, LATE_DAY)


def test_a_forged_pin_fails_closed(store: LocalFileStore) -> None:
    publish(store, FIRST)
    body = json.loads(store.read(gate.pin_path(FILE)))
    store.put(gate.pin_path(FILE), json.dumps({**body, "sha256": gate.sha256_hex(LATE_DAY)})
              .encode())
    with pytest.raises(DataQualityError, match="release pin"):
        publish(store, LATE_DAY)
    assert store.read(FILE) == FIRST and store.read(gate.held_path(FILE)) == LATE_DAY


def test_a_validly_signed_record_of_other_bytes_is_not_delivered(
        store: LocalFileStore) -> None:
    """Defence in depth: even a correctly signed record (someone with the key) cannot
    make delivery send bytes other than the first release."""
    publish(store, FIRST)
    other = gate.GateRecord(dataset=DATASET, partition=MONTH, file=FILE,
                            sha256=gate.sha256_hex(LATE_DAY), checks=CHECKS,
                            decided_at="2026-03-02T00:00:00+00:00").signed()
    store.put(FILE, LATE_DAY)
    store.put(gate.record_path(FILE), other.to_json())
    with pytest.raises(DataQualityError, match="first release pinned"):
        delivered(store)


def test_a_release_made_before_pins_existed_still_counts(store: LocalFileStore) -> None:
    publish(store, FIRST)
    store.remove(gate.pin_path(FILE))  # a record written by the previous gate version
    with pytest.raises(gate.ReleasedFileChanged):
        publish(store, LATE_DAY)
    assert delivered(store) == FIRST
