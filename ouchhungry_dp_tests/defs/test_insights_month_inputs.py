"""A report is built on exactly the data its released monthly file was built on, or held
(session 7, finding A1: a report re-run after a competitor's late rows gave the partner
those sales as a difference with the monthly file, R$ 357.02 recovered of R$ 355.44).

One small simulated June (single-run backfill of the daily chain) on a real instance and
the sandbox SFTP/API/SMTP; the tests run in order. The monthly job releases the monthly
file and the month's inputs fingerprint while its report fails its ``pii_scan`` (the
first attempt that has to be re-run); then the warehouse changes under the re-runs of
the insights step alone ("Materialize selected"), as a late day or a re-run day would
change it, and is put back.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import pandas as pd
import pytest

from ouchhungry_dp import file_names
from ouchhungry_dp.defs.products import insights_asset
from ouchhungry_dp.lib.resources.by_environment import WAREHOUSE_SCHEMA
from ouchhungry_dp.lib.resources.outbound_store import LocalFileStore
from ouchhungry_dp.lib.resources.source_systems import SimulatedSourceSystem
from ouchhungry_dp.products.companies import same_company
from ouchhungry_dp.products.engine.month_inputs import inputs_file
from ouchhungry_dp.products.insights_published import figures_file
from ouchhungry_dp.release import gate
from ouchhungry_dp.sandbox.stack import SandboxStack
from ouchhungry_dp_tests.defs.gate_support import (
    CONTRACT,
    DAILY_CHAIN,
    failed_checks,
    materialize_only,
    materialized,
    platform_instance,
    run_job,
    what_the_partner_got,
)
from ouchhungry_dp_tests.defs.test_publishing_gate import refusals

MONTH, MONTH_KEY, LATE_DAY = "2026-06", "2026-06-01", "2026-06-30"
SMALL = SimulatedSourceSystem(rows_per_day=100, n_customers=2000)
MONTHLY_DELIVERY = CONTRACT.delivery_assets("monthly")
MONTHLY_FILE = file_names.product_file(CONTRACT.products.monthly.dataset, "monthly", MONTH)
INSIGHTS_FILE = file_names.insights_file(CONTRACT.id, MONTH)
INPUTS_FILE = inputs_file(CONTRACT.id, MONTH)
HELD_CHECK = f"{CONTRACT.insights_asset}:built_from_released_monthly"
TX, PR = f"{WAREHOUSE_SCHEMA}.cleaned_transactions", f"{WAREHOUSE_SCHEMA}.cleaned_products"


@dataclasses.dataclass(frozen=True)
class June:
    instance: dg.DagsterInstance
    outbound: Path

    @property
    def warehouse(self) -> str:
        return str(self.outbound.parent / "warehouse.duckdb")

    def sql(self, statement: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        with duckdb.connect(self.warehouse) as conn:
            return conn.execute(statement, params or []).fetchall()


@pytest.fixture(scope="module")
def june(sandbox: SandboxStack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[June]:
    with platform_instance(sandbox, tmp_path_factory.mktemp("june")) as (instance, outbound):
        days = materialize_only(instance, DAILY_CHAIN, MONTH_KEY, last=LATE_DAY, source=SMALL)
        assert days.success, failed_checks(days)
        yield June(instance, outbound)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def competitor_products(june: June, *, in_partner_segment: bool) -> list[tuple[str, str]]:
    """(product_code, segment) of the month's competitor products, in or out of the
    segments the partner's brands sell in."""
    rows = june.sql(f"SELECT DISTINCT product_code, brand, manufacturer, segment FROM {PR} "
                    "WHERE snapshot_date >= DATE '2026-06-01' AND segment IS NOT NULL")
    own = {r[3] for r in rows if r[1] in CONTRACT.partner.brand_names}
    makers = [str(r[2]) for r in rows]
    ours = same_company(pd.Series(makers, dtype="string"),
                        CONTRACT.partner.manufacturer).to_numpy()
    return sorted({(r[0], r[3]) for r, mine in zip(rows, ours, strict=True)
                   if not mine and (r[3] in own) == in_partner_segment})


