"""The attack suite: nothing recovered on simulated months, and each attack can bite."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from ouchhungry_dp.partners.contract import PartnerContract, get_contract
from ouchhungry_dp.privacy import attacks, audit, audit_engine
from ouchhungry_dp.privacy.audit import run_audit
from ouchhungry_dp.privacy.audit_release import MonthRelease, build_month, simulate_releases
from ouchhungry_dp.products.guardrails import cells_under_minimum
from ouchhungry_dp_tests.products.conftest import (
    KEY,
    customers_buying,
    products_frame,
    rows_frame,
)

CONTRACT = get_contract("ouchhungry")
PENETRATION = "insights penetration: competitors' customers per city (within 5 %)"


@pytest.fixture(scope="module")
def simulated() -> tuple[list[MonthRelease], pd.DataFrame]:
    return simulate_releases(CONTRACT, months=2, rows_per_day=300, key=audit.AUDIT_KEY)


@pytest.mark.timeout(900)  # two months simulated, built, re-run and attacked (~2-4 min)
def test_the_audit_recovers_nothing_on_two_simulated_months(
        simulated: tuple[list[MonthRelease], pd.DataFrame], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    table, figures, releases = run_audit(CONTRACT, months=2, rows=300, simulated=simulated)
    # The command on this very result (not simulated twice): exit 0, the table printed.
    monkeypatch.setattr(audit, "run_audit", lambda *a, **k: (table, figures, releases))
    assert audit.main(["--months", "2", "--rows", "300"]) == 0
    printed = capsys.readouterr().out
    assert "RESULT: nothing recovered" in printed and "monthly cells:" in printed
    results = table.set_index("attack")
    assert results["recovered"].eq(0).all(), table.to_dict("records")
    assert results["checked"].gt(0).all()  # every attack had something to attack
    detail = results["detail"]
    assert detail["silent loss (EAN typo in a partner row)"].startswith("file blocked")
    assert detail["PII typed into a catalogue name"].endswith("each file blocked by pii_scan")
    assert results.loc["PII typed into a catalogue name", "checked"] == len(audit.PII_VARIANTS)
    for column in ("product_name", "segment"):
        name = f"name of a customer without orders that day in {column}"
        assert detail[name] == "product quarantined"
    assert "suppressed 86%" in detail["dominance rule at k-1/k/k+1 %"]
    assert detail[PENETRATION].endswith("with one competitor: n/d")
    assert 0 < figures["city_level_share"] < 1
    assert figures["blocked_days"] == 0  # every daily file passed its blocking checks
    # Re-releases: every file of both months rebuilt identically; the late day grew the
    # previous month's basis enough to change the next decision, which was refused.
    rerun = results.loc["re-run of every day (decision + files byte-identical)"]
    days = sum(len(r.dailies) for r in releases)
    assert rerun["checked"] == days + 3 * len(releases)  # + decision, monthly, figures
    assert "refused 1x" in detail["late day in a past month, then re-run (files)"]
    assert results.loc["late day: differencing between reports", "checked"] > 0
    # Two consecutive months: every daily label is in the monthly file, and every
    # published label has >= k customers in the month's decision basis.
    labels = ["state", "city", "location_level"]
    for release in releases:
        daily = pd.concat(release.dailies)
        assert set(map(tuple, daily[labels].to_numpy())) <= set(
            map(tuple, release.monthly[labels].to_numpy()))
        assert cells_under_minimum(release.monthly, release.decision, CONTRACT).passed
        assert cells_under_minimum(daily, release.decision, CONTRACT).passed
        assert {"city", "state", "country"} == set(daily["location_level"])


@pytest.mark.parametrize(("recovered", "code"), [(0, 0), (1, 1)])
def test_the_command_exits_non_zero_when_anything_is_recovered(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], recovered: int,
    code: int,
) -> None:
    table = pd.DataFrame([("an attack", 10, recovered, "")],
                         columns=["attack", "checked", "recovered", "detail"])
    monkeypatch.setattr(audit, "run_audit", lambda *a, **k: (table, {
        "partner_rows": 1, "city_level_share": 0.5, "blocked_days": 0, "monthly_cells": 1,
        "monthly_cells_under_k_in_their_month": 0}, []))
    assert audit.main(["--months", "1"]) == code
    assert "an attack" in capsys.readouterr().out


def _row(order: str, customer: str, brand: str, level: str, state: str, city: str,
         true_city: str) -> dict[str, str]:
    return {"sale_date": "2026-11-05", "order_id": order, "customer_id": customer,
            "brand": brand, "product_code": f"P-{brand}", "quantity": "1",
            "state": state, "city": city, "location_level": level,
            "true_state": "AP", "true_city": true_city}


def test_linkage_puts_back_an_item_generalised_for_one_brand_only() -> None:
    """The old per-brand decision: one order, a Hungry item in MACAPA and an Ouch item
    at AP/*; the order id puts the Ouch item back in MACAPA."""
    files = pd.DataFrame([
        _row("o1", "c1", "Hungry", "city", "AP", "MACAPA", "MACAPA"),
        _row("o1", "c1", "Ouch", "state", "AP", "*", "MACAPA"),
        _row("o2", "c2", "Ouch", "state", "AP", "*", "SANTANA"),
    ])
    checked, recovered, detail = attacks.linkage(files)
    assert (checked, recovered) == (2, 2)  # by order_id and by customer_id
    assert "order_id: 1" in detail and "customer_id: 1" in detail


def _release(contract: PartnerContract, competitor_customers: int) -> tuple:
    products = products_frame()
    history = rows_frame(
        customers_buying("2026-10-03", "SP", "SAO PAULO", "REF-HNG-0350", 30)
        + customers_buying("2026-10-03", "AC", "RIO BRANCO", "REF-HNG-0350", 10))
    month = rows_frame(
        customers_buying("2026-11-02", "SP", "SAO PAULO", "REF-HNG-0350", 20)
        + customers_buying("2026-11-02", "SP", "SAO PAULO", "REF-CLB-0350", competitor_customers)
        + customers_buying("2026-11-02", "SP", "SAO PAULO", "REF-GSU-0350", 1)
        + customers_buying("2026-11-02", "SP", "SAO PAULO", "REF-TNO-0350", 1))
    days = [day for _, day in month.groupby("sale_date")]
    return build_month("2026-11", history, days, products, contract, KEY, None), products


def test_the_dominance_attack_finds_a_competitor_when_the_rule_is_off() -> None:
    """98 % of the rest is one company: with the (n, k) rule off the published share gives
    its sales within 5 %; with the contract's rule nothing is derivable."""
    off = CONTRACT.model_copy(update={"privacy": CONTRACT.privacy.model_copy(
        update={"dominance_n": 1, "dominance_k_percent": 99.9})})
    release, products = _release(off, competitor_customers=98)
    assert attacks.dominance(release, off, products)[1] > 0
    release, products = _release(CONTRACT, competitor_customers=98)
    assert attacks.dominance(release, CONTRACT, products)[1] == 0
    assert release.monthly["segment_share"].isna().all()  # withheld, not published


def test_differencing_catches_a_label_the_monthly_file_hides() -> None:
    release, products = _release(CONTRACT, competitor_customers=5)
    assert attacks.differencing(release, CONTRACT)[1] == 0
    hidden = release.monthly.iloc[0:0]
    release.monthly = hidden
    assert attacks.differencing(release, CONTRACT)[1] > 0
    assert attacks.small_states(release, CONTRACT, products)[1] > 0  # SP named only daily


def test_the_dominance_boundary_flags_a_rule_that_publishes_above_k(
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert audit.dominance_boundary(CONTRACT)[1] == 0
    # A share rule that checks only the company count publishes the 86 % segment.
    monkeypatch.setattr(audit, "share_publishable", lambda rows, partner, privacy: True)
    checked, wrong, detail = audit.dominance_boundary(CONTRACT)
    assert (checked, wrong) == (3, 1) and detail.endswith("wrong at 86%")


def test_pii_incident_counts_a_variant_the_scanner_misses(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit, "PII_VARIANTS", ("Hungry sabor especial",))  # not personal
    checked, leaked, detail = audit.pii_in_catalogue(CONTRACT, rows=300, seed=42)
    assert (checked, leaked) == (1, 1) and detail.startswith("passed")


def test_differencing_catches_a_revenue_only_remainder() -> None:
    release, _ = _release(CONTRACT, competitor_customers=5)
    assert attacks.differencing(release, CONTRACT)[1] == 0
    # Same units, one cent less revenue in the monthly cell: a hidden remainder of money.
    release.monthly.loc[release.monthly.index[0], "revenue"] = (
        pd.to_numeric(release.monthly["revenue"]).iloc[0] - 0.01)
    assert attacks.differencing(release, CONTRACT)[1] > 0


@pytest.mark.parametrize("column", ["product_name", "segment"])
def test_a_name_typed_into_the_catalogue_is_recovered_without_the_catalogue_checks(
        column: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # With the checks: the product is quarantined, nothing leaves.
    assert audit.absent_customer_in_catalogue(CONTRACT, 300, 42, column)[:2] == (1, 0)
    # Without them (the day's names only, segment free text): the file passes with it.
    from ouchhungry_dp.quality import cleaning

    monkeypatch.setattr(audit, "catalogue_identifiers", lambda base: None)
    monkeypatch.setattr(cleaning, "brand_segments", dict)
    assert audit.absent_customer_in_catalogue(CONTRACT, 300, 42, column) == (
        1, 1, "name in the file")


def test_the_penetration_attack_recovers_a_lone_competitor_without_the_rule(
        simulated: tuple[list[MonthRelease], pd.DataFrame],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """F4: the old report printed every top city's penetration; in a city where one other
    company sells, customers reached / penetration - the partner's own customers there
    is that company's customer count."""
    releases, products = simulated
    assert attacks.penetration(releases, CONTRACT, products)[1] == 0
    from ouchhungry_dp.products import insights_metrics

    monkeypatch.setattr(insights_metrics, "penetration_allowed",
                        lambda cities, privacy: pd.Series(True, index=cities.index))
    _, recovered, detail = attacks.penetration(releases, CONTRACT, products)
    assert recovered > 0 and detail.endswith("with one competitor: printed")


def test_the_engine_row_counts_a_file_the_engine_would_build_differently(
        simulated: tuple[list[MonthRelease], pd.DataFrame]) -> None:
    """The attacks use the pandas builds; production delivers the engine's. One byte of
    the monthly file the attacks saw changed: the engine's file differs, counted."""
    releases, products = simulated
    release = releases[0]
    files = dict(release.files)
    attacked = dataclasses.replace(release, files={
        **files, "monthly": files["monthly"].replace(b",", b";", 1)})
    checked, recovered, detail = audit_engine.engine_matches([attacked], products, CONTRACT)
    assert (checked, recovered) == (4, 1) and detail == f"differ: {release.month} monthly"
