"""The cleaning's per-day verdict read by the product's blocking `upstream_quality` check,
on a real outbound folder: every way a day can fail to be released, and the one way it is.
(The Dagster wiring is shown in `defs/test_publishing_gate_quality.py`; these run in
milliseconds, so the mutation pass of `release/` can use them.)"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from ouchhungry_dp.lib.resources.outbound_store import LocalFileStore
from ouchhungry_dp.release.quality_verdict import day_verdict, verdict_path, write_verdict

DAY = "2026-11-10"
PASSED = {"schema": True, "conservation": True, "quarantine_total": True, "volume": True}


def _all_pass(store: LocalFileStore, *, closed: bool = False) -> None:
    for table in ("transactions", "customers", "products"):
        write_verdict(store, table, DAY, PASSED,
                      confirmed_closed=closed and table == "transactions")


def _edit(store: LocalFileStore, table: str, **changes: object) -> None:
    body = json.loads(store.read(verdict_path(table, DAY)) or b"{}")
    store.put(verdict_path(table, DAY), json.dumps({**body, **changes}).encode())


def test_a_day_passes_only_when_all_three_tables_passed_every_check(
        store: LocalFileStore) -> None:
    _all_pass(store)
    verdict = day_verdict(store, DAY)
    assert (verdict.day, verdict.failed, verdict.passed, verdict.confirmed_closed) == (
        DAY, [], True, False)


def test_the_record_is_where_the_reader_looks_and_says_what_was_decided(
        store: LocalFileStore) -> None:
    now = dt.datetime(2026, 11, 11, 6, 0, tzinfo=dt.UTC)
    write_verdict(store, "customers", DAY, {"volume": 1, "schema": 0}, now=now)  # type: ignore[dict-item]
    assert verdict_path("customers", DAY) == f"_quality/customers/{DAY}.json"
    body = json.loads(store.read(f"_quality/customers/{DAY}.json") or b"")
    assert body == {"table": "customers", "partition": DAY,
                    "checks": {"schema": False, "volume": True}, "confirmed_closed": False,
                    "decided_at": "2026-11-11T06:00:00+00:00"}


def test_every_failed_check_and_missing_table_is_named_in_order(store: LocalFileStore) -> None:
    write_verdict(store, "transactions", DAY, {**PASSED, "volume": False, "schema": False})
    write_verdict(store, "products", DAY, PASSED)
    verdict = day_verdict(store, DAY)
    assert verdict.failed == ["transactions:schema", "transactions:volume",
                              "customers:no_verdict"]
    assert not verdict.passed


@pytest.mark.parametrize("edit", [
    {"checks": {}},  # nothing judged is not a pass
    {"checks": ["schema"]},
    {"partition": "2026-11-09"},  # another day's record copied over
])
def test_an_unreadable_or_misplaced_verdict_fails_closed(
        store: LocalFileStore, edit: dict[str, object]) -> None:
    _all_pass(store)
    _edit(store, "products", **edit)
    assert day_verdict(store, DAY).failed == ["products:unreadable_verdict"]


@pytest.mark.parametrize("value", ["true", 1, None])
def test_only_a_literal_true_passes_a_check(store: LocalFileStore, value: object) -> None:
    _all_pass(store)
    _edit(store, "customers", checks={**PASSED, "volume": value})
    assert day_verdict(store, DAY).failed == ["customers:volume"]


def test_a_closed_day_is_confirmed_by_the_transactions_verdict_only(
        store: LocalFileStore) -> None:
    _all_pass(store, closed=True)
    assert day_verdict(store, DAY).confirmed_closed is True
    _all_pass(store)
    _edit(store, "customers", confirmed_closed=True)
    _edit(store, "transactions", confirmed_closed="yes")
    assert day_verdict(store, DAY).confirmed_closed is False


def test_a_day_never_cleaned_names_every_table_and_is_not_closed(store: LocalFileStore) -> None:
    verdict = day_verdict(store, DAY)
    assert verdict.failed == ["transactions:no_verdict", "customers:no_verdict",
                              "products:no_verdict"]
    assert verdict.confirmed_closed is False


@pytest.mark.parametrize(("first", "reason"), [
    (None, "no_verdict"), ({"partition": "2026-11-09"}, "unreadable_verdict")])
def test_a_bad_first_table_does_not_hide_the_others(
        store: LocalFileStore, first: dict[str, object] | None, reason: str) -> None:
    _all_pass(store)
    if first is None:
        (Path(store.root) / verdict_path("transactions", DAY)).unlink()
    else:
        _edit(store, "transactions", **first)
    write_verdict(store, "products", DAY, {**PASSED, "schema": False})
    assert day_verdict(store, DAY).failed == [f"transactions:{reason}", "products:schema"]


def test_a_verdict_is_stamped_in_utc_when_no_time_is_given(store: LocalFileStore) -> None:
    write_verdict(store, "products", DAY, PASSED)
    body = json.loads(store.read(verdict_path("products", DAY)) or b"")
    assert body["decided_at"].endswith("+00:00")
