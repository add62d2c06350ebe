"""The decision record's refusals name the partner and month (the data team's alert is
built from those fields), the first use decides and pins, and the record reads back as
the decision it stores (a location spelt like a missing value stays text)."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from ouchhungry_dp.errors import DataQualityError
from ouchhungry_dp.privacy import decision_record
from ouchhungry_dp.privacy.decision_record import (
    MemoryStore,
    marker,
    materialize,
    parse_record,
    read_released,
    record_path,
    release_decision,
    released_path,
    store_decision,
)
from ouchhungry_dp.products.cells import DECISION_COLUMNS, LEVEL_CITY, LEVEL_STATE
from ouchhungry_dp.products.csv_files import to_csv_bytes

PARTNER, MONTH = "partner-b", "2026-12"


def decision(*rows: tuple[str, str, str, int, int]) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=list(DECISION_COLUMNS))
    return frame.astype({"state": "string", "city": "string", "level": "string",
                         "history_customers": "int64", "cell_customers": "int64"})


CITY = decision(("SP", "SAO PAULO", LEVEL_CITY, 12, 12))
STATE = decision(("SP", "SAO PAULO", LEVEL_STATE, 12, 30))


def assert_names_partner_and_month(refused: pytest.ExceptionInfo[DataQualityError]) -> None:
    assert (refused.value.partner, refused.value.partition) == (PARTNER, MONTH)
    assert MONTH in refused.value.what


def test_the_record_reads_back_as_the_decision_it_stores() -> None:
    stored = decision(("NA", "NA", LEVEL_CITY, 10, 10), ("SP", "null", LEVEL_STATE, 3, 11),
                      ("SP", "SAO PAULO", LEVEL_CITY, 15, 15))
    pd.testing.assert_frame_equal(parse_record(to_csv_bytes(stored)), stored)


def test_storing_the_same_unreleased_decision_again_is_unchanged_and_writes_nothing() -> None:
    store = MemoryStore()
    assert store_decision(store, PARTNER, MONTH, to_csv_bytes(CITY)) == "created"
    writes = dict(store.files)
    assert store_decision(store, PARTNER, MONTH, to_csv_bytes(CITY)) == "unchanged"
    assert store.files == writes and released_path(PARTNER, MONTH) not in store.files


def test_first_use_decides_stores_and_pins_the_record() -> None:
    store = MemoryStore()
    read = release_decision(store, PARTNER, MONTH, lambda: to_csv_bytes(CITY))
    pd.testing.assert_frame_equal(read, CITY)
    assert store.read(record_path(PARTNER, MONTH)) == to_csv_bytes(CITY)
    assert store.read(released_path(PARTNER, MONTH)) == marker(to_csv_bytes(CITY))
    # Later uses read the stored record, never decide again.
    again = release_decision(store, PARTNER, MONTH, lambda: to_csv_bytes(STATE))
    pd.testing.assert_frame_equal(again, CITY)


def test_without_a_record_and_without_a_way_to_decide_it_is_a_lookup_error() -> None:
    with pytest.raises(LookupError, match=f"no stored decision for {PARTNER} {MONTH}"):
        read_released(MemoryStore(), PARTNER, MONTH)


def test_read_released_reads_and_pins_the_stored_record() -> None:
    store = MemoryStore()
    store.put(record_path(PARTNER, MONTH), to_csv_bytes(STATE))
    pd.testing.assert_frame_equal(read_released(store, PARTNER, MONTH), STATE)
    assert store.read(released_path(PARTNER, MONTH)) == marker(to_csv_bytes(STATE))


def test_materialize_reports_each_outcome_and_a_refusal_as_refused() -> None:
    store = MemoryStore()
    assert materialize(store, PARTNER, MONTH, STATE) == "created"
    assert materialize(store, PARTNER, MONTH, CITY) == "replaced"
    assert store.read(record_path(PARTNER, MONTH)) == to_csv_bytes(CITY)
    read_released(store, PARTNER, MONTH)
    assert materialize(store, PARTNER, MONTH, CITY) == "unchanged"
    assert materialize(store, PARTNER, MONTH, STATE) == "refused"
    assert store.read(record_path(PARTNER, MONTH)) == to_csv_bytes(CITY)


def test_a_changed_released_decision_names_partner_and_month() -> None:
    store = MemoryStore()
    release_decision(store, PARTNER, MONTH, lambda: to_csv_bytes(CITY))
    with pytest.raises(DataQualityError, match="would change after files") as refused:
        store_decision(store, PARTNER, MONTH, to_csv_bytes(STATE))
    assert_names_partner_and_month(refused)


def test_an_edited_record_behind_a_pinned_marker_is_refused_naming_the_digest() -> None:
    store = MemoryStore()
    release_decision(store, PARTNER, MONTH, lambda: to_csv_bytes(CITY))
    store.put(record_path(PARTNER, MONTH), to_csv_bytes(STATE))
    for attempt in (lambda: release_decision(store, PARTNER, MONTH),
                    lambda: store_decision(store, PARTNER, MONTH, to_csv_bytes(STATE))):
        with pytest.raises(DataQualityError) as refused:
            attempt()
        assert "(its sha256 differs from the release marker); refused" in refused.value.what
        assert_names_partner_and_month(refused)


def test_a_marker_without_digest_is_refused_with_that_reason() -> None:
    store = MemoryStore()
    store.put(record_path(PARTNER, MONTH), to_csv_bytes(CITY))
    store.put(released_path(PARTNER, MONTH), b"released\n")
    with pytest.raises(DataQualityError) as refused:
        release_decision(store, PARTNER, MONTH)
    assert ("(its release marker pins no sha256, so nothing proves it is the released "
            "one); refused") in refused.value.what
    assert_names_partner_and_month(refused)


def test_the_runbooks_repaired_marker_lets_the_record_be_read_again() -> None:
    """docs/operations.md: after comparing the record with the delivered files, on-call
    writes the marker by hand as ``released sha256=<sha256 of the record>``; the record
    is then read as released and the marker is left as written."""
    store = MemoryStore()
    data = to_csv_bytes(CITY)
    store.put(record_path(PARTNER, MONTH), data)
    store.put(released_path(PARTNER, MONTH), b"released\n")  # pre-pin marker: refused
    with pytest.raises(DataQualityError):
        release_decision(store, PARTNER, MONTH)
    by_hand = f"released sha256={hashlib.sha256(data).hexdigest()}\n".encode()
    store.put(released_path(PARTNER, MONTH), by_hand)
    pd.testing.assert_frame_equal(release_decision(store, PARTNER, MONTH),
                                  decision_record.parse_record(data))
    assert store.read(released_path(PARTNER, MONTH)) == by_hand


def test_a_lost_released_record_names_partner_and_month_on_both_paths() -> None:
    store = MemoryStore()
    store.put(released_path(PARTNER, MONTH), marker(to_csv_bytes(CITY)))
    for attempt in (lambda: release_decision(store, PARTNER, MONTH, lambda: b""),
                    lambda: store_decision(store, PARTNER, MONTH, to_csv_bytes(CITY))):
        with pytest.raises(DataQualityError, match="missing although files") as refused:
            attempt()
        assert_names_partner_and_month(refused)


def test_the_memory_store_removes_a_file_and_ignores_a_missing_one() -> None:
    store = decision_record.MemoryStore()
    store.put("a.csv", b"1")
    store.put("b.csv", b"2")
    store.remove("a.csv")
    store.remove("never-written.csv")
    assert store.files == {"b.csv": b"2"}
