"""The re-run and late-day scenarios of ``privacy/rerelease.py`` on small simulated months.

What the module docstring promises, each pinned with its own expectation (counts
from the releases, not from the scenario): a re-run on the same source reproduces
every file and reads the stored decision; a late day of a past month changes no
file of the next month (its decision change is refused) and no figure a report
printed about a past month; each scenario counts and names what breaks when the
safeguard is removed. The fixture (``conftest.small``) builds in seconds, so the
mutation pass can run these per mutant (``test_rerelease.py`` keeps the whole months).
"""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from ouchhungry_dp.partners.contract import get_contract
from ouchhungry_dp.privacy import decision_record, rerelease
from ouchhungry_dp.privacy.audit import AUDIT_KEY
from ouchhungry_dp.privacy.audit_release import MonthRelease
from ouchhungry_dp.products.cells import decide_locations
from ouchhungry_dp.products.csv_files import to_csv_bytes
from ouchhungry_dp_tests.privacy.conftest import SmallMonths
from ouchhungry_dp_tests.privacy.safeguards_off import recomputing_report, replaceable_materialize

CONTRACT = get_contract("ouchhungry")


def _with(release: MonthRelease, **changes: object) -> MonthRelease:
    return MonthRelease(**{**vars(release), **changes})


def _grown(past: MonthRelease, products: pd.DataFrame) -> pd.DataFrame:
    late = rerelease.late_rows(past, products, CONTRACT)
    return pd.concat([past.transactions, late], ignore_index=True)


def test_the_small_months_are_a_chain_of_releases(small: SmallMonths) -> None:
    """The fixture is what the scenarios need: several months, each with daily files and
    a report printing both brands, every month after the first printing the earlier ones."""
    releases, _ = small
    assert len(releases) == 3
    for before, release in zip([None, *releases], releases, strict=False):
        assert sum(name.startswith("daily ") for name in release.files) == 4
        assert set(release.insights["brands"]) == {"Hungry", "Ouch"}  # type: ignore[arg-type]
        assert (release.previous_monthly is None) == (before is None)


def test_a_rerun_on_the_same_source_reproduces_every_file(small: SmallMonths) -> None:
    releases, products = small
    total = sum(len(r.files) for r in releases)
    assert rerelease.rerun(releases, CONTRACT, products, AUDIT_KEY) == (
        total, 0, f"{total} files (decision records, daily, monthly, insights figures) "
        "byte-identical")


def test_a_rerun_counts_and_names_every_changed_file_quoting_the_first_five(
        small: SmallMonths) -> None:
    releases, products = small
    one = [_with(releases[0], files={**releases[0].files, "monthly": b"x"}), *releases[1:]]
    total = sum(len(r.files) for r in releases)
    assert rerelease.rerun(one, CONTRACT, products, AUDIT_KEY) == (
        total, 1, f"changed: {releases[0].month} monthly")
    # Two edits in every month: six changed, the first five (month order, then name) quoted.
    # (The decision record stays: the re-run reads it.)
    edited = [_with(r, files={**r.files, "monthly": b"x", "insights figures": b"y"})
              for r in releases]
    expected = [f"{r.month} {name}" for r in releases for name in ("insights figures", "monthly")]
    assert rerelease.rerun(edited, CONTRACT, products, AUDIT_KEY) == (
        total, 6, "changed: " + ", ".join(expected[:5]))


def test_a_rerun_reads_the_stored_decision_not_one_recomputed_from_a_grown_history(
        small: SmallMonths) -> None:
    """Late rows reach each month's decision basis after the month was released: the
    re-run still builds every file with the decision the partner's files were built with."""
    releases, products = small
    grown = [_with(r, history=_grown(p, products)) for p, r in itertools.pairwise(releases)]
    # The test can fail: the grown basis does decide differently.
    assert any(to_csv_bytes(decide_locations(r.history, products, CONTRACT))
               != r.files["decision"] for r in grown)
    checked, changed, detail = rerelease.rerun(grown, CONTRACT, products, AUDIT_KEY)
    assert (checked, changed) == (sum(len(r.files) for r in grown), 0), detail


def test_a_rerun_keeps_a_day_held_back_held_back(small: SmallMonths) -> None:
    """A day whose file was never released (its checks failed then) is not released by a
    re-run: the re-run reproduces what was released, it does not judge the day again."""
    releases, products = small
    held = sorted(n for n in releases[1].files if n.startswith("daily "))[0]
    files = {n: b for n, b in releases[1].files.items() if n != held}
    changed = [releases[0], _with(releases[1], files=files), *releases[2:]]
    checked, differ, detail = rerelease.rerun(changed, CONTRACT, products, AUDIT_KEY)
    assert (checked, differ) == (sum(len(r.files) for r in changed), 0), detail


