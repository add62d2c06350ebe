"""The daily product's blocking checks that no other gate test makes fail inside a real run:
`partner_rows_conserved` and `pseudonym_properties` (issue 15: documented as blocking, never
shown to stop anything).

Both hold by construction of the daily builder, so a builder regression is simulated by
wrapping the builder the product step calls (as `test_publishing_gate.py` does for
`contract_columns` and `follows_month_decision`); the check, the gate, the delivery steps
and the data team's run-failure alert are the real ones, on a temporary instance against
the loopback SFTP/API/SMTP sandbox.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from ouchhungry_dp import file_names
from ouchhungry_dp.defs.products import product_assets as products_factory
from ouchhungry_dp.lib.resources.source_systems import SimulatedSourceSystem
from ouchhungry_dp.release import gate
from ouchhungry_dp.sandbox.stack import SandboxStack
from ouchhungry_dp_tests.defs.gate_support import (
    CONTRACT,
    blocking_failures,
    data_team_alerts,
    materialize_only,
    materialized,
    run_job,
    what_the_partner_got,
)
from ouchhungry_dp_tests.defs.test_publishing_gate import DAILY_DELIVERY, outbound, refusals


def a_row_doubled(daily: pd.DataFrame) -> pd.DataFrame:
    """A join that fans out (a catalogue snapshot with a product twice): one sale counted
    twice. (Dropping a row is caught too, but by both checks: the lost row's order id
    disappears, which `pseudonym_properties` counts as a collision.)"""
    return pd.concat([daily, daily.iloc[[0]]], ignore_index=True)


def pseudonyms_collide(daily: pd.DataFrame) -> pd.DataFrame:
    """A pseudonym function that maps different customers to one value."""
    return daily.assign(customer_id=daily["customer_id"].iloc[0])


@pytest.mark.parametrize(("check", "breakage", "day"), [
    ("partner_rows_conserved", a_row_doubled, "2026-11-05"),
    ("pseudonym_properties", pseudonyms_collide, "2026-11-06"),
])
def test_a_failed_blocking_check_stops_the_run_holds_the_file_and_alerts_the_data_team(
        sandbox: SandboxStack, instance: dg.DagsterInstance, env: dict[str, str],
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, check: str,
        breakage: Callable[[pd.DataFrame], pd.DataFrame], day: str) -> None:
    build = products_factory.build_daily_product
    monkeypatch.setattr(products_factory, "build_daily_product",
                        lambda *a, **k: breakage(build(*a, **k)))
    result = run_job(instance, SimulatedSourceSystem(rows_per_day=300), CONTRACT.daily_job, day)
    assert not result.success
    assert blocking_failures(result) == [f"{CONTRACT.daily_asset}:{check}"]
    assert not materialized(result) & set(DAILY_DELIVERY)  # no delivery step ran
    relative = file_names.product_file(CONTRACT.products.daily.dataset, "daily", day)
    assert not (outbound(env) / relative).exists()
    assert (outbound(env) / gate.held_path(relative)).is_file()
    assert what_the_partner_got(sandbox, day) == []

    alerts = data_team_alerts(instance, sandbox, tmp_path, checks=True)
    assert any(check in m.subject and day in m.body() for m in alerts), [
        (m.subject, m.body()) for m in alerts]

    monkeypatch.setattr(products_factory, "build_daily_product", build)  # fixed, not rebuilt
    (refusal,) = refusals(materialize_only(instance, DAILY_DELIVERY, day))
    assert "publishing gate refused" in refusal and check in refusal and day in refusal
    assert what_the_partner_got(sandbox, day) == []
