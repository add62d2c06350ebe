"""What the publishing-gate tests share: a source with a planted defect, real runs of the
daily/monthly assets on a temporary instance, and where to look for what a partner got."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from ouchhungry_dp.defs.alerts.sensors import (
    data_team_asset_check_alerts,
    data_team_run_failure_alerts,
)
from ouchhungry_dp.defs.delivery.partner_jobs import SHARED_DAILY_ASSETS
from ouchhungry_dp.lib.defs_folder import load_defs_folders
from ouchhungry_dp.lib.resources.by_environment import shared_resources
from ouchhungry_dp.lib.resources.email import AlertSettingsResource, EmailResource
from ouchhungry_dp.lib.resources.source_systems import SimulatedSourceSystem, SourceTable
from ouchhungry_dp.partners.contract import load_contracts
from ouchhungry_dp.sandbox.partner_systems.smtp_sink import ReceivedMessage
from ouchhungry_dp.sandbox.stack import SandboxStack
from ouchhungry_dp_tests.conftest import platform_env

PARTNER_INBOX = "dados@ouchhungry.example"
DATA_TEAM = "correa.igor@aiqfome.com"
CONTRACT = next(c for c in load_contracts() if c.id == "ouchhungry")
DAILY_CHAIN = (*SHARED_DAILY_ASSETS, CONTRACT.daily_asset)


class PlantedCatalogue(SimulatedSourceSystem):
    """The catalogue names of one partner brand typed with something that must never leave
    (finding 1 of issue 11: an e-mail and a phone typed into a product's name)."""

    planted: str = "Hungry contato joao.silva@gmail.com (11) 98765-4321"
    brand: str = "hungry"
    only_on: str = ""  # comma-separated ISO days; empty: every day

    def extract(self, table: SourceTable, day: dt.date) -> pd.DataFrame:
        frame = super().extract(table, day)
        if table == "products" and (not self.only_on or day.isoformat() in self.only_on.split(",")):
            frame = frame.copy()
            ours = frame["brand"].astype("string").str.strip().str.lower() == self.brand
            frame.loc[ours, "product_name"] = self.planted
        return frame


class PlantedCity(SimulatedSourceSystem):
    """An e-mail and a phone typed into the delivery city of some of the day's orders."""

    planted: str = "joao.silva@gmail.com (11) 98765-4321"
    every: int = 25

    def extract(self, table: SourceTable, day: dt.date) -> pd.DataFrame:
        frame = super().extract(table, day)
        if table == "transactions":
            frame = frame.copy()
            frame.loc[frame.index[:: self.every], "delivery_city"] = self.planted
        return frame


def event_log_leaks(instance: dg.DagsterInstance, home: str | Path,
                    values: tuple[str, ...]) -> list[str]:
    """Which ``values`` appear in any event of any run (metadata, descriptions, errors,
    serialised as stored) or in any file of the instance's DAGSTER_HOME."""
    events = "\n".join(dg.serialize_value(entry) for run in instance.get_runs()
                       for entry in instance.all_logs(run.run_id))
    assert "ASSET_MATERIALIZATION" in events or "ASSET_CHECK_EVALUATION" in events
    files = [p.read_bytes() for p in Path(home).rglob("*") if p.is_file()]
    return sorted({v for v in values
                   if v in events or any(v.encode() in data for data in files)})


@contextlib.contextmanager
def platform_instance(sandbox: SandboxStack,
                      home: Path) -> Iterator[tuple[dg.DagsterInstance, Path]]:
    """A module-scoped platform: the local environment pointed at the sandbox and a real
    instance under ``home``; yields (instance, outbound store folder)."""
    values = platform_env(sandbox, home)
    with pytest.MonkeyPatch.context() as patch:
        for name, value in values.items():
            patch.setenv(name, value)
        with dg.instance_for_test(temp_dir=values["DAGSTER_HOME"]) as instance:
            yield instance, Path(values["OUCHHUNGRY_DATA_DIR"]) / "outbound"


def all_defs(source: SimulatedSourceSystem) -> dg.Definitions:
    return dg.Definitions.merge(
        load_defs_folders("sources", "quality", "products", "delivery"),
        dg.Definitions(resources={**shared_resources(), "source": source}),
    )


def run_job(instance: dg.DagsterInstance, source: SimulatedSourceSystem, job: str,
            partition: str) -> dg.ExecuteInProcessResult:
    return all_defs(source).resolve_job_def(job).execute_in_process(
        partition_key=partition, instance=instance, raise_on_error=False)


def materialize_only(instance: dg.DagsterInstance, assets: list[str] | tuple[str, ...],
                     partition: str | None = None, *, last: str | None = None,
                     source: SimulatedSourceSystem | None = None) -> dg.ExecuteInProcessResult:
    """What "Materialize selected" does: only these assets, upstream read from storage.
    With ``last``, one run over ``partition...last`` (a single-run backfill)."""
    defs = all_defs(source or SimulatedSourceSystem(rows_per_day=300))
    job = defs.resolve_implicit_global_asset_job_def().get_subset(
        asset_selection={dg.AssetKey(a) for a in assets})
    if last is None:
        return job.execute_in_process(partition_key=partition, instance=instance,
                                      raise_on_error=False)
    tags = {"dagster/asset_partition_range_start": str(partition),
            "dagster/asset_partition_range_end": last}
    return job.execute_in_process(tags=tags, instance=instance, raise_on_error=False)


def failed_checks(result: dg.ExecuteInProcessResult) -> list[str]:
    return sorted(f"{e.asset_key.to_user_string()}:{e.check_name}"
                  for e in (ev.event_specific_data for ev in result.all_events
                            if ev.event_type_value == "ASSET_CHECK_EVALUATION")
                  if not e.passed)


def blocking_failures(result: dg.ExecuteInProcessResult) -> list[str]:
    """Failed checks of ERROR severity, every asset of the run (a WARN, such as the data
    team's alert on a quarantined catalogue row, stops nothing and is left out)."""
    return sorted(f"{e.asset_key.to_user_string()}:{e.check_name}"
                  for e in (ev.event_specific_data for ev in result.all_events
                            if ev.event_type_value == "ASSET_CHECK_EVALUATION")
                  if not e.passed and e.severity == dg.AssetCheckSeverity.ERROR)


def step_events(result: dg.ExecuteInProcessResult, kind: str) -> list[dg.DagsterEvent]:
    return [e for e in result.all_events if e.event_type_value == kind]


def materialized(result: dg.ExecuteInProcessResult) -> set[str]:
    return {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}


def what_the_partner_got(sandbox: SandboxStack, partition: str) -> list[str]:
    """Every trace of ``partition`` on the partner's SFTP, API and inbox (a month
    ``YYYY-MM`` does not match its days)."""
    sftp = [str(p) for p in sandbox.sftp_files.rglob("*") if _names(partition, p.name)]
    api = [str(p) for p in (sandbox.root / "api").rglob("*") if _names(partition, p.name)]
    return sftp + api + partner_mails(sandbox, partition)


def _names(partition: str, text: str) -> bool:
    return re.search(re.escape(partition) + r"(?!-\d)", text) is not None


def partner_mails(sandbox: SandboxStack, partition: str) -> list[str]:
    return [m.subject for m in sandbox.smtp.messages()
            if _names(partition, m.subject) and PARTNER_INBOX in str(m.message["To"])]


def data_team_alerts(instance: dg.DagsterInstance, sandbox: SandboxStack,
                     tmp_path: Path, *, checks: bool = False) -> list[ReceivedMessage]:
    """One tick of the real run-failure sensor (with ``checks``, of the failed-check
    sensor: a blocking check's ERROR is e-mailed by it) against the sandbox's SMTP sink;
    returns the data team's new e-mails."""
    before = len(sandbox.smtp.messages())
    email = EmailResource(host="127.0.0.1", port=sandbox.smtp.port, security="none",
                          email_from="alerts@ouchhungry.test", attempts=2,
                          backoff_seconds=0.01, timeout_seconds=5,
                          sent_log_path=str(tmp_path / "alert_sent_log.sqlite"))
    settings = AlertSettingsResource(ui_base_url="http://ui.test:3000",
                                     outbox_dir=str(tmp_path / "alert_outbox"),
                                     warn_digest_interval_seconds=0)
    context = dg.build_sensor_context(
        instance=instance, resources={"alert_email": email, "alert_settings": settings})
    (data_team_asset_check_alerts if checks else data_team_run_failure_alerts)(context)
    return [m for m in sandbox.smtp.messages()[before:] if DATA_TEAM in m.rcpt_tos]
