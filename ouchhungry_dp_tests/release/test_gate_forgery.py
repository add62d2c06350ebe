"""Forged or misplaced gate records are refused (privacy review: anyone who can write
the outbound store could move a held file back and write a record saying "passed").

Real outbound folder, real records; the forgeries are what an on-call engineer or a
bad restore can do with plain file writes and no key."""

from __future__ import annotations

import json

import pytest

from ouchhungry_dp.errors import ConfigurationError, DataQualityError
from ouchhungry_dp.lib.resources.outbound_store import LocalFileStore
from ouchhungry_dp.release import gate
from ouchhungry_dp_tests.release.conftest import GATE_TEST_KEY

DATASET = "ouchhungry_sales_daily"
DAY_A, DAY_B = "2026-11-01", "2026-11-02"
CHECKS = {"pii_scan": True, "contract_columns": True, "no_small_cells": True}
PII = b"sale_date,order_id\n2026-11-01,joao.silva@gmail.com\n"


def rel(day: str) -> str:
    return f"daily/{DATASET}_{day}.csv"


def publish(store: LocalFileStore, day: str, data: bytes = b"x\n",
            checks: dict[str, bool] = CHECKS) -> gate.Publication:
    return gate.publish(store, dataset=DATASET, partition=day, relative=rel(day), data=data,
                        checks=checks)


def verify(store: LocalFileStore, day: str, dataset: str = DATASET,
           expected: frozenset[str] = frozenset(CHECKS)) -> tuple[bytes, gate.GateRecord]:
    return gate.released_bytes(store, rel(day), partner="ouchhungry", dataset=dataset,
                               partition=day, expected_checks=expected, what="test delivery")


def forge(store: LocalFileStore, day: str, data: bytes, **changes: object) -> None:
    """Writes ``data`` at the release path and a hand-made record that says passed."""
    store.put(rel(day), data)
    body = {"version": gate.RECORD_VERSION, "dataset": DATASET, "partition": day,
            "file": rel(day), "sha256": gate.sha256_hex(data), "checks": CHECKS,
            "decided_at": "2026-11-01T00:00:00+00:00", **changes}
    store.put(gate.record_path(rel(day)), json.dumps(body).encode())


def test_held_file_moved_back_with_an_unsigned_record_is_refused(store) -> None:
    published = publish(store, DAY_A, data=PII, checks={**CHECKS, "pii_scan": False})
    assert not published.released
    held = store.read(gate.held_path(rel(DAY_A)))
    assert held == PII
    forge(store, DAY_A, held)
    with pytest.raises(DataQualityError, match="not signed with this platform's gate key"):
        verify(store, DAY_A)


def test_a_record_signed_under_another_key_is_refused(store, monkeypatch) -> None:
    monkeypatch.setenv("PSEUDONYMIZATION_KEY", "b" * 40)  # e.g. a dev machine's key
    publish(store, DAY_A, data=PII)
    monkeypatch.setenv("PSEUDONYMIZATION_KEY", GATE_TEST_KEY)
    with pytest.raises(DataQualityError, match="not signed"):
        verify(store, DAY_A)


def test_editing_a_signed_record_breaks_its_signature(store) -> None:
    publish(store, DAY_A, checks={**CHECKS, "pii_scan": False})
    store.put(rel(DAY_A), store.read(gate.held_path(rel(DAY_A))) or b"")
    body = json.loads(store.read(gate.record_path(rel(DAY_A))) or b"{}")
    body["checks"]["pii_scan"] = True  # flip the verdict, keep the old signature
    store.put(gate.record_path(rel(DAY_A)), json.dumps(body).encode())
    with pytest.raises(DataQualityError, match="not signed"):
        verify(store, DAY_A)


def test_a_passing_file_of_another_day_copied_onto_this_day_is_refused(store) -> None:
    publish(store, DAY_A)
    store.put(rel(DAY_B), store.read(rel(DAY_A)) or b"")
    store.put(gate.record_path(rel(DAY_B)), store.read(gate.record_path(rel(DAY_A))) or b"")
    with pytest.raises(DataQualityError, match="written for another file"):
        verify(store, DAY_B)


def test_a_record_of_another_dataset_is_refused(store) -> None:
    publish(store, DAY_A)
    with pytest.raises(DataQualityError, match="written for another file"):
        verify(store, DAY_A, dataset="ouchhungry_sales_monthly")


@pytest.mark.parametrize("checks, named", [
    ({"contract_columns": True}, "missing: no_small_cells, pii_scan"),
    ({**CHECKS, "reviewed_by_oncall": True}, "unknown: reviewed_by_oncall"),
])
def test_a_signed_record_without_exactly_the_declared_checks_is_refused(
        store, checks: dict[str, bool], named: str) -> None:
    assert publish(store, DAY_A, checks=checks).released  # every check it names passed
    with pytest.raises(DataQualityError, match=named):
        verify(store, DAY_A)


def test_no_key_in_the_environment_fails_closed(store, monkeypatch) -> None:
    publish(store, DAY_A)
    monkeypatch.delenv("PSEUDONYMIZATION_KEY")
    with pytest.raises(ConfigurationError, match="PSEUDONYMIZATION_KEY"):
        verify(store, DAY_A)
    with pytest.raises(ConfigurationError, match="PSEUDONYMIZATION_KEY"):
        publish(store, DAY_B)
    assert store.read(rel(DAY_B)) is None
