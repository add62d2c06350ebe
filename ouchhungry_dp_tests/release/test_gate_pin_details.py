"""What the release pin's refusals carry, and the pins that must never count.

The data team's alert is built from the error's fields (partner, partition, detail), and
the delivery asset reads ``ReleasedFileChanged.dataset``: each is asserted here, not only
the rendered message (where the dataset name happens to contain the partner's). Real
outbound folder, real signed records.
"""

from __future__ import annotations

import json

import pytest

from ouchhungry_dp.errors import DataQualityError
from ouchhungry_dp.lib.resources.outbound_store import LocalFileStore
from ouchhungry_dp.release import gate

DATASET = "crocante_sales_monthly_by_city"
MONTH = "2026-03"
FILE = f"monthly/{DATASET}_{MONTH}.csv"
PARTNER = "partner-b"
CHECKS = {"pii_scan": True, "no_small_cells": True}
FIRST = b"month,state,city,segment_share\n2026-03,AP,*,0.4120\n"
LATER = b"month,state,city,segment_share\n2026-03,AP,*,0.3999\n"


def publish(store: LocalFileStore, data: bytes) -> gate.Publication:
    return gate.publish(store, dataset=DATASET, partition=MONTH, relative=FILE, data=data,
                        checks=CHECKS, partner=PARTNER)


def delivered(store: LocalFileStore) -> bytes:
    data, _ = gate.released_bytes(store, FILE, partner=PARTNER, dataset=DATASET,
                                  partition=MONTH, expected_checks=frozenset(CHECKS),
                                  what="API delivery of the monthly file")
    return data


def test_a_changed_re_release_names_partner_partition_dataset_and_both_digests(
        store: LocalFileStore) -> None:
    publish(store, FIRST)
    with pytest.raises(gate.ReleasedFileChanged) as refused:
        publish(store, LATER)
    error = refused.value
    assert (error.partner, error.partition, error.dataset) == (PARTNER, MONTH, DATASET)
    # 12 hex characters then the ellipsis: the same short digest the receipts show.
    assert f"sha256 {gate.sha256_hex(FIRST)[:12]}…" in error.detail
    assert f"sha256 {gate.sha256_hex(LATER)[:12]}…" in error.detail
    assert gate.held_path(FILE) in error.detail


def test_an_invalid_pin_refusal_names_partner_partition_and_the_held_digest(
        store: LocalFileStore) -> None:
    publish(store, FIRST)
    store.put(gate.pin_path(FILE), b"{not json")
    with pytest.raises(DataQualityError, match="release pin") as refused:
        publish(store, LATER)
    error = refused.value
    assert (error.partner, error.partition) == (PARTNER, MONTH)
    assert f"(sha256 {gate.sha256_hex(LATER)[:12]}…) are held at {gate.held_path(FILE)}" \
        in error.detail
    assert store.read(gate.held_path(FILE)) == LATER and store.read(FILE) == FIRST


@pytest.mark.parametrize("broken", [b"{not json", b'{"dataset": "x"}', b"[]"])
def test_an_unreadable_pin_fails_closed_even_for_the_released_bytes(
        store: LocalFileStore, broken: bytes) -> None:
    """An unparseable pin is never read as "no pin": the same bytes are held too."""
    publish(store, FIRST)
    store.put(gate.pin_path(FILE), broken)
    with pytest.raises(DataQualityError, match="release pin"):
        publish(store, FIRST)
    assert store.read(gate.held_path(FILE)) == FIRST


def _forged_pin(sha256: str, *, passed: bool, signed: bool) -> bytes:
    record = gate.GateRecord(dataset=DATASET, partition=MONTH, file=FILE, sha256=sha256,
                             checks={**CHECKS, "pii_scan": passed},
                             decided_at="2026-04-01T00:00:00+00:00")
    return (record.signed() if signed else record).to_json()


@pytest.mark.parametrize(("passed", "signed"), [(True, False), (False, True)])
def test_delivery_refuses_when_the_pin_is_unsigned_or_failed_even_if_it_names_the_same_bytes(
        store: LocalFileStore, passed: bool, signed: bool) -> None:
    """A pin counts only when it is signed AND passed: a hand-written pin naming the
    record's own sha256, or a signed pin of a failed decision, withholds delivery."""
    publish(store, FIRST)
    store.put(gate.pin_path(FILE), _forged_pin(gate.sha256_hex(FIRST), passed=passed,
                                               signed=signed))
    with pytest.raises(DataQualityError, match="first release pinned") as refused:
        delivered(store)
    record = json.loads(store.read(gate.record_path(FILE)))
    assert f"(sha256 {record['sha256'][:12]}…) is not the first release" \
        in refused.value.detail


def test_a_valid_pin_of_the_same_bytes_delivers(store: LocalFileStore) -> None:
    publish(store, FIRST)
    store.put(gate.pin_path(FILE), _forged_pin(gate.sha256_hex(FIRST), passed=True,
                                               signed=True))
    assert delivered(store) == FIRST
