"""A partner's monthly insights report (``<id>_insights_monthly``), generated from its
contract: a pt-BR HTML report with charts, built from the released monthly files.

The report's own month is summed in the warehouse (``products.engine``); past months
are printed from what earlier reports released (``insights_published``), never
recomputed, so a late sale in a past month cannot be read off as a difference between
two reports. The report and its figures file go through the publishing gate under
the checks of ``gated_files.insights_checks``.
"""

import contextlib
import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import dagster as dg
import pandas as pd

from ouchhungry_dp import file_names
from ouchhungry_dp.defs.products.decision import decision_asset_name
from ouchhungry_dp.defs.products.gated_files import gated_file, insights_checks, insights_dataset
from ouchhungry_dp.defs.products.product_assets import (
    MONTH_OF_DAYS,
    OWNERS,
    identifiers_of_month,
    raise_refused,
    release_file,
)
from ouchhungry_dp.errors import DataQualityError
from ouchhungry_dp.lib.execution.partitions import WAREHOUSE_POOL, monthly_partitions
from ouchhungry_dp.lib.resources.outbound_store import OutboundFileStore
from ouchhungry_dp.lib.safe_metadata import check_result
from ouchhungry_dp.lib.warehouse.readers import WarehouseReader
from ouchhungry_dp.partners.contract import PartnerContract
from ouchhungry_dp.products import guardrails
from ouchhungry_dp.products.engine.insights import insights_metrics_in_engine
from ouchhungry_dp.products.engine.month_inputs import (
    Fingerprint,
    fingerprint_in_engine,
    inputs_file,
    parse_fingerprint,
    same_inputs_outcome,
)
from ouchhungry_dp.products.engine.query import EngineQuery
from ouchhungry_dp.products.insights import report_from_metrics
from ouchhungry_dp.products.insights_published import figures_bytes, figures_file, parse_figures
from ouchhungry_dp.products.selection import CATALOGUE_ATTRIBUTES, latest_catalogue
from ouchhungry_dp.quality.checks import CheckOutcome
from ouchhungry_dp.release import gate
from ouchhungry_dp.release.report_text import report_lines, report_text_nodes

INSIGHTS_HISTORY_MONTHS = 5


def trend_catalogue(warehouse: WarehouseReader, start: dt.date, last: dt.date) -> pd.DataFrame:
    """One catalogue row per product over ``start..last`` (latest snapshot).

    Extraction is incremental (a day's snapshot holds the products referenced that
    day), so one day's snapshot alone would drop, in the inner join, every item of
    the range whose product did not sell that day. The insights read their own
    month only (past months are printed from what was published)."""
    snapshots = warehouse.read_range(
        "cleaned_products", "snapshot_date", start, last,
        columns=[*CATALOGUE_ATTRIBUTES, "updated_at", "snapshot_date"])
    if snapshots.empty:
        return pd.DataFrame(columns=list(CATALOGUE_ATTRIBUTES), dtype="string")
    return latest_catalogue(snapshots)


def released_monthly(files: OutboundFileStore, contract: PartnerContract,
                     month: str) -> pd.DataFrame:
    """The monthly file of ``month`` as released to the partner (verified against its
    gate record), parsed back; raises the gate's ``DataQualityError`` otherwise."""
    relative = file_names.product_file(contract.products.monthly.dataset, "monthly", month)
    expected = gated_file(contract, "monthly")
    data, _ = gate.released_bytes(files, relative, partner=contract.id,
                                  dataset=expected.dataset, partition=month,
                                  expected_checks=expected.checks,
                                  what="monthly file as the insights' source")
    return pd.read_csv(io.BytesIO(data), dtype={"month": "string", "state": "string",
                                                "city": "string"}, keep_default_na=False)


def released_month_inputs(files: OutboundFileStore, contract: PartnerContract,
                          month: str) -> Fingerprint:
    """The fingerprint of the data the released monthly file of ``month`` was built on,
    verified against its gate record (the monthly file's checks); raises the gate's
    ``DataQualityError`` otherwise."""
    expected = gated_file(contract, "monthly")
    data, _ = gate.released_bytes(files, inputs_file(contract.id, month), partner=contract.id,
                                  dataset=expected.dataset, partition=month,
                                  expected_checks=expected.checks,
                                  what="month's inputs fingerprint as the insights' source")
    return parse_fingerprint(data, contract.id, month)


def same_month_data(source: CheckOutcome, files: OutboundFileStore,
                    contract: PartnerContract, month: str,
                    current: Fingerprint) -> CheckOutcome:
    """``built_from_released_monthly``: the released monthly file is the report's source
    AND the month's data is the one that file was built on (session 7, finding A1: a
    report on newer data gives the partner a competitor's late sales as a difference
    with the monthly file). A missing fingerprint fails closed."""
    if not source.passed:
        return source
    try:
        released = released_month_inputs(files, contract, month)
    except DataQualityError as refused:
        return CheckOutcome(False, f"no released fingerprint of the {month} data its monthly "
                            f"file was built on: {refused.detail or refused.what}",
                            {"changed_tables": []})
    same = same_inputs_outcome(released, current, month)
    if not same.passed:
        return same
    return CheckOutcome(True, f"{source.description}, on the data it was built on",
                        same.metadata)


def _trend_months(first: dt.date) -> list[str]:
    """The ``INSIGHTS_HISTORY_MONTHS`` months before the month starting ``first``."""
    months, start = [], first
    for _ in range(INSIGHTS_HISTORY_MONTHS):
        start = file_names.previous_month(start)[0]
        months.append(file_names.month_key(start.isoformat()))
    return sorted(months)


