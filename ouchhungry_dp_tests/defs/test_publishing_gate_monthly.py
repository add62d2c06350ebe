"""The publishing gate on a complete month: every blocking check of the monthly file and of
the insights report made to fail inside a real run, then delivery launched on its own.

One small simulated February (single-run backfill of the daily chain) on a real instance
shared by the module; the tests run in order and the clean delivery comes last, so the
partner's sandbox holds nothing of the month until then. A builder regression is simulated
by wrapping the builder the product step calls: the check, the gate and the delivery that
must catch it are the real ones.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import pandas as pd
import pytest

from ouchhungry_dp import file_names
from ouchhungry_dp.defs.products import insights_asset
from ouchhungry_dp.defs.products import product_assets as factory
from ouchhungry_dp.defs.products.decision import record_path
from ouchhungry_dp.lib.resources.outbound_store import LocalFileStore
from ouchhungry_dp.lib.resources.source_systems import SimulatedSourceSystem
from ouchhungry_dp.products.insights_published import figures_file
from ouchhungry_dp.release import gate
from ouchhungry_dp.sandbox.stack import SandboxStack
from ouchhungry_dp_tests.defs.gate_support import (
    CONTRACT,
    DAILY_CHAIN,
    data_team_alerts,
    failed_checks,
    materialize_only,
    materialized,
    partner_mails,
    platform_instance,
    run_job,
    step_events,
    what_the_partner_got,
)
from ouchhungry_dp_tests.defs.test_publishing_gate import refusals

MONTH = "2026-02"
MONTH_KEY = "2026-02-01"
SMALL = SimulatedSourceSystem(rows_per_day=100, n_customers=2000)
MONTHLY_DELIVERY = CONTRACT.delivery_assets("monthly")
MONTHLY_FILE = file_names.product_file(CONTRACT.products.monthly.dataset, "monthly", MONTH)
INSIGHTS_FILE = file_names.insights_file(CONTRACT.id, MONTH)


@dataclasses.dataclass(frozen=True)
class Month:
    instance: dg.DagsterInstance
    outbound: Path
    home: Path


@pytest.fixture(scope="module")
def february(sandbox: SandboxStack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Month]:
    home = tmp_path_factory.mktemp("february")
    with platform_instance(sandbox, home) as (instance, outbound):
        days = materialize_only(instance, DAILY_CHAIN, "2026-02-01", last="2026-02-28",
                                source=SMALL)
        assert days.success, failed_checks(days)
        yield Month(instance, outbound, home)


def first_row(**values: Any) -> Callable[[pd.DataFrame], pd.DataFrame]:
    def edit(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.copy()
        for column, value in values.items():
            frame.loc[frame.index[0], column] = value
        return frame
    return edit


def a_customers_name() -> str:
    """A real February customer's name: it matches no personal-data pattern, so only the
    month's known identifiers can catch it in a catalogue field."""
    names = SMALL.extract("customers", dt.date(2026, 2, 10))["full_name"].dropna().astype(str)
    return next(n for n in names if re.fullmatch(r"[A-Za-zÀ-ÿ]+( [A-Za-zÀ-ÿ]+)+", n))


