"""The privacy review's attacks on the publishing gate, now refused (real Dagster runs,
real outbound folder, the SFTP/API/SMTP sandbox on loopback).

1. Forgery: after a failed product run, the held PII file is moved back to its release
   path with a hand-written record saying "passed"; then only the delivery assets run.
2. Launchpad run config re-points ``outbound_files`` at a folder holding a file and a
   record *validly signed* (as if the launcher had the key): setup refuses the store.
3. Run config overriding where a partner file goes (SFTP, API, recipients) or the
   pseudonymisation key: refused, naming the environment variable.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import dagster as dg
import pytest

from ouchhungry_dp import file_names
from ouchhungry_dp.defs.products.gated_files import gated_file
from ouchhungry_dp.errors import ConfigurationError
from ouchhungry_dp.lib.event_log.alert_facts import user_error
from ouchhungry_dp.lib.resources.outbound_store import GcsFileStore, LocalFileStore
from ouchhungry_dp.lib.resources.source_systems import SimulatedSourceSystem
from ouchhungry_dp.release import gate
from ouchhungry_dp.sandbox.stack import SandboxStack
from ouchhungry_dp_tests.defs.gate_support import (
    CONTRACT,
    PlantedCatalogue,
    all_defs,
    materialize_only,
    run_job,
    what_the_partner_got,
)

DAILY = gated_file(CONTRACT, "daily")
PII = "joao.silva@gmail.com"


def errors(result: dg.ExecuteInProcessResult) -> str:
    """Every error of the run (step and resource-init failures), unwrapped."""
    found = [user_error(e.event_specific_data.error) for e in result.all_events
             if getattr(e.event_specific_data, "error", None) is not None]
    return "\n".join(f"{e.cls_name}: {e.message}" for e in found)


def deliver_with(instance: dg.DagsterInstance, asset: str, day: str,
                 run_config: dict[str, Any]) -> dg.ExecuteInProcessResult:
    job = all_defs(SimulatedSourceSystem(rows_per_day=300)) \
        .resolve_implicit_global_asset_job_def().get_subset(asset_selection={dg.AssetKey(asset)})
    return job.execute_in_process(partition_key=day, instance=instance, raise_on_error=False,
                                  run_config=run_config)


def test_the_gate_expects_every_check_the_daily_asset_declares(env: dict[str, str]) -> None:
    # Derived from the asset's specs: a check added to the asset is required in the record.
    key = dg.AssetKey(CONTRACT.daily_asset)
    asset = next(a for a in all_defs(SimulatedSourceSystem(rows_per_day=10)).assets or []
                 if isinstance(a, dg.AssetsDefinition) and key in a.keys)
    assert DAILY.checks == {s.name for s in asset.check_specs}
    assert {"pii_scan", "pseudonym_properties"} <= DAILY.checks


def test_a_forged_record_does_not_ship_the_held_pii_file(
        sandbox: SandboxStack, instance: dg.DagsterInstance, env: dict[str, str]) -> None:
    day = "2026-11-10"
    assert not run_job(instance, PlantedCatalogue(rows_per_day=300), CONTRACT.daily_job,
                       day).success
    root = Path(env["OUCHHUNGRY_DATA_DIR"]) / "outbound"
    relative = file_names.product_file(DAILY.dataset, "daily", day)
    held = (root / gate.held_path(relative)).read_bytes()
    assert PII.encode() in held
    (root / relative).write_bytes(held)  # the forgery: two plain file writes, no key
    (root / gate.record_path(relative)).write_text(json.dumps({
        "version": gate.RECORD_VERSION, "dataset": DAILY.dataset, "partition": day,
        "file": relative, "sha256": gate.sha256_hex(held),
        "checks": dict.fromkeys(DAILY.checks, True), "decided_at": f"{day}T00:00:00+00:00",
        "signature": "0" * 64}))
    redelivery = materialize_only(instance, CONTRACT.delivery_assets("daily"), day)
    assert not redelivery.success
    assert "not signed with this platform's gate key" in errors(redelivery)
    assert what_the_partner_got(sandbox, day) == []


def test_run_config_cannot_repoint_the_outbound_store(
        sandbox: SandboxStack, instance: dg.DagsterInstance, tmp_path: Path) -> None:
    day = "2026-11-22"
    # A failed product run: the product frame is stored, its file held, nothing sent.
    assert not run_job(instance, PlantedCatalogue(rows_per_day=300), CONTRACT.daily_job,
                       day).success
    rogue = tmp_path / "rogue"
    relative = file_names.product_file(DAILY.dataset, "daily", day)
    data = f"sale_date,order_id\n{day},{PII}\n".encode()
    # Even a record signed with the real key (a launcher who has it) is never read.
    assert gate.publish(LocalFileStore(root=str(rogue)), dataset=DAILY.dataset, partition=day,
                        relative=relative, data=data,
                        checks=dict.fromkeys(DAILY.checks, True)).released
    result = deliver_with(instance, CONTRACT.delivery_asset("daily", "sftp"), day, {
        "resources": {"outbound_files": {"config": {"root": str(rogue)}}}})
    assert not result.success
    assert "OUCHHUNGRY_DATA_DIR" in errors(result)
    assert what_the_partner_got(sandbox, day) == []


def test_run_config_cannot_redirect_a_partner_file_or_change_the_key(
        sandbox: SandboxStack, instance: dg.DagsterInstance, env: dict[str, str]) -> None:
    day = "2026-11-16"
    clean = SimulatedSourceSystem(rows_per_day=300, defect_rate=0.0)
    assert run_job(instance, clean, CONTRACT.daily_job, day).success
    delivered = sorted(what_the_partner_got(sandbox, day))
    assert delivered  # the normal path still delivers
    sftp, api = CONTRACT.delivery.sftp.env, CONTRACT.delivery.api.env
    notify = CONTRACT.delivery.email.env["recipients"]
    overrides = [  # (asset, resource, field, value, the variable the refusal names)
        (CONTRACT.delivery_asset("daily", "sftp"), f"{CONTRACT.id}_sftp", "remote_dir",
         "/elsewhere", sftp["remote_dir"]),
        (CONTRACT.delivery_asset("daily", "sftp"), f"{CONTRACT.id}_sftp", "host",
         "localhost", sftp["host"]),
        (CONTRACT.delivery_asset("daily", "api"), f"{CONTRACT.id}_api", "base_url",
         "http://127.0.0.1:9/", api["base_url"]),
        (CONTRACT.delivery_asset("daily", "email"), f"{CONTRACT.id}_notify", "recipients",
         "someone@else.example", notify),
        (CONTRACT.daily_asset, "privacy", "pseudonymization_key", "k" * 64,
         "PSEUDONYMIZATION_KEY"),
    ]
    # Dagster wants every required field once a resource is configured: the launcher
    # gives the environment's values for the rest, as a Launchpad user would.
    complete = {f"{CONTRACT.id}_sftp": {"partner": CONTRACT.id, **{
                    f: {"env": sftp[f]} for f in ("host", "port", "username",
                                                  "private_key_path", "known_hosts",
                                                  "remote_dir")}},
                f"{CONTRACT.id}_api": {"partner": CONTRACT.id, **{
                    f: {"env": api[f]} for f in ("base_url", "username", "password")}}}
    for asset, resource, field, value, variable in overrides:
        config = {**complete.get(resource, {}), field: value}
        result = deliver_with(instance, asset, day,
                              {"resources": {resource: {"config": config}}})
        assert not result.success, (resource, field)
        assert f"the value in use for {variable} is not the one the environment sets" \
            in errors(result), (resource, field)
        assert "k" * 64 not in errors(result)  # the refusal never echoes a value
    assert sorted(what_the_partner_got(sandbox, day)) == delivered
    assert not any("someone@else.example" in str(m.message["To"])
                   for m in sandbox.smtp.messages())


def test_the_prod_bucket_and_prefix_are_pinned_to_the_environment(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GCS_OUTBOUND_BUCKET", "ouchhungry-outbound-prod")
    context = dg.build_init_resource_context()
    GcsFileStore(bucket="ouchhungry-outbound-prod").setup_for_execution(context)  # as deployed
    with pytest.raises(ConfigurationError, match="GCS_OUTBOUND_BUCKET"):
        GcsFileStore(bucket="someone-elses-bucket").setup_for_execution(context)
    with pytest.raises(ConfigurationError, match="prefix"):
        GcsFileStore(bucket="ouchhungry-outbound-prod",
                     prefix="outbound/forged").setup_for_execution(context)
    monkeypatch.delenv("GCS_OUTBOUND_BUCKET")
    with pytest.raises(ConfigurationError, match="GCS_OUTBOUND_BUCKET"):
        GcsFileStore(bucket="ouchhungry-outbound-prod").setup_for_execution(context)
