"""The cleaning's guardrails inside real daily runs: no silent loss, empty days, bad cities.

Real Dagster instance (temporary DAGSTER_HOME), real DuckDB warehouse and the loopback
sandbox for deliveries; only the source system is swapped to feed each case.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from ouchhungry_dp.lib.resources.source_systems import SimulatedSourceSystem, SourceTable
from ouchhungry_dp.quality.reference import official_cities
from ouchhungry_dp.sandbox.stack import SandboxStack
from ouchhungry_dp_tests.defs import conftest as defs_fixtures
from ouchhungry_dp_tests.defs.gate_support import data_team_alerts
from ouchhungry_dp_tests.defs.test_pipeline_in_process import failed_checks, run_daily

# The in-process daily runs' fixtures (temporary DAGSTER_HOME + sandbox env), used here
# rather than from a quality conftest, so the rest of the area never imports Dagster
# (a second of start-up in every mutant the mutation guard replays).
env, instance = defs_fixtures.env, defs_fixtures.instance

PARTNER_PRODUCT = "REF-HNG-"  # the partner's soda codes


class SourceWithEanTypo(SimulatedSourceSystem):
    """One partner product's catalogue row carries an EAN with one digit changed."""

    def extract(self, table: SourceTable, day: dt.date) -> pd.DataFrame:
        frame = super().extract(table, day)
        if table == "products":
            frame = frame.copy()
            row = frame.index[frame["product_code"].str.startswith(PARTNER_PRODUCT)][0]
            ean = frame.at[row, "ean"]
            frame.at[row, "ean"] = ean[:5] + str((int(ean[5]) + 1) % 10) + ean[6:]
        return frame


class SourceWithCityDefects(SimulatedSourceSystem):
    """An e-mail, an unknown town and City/UF forms typed into delivery_city."""

    def extract(self, table: SourceTable, day: dt.date) -> pd.DataFrame:
        frame = super().extract(table, day)
        if table == "transactions":
            frame = frame.copy()
            frame.loc[0, "delivery_city"] = "fulano.tal@example.com"
            frame.loc[1, "delivery_city"] = "Cidade Que Nao Existe"
            frame.loc[2, "delivery_city"] = frame.loc[2, "delivery_city"] + "/" + frame.loc[
                2, "delivery_state"]
        return frame


def _latest(dagster: dg.DagsterInstance, asset: str) -> dict:
    event = dagster.get_latest_materialization_event(dg.AssetKey(asset))
    return event.asset_materialization.metadata


def _check(result: dg.ExecuteInProcessResult, asset: str, name: str) -> dg.AssetCheckEvaluation:
    (evaluation,) = [
        e.event_specific_data for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
        and e.event_specific_data.asset_key == dg.AssetKey(asset)
        and e.event_specific_data.check_name == name
    ]  # fmt: skip
    return evaluation


def _stored(table: str, column: str, day: str) -> pd.DataFrame:
    from ouchhungry_dp.lib.resources.by_environment import shared_resources

    date = dt.date.fromisoformat(day)
    return shared_resources()["warehouse"].read_range(table, column, date, date)


def test_items_of_a_quarantined_catalogue_row_are_quarantined_not_lost(
        sandbox: SandboxStack, instance: dg.DagsterInstance, tmp_path: Path) -> None:
    result = run_daily(instance, SourceWithEanTypo(rows_per_day=300, defect_rate=0.0),
                       "2026-11-10")
    conservation = _check(result, "cleaned_transactions", "conservation")
    assert conservation.passed and conservation.metadata["difference"].value == 0
    quarantine = _stored("transactions_quarantine", "partition_date", "2026-11-10")
    held = quarantine[quarantine["reasons"].str.contains("product_quarantined")]
    assert len(held) > 0 and held["product_code"].str.startswith(PARTNER_PRODUCT).all()
    # The data team hears of it: the WARN rate check fails (ceiling 0) and its alert
    # goes out through the check-alert sensor like every failed check.
    rate = _check(result, "cleaned_transactions", "quarantine_rate")
    assert not rate.passed and rate.severity == dg.AssetCheckSeverity.WARN
    assert "product_quarantined" in rate.metadata["breaches"].value
    digest = data_team_alerts(instance, sandbox, tmp_path, checks=True)
    assert any("quarantine_rate" in m.body() and "cleaned_transactions" in m.body()
               for m in digest)
    # The quarantine's preview shows row numbers and reasons, no raw value.
    assert PARTNER_PRODUCT not in str(_latest(instance, "transactions_quarantine")["preview"].value)


