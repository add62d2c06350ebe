"""A partner's data files, generated from its contract.

For each active contract: ``<id>_sales_daily`` (daily) and ``<id>_sales_monthly_by_city``
(monthly, reading the daily partitions of its month); the ``<id>_insights_monthly``
report is ``insights_asset.py``, and the checks that gate each file ``gated_files.py``.
The privacy decision of a month (the level of every location) is the stored,
immutable ``<id>_publishable_cells`` record (``decision.py``): every daily file of
the month, the monthly file and the insights read it.

Publishing gate: each step evaluates the blocking checks of every file it
writes, per file, and hands the bytes to ``ouchhungry_dp.release.gate.publish``:
released (with a gate record pinning the sha256) only when all passed, else held
apart. The delivery steps send nothing without that record, whatever run
materializes them.
"""


import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

import dagster as dg
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ouchhungry_dp import file_names
from ouchhungry_dp.defs.products.decision import (
    decision_asset_name,
    decision_metadata,
    stored_decision,
)
from ouchhungry_dp.defs.products.gated_files import daily_checks, monthly_checks
from ouchhungry_dp.lib.execution.partitions import (
    DAILY_BACKFILL_POLICY,
    WAREHOUSE_POOL,
    daily_partitions,
    monthly_partitions,
    rows_of_day,
)
from ouchhungry_dp.lib.resources.outbound_store import OutboundFileStore
from ouchhungry_dp.lib.resources.privacy import PrivacyResource
from ouchhungry_dp.lib.safe_metadata import check_result, safe_metadata, table_metadata
from ouchhungry_dp.lib.warehouse.readers import WarehouseReader
from ouchhungry_dp.partners.contract import PartnerContract, load_contracts
from ouchhungry_dp.products import guardrails
from ouchhungry_dp.products.csv_files import to_csv_bytes
from ouchhungry_dp.products.daily import build_daily_product
from ouchhungry_dp.products.engine import statements
from ouchhungry_dp.products.engine.month_inputs import (
    fingerprint_bytes,
    fingerprint_in_engine,
    inputs_file,
)
from ouchhungry_dp.products.engine.monthly import build_monthly_in_engine, reconcile_in_engine
from ouchhungry_dp.products.engine.query import EngineQuery
from ouchhungry_dp.products.selection import partner_items
from ouchhungry_dp.quality.checks import CheckOutcome
from ouchhungry_dp.release import gate, quality_verdict

OWNERS = ["team:data-products"]
# A monthly partition reads the daily partitions of its month; days after today do
# not exist yet when a month-to-date file is built on demand.
MONTH_OF_DAYS = dg.TimeWindowPartitionMapping(allow_nonexistent_upstream_partitions=True)


def identifier_values(transactions: pd.DataFrame, customers: pd.DataFrame) -> pa.ChunkedArray:
    """Values that must never appear as a field of an outbound file: the raw ids of the
    day's orders and customers, and the customers' names and e-mails. One Arrow column,
    repeats kept (``KnownIdentifiers`` takes the distinct folded values): a day's ~2M
    values never become Python strings."""
    columns = [transactions.get(c) for c in ("order_id", "customer_id", "transaction_id")]
    columns += [customers.get(c) for c in ("full_name", "email", "customer_id")]
    chunks = []
    for column in columns:
        if column is None:
            continue
        present = column.dropna()
        if not isinstance(present.dtype, pd.StringDtype):
            present = present.astype(str)
        text = pa.array(present, type=pa.string())
        # An Arrow-backed column converts to a ChunkedArray: its chunks, not its values.
        chunks += text.chunks if isinstance(text, pa.ChunkedArray) else [text]
    return pa.chunked_array(chunks, type=pa.string())


def known_identifiers(transactions: pd.DataFrame, customers: pd.DataFrame) -> list[str]:
    """``identifier_values`` as a list of distinct strings (first appearance order)."""
    return pc.unique(identifier_values(transactions, customers)).to_pylist()


def identifiers_of_month(warehouse: WarehouseReader, first: dt.date,
                         last: dt.date) -> list[str]:
    """``known_identifiers`` for an aggregate file of the month ``first..last``: the
    names, e-mails and ids of the customers cleaned in the month. An aggregate has no
    id column and carries no transaction id by construction; what could carry a person
    out is a catalogue field (brand, segment, a product name in the insights) typed
    with a customer's name. The month's customers only: bounded by the customer base,
    not by the month's millions of order items."""
    customers = warehouse.aggregate(statements.month_customer_identifiers(first, last))
    return known_identifiers(pd.DataFrame(), customers) if len(customers) else []