def add_late_rows(june: June, *, in_partner_segment: bool) -> int:
    """A competitor's late order items of the last day, as the day's re-run stores them:
    copies of its rows of that day under new ids, newer ``updated_at``."""
    codes = [c for c, _ in competitor_products(june, in_partner_segment=in_partner_segment)]
    june.sql(f"""INSERT INTO {TX} SELECT * REPLACE (
                   'LATE-' || transaction_id AS transaction_id, 'LATE-' || order_id AS order_id,
                   updated_at + INTERVAL 1 HOUR AS updated_at)
                 FROM {TX} WHERE sale_date = DATE '{LATE_DAY}' AND product_code IN
                 (SELECT UNNEST(?::VARCHAR[]))""", [codes])
    (count,) = june.sql(f"SELECT COUNT(*) FROM {TX} WHERE transaction_id LIKE 'LATE-%'")[0]
    return int(count)


def remove_late_rows(june: June) -> None:
    june.sql(f"DELETE FROM {TX} WHERE transaction_id LIKE 'LATE-%'")


def insights_alone(june: June) -> dg.ExecuteInProcessResult:
    """What "Materialize selected" of the report does: its step only."""
    return materialize_only(june.instance, [CONTRACT.insights_asset], MONTH_KEY, source=SMALL)


def check_description(result: dg.ExecuteInProcessResult, check: str) -> str:
    (evaluation,) = [e.event_specific_data for e in result.all_events
                     if e.event_type_value == "ASSET_CHECK_EVALUATION"
                     and e.event_specific_data.check_name == check]
    return str(evaluation.description)


def assert_held_and_nothing_sent(june: June, sandbox: SandboxStack,
                                 result: dg.ExecuteInProcessResult, changed: str) -> None:
    assert failed_checks(result) == [HELD_CHECK]
    description = check_description(result, "built_from_released_monthly")
    assert changed in description and "held" in description
    other = ({"cleaned_transactions", "cleaned_products"} - {changed}).pop()
    assert other not in description
    assert not (june.outbound / INSIGHTS_FILE).exists()
    assert (june.outbound / gate.held_path(INSIGHTS_FILE)).is_file()
    assert not (june.outbound / figures_file(CONTRACT.id, MONTH)).exists()
    redelivery = materialize_only(june.instance, MONTHLY_DELIVERY, MONTH_KEY)
    assert any("insights report" in r and MONTH in r for r in refusals(redelivery))
    assert what_the_partner_got(sandbox, MONTH) == []


