"""The cleaning's blocking checks bind every later run, not only their own.

Real Dagster runs on a temporary instance, the real DuckDB warehouse and outbound folder,
the real SFTP/API/SMTP sandbox on loopback; only the source system is swapped.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import dagster as dg
import pandas as pd

from ouchhungry_dp import file_names
from ouchhungry_dp.defs.delivery.partner_jobs import SHARED_DAILY_ASSETS
from ouchhungry_dp.lib.resources.source_systems import SimulatedSourceSystem, SourceTable
from ouchhungry_dp.release import gate, quality_verdict
from ouchhungry_dp.sandbox.stack import SandboxStack
from ouchhungry_dp_tests.defs.gate_support import (
    CONTRACT,
    DAILY_CHAIN,
    blocking_failures,
    failed_checks,
    materialize_only,
    run_job,
    step_events,
    what_the_partner_got,
)

DAILY = CONTRACT.products.daily.dataset
DAILY_DELIVERY = CONTRACT.delivery_assets("daily")


class LostExport(SimulatedSourceSystem):
    """The transactions export came back empty (a broken job upstream, not a closed day)."""

    def extract(self, table: SourceTable, day: dt.date) -> pd.DataFrame:
        frame = super().extract(table, day)
        return frame.iloc[:0] if table == "transactions" else frame


class GarbageDay(SimulatedSourceSystem):
    """On ``garbage_on``, 40 % of the order items carry an unparseable price."""

    garbage_on: str = ""

    def extract(self, table: SourceTable, day: dt.date) -> pd.DataFrame:
        frame = super().extract(table, day)
        if table == "transactions" and day.isoformat() == self.garbage_on:
            frame = frame.copy()
            frame.loc[frame.index[: int(len(frame) * 0.4)], "unit_price"] = "preço a combinar"
        return frame


def _check(result: dg.ExecuteInProcessResult, asset: str, name: str) -> dg.AssetCheckEvaluation:
    (evaluation,) = [e.event_specific_data for e in step_events(result, "ASSET_CHECK_EVALUATION")
                     if e.event_specific_data.asset_key == dg.AssetKey(asset)
                     and e.event_specific_data.check_name == name]
    return evaluation


def test_a_day_whose_cleaning_failed_is_held_when_only_the_product_and_deliveries_run(
        sandbox: SandboxStack, instance: dg.DagsterInstance, env: dict[str, str]) -> None:
    day = "2026-11-23"
    outbound = Path(env["OUCHHUNGRY_DATA_DIR"]) / "outbound"
    # A usual day first (the warehouse tables exist, the volume has a baseline).
    assert run_job(instance, SimulatedSourceSystem(rows_per_day=200), CONTRACT.daily_job,
                   "2026-11-19").success
    first = run_job(instance, LostExport(rows_per_day=200), CONTRACT.daily_job, day)
    assert "cleaned_transactions:volume" in blocking_failures(first)
    # The cleaning stored its (empty) output anyway; its verdict says the day failed.
    verdict = json.loads((outbound / quality_verdict.verdict_path("transactions", day))
                         .read_text())
    assert verdict["checks"]["volume"] is False and verdict["partition"] == day

    # "Materialize selected" on the daily product and its deliveries only.
    only = materialize_only(instance, (CONTRACT.daily_asset, *DAILY_DELIVERY), day,
                            source=LostExport(rows_per_day=200))
    assert not only.success
    assert blocking_failures(only) == [f"{CONTRACT.daily_asset}:upstream_quality"]
    assert "transactions:volume" in _check(only, CONTRACT.daily_asset,
                                           "upstream_quality").description
    relative = file_names.product_file(DAILY, "daily", day)
    assert not (outbound / relative).exists()
    assert (outbound / gate.held_path(relative)).is_file()
    assert what_the_partner_got(sandbox, day) == []
    # A re-delivery on its own is refused by the gate, naming the check.
    redelivery = materialize_only(instance, DAILY_DELIVERY, day)
    assert not redelivery.success
    assert what_the_partner_got(sandbox, day) == []


def test_quarantine_total_is_judged_per_day_in_a_multi_day_run(
        sandbox: SandboxStack, instance: dg.DagsterInstance, env: dict[str, str]) -> None:
    """Two days in one run, 40 % garbage on the second: averaged (about 20 %) the run would
    pass the 25 % limit; per day the second day fails and only its verdict says so."""
    outbound = Path(env["OUCHHUNGRY_DATA_DIR"]) / "outbound"
    source = GarbageDay(rows_per_day=200, defect_rate=0.0, garbage_on="2026-11-16")
    result = materialize_only(instance, SHARED_DAILY_ASSETS, "2026-11-15", last="2026-11-16",
                              source=source)
    total = _check(result, "cleaned_transactions", "quarantine_total")
    assert not total.passed and total.severity == dg.AssetCheckSeverity.ERROR
    assert total.metadata["failed_partitions"].value == ["2026-11-16"]
    assert quality_verdict.day_verdict(_store(outbound), "2026-11-15").passed
    assert quality_verdict.day_verdict(_store(outbound), "2026-11-16").failed == [
        "transactions:quarantine_total"]


def _store(root: Path) -> gate.FileStore:
    from ouchhungry_dp.lib.resources.outbound_store import LocalFileStore

    return LocalFileStore(root=str(root))


def test_a_confirmed_closed_day_is_released_empty_and_its_month_is_complete(
        sandbox: SandboxStack, instance: dg.DagsterInstance, env: dict[str, str]) -> None:
    """The simulated marketplace closed on 2026-02-10, confirmed by the source: every
    extract of the day is empty (nothing referenced), the cleaning passes, the day's file
    goes out with its header only, and the month counts the day as complete."""
    outbound = Path(env["OUCHHUNGRY_DATA_DIR"]) / "outbound"
    closed_day = "2026-02-10"
    source = SimulatedSourceSystem(rows_per_day=100, n_customers=2000, closed_days=[closed_day])
    for table in ("transactions", "customers", "products"):
        assert source.extract(table, dt.date.fromisoformat(closed_day)).empty
    days = materialize_only(instance, DAILY_CHAIN, "2026-02-01", last="2026-02-28",
                            source=source)
    assert days.success, failed_checks(days)
    for table in ("cleaned_transactions", "cleaned_customers", "cleaned_products"):
        assert _check(days, table, "volume").passed
    verdict = quality_verdict.day_verdict(_store(outbound), closed_day)
    assert verdict.passed and verdict.confirmed_closed
    daily = (outbound / file_names.product_file(DAILY, "daily", closed_day)).read_text()
    assert daily.strip() == ",".join(CONTRACT.products.daily.column_names)  # 0 rows
    assert materialize_only(instance, DAILY_DELIVERY, closed_day, source=source).success
    assert len(what_the_partner_got(sandbox, closed_day)) == 5  # file, manifest, API x2, mail

    monthly = run_job(instance, source, CONTRACT.monthly_job, "2026-02-01")
    complete = _check(monthly, CONTRACT.monthly_asset, "month_complete")
    assert complete.passed, complete.description
    assert complete.metadata["confirmed_closed_days"].value == [closed_day]
    relative = file_names.product_file(CONTRACT.products.monthly.dataset, "monthly", "2026-02")
    assert (outbound / relative).is_file()
    assert gate.read_record(_store(outbound), relative).passed
