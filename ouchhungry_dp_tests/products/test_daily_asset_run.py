"""The daily product asset in a real Dagster run: it reads the stored month decision,
runs its blocking checks, and a re-run of the day gives the same bytes.

Raw -> cleaned -> daily product only (no delivery): a real instance, the real DuckDB
IO manager and warehouse reader, the local file store and the simulated source
(no defects, so the day is clean and every check must pass).
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dagster as dg
import pytest

from ouchhungry_dp.defs.delivery.partner_jobs import SHARED_DAILY_ASSETS
from ouchhungry_dp.defs.products import decision
from ouchhungry_dp.defs.products.decision import record_path
from ouchhungry_dp.lib.defs_folder import load_defs_folders
from ouchhungry_dp.lib.event_log.alert_facts import user_error
from ouchhungry_dp.lib.resources.by_environment import RESOURCES_BY_ENV
from ouchhungry_dp.lib.resources.privacy import privacy_resource
from ouchhungry_dp.lib.resources.source_systems import SimulatedSourceSystem
from ouchhungry_dp.partners.contract import PartnerContract

DAY = "2026-11-02"
CHECKS = {"pii_scan", "contract_columns", "follows_month_decision", "no_small_cells",
          "partner_rows_conserved", "pseudonym_properties", "upstream_quality"}


@pytest.fixture
def job(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        contract: PartnerContract) -> dg.JobDefinition:
    monkeypatch.setenv("OUCHHUNGRY_ENV", "local")
    monkeypatch.setenv("OUCHHUNGRY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PSEUDONYMIZATION_KEY", secrets.token_hex(32))
    resources = {**RESOURCES_BY_ENV["local"](), "privacy": privacy_resource(),
                 "source": SimulatedSourceSystem(rows_per_day=300, defect_rate=0.0)}
    selection = dg.AssetSelection.assets(*SHARED_DAILY_ASSETS, contract.daily_asset)
    defs = dg.Definitions.merge(
        load_defs_folders("sources", "quality", "products"),
        dg.Definitions(resources=resources, jobs=[dg.define_asset_job(
            "daily_product_only", selection=selection, executor_def=dg.in_process_executor,
            partitions_def=dg.DailyPartitionsDefinition(start_date="2026-01-01",
                                                        timezone="America/Sao_Paulo"))]))
    return defs.resolve_job_def("daily_product_only")


def _checks(result: dg.ExecuteInProcessResult, asset: str) -> dict[str, bool]:
    return {e.check_name: e.passed for e in (
        ev.event_specific_data for ev in result.all_events
        if ev.event_type_value == "ASSET_CHECK_EVALUATION")
        if e.asset_key == dg.AssetKey(asset)}


def test_daily_run_stores_the_decision_checks_and_reruns_identically(
    job: dg.JobDefinition, tmp_path: Path, contract: PartnerContract
) -> None:
    with dg.instance_for_test() as instance:
        first = job.execute_in_process(partition_key=DAY, instance=instance)
        assert first.success
        assert _checks(first, contract.daily_asset) == dict.fromkeys(CHECKS, True)
        files = tmp_path / "data"
        record = next(files.rglob(Path(record_path(contract, "2026-11")).name))
        assert record.with_suffix(".released").is_file()  # the month's decision is locked
        daily = next(files.rglob(f"{contract.products.daily.dataset}_{DAY}.csv"))
        before = (record.read_bytes(), daily.read_bytes())
        assert job.execute_in_process(partition_key=DAY, instance=instance).success
        assert (record.read_bytes(), daily.read_bytes()) == before


def test_a_daily_run_never_locks_a_decision_made_on_part_of_the_previous_month(
    job: dg.JobDefinition, tmp_path: Path, contract: PartnerContract,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A 7-day backfill chunk of November before October's last chunk: the daily step
    asks to be retried (a transient wait, not a data-quality failure) and stores no
    decision; once October is complete the same day decides and builds its file."""
    monkeypatch.setattr(decision, "HISTORY_RETRY_WAIT_S", 0)
    monkeypatch.setattr(decision, "HISTORY_RETRIES", 1)
    with dg.instance_for_test() as instance:
        for day in range(1, 31):  # October 31 still in a chunk to come
            instance.report_runless_asset_event(dg.AssetMaterialization(
                "cleaned_transactions", partition=f"2026-10-{day:02d}"))
        early = job.execute_in_process(partition_key=DAY, instance=instance,
                                       raise_on_error=False)
        assert not early.success
        retried = [e.step_key for e in early.all_events
                   if e.event_type_value == "STEP_UP_FOR_RETRY"]
        assert retried == [contract.daily_asset]
        (failure,) = early.get_step_failure_events()
        cause = user_error(failure.event_specific_data.error)  # what the alert names
        assert cause.cls_name == "PreviousMonthIncomplete"
        assert "2026-11" in cause.message and "2026-10-31" in cause.message
        assert not list((tmp_path / "data").rglob(Path(record_path(contract, "2026-11")).name))

        instance.report_runless_asset_event(dg.AssetMaterialization(
            "cleaned_transactions", partition="2026-10-31"))
        assert job.execute_in_process(partition_key=DAY, instance=instance).success
        record = next((tmp_path / "data").rglob(Path(record_path(contract, "2026-11")).name))
        assert record.with_suffix(".released").is_file()
