"""Finding 1 of issue 11, end to end: a file whose blocking checks failed never reaches a
partner, whatever launches its delivery.

Real Dagster runs on a temporary instance, the real DuckDB warehouse and outbound folder,
the real SFTP/API/SMTP sandbox on loopback; only the source system is swapped to plant the
defect. After the failed product run, the delivery assets are materialized on their own
("Materialize selected", a re-delivery) and must be refused by the gate inside the step.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest

from ouchhungry_dp import file_names
from ouchhungry_dp.defs.products import product_assets as products_factory
from ouchhungry_dp.lib.event_log.alert_facts import user_error
from ouchhungry_dp.lib.resources.source_systems import SimulatedSourceSystem
from ouchhungry_dp.release import gate
from ouchhungry_dp.sandbox.stack import SandboxStack
from ouchhungry_dp_tests.defs.gate_support import (
    CONTRACT,
    DAILY_CHAIN,
    PlantedCatalogue,
    PlantedCity,
    blocking_failures,
    data_team_alerts,
    event_log_leaks,
    failed_checks,
    materialize_only,
    materialized,
    partner_mails,
    run_job,
    step_events,
    what_the_partner_got,
)

DAILY = CONTRACT.products.daily.dataset
PLANTED_VALUES = ("joao.silva", "98765-4321", "98765")
DAILY_DELIVERY = CONTRACT.delivery_assets("daily")


def outbound(env: dict[str, str]) -> Path:
    return Path(env["OUCHHUNGRY_DATA_DIR"]) / "outbound"


def refusals(result: dg.ExecuteInProcessResult) -> list[str]:
    """Messages of the steps that failed, unwrapped to the platform error."""
    return [f"{user_error(e.event_specific_data.error).cls_name}: "
            f"{user_error(e.event_specific_data.error).message}"
            for e in step_events(result, "STEP_FAILURE")]


def test_pii_in_a_catalogue_name_never_reaches_the_partner_even_when_only_delivery_runs(
        sandbox: SandboxStack, instance: dg.DagsterInstance, env: dict[str, str],
        tmp_path: Path) -> None:
    day = "2026-11-10"
    result = run_job(instance, PlantedCatalogue(rows_per_day=300), CONTRACT.daily_job, day)
    assert not result.success
    assert "ouchhungry_sales_daily:pii_scan" in failed_checks(result)
    assert not materialized(result) & set(DAILY_DELIVERY)
    assert what_the_partner_got(sandbox, day) == []
    # The file is held for the data team, never where delivery reads.
    relative = file_names.product_file(DAILY, "daily", day)
    assert not (outbound(env) / relative).exists()
    assert "joao.silva@gmail.com" in (outbound(env) / gate.held_path(relative)).read_text()
    record = json.loads((outbound(env) / gate.record_path(relative)).read_text())
    assert record["checks"]["pii_scan"] is False and record["partition"] == day

    # The runbook's re-delivery / "Materialize selected" of the delivery assets only.
    redelivery = materialize_only(instance, DAILY_DELIVERY, day)
    assert not redelivery.success
    (refusal,) = refusals(redelivery)  # the SFTP step refused; API and e-mail never ran
    assert refusal.startswith("DataQualityError")
    assert "publishing gate refused" in refusal and day in refusal and "pii_scan" in refusal
    assert not step_events(redelivery, "STEP_UP_FOR_RETRY")  # permanent: not retried
    assert not materialized(redelivery)
    assert what_the_partner_got(sandbox, day) == []

    alerts = data_team_alerts(instance, sandbox, tmp_path)
    gate_alerts = [m for m in alerts if "publishing gate refused" in m.subject]
    assert len(gate_alerts) == 1
    body = gate_alerts[0].body()
    assert day in gate_alerts[0].subject and "pii_scan" in body
    assert "joao.silva" not in body and "98765" not in body
    # Nor in the UI: previews, check metadata, errors — the whole event log and instance.
    assert event_log_leaks(instance, env["DAGSTER_HOME"], PLANTED_VALUES) == []


def test_personal_data_typed_into_a_city_never_reaches_the_event_log(
        sandbox: SandboxStack, instance: dg.DagsterInstance, env: dict[str, str]) -> None:
    day = "2026-11-09"
    result = run_job(instance, PlantedCity(rows_per_day=300), CONTRACT.daily_job, day)
    assert step_events(result, "ASSET_CHECK_EVALUATION")  # the checks ran and reported
    assert event_log_leaks(instance, env["DAGSTER_HOME"], PLANTED_VALUES) == []
    for trace in what_the_partner_got(sandbox, day):  # whatever left, left without it
        if Path(trace).is_file():
            assert "joao.silva" not in Path(trace).read_text()


def test_the_daily_pii_scan_is_given_the_days_known_identifiers(
        sandbox: SandboxStack, instance: dg.DagsterInstance, env: dict[str, str]) -> None:
    """A customer's name matches no pattern: only the list of the day's known identifiers
    (raw ids, names, e-mails of the cleaned tables) catches it in a catalogue name."""
    day = "2026-11-11"
    clean = SimulatedSourceSystem(rows_per_day=300, defect_rate=0.0)
    names = clean.extract("customers", dt.date.fromisoformat(day))
    name = str(names["full_name"].dropna().iloc[0])
    result = run_job(instance, PlantedCatalogue(rows_per_day=300, defect_rate=0.0,
                                                planted=name), CONTRACT.daily_job, day)
    assert "ouchhungry_sales_daily:pii_scan" in failed_checks(result)
    check = next(e.event_specific_data for e in step_events(result, "ASSET_CHECK_EVALUATION")
                 if e.event_specific_data.check_name == "pii_scan")
    assert check.metadata["hits_by_kind"].value.get("known_identifier", 0) > 0
    assert what_the_partner_got(sandbox, day) == []


def test_checks_are_per_file_in_a_single_run_backfill_and_the_month_to_date_file_is_held(
        sandbox: SandboxStack, instance: dg.DagsterInstance, env: dict[str, str],
        tmp_path: Path) -> None:
    """Two days in one run, PII planted on the second only: the first day's file is released
    (and can be delivered), the second is held. A monthly file of an unfinished month is
    never released, so its delivery is refused."""
    source = PlantedCatalogue(rows_per_day=300, only_on="2026-08-02")
    backfill = materialize_only(instance, DAILY_CHAIN, "2026-08-01", last="2026-08-02",
                                source=source)
    check = next(e.event_specific_data for e in step_events(backfill, "ASSET_CHECK_EVALUATION")
                 if e.event_specific_data.check_name == "pii_scan")
    assert not check.passed and check.metadata["failed_partitions"].value == ["2026-08-02"]
    assert (outbound(env) / file_names.product_file(DAILY, "daily", "2026-08-01")).is_file()
    assert not (outbound(env) / file_names.product_file(DAILY, "daily", "2026-08-02")).exists()

    # Delivering both days in one run: refused before the first byte leaves.
    both = materialize_only(instance, DAILY_DELIVERY, "2026-08-01", last="2026-08-02")
    assert not both.success and "2026-08-02" in refusals(both)[0]
    assert what_the_partner_got(sandbox, "2026-08-01") == []
    assert materialize_only(instance, DAILY_DELIVERY, "2026-08-01").success
    # SFTP file + manifest, API copy + receipt, partner e-mail
    assert len(what_the_partner_got(sandbox, "2026-08-01")) == 5
    assert not materialize_only(instance, DAILY_DELIVERY, "2026-08-02").success
    assert what_the_partner_got(sandbox, "2026-08-02") == []

    monthly = run_job(instance, SimulatedSourceSystem(rows_per_day=300), CONTRACT.monthly_job,
                      "2026-08-01")
    assert not monthly.success
    assert "ouchhungry_sales_monthly_by_city:month_complete" in failed_checks(monthly)
    assert "ouchhungry_insights_monthly:built_from_released_monthly" in failed_checks(monthly)
    redelivery = materialize_only(instance, CONTRACT.delivery_assets("monthly"), "2026-08-01")
    (refusal,) = refusals(redelivery)
    assert "month_complete" in refusal and "2026-08" in refusal
    assert what_the_partner_got(sandbox, "2026-08") == []
    alerts = [m for m in data_team_alerts(instance, sandbox, tmp_path)
              if "publishing gate refused" in m.subject]
    assert alerts and all("2026-08" in m.subject for m in alerts)
    assert any("month_complete" in m.body() for m in alerts)
    assert any("pii_scan" in m.body() for m in alerts)


def test_a_file_changed_between_its_sftp_and_api_deliveries_is_refused(
        sandbox: SandboxStack, instance: dg.DagsterInstance, env: dict[str, str]) -> None:
    day = "2026-11-12"
    sftp, api, email = DAILY_DELIVERY
    assert materialize_only(instance, (*DAILY_CHAIN, sftp), day).success
    released = outbound(env) / file_names.product_file(DAILY, "daily", day)
    released.write_bytes(released.read_bytes().replace(b"\n", b"\r\n", 1))
    result = materialize_only(instance, (api, email), day)
    (refusal,) = refusals(result)
    assert "changed after its checks" in refusal and day in refusal
    assert not step_events(result, "STEP_UP_FOR_RETRY")
    traces = what_the_partner_got(sandbox, day)
    assert len(traces) == 2 and all("/sftp/" in t for t in traces)  # file + manifest only


def test_same_sha256_everywhere_fails_on_a_tampered_sftp_receipt_and_withholds_the_email(
        sandbox: SandboxStack, instance: dg.DagsterInstance, env: dict[str, str],
        tmp_path: Path) -> None:
    """The SFTP receipt (stored between the steps) no longer matches the released file."""
    day = "2026-11-13"
    sftp, api, email = DAILY_DELIVERY
    assert materialize_only(instance, (*DAILY_CHAIN, sftp), day).success
    with duckdb.connect(str(Path(env["OUCHHUNGRY_DATA_DIR"]) / "warehouse.duckdb")) as con:
        con.execute(f"UPDATE marts.{sftp} SET sha256 = repeat('0', 64) WHERE partition = ?",
                    [day])
    result = materialize_only(instance, (api, email), day)
    assert failed_checks(result) == [f"{api}:same_sha256_everywhere"]
    assert email not in materialized(result)
    assert partner_mails(sandbox, day) == []
    alerts = data_team_alerts(instance, sandbox, tmp_path, checks=True)
    assert any("same_sha256_everywhere" in m.subject and day in m.body() for m in alerts)


def extra_column(daily: pd.DataFrame) -> pd.DataFrame:
    return daily.assign(payment_method="pix")  # not a column of the contract


def city_not_decided(daily: pd.DataFrame) -> pd.DataFrame:
    """Names a city the month's decision generalised (no history: every row is state-level)."""
    daily = daily.copy()
    first = daily.index[0]
    daily.loc[first, ["city", "location_level"]] = ["MACAPA", "city"]
    return daily


