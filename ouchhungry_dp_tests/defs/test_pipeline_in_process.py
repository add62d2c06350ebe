"""The daily job in-process against the loopback sandbox: good data, garbage, a broken source.

A real Dagster instance (temporary DAGSTER_HOME), the real DuckDB IO manager and the
real delivery clients; only the source system is swapped to feed what each test needs.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import dagster as dg
import pandas as pd

from ouchhungry_dp.lib.defs_folder import load_defs_folders
from ouchhungry_dp.lib.event_log.alert_facts import user_error
from ouchhungry_dp.lib.resources.by_environment import shared_resources
from ouchhungry_dp.lib.resources.source_systems import SimulatedSourceSystem, SourceTable
from ouchhungry_dp.sandbox.stack import SandboxStack

JOB = "ouchhungry_daily_delivery"
CPF_FORMATTED_OR_BARE = re.compile(r"\b\d{3}\.?\d{3}\.?\d{3}-?\d{2}\b")


class SourceWithoutPrices(SimulatedSourceSystem):
    """A source whose transactions export lost a column."""

    def extract(self, table: SourceTable, day: dt.date) -> pd.DataFrame:
        frame = super().extract(table, day)
        return frame.drop(columns="unit_price") if table == "transactions" else frame


def run_daily(instance: dg.DagsterInstance, source: SimulatedSourceSystem,
              day: str) -> dg.ExecuteInProcessResult:
    defs = dg.Definitions.merge(
        load_defs_folders("sources", "quality", "products", "delivery"),
        dg.Definitions(resources={**shared_resources(), "source": source}),
    )
    return defs.resolve_job_def(JOB).execute_in_process(
        partition_key=day, instance=instance, raise_on_error=False)


def failed_checks(result: dg.ExecuteInProcessResult) -> list[str]:
    return [f"{e.asset_key.to_user_string()}:{e.check_name}"
            for e in (ev.event_specific_data for ev in result.all_events
                      if ev.event_type_value == "ASSET_CHECK_EVALUATION")
            if not e.passed]


def test_good_day_is_delivered_and_ui_previews_mask_personal_data(
        sandbox: SandboxStack, instance: dg.DagsterInstance) -> None:
    result = run_daily(instance, SimulatedSourceSystem(rows_per_day=300), "2026-11-20")
    assert result.success, failed_checks(result)
    assert (sandbox.sftp_files / "daily" / "ouchhungry_sales_daily_2026-11-20.csv").is_file()
    event = instance.get_latest_materialization_event(dg.AssetKey("raw_customers"))
    metadata = event.asset_materialization.metadata
    assert metadata["dagster/row_count"].value > 0
    preview = metadata["preview"].value
    assert "full_name, cpf, email, phone, cep" in preview  # named as not shown, never printed
    assert not CPF_FORMATTED_OR_BARE.search(preview) and "@" not in preview


def test_a_day_of_garbage_is_stopped_before_any_delivery(
        sandbox: SandboxStack, instance: dg.DagsterInstance) -> None:
    garbage = SimulatedSourceSystem(rows_per_day=300, defect_rate=0.9)
    result = run_daily(instance, garbage, "2026-11-19")
    assert not result.success
    assert "cleaned_transactions:quarantine_total" in failed_checks(result)
    assert not list(sandbox.sftp_files.rglob("*2026-11-19*"))
    assert not list((sandbox.root / "api").rglob("*2026-11-19*"))
    quarantine = instance.get_latest_materialization_event(
        dg.AssetKey("transactions_quarantine")).asset_materialization.metadata
    assert quarantine["quarantine_rate"].value > 0.25


def test_a_source_that_lost_a_column_fails_with_a_clear_extraction_error(
        sandbox: SandboxStack, instance: dg.DagsterInstance) -> None:
    result = run_daily(instance, SourceWithoutPrices(rows_per_day=300), "2026-11-18")
    assert not result.success
    (failure,) = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    error = failure.event_specific_data.error
    error = user_error(error)
    assert error.cls_name == "ExtractionError"
    assert "unit_price" in error.message and "2026-11-18" in error.message
    assert "hint:" in error.message
    # A permanent error is not retried by the step's RetryPolicy (it would not heal).
    assert not [e for e in result.all_events if e.event_type_value == "STEP_UP_FOR_RETRY"]
    assert not list(sandbox.sftp_files.rglob("*2026-11-18*"))


def test_checksums_are_compared_for_the_run_partitions_only(
        sandbox: SandboxStack, instance: dg.DagsterInstance, env: dict[str, str]) -> None:
    """Regression: a rebuilt, not yet re-delivered file of another day must not block today."""
    source = SimulatedSourceSystem(rows_per_day=300)
    assert run_daily(instance, source, "2026-11-16").success
    other_day = Path(env["OUCHHUNGRY_DATA_DIR"]) / "outbound" / "daily" / \
        "ouchhungry_sales_daily_2026-11-16.csv"
    other_day.write_text(other_day.read_text() + "\n")
    result = run_daily(instance, source, "2026-11-17")
    assert result.success, failed_checks(result)
    assert "ouchhungry_daily_api_delivery:same_sha256_everywhere" not in failed_checks(result)