def released_figures(files: OutboundFileStore, contract: PartnerContract,
                     month: str) -> dict[str, dict[str, Any]]:
    """What the released report of ``month`` printed about that month, verified against
    its gate record; raises the gate's ``DataQualityError`` otherwise."""
    expected = gated_file(contract, "insights")
    data, _ = gate.released_bytes(files, figures_file(contract.id, month),
                                  partner=contract.id, dataset=expected.dataset,
                                  partition=month, expected_checks=expected.checks,
                                  what="published insights figures")
    return parse_figures(data, contract.id, month)


def report_pii_scan(report_html: str, contract: PartnerContract,
                    known: list[str]) -> CheckOutcome:
    """The insights' ``pii_scan``: patterns on every line (tags included), the month's
    known identifiers on every text node (a name inside a line is a whole node)."""
    lines = guardrails.scan_pii(report_lines(report_html), contract=contract)
    nodes = guardrails.scan_pii(report_text_nodes(report_html), known_identifiers=known)
    shown = next((o for o in (lines, nodes) if not o.passed), lines)
    return CheckOutcome(passed=lines.passed and nodes.passed, description=shown.description,
                        metadata={**shown.metadata, "scanned": "text_nodes" if shown is nodes
                                  else "lines", "known_identifiers": len(known)})


def insights_asset(contract: PartnerContract) -> dg.AssetsDefinition:
    asset = contract.insights_asset

    @dg.asset(
        name=asset,
        partitions_def=monthly_partitions,
        ins={
            "monthly_file": dg.AssetIn(contract.monthly_asset),
        },
        # Read through the warehouse, the report's month only (``trend_catalogue``).
        deps=[decision_asset_name(contract),
              dg.AssetDep("cleaned_products", partition_mapping=MONTH_OF_DAYS)],
        group_name=f"{contract.id}_products",
        owners=OWNERS,
        kinds={"html", "matplotlib"},
        description=f"Monthly insights report for {contract.partner.name} (pt-BR, HTML with "
        "charts): growth, segment-share trend, price index, penetration, repeat purchase, "
        "cross-sell, top and rising cities. Built from released monthly files; past months "
        "are printed from what earlier reports released, never recomputed.",
        check_specs=insights_checks(contract),
        tags={"partner": contract.id, "cadence": "monthly"},
        pool=WAREHOUSE_POOL,
    )
    def _asset(context: dg.AssetExecutionContext, monthly_file: pd.DataFrame,
               warehouse: WarehouseReader,
               outbound_files: OutboundFileStore) -> Iterator[Any]:
        month = file_names.month_key(context.partition_key)
        first, last = file_names.month_bounds(month)
        try:
            current = released_monthly(outbound_files, contract, month)
            source = CheckOutcome(passed=True, description=f"built from the released {month} "
                                  "monthly file")
        except DataQualityError as refused:
            # Still built (the data team can read it in held/), never released.
            current = monthly_file.drop(columns="month_start", errors="ignore")
            source = CheckOutcome(passed=False, description=refused.detail or refused.what)
        # Every released monthly file and report figures of the trend's months. A month
        # with neither gives no figures.
        previous, published = [], {}
        for past in _trend_months(first):
            with contextlib.suppress(DataQualityError):
                previous.append(released_monthly(outbound_files, contract, past))
            with contextlib.suppress(DataQualityError):
                published[past] = released_figures(outbound_files, contract, past)
        known = identifiers_of_month(warehouse, first, last)

        def run(query: EngineQuery) -> pd.DataFrame:
            return warehouse.aggregate(query, asset=asset)

        # The report's own month only, summed in the warehouse: past months are printed
        # from what was released for them (``insights_published``), never recomputed.
        metrics = insights_metrics_in_engine(
            run, contract, month=month, first=first, last=last,
            products=trend_catalogue(warehouse, first, last),
            monthly_products=pd.concat([*previous, current], ignore_index=True),
            published=published, known_identifiers=known)
        report = report_from_metrics(contract, month, metrics)
        # Read AFTER the report's queries: a change before or during them differs from
        # what the monthly file was built on and holds the report.
        checks = {"pii_scan": report_pii_scan(report.html, contract, known),
                  "built_from_released_monthly": same_month_data(
                      source, outbound_files, contract, month,
                      fingerprint_in_engine(run, first, last))}
        # What this report printed about its month, released under the same checks:
        # next months' reports print this month from it.
        refused: list[gate.ReleasedFileChanged] = []
        publications: dict[str, Any] = {}
        for relative, data in ((figures_file(contract.id, month),
                                figures_bytes(contract.id, month, report.metrics["brands"])),
                               (file_names.insights_file(contract.id, month),
                                report.html.encode("utf-8"))):
            try:
                publications[relative] = release_file(
                    outbound_files, insights_dataset(contract), month, relative, data, checks,
                    partner=contract.id)
            except gate.ReleasedFileChanged as changed:
                refused.append(changed)
        raise_refused(refused)
        relative = file_names.insights_file(contract.id, month)
        released = publications[relative]
        # The report itself goes into the event log only once it passed its checks.
        shown = (report.markdown or report.narrative) if released["released"] else (
            "_(held: the report failed its checks; see held/ in the outbound store)_")
        yield dg.MaterializeResult(metadata={
            "report": dg.MetadataValue.md(shown),
            "file": relative,
            "location": dg.MetadataValue.path(released["location"]),
            "released": released["released"], "failed_checks": released["failed_checks"],
            "charts": len(report.charts),
            "months_of_history": INSIGHTS_HISTORY_MONTHS,
        })
        for name, outcome in checks.items():
            yield check_result(asset, name, outcome)

    return _asset