# breakage id -> (the check that must catch it, the edit of the built monthly file)
BREAKAGES: dict[str, tuple[str, Callable[[pd.DataFrame], pd.DataFrame]]] = {
    "pii_scan": ("pii_scan", first_row(city="joao.silva@gmail.com")),
    # A partner product's segment typed with a customer's name in the catalogue.
    "pii_scan_known_name": ("pii_scan", lambda m: first_row(segment=a_customers_name())(m)),
    # February has no history: its decision names no location, so a named city has
    # no customer in the decision basis (< k).
    "no_small_cells": ("no_small_cells",
                       first_row(state="AP", city="MACAPÁ", location_level="city")),
    # A state the decision does not name (February's names none): not allowed, and
    # also a cell without customers in the basis and one the dailies do not have.
    "follows_month_decision": ("follows_month_decision",
                               first_row(state="SP", city="*", location_level="state")),
    "reconciles_with_daily": ("reconciles_with_daily", lambda m: first_row(
        revenue=float(m["revenue"].iloc[0]) + 1.0)(m)),
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_a_monthly_file_failing_a_blocking_check_never_leaves(
        february: Month, sandbox: SandboxStack, monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path, breakage: str) -> None:
    check, edit = BREAKAGES[breakage]
    build = factory.build_monthly_in_engine
    monkeypatch.setattr(factory, "build_monthly_in_engine",
                        lambda *a, **k: edit(build(*a, **k)))
    result = run_job(february.instance, SMALL, CONTRACT.monthly_job, MONTH_KEY)
    assert not result.success
    assert f"{CONTRACT.monthly_asset}:{check}" in failed_checks(result)
    assert not materialized(result) & {CONTRACT.insights_asset, *MONTHLY_DELIVERY}
    assert not (february.outbound / MONTHLY_FILE).exists()
    assert what_the_partner_got(sandbox, MONTH) == []
    alerts = data_team_alerts(february.instance, sandbox, tmp_path, checks=True)
    assert any(check in m.subject and MONTH in m.body() for m in alerts)

    redelivery = materialize_only(february.instance, MONTHLY_DELIVERY, MONTH_KEY)
    (refusal,) = refusals(redelivery)
    assert "publishing gate refused" in refusal and check in refusal and MONTH in refusal
    assert not step_events(redelivery, "STEP_UP_FOR_RETRY")
    assert what_the_partner_got(sandbox, MONTH) == []


@pytest.mark.parametrize("planted", ["Contato: joao.silva@gmail.com", "customer's name"])
def test_an_insights_report_with_personal_data_is_held_and_not_sent_with_the_monthly_file(
        february: Month, sandbox: SandboxStack, monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path, planted: str) -> None:
    report = insights_asset.report_from_metrics
    # A customer's name (e.g. typed into a partner product's name shown in the report)
    # is caught only through the month's known identifiers.
    planted = a_customers_name() if planted == "customer's name" else planted

    def leaky(*args: Any, **kwargs: Any) -> Any:
        built = report(*args, **kwargs)
        html = built.html.replace("</body>", f"<p>{planted}</p></body>")
        return dataclasses.replace(built, html=html)

    monkeypatch.setattr(insights_asset, "report_from_metrics", leaky)
    result = run_job(february.instance, SMALL, CONTRACT.monthly_job, MONTH_KEY)
    assert failed_checks(result) == [f"{CONTRACT.insights_asset}:pii_scan"]
    assert (february.outbound / MONTHLY_FILE).is_file()  # the monthly file itself passed
    assert not (february.outbound / INSIGHTS_FILE).exists()
    assert planted in (february.outbound / gate.held_path(INSIGHTS_FILE)).read_text()
    assert not materialized(result) & set(MONTHLY_DELIVERY)
    assert what_the_partner_got(sandbox, MONTH) == []

    redelivery = materialize_only(february.instance, MONTHLY_DELIVERY, MONTH_KEY)
    (refusal,) = refusals(redelivery)
    assert "insights report" in refusal and "pii_scan" in refusal and MONTH in refusal
    assert what_the_partner_got(sandbox, MONTH) == []  # not even the monthly file
    alerts = [m for m in data_team_alerts(february.instance, sandbox, tmp_path)
              if "publishing gate refused" in m.subject and MONTH in m.subject]
    assert alerts and all(planted not in m.body() for m in alerts)
    assert "pii_scan" in alerts[-1].body()


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_clean_month_is_delivered_with_its_report_and_a_changed_report_is_refused(
        february: Month, sandbox: SandboxStack) -> None:
    # The monthly file releases the month's decision as the daily files do.
    released = february.outbound / record_path(CONTRACT, MONTH).replace(".csv", ".released")
    released.unlink()
    result = run_job(february.instance, SMALL, CONTRACT.monthly_job, MONTH_KEY)
    assert result.success, failed_checks(result)
    assert released.is_file()
    on_sftp = sandbox.sftp_files / MONTHLY_FILE
    report_on_sftp = sandbox.sftp_files / INSIGHTS_FILE
    assert sha(on_sftp) == sha(february.outbound / MONTHLY_FILE)
    assert sha(report_on_sftp) == sha(february.outbound / INSIGHTS_FILE)
    assert len(partner_mails(sandbox, MONTH)) == 1
    # What the report printed about its month is released beside it (next months'
    # reports print February from it), under the report's gate record, never sent.
    store = LocalFileStore(root=str(february.outbound))
    figures = insights_asset.released_figures(store, CONTRACT, MONTH)
    assert set(figures) == set(CONTRACT.partner.brand_names)
    monthly = pd.read_csv(on_sftp)
    for brand, printed in figures.items():
        cells = monthly.loc[monthly["brand"] == brand]
        assert printed["revenue"] == pytest.approx(float(cells["revenue"].sum()), abs=0.005)
        assert printed["revenue"] > 0
    assert not [p for p in sandbox.sftp_files.rglob("*")
                if p.name == figures_file(CONTRACT.id, MONTH).rsplit("/", 1)[1]]
    delivered = sha(report_on_sftp)

    released = february.outbound / INSIGHTS_FILE
    released.write_text(released.read_text().replace("</body>", "<p>editado</p></body>"))
    redelivery = materialize_only(february.instance, MONTHLY_DELIVERY[:1], MONTH_KEY)
    (refusal,) = refusals(redelivery)
    assert "changed after its checks" in refusal and "insights report" in refusal
    assert sha(report_on_sftp) == delivered