def test_the_monthly_run_releases_its_inputs_fingerprint_with_the_file(
        june: June, sandbox: SandboxStack, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first attempt: the report fails its pii_scan (held), the monthly file and the
    fingerprint of the data it was built on are released under the file's checks."""
    report = insights_asset.report_from_metrics

    def leaky(*args: Any, **kwargs: Any) -> Any:
        built = report(*args, **kwargs)
        html = built.html.replace("</body>", "<p>Contato: joao.silva@gmail.com</p></body>")
        return dataclasses.replace(built, html=html)

    monkeypatch.setattr(insights_asset, "report_from_metrics", leaky)
    result = run_job(june.instance, SMALL, CONTRACT.monthly_job, MONTH_KEY)
    assert failed_checks(result) == [f"{CONTRACT.insights_asset}:pii_scan"]
    assert (june.outbound / MONTHLY_FILE).is_file()
    store = LocalFileStore(root=str(june.outbound))
    released = insights_asset.released_month_inputs(store, CONTRACT, MONTH)
    assert released["cleaned_transactions"]["rows"] == june.sql(
        f"SELECT COUNT(*) FROM {TX} WHERE sale_date >= DATE '{MONTH_KEY}'")[0][0]
    record = gate.read_record(store, INPUTS_FILE)
    assert record is not None and record.passed
    assert record.dataset == CONTRACT.products.monthly.dataset
    assert not [p for p in sandbox.sftp_files.rglob("*") if "monthly_inputs" in p.name]
    assert not (june.outbound / INSIGHTS_FILE).exists()
    assert what_the_partner_got(sandbox, MONTH) == []


def test_a_report_rerun_after_a_competitors_late_rows_is_held(
        june: June, sandbox: SandboxStack) -> None:
    assert add_late_rows(june, in_partner_segment=True) > 0
    assert_held_and_nothing_sent(june, sandbox, insights_alone(june), "cleaned_transactions")
    remove_late_rows(june)


def test_a_report_rerun_after_a_competitor_product_was_refiled_is_held(
        june: June, sandbox: SandboxStack) -> None:
    # A re-run day re-extracted the catalogue: a competitor product of another segment
    # is now filed in one of the partner's segments (same rows, same updated_at).
    code, segment = competitor_products(june, in_partner_segment=False)[0]
    target = competitor_products(june, in_partner_segment=True)[0][1]
    newest = june.sql(f"SELECT MAX(snapshot_date) FROM {PR} WHERE product_code = ?", [code])[0][0]
    refile = (f"UPDATE {PR} SET segment = ? WHERE product_code = ? AND snapshot_date = ?")
    june.sql(refile, [target, code, newest])
    assert_held_and_nothing_sent(june, sandbox, insights_alone(june), "cleaned_products")
    june.sql(refile, [segment, code, newest])


def test_a_monthly_rerun_on_changed_data_keeps_the_first_fingerprint(june: June) -> None:
    """Late rows outside the partner's segments leave the monthly file's bytes as they
    were: the monthly step passes and keeps the fingerprint its file was released with."""
    before = (june.outbound / INPUTS_FILE).read_bytes()
    assert add_late_rows(june, in_partner_segment=False) > 0
    result = materialize_only(june.instance, [CONTRACT.monthly_asset], MONTH_KEY, source=SMALL)
    assert result.success, failed_checks(result)
    (event,) = result.get_asset_materialization_events()
    metadata = event.event_specific_data.materialization.metadata
    assert "kept the first release" in str(metadata["inputs_fingerprint"].value)
    assert (june.outbound / INPUTS_FILE).read_bytes() == before
    remove_late_rows(june)


def test_the_month_as_released_gives_the_report_and_a_rerun_is_byte_identical(
        june: June, sandbox: SandboxStack) -> None:
    result = run_job(june.instance, SMALL, CONTRACT.monthly_job, MONTH_KEY)
    assert result.success, (failed_checks(result), refusals(result))
    assert set(MONTHLY_DELIVERY) <= materialized(result)
    assert sha(sandbox.sftp_files / INSIGHTS_FILE) == sha(june.outbound / INSIGHTS_FILE)
    assert (sandbox.sftp_files / MONTHLY_FILE).is_file()
    files = (INSIGHTS_FILE, figures_file(CONTRACT.id, MONTH), INPUTS_FILE, MONTHLY_FILE)
    before = {f: sha(june.outbound / f) for f in files}

    again = insights_alone(june)
    assert again.success, failed_checks(again)
    assert "on the data it was built on" in check_description(
        again, "built_from_released_monthly")
    assert {f: sha(june.outbound / f) for f in files} == before


def test_a_month_without_a_released_fingerprint_holds_the_report(
        june: June, sandbox: SandboxStack) -> None:
    """Fails closed: a month whose fingerprint is missing (released before it existed,
    or lost) holds its report; put back, the same report is released again."""
    delivered = sha(sandbox.sftp_files / INSIGHTS_FILE)
    kept = {p: p.read_bytes() for p in june.outbound.glob("_published/*/monthly_inputs_*")}
    assert len(kept) == 3  # the file, its gate record and its pin
    for path in kept:
        path.unlink()
    result = insights_alone(june)
    assert failed_checks(result) == [HELD_CHECK]
    assert "no released fingerprint" in check_description(result, "built_from_released_monthly")
    assert not (june.outbound / INSIGHTS_FILE).exists()
    redelivery = materialize_only(june.instance, MONTHLY_DELIVERY[:1], MONTH_KEY)
    assert any("insights report" in r for r in refusals(redelivery))
    assert sha(sandbox.sftp_files / INSIGHTS_FILE) == delivered
    for path, data in kept.items():
        path.write_bytes(data)
    assert insights_alone(june).success
    assert sha(june.outbound / INSIGHTS_FILE) == delivered