class LostExport(SimulatedSourceSystem):
    """The transactions export came back empty (a broken job upstream, not a closed day)."""

    def extract(self, table: SourceTable, day: dt.date) -> pd.DataFrame:
        frame = super().extract(table, day)
        return frame.iloc[:0] if table == "transactions" else frame


def test_empty_or_near_empty_days_block_delivery_unless_the_source_confirms_them(
        sandbox: SandboxStack, instance: dg.DagsterInstance) -> None:
    def volume(result: dg.ExecuteInProcessResult) -> dg.AssetCheckEvaluation:
        return _check(result, "cleaned_transactions", "volume")

    def delivered(day: str) -> bool:
        return (sandbox.sftp_files / "daily" / f"ouchhungry_sales_daily_{day}.csv").is_file()

    assert run_daily(instance, SimulatedSourceSystem(rows_per_day=200), "2026-11-01").success
    # About 40 % of the usual: a WARN; the day still goes out.
    low = run_daily(instance, SimulatedSourceSystem(rows_per_day=80), "2026-11-02")
    assert low.success, failed_checks(low)
    assert not volume(low).passed and volume(low).severity == dg.AssetCheckSeverity.WARN
    assert delivered("2026-11-02")
    # Under 10 % of the usual: near-empty, blocked with an ERROR (the check-alert sensor's
    # immediate alert), nothing reaches the SFTP or the API.
    tiny = run_daily(instance, SimulatedSourceSystem(rows_per_day=8), "2026-11-03")
    assert not tiny.success
    assert not volume(tiny).passed and volume(tiny).severity == dg.AssetCheckSeverity.ERROR
    assert volume(tiny).metadata["ratio"].value < 0.1
    assert "cleaned_transactions:volume" in failed_checks(tiny)
    # Empty: blocked too.
    empty = run_daily(instance, LostExport(rows_per_day=200), "2026-11-04")
    assert not empty.success
    assert not volume(empty).passed and volume(empty).severity == dg.AssetCheckSeverity.ERROR
    for day in ("2026-11-03", "2026-11-04"):
        assert not delivered(day)
        assert not list((sandbox.root / "api").rglob(f"*{day}*"))
    # The same empty day, once the source confirms the marketplace was closed, goes out
    # as a day without sales.
    closed = SimulatedSourceSystem(rows_per_day=200, closed_days=["2026-11-04"])
    confirmed = run_daily(instance, closed, "2026-11-04")
    assert confirmed.success, failed_checks(confirmed)
    assert volume(confirmed).passed and "confirmed" in volume(confirmed).description
    assert delivered("2026-11-04")


def test_bad_cities_quarantine_their_rows_and_never_show(
        sandbox: SandboxStack, instance: dg.DagsterInstance) -> None:
    result = run_daily(instance, SourceWithCityDefects(rows_per_day=300, defect_rate=0.0),
                       "2026-11-13")
    assert result.success, failed_checks(result)
    quarantine = _stored("transactions_quarantine", "partition_date", "2026-11-13")
    assert set(quarantine["reasons"]) == {"personal_data_in_city", "unknown_city"}
    # Nothing the cleaning step reports (checks, cleaned and quarantine metadata) shows it.
    # (The raw extract's own UI preview is the preview allowlist's business, not this step's.)
    cleaning_events = [e for e in result.all_events if e.step_key == "clean_transactions"]
    assert any(e.event_type_value == "ASSET_CHECK_EVALUATION" for e in cleaning_events)
    for event in cleaning_events:
        assert "fulano" not in str(event.event_specific_data)
    assert "fulano" not in str(_latest(instance, "transactions_quarantine")["preview"].value)
    daily = (sandbox.sftp_files / "daily" / "ouchhungry_sales_daily_2026-11-13.csv").read_text()
    assert "fulano" not in daily
    cleaned = _stored("cleaned_transactions", "sale_date", "2026-11-13")
    assert set(cleaned["city"]) <= set(official_cities()["name"].astype(str))
    assert cleaned["city"].str.contains(r"[ÁÂÃÉÊÍÓÔÕÚÇáâãéêíóôõúç]").any()  # accents kept


