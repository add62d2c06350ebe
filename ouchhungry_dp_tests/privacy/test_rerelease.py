"""Re-releases in the audit: each scenario bites when production's safeguard is removed."""

from __future__ import annotations

import pandas as pd
import pytest

from ouchhungry_dp.partners.contract import get_contract
from ouchhungry_dp.privacy import attacks, audit, decision_record, rerelease, rerelease_gate
from ouchhungry_dp.privacy.audit import AUDIT_KEY
from ouchhungry_dp.privacy.audit_release import MonthRelease, simulate_releases
from ouchhungry_dp.products import insights_metrics
from ouchhungry_dp.products.cells import decide_locations
from ouchhungry_dp.products.csv_files import to_csv_bytes
from ouchhungry_dp.products.selection import latest_catalogue
from ouchhungry_dp.release import gate
from ouchhungry_dp_tests.privacy.safeguards_off import recomputing_report, replaceable_materialize

CONTRACT = get_contract("ouchhungry")
# Two simulated months built in the fixture, each test re-runs them (~1 min each).
pytestmark = pytest.mark.timeout(900)
Simulated = tuple[list[MonthRelease], pd.DataFrame]


@pytest.fixture(scope="module")
def simulated() -> Simulated:
    return simulate_releases(CONTRACT, months=2, rows_per_day=200, key=AUDIT_KEY, seed=7)


def test_the_audit_stores_the_decision_it_made(simulated: Simulated) -> None:
    """The audit stores and reads the record through ``decision_record``, the module
    production's decision asset uses (one implementation, nothing to hold in parity)."""
    releases, products = simulated
    data = releases[1].files["decision"]
    assert data == to_csv_bytes(decide_locations(releases[1].history, products, CONTRACT))
    pd.testing.assert_frame_equal(releases[1].decision, decision_record.parse_record(data))


def test_a_late_day_is_caught_when_a_released_decision_can_be_replaced(
        simulated: Simulated, monkeypatch: pytest.MonkeyPatch) -> None:
    """A decision recomputed on every run (the lazy in-memory decision) follows the late
    day: the next month's files change and the partner differences them."""
    releases, products = simulated
    (_, changed, detail), _ = rerelease.late_day(releases, CONTRACT, products, AUDIT_KEY)
    assert (changed, "refused 1x" in detail) == (0, True)

    monkeypatch.setattr(decision_record, "materialize", replaceable_materialize)
    (_, changed, detail), _ = rerelease.late_day(releases, CONTRACT, products, AUDIT_KEY)
    assert changed > 0 and "decision" in detail


def test_a_report_recomputing_past_months_is_caught_by_differencing(
        simulated: Simulated, monkeypatch: pytest.MonkeyPatch) -> None:
    """F5 as it was: the report recomputes a past month's revenue from the warehouse,
    which now holds the late day."""
    releases, products = simulated
    _, (checked, differ, _) = rerelease.late_day(releases, CONTRACT, products, AUDIT_KEY)
    assert checked > 0 and differ == 0
    monkeypatch.setattr(rerelease, "month_insights", recomputing_report(products, CONTRACT))
    _, (checked, differ, detail) = rerelease.late_day(releases, CONTRACT, products, AUDIT_KEY)
    assert differ > 0 and "revenue" in detail


def test_a_rerun_that_changes_a_file_is_counted(simulated: Simulated,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    releases, products = simulated
    edited = [MonthRelease(**{**vars(r), "files": {**r.files, "monthly": b"x"}})
              for r in releases]
    _, changed, detail = rerelease.rerun(edited, CONTRACT, products, AUDIT_KEY)
    assert changed == len(releases) and "monthly" in detail


def test_published_locations_are_counted_against_the_basis(simulated: Simulated) -> None:
    releases, products = simulated
    release = releases[1]
    assert attacks.cells_under_k_in_basis(release, CONTRACT, products)[1] == 0
    assert attacks.daily_locations_in_monthly(release)[1] == 0
    # Name a city the decision generalised: it has fewer than k basis customers.
    small = release.decision.loc[release.decision["level"] != "city"].iloc[0]
    named = release.monthly.iloc[[0]].assign(state=small["state"], city=small["city"],
                                              location_level="city")
    bigger = MonthRelease(**{**vars(release),
                             "monthly": pd.concat([release.monthly, named], ignore_index=True)})
    assert attacks.cells_under_k_in_basis(bigger, CONTRACT, products)[1] == 1
    first = release.monthly.iloc[0]
    other = (release.monthly["state"] != first["state"]) | (
        release.monthly["city"] != first["city"])
    dropped = MonthRelease(**{**vars(release), "monthly": release.monthly.loc[other]})
    assert attacks.daily_locations_in_monthly(dropped)[1] >= 1


def test_a_catalogue_name_with_personal_data_is_caught_in_the_report_without_the_allowlist(
        simulated: Simulated, monkeypatch: pytest.MonkeyPatch) -> None:
    releases, products = simulated
    typed = [v.format(name="Maria Aparecida Souza") for v in audit.PII_VARIANTS]
    known = ("Maria Aparecida Souza",)
    checked, leaked, _ = attacks.pii_in_report_names(releases[-1], CONTRACT, products, typed,
                                                     known)
    assert (checked, leaked) == (len(typed), 0)
    monkeypatch.setattr(insights_metrics, "shown_product_names", lambda catalogue, codes, k=(): {
        code: name for code, name in latest_catalogue(catalogue)[
            ["product_code", "product_name"]].itertuples(index=False)})
    checked, leaked, detail = attacks.pii_in_report_names(releases[-1], CONTRACT, products,
                                                          typed, known)
    assert leaked == checked == len(typed) and detail.startswith("shown")


def test_a_past_month_rebuilt_after_a_late_day_never_changes_what_the_partner_gets(
        simulated: Simulated, monkeypatch: pytest.MonkeyPatch) -> None:
    """The audit's "re-release" row runs the real publishing gate; with its immutability
    rule switched off (no first release found) the late day's bytes are re-released."""
    releases, products = simulated
    checked, changed, detail = rerelease_gate.late_day_rerelease(releases, CONTRACT,
                                                                 products, AUDIT_KEY)
    assert checked == 3 * len(releases) and changed == 0, detail
    assert f"{checked} of {checked} rebuilt files differ" in detail  # the late day bites
    monkeypatch.setattr(gate, "_first_release", lambda *a, **k: None)
    checked, changed, detail = rerelease_gate.late_day_rerelease(releases, CONTRACT,
                                                                 products, AUDIT_KEY)
    assert changed == checked and "re-released: monthly/" in detail