def catalogue_as_of(products: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    if "snapshot_date" not in products.columns:
        return products
    return products[pd.to_datetime(products["snapshot_date"]).dt.date <= day]


def _decision_dep(contract: PartnerContract) -> dg.AssetDep:
    # Lineage only: the record is read through ``stored_decision`` (made on first use
    # if the decision asset has not run yet), so a run never fails on a missing input.
    return dg.AssetDep(decision_asset_name(contract),
                       partition_mapping=dg.TimeWindowPartitionMapping())


def _other_salts(contract: PartnerContract) -> list[str]:
    return [c.privacy.pseudonymization_salt for c in load_contracts() if c.id != contract.id]


def release_file(files: OutboundFileStore, dataset: str, partition: str, relative: str,
                 data: bytes, outcomes: Mapping[str, CheckOutcome], *,
                 partner: str) -> dict[str, Any]:
    """Publishes one file through the gate; the row of the step's ``files`` metadata.
    Raises ``gate.ReleasedFileChanged`` when the file was released with other bytes."""
    published = gate.publish(files, dataset=dataset, partition=partition, relative=relative,
                             data=data, checks={k: bool(o.passed) for k, o in outcomes.items()},
                             partner=partner)
    return {"partition": partition, "file": relative, "sha256": published.record.sha256,
            "released": published.released, "failed_checks": published.record.failed,
            "location": published.location}


def raise_refused(refused: list[gate.ReleasedFileChanged]) -> None:
    """Fails the step once every file of the run was handed to the gate: in a multi-day
    run the other days are still released, and the alert names every changed file."""
    if len(refused) == 1:
        raise refused[0]
    if refused:
        first = refused[0]
        raise gate.ReleasedFileChanged(
            f"publishing gate refused re-releases of {len(refused)} files of "
            f"{', '.join(sorted({r.dataset for r in refused}))} with different bytes: a "
            "released file never changes", partner=first.partner,
            partition=", ".join(sorted({str(r.partition) for r in refused})),
            detail="; ".join(str(r.detail) for r in refused), hint=first.hint)


def combined_result(asset: str, check: str,
                    outcomes: list[tuple[str, CheckOutcome]]) -> dg.AssetCheckResult:
    """One check result over the files of a run (a single-run backfill writes several):
    it fails if any file failed, and says which partitions; each file's own verdict is
    in its gate record."""
    failed = [(part, o) for part, o in outcomes if not o.passed]
    shown = failed[0][1] if failed else outcomes[-1][1]
    return dg.AssetCheckResult(
        asset_key=asset, check_name=check, passed=not failed,
        description=shown.description,
        metadata=safe_metadata({**shown.metadata, "files_checked": len(outcomes),
                                "failed_partitions": [part for part, _ in failed]}),
    )


def columns_outcome(frame: pd.DataFrame, expected: list[str]) -> CheckOutcome:
    actual = list(frame.columns)
    return CheckOutcome(passed=actual == expected,
                        description="columns are the contract's" if actual == expected
                        else "columns differ from the contract",
                        metadata={"expected": expected, "actual": actual})


def upstream_quality(files: OutboundFileStore, day: str) -> CheckOutcome:
    verdict = quality_verdict.day_verdict(files, day)
    if verdict.passed:
        closed = " (the source confirmed the day closed)" if verdict.confirmed_closed else ""
        return CheckOutcome(True, f"the cleaning of {day} passed its blocking checks{closed}",
                            {"confirmed_closed": verdict.confirmed_closed})
    return CheckOutcome(False, f"the cleaning of {day} did not pass: "
                        f"{', '.join(verdict.failed)}; re-run the day's cleaning once the "
                        "source is fixed (or confirms the day closed)",
                        {"failed": verdict.failed})


def month_complete(files: OutboundFileStore, month: str) -> CheckOutcome:
    """Every day of the month cleaned with its blocking checks passed; a day the source
    confirmed closed counts (it has no sales rows but a passing verdict)."""
    first, last = file_names.month_bounds(month)
    days = [(first + dt.timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]
    verdicts = [quality_verdict.day_verdict(files, day) for day in days]
    missing = [v.day for v in verdicts if not v.passed]
    closed = [v.day for v in verdicts if v.passed and v.confirmed_closed]
    return CheckOutcome(
        passed=not missing,
        description=f"{len(days) - len(missing)} of {len(days)} days of {month} cleaned with "
        f"their blocking checks passed ({len(closed)} confirmed closed)",
        metadata={"days_passed": len(days) - len(missing), "days_in_month": len(days),
                  "confirmed_closed_days": closed, "days_not_passed": missing})


def _daily_asset(contract: PartnerContract) -> dg.AssetsDefinition:
    asset = contract.daily_asset
    product = contract.products.daily

    @dg.asset(
        name=asset,
        partitions_def=daily_partitions,
        ins={
            "cleaned_transactions": dg.AssetIn("cleaned_transactions"),
            "cleaned_products": dg.AssetIn("cleaned_products"),
            "cleaned_customers": dg.AssetIn("cleaned_customers"),
        },
        # The day's quarantined catalogue rows are read through the warehouse reader: a
        # day without any is an absent table/partition, which an input would fail on.
        deps=[_decision_dep(contract), "products_quarantine"],
        group_name=f"{contract.id}_products",
        owners=OWNERS,
        kinds={"pandas", "csv"},
        description=f"{product.description.en} Partner: {contract.partner.name}. "
        f"Schema {product.schema_version}. order_id/customer_id are keyed pseudonyms.",
        metadata={"partition_expr": "sale_date", "partner": contract.id,
                  "dataset": product.dataset, "schema_version": product.schema_version},
        check_specs=daily_checks(contract),
        backfill_policy=DAILY_BACKFILL_POLICY,
        tags={"partner": contract.id, "cadence": "daily"},
        pool=WAREHOUSE_POOL,
    )
    def _asset(context: dg.AssetExecutionContext, cleaned_transactions: pd.DataFrame,
               cleaned_products: pd.DataFrame, cleaned_customers: pd.DataFrame,
               warehouse: WarehouseReader, privacy: PrivacyResource,
               outbound_files: OutboundFileStore) -> Iterator[Any]:
        key = privacy.key_bytes()
        decisions: dict[dt.date, pd.DataFrame] = {}
        frames, files = [], []
        refused: list[gate.ReleasedFileChanged] = []
        outcomes: dict[str, list[tuple[str, CheckOutcome]]] = {
            name: [] for name in ("pii_scan", "contract_columns", "follows_month_decision",
                                  "no_small_cells", "partner_rows_conserved",
                                  "pseudonym_properties", "upstream_quality")}
        for partition in context.partition_keys:
            day = dt.date.fromisoformat(partition)
            month_first = day.replace(day=1)
            if month_first not in decisions:
                decisions[month_first] = stored_decision(
                    outbound_files, warehouse, contract, month_first,
                    instance=context.instance)
            tx = rows_of_day(cleaned_transactions, "sale_date", day)
            # A single-run backfill loads every day's catalogue snapshot: a day's file is
            # built from the snapshots up to that day, as a run of that day alone would.
            catalogue = catalogue_as_of(cleaned_products, day)
            daily = build_daily_product(tx, catalogue, decisions[month_first], contract,
                                        key=key)
            # Checks per file, on the bytes that would leave (not on a run-wide concat).
            data = to_csv_bytes(daily)
            quarantined = warehouse.read_range("products_quarantine", "partition_date", day, day)
            checks = {
                "pii_scan": guardrails.scan_pii(
                    data, contract=contract, catalogue=catalogue,
                    known_identifiers=identifier_values(tx, cleaned_customers)),
                "contract_columns": columns_outcome(daily, product.column_names),
                "follows_month_decision": guardrails.daily_follows_decision(
                    daily, decisions[month_first]),
                "no_small_cells": guardrails.cells_under_minimum(
                    daily, decisions[month_first], contract),
                "partner_rows_conserved": guardrails.partner_rows_conserved(
                    daily, tx, catalogue, contract,
                    quarantined if len(quarantined) else None),
                "pseudonym_properties": guardrails.pseudonym_properties(
                    daily, partner_items(tx, catalogue, contract), key=key,
                    salt=contract.privacy.pseudonymization_salt,
                    other_salts=_other_salts(contract)),
                # Blocking checks of the cleaning stop only their own run: a product-only
                # run would otherwise publish an empty or broken day.
                "upstream_quality": upstream_quality(outbound_files, partition),
            }
            for name, outcome in checks.items():
                outcomes[name].append((partition, outcome))
            relative = file_names.product_file(product.dataset, "daily", partition)
            try:
                files.append({**release_file(outbound_files, product.dataset, partition,
                                             relative, data, checks, partner=contract.id),
                              "rows": len(daily)})
            except gate.ReleasedFileChanged as changed:
                refused.append(changed)
            frames.append(daily)
        raise_refused(refused)
        result = pd.concat(frames, ignore_index=True)
        stored = result.assign(sale_date=pd.to_datetime(result["sale_date"]))
        last = files[-1]
        yield dg.Output(stored, metadata=table_metadata(result, {
            "file": last["file"], "sha256": last["sha256"], "location": last["location"],
            "files": dg.MetadataValue.json(files),
            **decision_metadata(next(iter(decisions.values()))),
        }))
        for name, per_file in outcomes.items():
            yield combined_result(asset, name, per_file)

    return _asset


def release_month_inputs(files: OutboundFileStore, contract: PartnerContract, month: str,
                         data: bytes, checks: Mapping[str, CheckOutcome]) -> str:
    """Releases the month's inputs fingerprint under the monthly file's checks (held with
    it); what the step's metadata says about it.

    Reached only once the monthly file itself was accepted (same bytes as released, or
    a first release): a first released fingerprint is pinned and kept. If the month's
    data changed since but the monthly file did not, the step does not fail: the
    insights compare against the first fingerprint and hold a report built on newer
    data (docs/data-products.md "A report built on newer data")."""
    relative = inputs_file(contract.id, month)
    try:
        row = release_file(files, contract.products.monthly.dataset, month, relative, data,
                           checks, partner=contract.id)
    except gate.ReleasedFileChanged:
        return "kept the first release: the month's data changed since"
    return "released" if row["released"] else "held with the monthly file"


def _monthly_asset(contract: PartnerContract) -> dg.AssetsDefinition:
    asset = contract.monthly_asset
    product = contract.products.monthly

    @dg.asset(
        name=asset,
        partitions_def=monthly_partitions,
        # Not inputs: the month is summed in the warehouse (``products.engine``) and only
        # the cells come back; the same dependencies and mappings keep the lineage.
        deps=[*(dg.AssetDep(key, partition_mapping=MONTH_OF_DAYS)
                for key in ("cleaned_transactions", "cleaned_products", contract.daily_asset)),
              decision_asset_name(contract)],
        group_name=f"{contract.id}_products",
        owners=OWNERS,
        kinds={"pandas", "csv"},
        description=f"{product.description.en} Partner: {contract.partner.name}. "
        f"Schema {product.schema_version}. Built from the daily partitions of the month.",
        metadata={"partition_expr": "month_start", "partner": contract.id,
                  "dataset": product.dataset, "schema_version": product.schema_version},
        check_specs=monthly_checks(contract),
        tags={"partner": contract.id, "cadence": "monthly"},
        pool=WAREHOUSE_POOL,
    )
    def _asset(context: dg.AssetExecutionContext, warehouse: WarehouseReader,
               outbound_files: OutboundFileStore) -> Iterator[Any]:
        month = file_names.month_key(context.partition_key)
        first, last = file_names.month_bounds(month)
        # Released with the file it builds, as the daily files are: the monthly file
        # can leave, so the month's decision is immutable from here on.
        decision = stored_decision(outbound_files, warehouse, contract, first,
                                   instance=context.instance)

        def run(query: EngineQuery) -> pd.DataFrame:
            return warehouse.aggregate(query, asset=asset)

        # What the month's data is, read BEFORE the file's queries: a change during the
        # build can then only hold the report (a false alarm), never slip past it.
        inputs = fingerprint_bytes(contract.id, month, fingerprint_in_engine(run, first, last))
        monthly = build_monthly_in_engine(run, decision, contract, first=first, last=last,
                                          month=month)
        relative = file_names.product_file(product.dataset, "monthly", month)
        data = to_csv_bytes(monthly)
        complete = month_complete(outbound_files, month)
        checks = {
            "pii_scan": guardrails.scan_pii(
                data, contract=contract, known_identifiers=identifiers_of_month(
                    warehouse, first, last)),
            "reconciles_with_daily": reconcile_in_engine(
                run, monthly, contract.daily_asset, first=first, last=last,
                min_customers=contract),
            "no_small_cells": guardrails.cells_under_minimum(monthly, decision, contract),
            "follows_month_decision": guardrails.daily_follows_decision(monthly, decision),
            # A month-to-date file is never released: it would differ from the final
            # file by exactly the late sales of small cells.
            "month_complete": complete,
        }
        released = release_file(outbound_files, product.dataset, month, relative, data, checks,
                                partner=contract.id)
        inputs_kept = release_month_inputs(outbound_files, contract, month, inputs, checks)
        stored = monthly.assign(month_start=pd.Timestamp(first))
        yield dg.Output(stored, metadata=table_metadata(monthly, {
            "file": relative, "sha256": released["sha256"], "location": released["location"],
            "released": released["released"], "failed_checks": released["failed_checks"],
            "daily_rows_in_month": checks["reconciles_with_daily"].metadata["daily_rows"],
            "inputs_fingerprint": inputs_kept,
            **decision_metadata(decision),
        }))
        for name in ("pii_scan", "reconciles_with_daily", "no_small_cells",
                     "follows_month_decision"):
            yield check_result(asset, name, checks[name])
        # WARN in the UI (a month-to-date file built on demand is legitimate); the gate
        # above still refuses to release it.
        yield check_result(asset, "month_complete", checks["month_complete"],
                      severity=dg.AssetCheckSeverity.WARN)

    return _asset


def product_assets(contract: PartnerContract) -> list[dg.AssetsDefinition]:
    """The daily and monthly files; the insights report is ``insights_asset.py``."""
    return [_daily_asset(contract), _monthly_asset(contract)]