def test_only_a_source_that_can_say_confirms_a_closed_day(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from ouchhungry_dp.errors import ConfigurationError
    from ouchhungry_dp.lib.resources.by_environment import CLOSED_DAYS_TABLE_VAR, RESOURCES_BY_ENV
    from ouchhungry_dp.lib.resources.source_systems import BigQuerySourceSystem
    from ouchhungry_dp.lib.warehouse.bigquery_clients import BigQueryClients

    day = dt.date(2026, 12, 25)
    assert SimulatedSourceSystem(closed_days=["2026-12-25"]).confirms_no_sales(day)
    assert not SimulatedSourceSystem().confirms_no_sales(day)
    # No order, so nothing referenced: every extract of the closed day is empty.
    for table in ("transactions", "customers", "products"):
        assert len(SimulatedSourceSystem(closed_days=["2026-12-25"]).extract(table, day)) == 0
        assert len(SimulatedSourceSystem(rows_per_day=50).extract(table, day)) > 0
    # Prod without an operations calendar never confirms; a malformed table name fails closed.
    clients = BigQueryClients(project="p")
    assert not BigQuerySourceSystem(bigquery=clients, dataset="d").confirms_no_sales(day)
    with pytest.raises(ConfigurationError, match=r"dataset\.table"):
        BigQuerySourceSystem(bigquery=clients, dataset="d",
                             closed_days_table="ops.days` WHERE 1=1 --").confirms_no_sales(day)
    # Prod reads the calendar's name from the environment; unset, it confirms nothing.
    monkeypatch.delenv(CLOSED_DAYS_TABLE_VAR, raising=False)
    assert RESOURCES_BY_ENV["prod"]()["source"].closed_days_table == ""
    monkeypatch.setenv(CLOSED_DAYS_TABLE_VAR, "ops.closed_days")
    assert RESOURCES_BY_ENV["prod"]()["source"].closed_days_table == "ops.closed_days"


class SourceWithNameInCatalogue(SimulatedSourceSystem):
    """A merchant typed a customer's name into a partner product's name."""

    typed: str = ""

    def extract(self, table: SourceTable, day: dt.date) -> pd.DataFrame:
        frame = super().extract(table, day)
        if table == "products":
            frame = frame.copy()
            rows = frame["product_code"].str.startswith(PARTNER_PRODUCT)
            frame.loc[rows, "product_name"] = f"Hungry Lata reservado {self.typed}"
        return frame


def test_a_known_customer_typed_into_the_catalogue_is_quarantined_in_a_real_run(
        sandbox: SandboxStack, instance: dg.DagsterInstance) -> None:
    assert run_daily(instance, SimulatedSourceSystem(rows_per_day=200), "2026-11-01").success
    history = _stored("cleaned_customers", "snapshot_date", "2026-11-01")
    name = str(history["full_name"].dropna().iloc[0])  # known to the warehouse since day 1
    result = run_daily(instance, SourceWithNameInCatalogue(rows_per_day=200, typed=name),
                       "2026-11-02")
    products = _stored("products_quarantine", "partition_date", "2026-11-02")
    flagged = products[products["reasons"].str.contains("personal_data_in_catalogue")]
    assert len(flagged) > 0 and flagged["product_code"].str.startswith(PARTNER_PRODUCT).all()
    items = _stored("transactions_quarantine", "partition_date", "2026-11-02")
    assert items.loc[items["product_code"].str.startswith(PARTNER_PRODUCT), "reasons"].str.contains(
        "product_quarantined").all()
    rate = _check(result, "cleaned_products", "quarantine_rate")
    assert not rate.passed and "personal_data_in_catalogue" in rate.metadata["breaches"].value
    # The name is nowhere outside the warehouse: not in any file sent, not in the UI.
    for sent in sandbox.sftp_files.rglob("*.csv"):
        assert name not in sent.read_text(encoding="utf-8")
    for asset in ("cleaned_products", "products_quarantine", "ouchhungry_sales_daily"):
        assert name not in str(_latest(instance, asset))