@pytest.mark.parametrize(("check", "breakage", "day", "also"), [
    ("contract_columns", extra_column, "2026-11-07", ()),
    # A city the decision generalised is also a cell under k customers.
    ("follows_month_decision", city_not_decided, "2026-11-08", ("no_small_cells",)),
])
def test_a_daily_builder_regression_is_caught_by_its_check_and_nothing_leaves(
        sandbox: SandboxStack, instance: dg.DagsterInstance, env: dict[str, str],
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, check: str,
        breakage: Callable[[pd.DataFrame], pd.DataFrame], day: str,
        also: tuple[str, ...]) -> None:
    """These checks hold by construction of the builder; a regression of the builder (wrapped
    here) must be caught by the real check, held by the gate and refused on re-delivery."""
    build = products_factory.build_daily_product
    monkeypatch.setattr(products_factory, "build_daily_product",
                        lambda *a, **k: breakage(build(*a, **k)))
    result = run_job(instance, SimulatedSourceSystem(rows_per_day=300), CONTRACT.daily_job, day)
    assert not result.success
    assert blocking_failures(result) == sorted(f"{CONTRACT.daily_asset}:{name}"
                                               for name in (check, *also))
    assert not materialized(result) & set(DAILY_DELIVERY)
    alerts = data_team_alerts(instance, sandbox, tmp_path, checks=True)
    assert any(check in m.subject and day in m.body() for m in alerts)
    monkeypatch.setattr(products_factory, "build_daily_product", build)  # fixed, not rebuilt
    (refusal,) = refusals(materialize_only(instance, DAILY_DELIVERY, day))
    assert check in refusal and day in refusal
    assert what_the_partner_got(sandbox, day) == []
