"""``privacy/rerelease_gate.py`` on small simulated months: a past month rebuilt after a
late day goes through the real publishing gate and the partner keeps the first bytes.

The files the scenario releases are checked against the month's own files, which
``audit_release.build_month`` built on another path (the whole month's days, the
daily files of every day); the gate's refusal is shown to be what keeps them, by
switching its immutability rule off.
"""

from __future__ import annotations

import os

import pandas as pd
import pytest

from ouchhungry_dp.errors import DataQualityError
from ouchhungry_dp.partners.contract import get_contract
from ouchhungry_dp.privacy import rerelease, rerelease_gate
from ouchhungry_dp.privacy.audit import AUDIT_KEY
from ouchhungry_dp.privacy.decision_record import MemoryStore
from ouchhungry_dp.privacy.pseudonymize import PSEUDONYMIZATION_KEY_ENV
from ouchhungry_dp.release import gate
from ouchhungry_dp_tests.privacy.conftest import SmallMonths

CONTRACT = get_contract("ouchhungry")
FILES_PER_MONTH = 3  # the monthly file, the last day's daily file, the insights figures


def _last_day(transactions: pd.DataFrame) -> str:
    return str(pd.Timestamp(transactions["sale_date"].max()).date())


def test_the_month_files_are_the_files_the_month_released(small: SmallMonths) -> None:
    releases, products = small
    for release in releases:
        last = _last_day(release.transactions)
        files = rerelease_gate._month_files(release, release.transactions, products, CONTRACT,
                                            AUDIT_KEY)
        assert files == {f"monthly/{release.month}.csv": release.files["monthly"],
                         f"daily/{last}.csv": release.files[f"daily {last}"],
                         f"insights/{release.month}.figures": release.files["insights figures"]}


def test_the_late_day_changes_every_rebuilt_file(small: SmallMonths) -> None:
    """What makes the scenario an attack: rebuilt on the grown month, each file differs
    (the late rows hold partner sales of the last day, in all three files)."""
    releases, products = small
    for release in releases:
        late = rerelease.late_rows(release, products, CONTRACT)
        grown = pd.concat([release.transactions, late], ignore_index=True)
        first = rerelease_gate._month_files(release, release.transactions, products, CONTRACT,
                                            AUDIT_KEY)
        again = rerelease_gate._month_files(release, grown, products, CONTRACT, AUDIT_KEY)
        assert again.keys() == first.keys()
        assert all(again[name] != first[name] for name in first)


def test_a_past_month_rebuilt_after_a_late_day_is_refused_and_delivered_as_first_released(
        small: SmallMonths) -> None:
    releases, products = small
    checked = FILES_PER_MONTH * len(releases)
    assert rerelease_gate.late_day_rerelease(releases, CONTRACT, products, AUDIT_KEY) == (
        checked, 0,
        f"{len(releases)} past months re-run after a late day: {checked} of {checked} rebuilt "
        f"files differ, {checked} refused by the gate; partner-visible bytes unchanged")


def test_without_the_gates_immutability_every_rebuilt_file_reaches_the_partner(
        small: SmallMonths, monkeypatch: pytest.MonkeyPatch) -> None:
    releases, products = small
    monkeypatch.setattr(gate, "_first_release", lambda *a, **k: None)
    checked = FILES_PER_MONTH * len(releases)
    names = [name for r in releases for name in (
        f"monthly/{r.month}.csv", f"daily/{_last_day(r.transactions)}.csv",
        f"insights/{r.month}.figures")]
    assert rerelease_gate.late_day_rerelease(releases, CONTRACT, products, AUDIT_KEY) == (
        checked, checked,
        f"{len(releases)} past months re-run after a late day: {checked} of {checked} rebuilt "
        f"files differ, 0 refused by the gate; re-released: " + ", ".join(names[:5]))


def test_delivered_reads_the_released_bytes_through_the_gate(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PSEUDONYMIZATION_KEY_ENV, AUDIT_KEY.decode("ascii"))
    store = MemoryStore()
    gate.publish(store, dataset="audit", partition="2026-10", relative="monthly/2026-10.csv",
                 data=b"first", checks=rerelease_gate.PASSED)
    assert rerelease_gate._delivered(store, "monthly/2026-10.csv", "2026-10", CONTRACT) \
        == b"first"
    # A record naming other checks than the audit's is refused, not delivered.
    gate.publish(store, dataset="audit", partition="2026-10", relative="daily/2026-10-31.csv",
                 data=b"day", checks={"other_check": True})
    with pytest.raises(DataQualityError,
                       match="publishing gate refused the audit re-delivery") as refused:
        rerelease_gate._delivered(store, "daily/2026-10-31.csv", "2026-10", CONTRACT)
    # The refusal names whose file and which month, as a delivery's alert would.
    assert (refused.value.partner, refused.value.partition) == (CONTRACT.id, "2026-10")


def test_the_audit_lends_its_key_only_when_the_environment_has_none(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PSEUDONYMIZATION_KEY_ENV, raising=False)
    with rerelease_gate.gate_key_for_audit(b"audit-key-for-this-test-only"):
        assert os.environ[PSEUDONYMIZATION_KEY_ENV] == "audit-key-for-this-test-only"
    assert PSEUDONYMIZATION_KEY_ENV not in os.environ
    monkeypatch.setenv(PSEUDONYMIZATION_KEY_ENV, "the-process-own-key-0123456789")
    with rerelease_gate.gate_key_for_audit(b"audit-key-for-this-test-only"):
        assert os.environ[PSEUDONYMIZATION_KEY_ENV] == "the-process-own-key-0123456789"
    assert os.environ[PSEUDONYMIZATION_KEY_ENV] == "the-process-own-key-0123456789"
    # Restored even when the scenario fails inside.
    monkeypatch.delenv(PSEUDONYMIZATION_KEY_ENV)
    with pytest.raises(RuntimeError), rerelease_gate.gate_key_for_audit(b"k" * 20):
        raise RuntimeError("inside")
    assert PSEUDONYMIZATION_KEY_ENV not in os.environ