def _refused(releases: list[MonthRelease], products: pd.DataFrame) -> int:
    """Months whose stored decision a late day of the month before would change."""
    return sum(to_csv_bytes(decide_locations(_grown(past, products), products, CONTRACT))
               != current.files["decision"] for past, current in itertools.pairwise(releases))


def _printed_before(releases: list[MonthRelease]) -> int:
    """Figures (revenue, segment share) each re-run report (every month but the first)
    prints about each earlier month, for the brands that month's own report printed."""
    return sum(2 * len(past.insights["brands"])  # type: ignore[arg-type]
               for i in range(1, len(releases)) for past in releases[:i])


def test_a_late_day_changes_no_file_and_no_printed_figure(small: SmallMonths) -> None:
    releases, products = small
    refused = _refused(releases, products)
    assert refused >= 1  # the late day does change a decision basis: the refusal is real
    late = len(releases) - 1
    files, printed = rerelease.late_day(releases, CONTRACT, products, AUDIT_KEY)
    assert files == (sum(len(r.files) for r in releases[1:]), 0,
                     f"{late} late days; next month's decision change refused {refused}x; "
                     "files byte-identical")
    assert printed == (_printed_before(releases), 0,
                       "every figure two reports print about one (month, brand) is equal")


def test_a_late_day_rerun_keeps_a_day_held_back_held_back(small: SmallMonths) -> None:
    releases, products = small
    held = sorted(n for n in releases[1].files if n.startswith("daily "))[-1]
    files = {n: b for n, b in releases[1].files.items() if n != held}
    changed = [releases[0], _with(releases[1], files=files), *releases[2:]]
    (checked, differ, detail), _ = rerelease.late_day(changed, CONTRACT, products, AUDIT_KEY)
    assert (checked, differ) == (sum(len(r.files) for r in changed[1:]), 0), detail


def test_a_late_day_with_a_decision_that_can_be_replaced_changes_the_next_months_files(
        small: SmallMonths, monkeypatch: pytest.MonkeyPatch) -> None:
    releases, products = small

    monkeypatch.setattr(decision_record, "materialize", replaceable_materialize)
    (checked, changed, detail), _ = rerelease.late_day(releases, CONTRACT, products, AUDIT_KEY)
    assert checked == sum(len(r.files) for r in releases[1:])
    assert 0 < changed <= checked
    assert detail.startswith(f"{len(releases) - 1} late days; next month's decision change "
                             "refused 0x; changed: ")
    assert f"{releases[1].month} decision" in detail or f"{releases[2].month} decision" in detail


def test_a_late_day_counts_the_changed_files_of_every_month_not_only_the_last(
        small: SmallMonths, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every re-run month's files made to drift (one byte appended to each): the count is
    the sum over all re-run months and the detail names the first month's files first."""
    releases, products = small
    original = rerelease.build_month

    def drifting(*args: object, **kwargs: object) -> MonthRelease:
        again = original(*args, **kwargs)  # type: ignore[arg-type]
        again.files = {name: data + b"\n" for name, data in again.files.items()}
        return again

    monkeypatch.setattr(rerelease, "build_month", drifting)
    (checked, changed, detail), _ = rerelease.late_day(releases, CONTRACT, products, AUDIT_KEY)
    assert changed == checked == sum(len(r.files) for r in releases[1:])
    first = sorted(releases[1].files)[0]
    assert f"changed: {releases[1].month} {first}, " in detail


def test_a_report_recomputing_past_months_from_the_warehouse_is_differenced(
        small: SmallMonths, monkeypatch: pytest.MonkeyPatch) -> None:
    """F5 as it was: a report printing a past month's revenue from the warehouse, which
    holds the late day, differs from what that month's own report printed."""
    releases, products = small
    monkeypatch.setattr(rerelease, "month_insights", recomputing_report(products, CONTRACT))
    _, (checked, differ, detail) = rerelease.late_day(releases, CONTRACT, products, AUDIT_KEY)
    assert checked == _printed_before(releases)
    # Every revenue figure about a past month differs (the warehouse holds the late rows,
    # and only the month before: older months print as 0); the shares are left as printed.
    assert differ == checked // 2
    month = releases[0].month
    assert detail.startswith(f"differ: Hungry {month} revenue: ")
    assert f"Ouch {month} revenue: " in detail
