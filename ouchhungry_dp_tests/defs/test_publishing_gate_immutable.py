"""Released = immutable, end to end: a late day re-run after its month was released and
delivered never changes what the partner has (issue 11, differencing between releases).

One small simulated April (single-run backfill of the daily chain), its last day and the
month delivered by the real jobs; then that day's source grows (late rows), and the
daily job, the monthly job and the insights report are run again. The tests run in order
on one instance: each rebuild must be held and refused while SFTP and the API keep the
first bytes. Without the gate's pin each step would re-release and re-deliver.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from ouchhungry_dp import file_names
from ouchhungry_dp.lib.resources.source_systems import SimulatedSourceSystem, SourceTable
from ouchhungry_dp.products.insights_published import figures_file
from ouchhungry_dp.release import gate
from ouchhungry_dp.sandbox.stack import SandboxStack
from ouchhungry_dp_tests.defs.gate_support import (
    CONTRACT,
    DAILY_CHAIN,
    data_team_alerts,
    failed_checks,
    materialize_only,
    platform_instance,
    run_job,
)
from ouchhungry_dp_tests.defs.test_publishing_gate import refusals

MONTH, MONTH_KEY, LATE_DAY = "2026-04", "2026-04-01", "2026-04-30"
SMALL = SimulatedSourceSystem(rows_per_day=100, n_customers=2000)


class LateOrders(SimulatedSourceSystem):
    """The same source after late orders of ``late_day`` arrived: more rows that day, the
    other days unchanged (a re-run of them is byte-identical)."""

    late_day: str = LATE_DAY
    late_rows_per_day: int = 160

    def extract(self, table: SourceTable, day: dt.date) -> pd.DataFrame:
        if day.isoformat() != self.late_day:
            return super().extract(table, day)
        grown = SimulatedSourceSystem(seed=self.seed, rows_per_day=self.late_rows_per_day,
                                      n_customers=self.n_customers,
                                      defect_rate=self.defect_rate)
        return grown.extract(table, day)


LATE = LateOrders(rows_per_day=100, n_customers=2000)
DAILY_FILE = file_names.product_file(CONTRACT.products.daily.dataset, "daily", LATE_DAY)
MONTHLY_FILE = file_names.product_file(CONTRACT.products.monthly.dataset, "monthly", MONTH)
INSIGHTS_FILE = file_names.insights_file(CONTRACT.id, MONTH)
FIGURES_FILE = figures_file(CONTRACT.id, MONTH)


@dataclasses.dataclass(frozen=True)
class April:
    instance: dg.DagsterInstance
    outbound: Path
    first: dict[str, str]  # what the partner got at the first delivery: path -> sha256


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def partner_files(sandbox: SandboxStack) -> dict[str, str]:
    """sha256 of every April file on the partner's SFTP and API (API receipts and SFTP
    manifests left out: a re-delivery writes new ones, with its time, for the same bytes)."""
    roots = (sandbox.sftp_files, sandbox.root / "api")
    return {str(p): sha(p.read_bytes()) for root in roots for p in root.rglob("*")
            if p.is_file() and "2026-04" in p.name
            and not p.name.endswith((".receipt.json", ".manifest.json"))}


@pytest.fixture(scope="module")
def april(sandbox: SandboxStack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[April]:
    with platform_instance(sandbox, tmp_path_factory.mktemp("april")) as (instance, outbound):
        days = materialize_only(instance, DAILY_CHAIN, MONTH_KEY, last="2026-04-29",
                                source=SMALL)
        assert days.success, failed_checks(days)
        for job, partition in ((CONTRACT.daily_job, LATE_DAY), (CONTRACT.monthly_job, MONTH_KEY)):
            delivered = run_job(instance, SMALL, job, partition)
            assert delivered.success, (failed_checks(delivered), refusals(delivered))
        first = partner_files(sandbox)
        names = {Path(p).name for p in first}
        assert {Path(f).name for f in (DAILY_FILE, MONTHLY_FILE, INSIGHTS_FILE)} <= names
        yield April(instance, outbound, first)


def assert_refused_and_kept(april: April, sandbox: SandboxStack, tmp_path: Path,
                            result: dg.ExecuteInProcessResult, relative: str,
                            dataset: str) -> None:
    assert not result.success
    released = (april.outbound / relative).read_bytes()
    held = (april.outbound / gate.held_path(relative)).read_bytes()
    assert held != released  # the late rows really changed the file
    refusal = next(r for r in refusals(result) if relative in r)
    assert "ReleasedFileChanged" in refusal and "never changes" in refusal
    assert dataset in refusal and sha(released)[:12] in refusal and sha(held)[:12] in refusal
    assert partner_files(sandbox) == april.first
    alerts = [m for m in data_team_alerts(april.instance, sandbox, tmp_path)
              if relative in m.body()]
    assert alerts, "the data team is not told which released file would change"


# In this order: the daily job re-run with the late rows (its cleaning stores them), then
# the monthly job on the month's cleaned transactions that now hold them.
@pytest.mark.parametrize(("job", "partition", "relative", "dataset"), [
    (CONTRACT.daily_job, LATE_DAY, DAILY_FILE, CONTRACT.products.daily.dataset),
    (CONTRACT.monthly_job, MONTH_KEY, MONTHLY_FILE, CONTRACT.products.monthly.dataset),
], ids=["daily", "monthly"])
def test_a_file_rebuilt_after_the_late_day_is_held_and_the_released_one_stays(
        april: April, sandbox: SandboxStack, tmp_path: Path, job: str, partition: str,
        relative: str, dataset: str) -> None:
    before = (april.outbound / relative).read_bytes()
    result = run_job(april.instance, LATE, job, partition)
    assert_refused_and_kept(april, sandbox, tmp_path, result, relative, dataset)
    assert (april.outbound / relative).read_bytes() == before


def test_a_multi_day_backfill_releases_the_unchanged_days_and_refuses_the_late_one(
        april: April, sandbox: SandboxStack) -> None:
    before = {d: (april.outbound / file_names.product_file(CONTRACT.products.daily.dataset,
                                                       "daily", d)).read_bytes()
              for d in ("2026-04-29", LATE_DAY)}
    result = materialize_only(april.instance, DAILY_CHAIN, "2026-04-29", last=LATE_DAY,
                              source=LATE)
    (refusal,) = [r for r in refusals(result) if "ReleasedFileChanged" in r]
    assert DAILY_FILE in refusal and "2026-04-29" not in refusal
    after = {d: (april.outbound / file_names.product_file(CONTRACT.products.daily.dataset,
                                                      "daily", d)).read_bytes()
             for d in before}
    assert after == before and partner_files(sandbox) == april.first


def test_the_insights_report_rebuilt_after_the_late_day_is_held(
        april: April, sandbox: SandboxStack, tmp_path: Path) -> None:
    before = {f: (april.outbound / f).read_bytes() for f in (INSIGHTS_FILE, FIGURES_FILE)}
    result = materialize_only(april.instance, [CONTRACT.insights_asset], MONTH_KEY,
                              source=LATE)
    assert_refused_and_kept(april, sandbox, tmp_path, result, INSIGHTS_FILE,
                            f"{CONTRACT.id}_insights_monthly")
    assert {f: (april.outbound / f).read_bytes() for f in before} == before


def test_a_redelivery_after_the_refusals_sends_the_first_bytes(
        april: April, sandbox: SandboxStack) -> None:
    for cadence, partition in (("daily", LATE_DAY), ("monthly", MONTH_KEY)):
        redelivery = materialize_only(april.instance, CONTRACT.delivery_assets(cadence),
                                      partition)
        assert redelivery.success, refusals(redelivery)
    assert partner_files(sandbox) == april.first
