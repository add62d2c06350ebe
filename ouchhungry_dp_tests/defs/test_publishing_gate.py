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
from pathlib import Path

import dagster as dg

from ouchhungry_dp import layout
from ouchhungry_dp.defs.alerts.facts import user_error
from ouchhungry_dp.defs.sources.resources import SimulatedSourceSystem
from ouchhungry_dp.release import gate
from ouchhungry_dp.sandbox.stack import SandboxStack
from ouchhungry_dp_tests.defs.gate_support import (
    CONTRACT,
    PlantedCatalogue,
    data_team_alerts,
    failed_checks,
    materialize_only,
    materialized,
    run_job,
    step_events,
    what_the_partner_got,
)

DAILY = CONTRACT.products.daily.dataset
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
    relative = layout.product_file(DAILY, "daily", day)
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
