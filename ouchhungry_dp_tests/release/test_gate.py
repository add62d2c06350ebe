"""The publishing gate on a real outbound folder (the local OutboundFileStore)."""

from __future__ import annotations

import json

import pytest

from ouchhungry_dp.errors import DataQualityError
from ouchhungry_dp.lib.resources.outbound_store import LocalFileStore
from ouchhungry_dp.release import gate

FILE = "daily/ouchhungry_sales_daily_2026-11-25.csv"
GOOD = b"sale_date,city\n2026-11-25,MACAPA\n"
# What the product asset would declare for this file (the tests of the Dagster
# wiring derive it from the real asset, see test_gate_expectations.py).
ALL_PASS = {"pii_scan": True, "contract_columns": True, "no_small_cells": True}
EXPECTED = frozenset(ALL_PASS)


def publish(store: LocalFileStore, data: bytes = GOOD, **checks: bool) -> gate.Publication:
    return gate.publish(store, dataset="ouchhungry_sales_daily", partition="2026-11-25",
                        relative=FILE, data=data, checks=checks)


def verify(store: LocalFileStore, expected: frozenset[str] = EXPECTED,
           partition: str = "2026-11-25") -> tuple[bytes, gate.GateRecord]:
    return gate.released_bytes(store, FILE, partner="ouchhungry",
                               dataset="ouchhungry_sales_daily", partition=partition,
                               expected_checks=expected, what="SFTP delivery of the daily file")


def test_a_file_whose_checks_all_passed_is_released_with_its_sha256(store) -> None:
    published = publish(store, **ALL_PASS)
    assert published.released and store.read(FILE) == GOOD
    data, record = verify(store)
    assert data == GOOD and record.sha256 == gate.sha256_hex(GOOD)
    body = json.loads(store.read(gate.record_path(FILE)))
    assert body["checks"] == ALL_PASS
    assert body["dataset"] == "ouchhungry_sales_daily" and body["partition"] == "2026-11-25"


def test_a_failed_file_is_held_apart_and_refused_naming_its_failed_checks(store) -> None:
    published = publish(store, **{**ALL_PASS, "pii_scan": False, "no_small_cells": False})
    assert not published.released and published.record.failed == ["no_small_cells", "pii_scan"]
    assert store.read(FILE) is None and store.read(gate.held_path(FILE)) == GOOD
    with pytest.raises(DataQualityError) as refused:
        verify(store)
    message = str(refused.value)
    assert "no_small_cells, pii_scan" in message and "2026-11-25" in message
    assert "ouchhungry" in message and gate.held_path(FILE) in message
    assert not refused.value.transient  # a retry cannot make a check pass


def test_a_failed_recheck_of_the_released_bytes_withdraws_them(store) -> None:
    publish(store, **ALL_PASS)
    # The same bytes now fail a check that reads outside state (e.g. the day's cleaning
    # verdict): withdrawn from delivery. Other bytes are refused (test_gate_immutable).
    publish(store, **{**ALL_PASS, "pii_scan": False})
    assert store.read(FILE) is None
    with pytest.raises(DataQualityError, match="pii_scan"):
        verify(store)
    publish(store, **ALL_PASS)  # fixed: released again, the held copy cleared
    assert verify(store)[0] == GOOD and store.read(gate.held_path(FILE)) is None


def test_a_file_changed_after_its_gate_record_is_refused(store, tmp_path) -> None:
    publish(store, **ALL_PASS)
    (tmp_path / "outbound" / FILE).write_bytes(GOOD + b"2026-11-25,SAO PAULO\n")
    with pytest.raises(DataQualityError, match="changed after its checks"):
        verify(store)


def test_no_record_or_no_check_at_all_fails_closed(store) -> None:
    store.put(FILE, GOOD)  # a file someone copied in by hand
    with pytest.raises(DataQualityError, match="no gate record"):
        verify(store)
    assert not publish(store).released  # nothing evaluated is not a pass
    with pytest.raises(DataQualityError, match="not the asset's blocking checks"):
        verify(store)
    with pytest.raises(DataQualityError, match="no check was evaluated"):
        verify(store, expected=frozenset())


def test_a_released_record_whose_file_vanished_is_refused(store, tmp_path) -> None:
    publish(store, **ALL_PASS)
    (tmp_path / "outbound" / FILE).unlink()
    with pytest.raises(DataQualityError, match="missing"):
        verify(store)


def test_a_record_with_non_boolean_verdicts_is_rejected(store) -> None:
    publish(store, **ALL_PASS)
    body = json.loads(store.read(gate.record_path(FILE)))
    body["checks"]["pii_scan"] = "yes"
    store.put(gate.record_path(FILE), json.dumps(body).encode())
    with pytest.raises(DataQualityError, match="not a valid gate record"):
        verify(store)
