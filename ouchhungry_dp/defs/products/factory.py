"""A partner's data products, generated from its contract.

For each active contract: ``<id>_sales_daily`` (daily), ``<id>_sales_monthly_by_city``
(monthly, reading the daily partitions of its month) and ``<id>_insights_monthly``.
The privacy decision of a month (the level of every location) is the stored,
immutable ``<id>_publishable_cells`` record (``decision.py``): every daily file of
the month, the monthly file and the insights read it.
"""


import datetime as dt
import hashlib
from collections.abc import Iterator
from typing import Any

import dagster as dg
import pandas as pd

from ouchhungry_dp import layout
from ouchhungry_dp.defs.files import OutboundFileStore
from ouchhungry_dp.defs.metadata import table_metadata
from ouchhungry_dp.defs.partitions import WAREHOUSE_POOL, daily_partitions, monthly_partitions
from ouchhungry_dp.defs.products.decision import (
    decision_asset_name,
    decision_metadata,
    stored_decision,
)
from ouchhungry_dp.defs.products.resources import PrivacyResource
from ouchhungry_dp.defs.warehouse import WarehouseReader
from ouchhungry_dp.partners.contract import PartnerContract, load_contracts
from ouchhungry_dp.products import guardrails
from ouchhungry_dp.products.daily import build_daily_product
from ouchhungry_dp.products.files import to_csv_bytes
from ouchhungry_dp.products.insights import build_insights_report
from ouchhungry_dp.products.monthly import build_monthly_product
from ouchhungry_dp.products.selection import partner_items

OWNERS = ["team:data-products"]
# A monthly partition reads the daily partitions of its month; days after today do
# not exist yet when a month-to-date file is built on demand.
MONTH_OF_DAYS = dg.TimeWindowPartitionMapping(allow_nonexistent_upstream_partitions=True)


def _result(asset: str, check: str, outcome: Any,
            severity: dg.AssetCheckSeverity = dg.AssetCheckSeverity.ERROR) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        asset_key=asset, check_name=check, passed=bool(outcome.passed), severity=severity,
        description=outcome.description, metadata=outcome.metadata,
    )


def known_identifiers(transactions: pd.DataFrame, customers: pd.DataFrame) -> list[str]:
    """Values that must never appear as a field of an outbound file: the raw ids of the
    day's orders and customers, and the customers' names and e-mails."""
    columns = [transactions.get(c) for c in ("order_id", "customer_id", "transaction_id")]
    columns += [customers.get(c) for c in ("full_name", "email", "customer_id")]
    values = pd.concat([c.dropna().astype(str) for c in columns if c is not None])
    return values.unique().tolist()


def _decision_dep(contract: PartnerContract) -> dg.AssetDep:
    # Lineage only: the record is read through ``stored_decision`` (made on first use
    # if the decision asset has not run yet), so a run never fails on a missing input.
    return dg.AssetDep(decision_asset_name(contract),
                       partition_mapping=dg.TimeWindowPartitionMapping())


def _location_checks(asset: str) -> list[dg.AssetCheckSpec]:
    """The decision's checks, the same on the daily and the monthly file."""
    return [
        dg.AssetCheckSpec("follows_month_decision", asset=asset, blocking=True,
                          description="Every location label is one the month's stored "
                          "decision allows."),
        dg.AssetCheckSpec("no_small_cells", asset=asset, blocking=True,
                          description="Every published location has at least k customers "
                          "in the decision basis (city, state residual, country residual)."),
    ]


def _other_salts(contract: PartnerContract) -> list[str]:
    return [c.privacy.pseudonymization_salt for c in load_contracts() if c.id != contract.id]


def store_csv(files: OutboundFileStore, frame: pd.DataFrame, relative: str) -> tuple[int, str, str]:
    data = to_csv_bytes(frame)
    return len(frame), hashlib.sha256(data).hexdigest(), files.put(relative, data)


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
        check_specs=[
            dg.AssetCheckSpec("pii_scan", asset=asset, blocking=True,
                              description="No e-mail, CPF, CNPJ, phone, CEP, raw id or name "
                              "in the outbound file."),
            dg.AssetCheckSpec("contract_columns", asset=asset, blocking=True,
                              description="The file has exactly the contract's columns."),
            *_location_checks(asset),
            dg.AssetCheckSpec("partner_rows_conserved", asset=asset, blocking=True,
                              description="Rows in the file = partner rows of the cleaned "
                              "transactions; no row lost in the catalogue join."),
            dg.AssetCheckSpec("pseudonym_properties", asset=asset, blocking=True,
                              description="Pseudonyms well formed, collision-free, rotated "
                              "monthly and different from other partners'."),
        ],
        backfill_policy=dg.BackfillPolicy.single_run(),
        tags={"partner": contract.id, "cadence": "daily"},
        pool=WAREHOUSE_POOL,
    )
    def _asset(context: dg.AssetExecutionContext, cleaned_transactions: pd.DataFrame,
               cleaned_products: pd.DataFrame, cleaned_customers: pd.DataFrame,
               warehouse: WarehouseReader, privacy: PrivacyResource,
               outbound_files: OutboundFileStore) -> Iterator[Any]:
        key = privacy.key_bytes()
        decisions: dict[dt.date, pd.DataFrame] = {}
        frames, files, follows = [], [], []
        small, conserved, pseudonyms = [], [], []
        for partition in context.partition_keys:
            day = dt.date.fromisoformat(partition)
            month_first = day.replace(day=1)
            if month_first not in decisions:
                decisions[month_first] = stored_decision(
                    outbound_files, warehouse, contract, month_first, release=True)
            tx = cleaned_transactions[pd.to_datetime(cleaned_transactions["sale_date"]).dt.date
                                      == day]
            daily = build_daily_product(tx, cleaned_products, decisions[month_first], contract,
                                        key=key)
            small.append(guardrails.cells_under_minimum(daily, decisions[month_first], contract))
            quarantined = warehouse.read_range("products_quarantine", "partition_date", day, day)
            conserved.append(guardrails.partner_rows_conserved(
                daily, tx, cleaned_products, contract, quarantined if len(quarantined) else None))
            pseudonyms.append(guardrails.pseudonym_properties(
                daily, partner_items(tx, cleaned_products, contract), key=key,
                salt=contract.privacy.pseudonymization_salt,
                other_salts=_other_salts(contract)))
            relative = layout.product_file(product.dataset, "daily", partition)
            rows, sha256, location = store_csv(outbound_files, daily, relative)
            files.append({"partition": partition, "file": relative, "rows": rows,
                          "sha256": sha256, "location": location})
            frames.append(daily)
            follows.append((partition, guardrails.daily_follows_decision(
                daily, decisions[month_first])))
        result = pd.concat(frames, ignore_index=True)
        pii = guardrails.scan_pii(
            result, contract=contract,
            known_identifiers=known_identifiers(cleaned_transactions, cleaned_customers))
        columns_ok = list(result.columns) == product.column_names
        stored = result.assign(sale_date=pd.to_datetime(result["sale_date"]))
        last = files[-1]
        yield dg.Output(stored, metadata=table_metadata(result, {
            "file": last["file"], "sha256": last["sha256"], "location": last["location"],
            "files": dg.MetadataValue.json(files),
            **decision_metadata(next(iter(decisions.values()))),
        }))
        yield _result(asset, "pii_scan", pii)
        failed = [(k, o) for k, o in follows if not o.passed]
        yield _result(asset, "follows_month_decision", failed[0][1] if failed else follows[-1][1])
        for check, outcomes in (("no_small_cells", small), ("partner_rows_conserved", conserved),
                                ("pseudonym_properties", pseudonyms)):
            worst = [o for o in outcomes if not o.passed]
            yield _result(asset, check, worst[0] if worst else outcomes[-1])
        yield dg.AssetCheckResult(
            asset_key=asset, check_name="contract_columns", passed=columns_ok,
            metadata={"expected": product.column_names, "actual": list(result.columns)},
        )

    return _asset


def _monthly_asset(contract: PartnerContract) -> dg.AssetsDefinition:
    asset = contract.monthly_asset
    product = contract.products.monthly

    @dg.asset(
        name=asset,
        partitions_def=monthly_partitions,
        ins={
            name: dg.AssetIn(key, partition_mapping=MONTH_OF_DAYS)
            for name, key in (("cleaned_transactions", "cleaned_transactions"),
                              ("cleaned_products", "cleaned_products"),
                              ("daily_files", contract.daily_asset))
        },
        deps=[decision_asset_name(contract)],
        group_name=f"{contract.id}_products",
        owners=OWNERS,
        kinds={"pandas", "csv"},
        description=f"{product.description.en} Partner: {contract.partner.name}. "
        f"Schema {product.schema_version}. Built from the daily partitions of the month.",
        metadata={"partition_expr": "month_start", "partner": contract.id,
                  "dataset": product.dataset, "schema_version": product.schema_version},
        check_specs=[
            dg.AssetCheckSpec("pii_scan", asset=asset, blocking=True),
            dg.AssetCheckSpec("reconciles_with_daily", asset=asset, blocking=True,
                              description="Monthly totals equal the sum of the month's daily "
                              "files."),
            *_location_checks(asset),
            dg.AssetCheckSpec("month_complete", asset=asset,
                              description="Every day of the month is in the data (a "
                              "month-to-date file built on demand fails this, as a warning)."),
        ],
        tags={"partner": contract.id, "cadence": "monthly"},
        pool=WAREHOUSE_POOL,
    )
    def _asset(context: dg.AssetExecutionContext, cleaned_transactions: pd.DataFrame,
               cleaned_products: pd.DataFrame, daily_files: pd.DataFrame,
               warehouse: WarehouseReader, outbound_files: OutboundFileStore) -> Iterator[Any]:
        month = layout.month_key(context.partition_key)
        first, _ = layout.month_bounds(month)
        decision = stored_decision(outbound_files, warehouse, contract, first)
        monthly = build_monthly_product(cleaned_transactions, cleaned_products, decision,
                                        contract, month=month)
        relative = layout.product_file(product.dataset, "monthly", month)
        _rows, sha256, location = store_csv(outbound_files, monthly, relative)
        stored = monthly.assign(month_start=pd.Timestamp(first))
        yield dg.Output(stored, metadata=table_metadata(monthly, {
            "file": relative, "sha256": sha256, "location": location,
            "daily_rows_in_month": len(daily_files), **decision_metadata(decision),
        }))
        yield _result(asset, "pii_scan", guardrails.scan_pii(monthly, contract=contract))
        yield _result(asset, "reconciles_with_daily",
                      guardrails.reconcile_monthly_with_daily(
                          monthly, daily_files, min_customers=contract))
        yield _result(asset, "no_small_cells",
                      guardrails.cells_under_minimum(monthly, decision, contract))
        yield _result(asset, "follows_month_decision",
                      guardrails.daily_follows_decision(monthly, decision))
        days = pd.to_datetime(cleaned_transactions["sale_date"]).dt.date.nunique()
        expected = (layout.month_bounds(month)[1] - first).days + 1
        yield dg.AssetCheckResult(
            asset_key=asset, check_name="month_complete", passed=days == expected,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={"days_with_data": days, "days_in_month": expected},
            description=f"{days} of {expected} days of {month} present",
        )

    return _asset


INSIGHTS_HISTORY_MONTHS = 5


def _insights_asset(contract: PartnerContract) -> dg.AssetsDefinition:
    @dg.asset(
        name=contract.insights_asset,
        partitions_def=monthly_partitions,
        ins={
            "monthly_file": dg.AssetIn(contract.monthly_asset),
            "cleaned_products": dg.AssetIn("cleaned_products", partition_mapping=MONTH_OF_DAYS),
        },
        deps=[decision_asset_name(contract)],
        group_name=f"{contract.id}_products",
        owners=OWNERS,
        kinds={"html", "matplotlib"},
        description=f"Monthly insights report for {contract.partner.name} (pt-BR, HTML with "
        "charts): growth, segment-share trend, price index, penetration, repeat purchase, "
        "cross-sell, top and rising cities. Built only from published cells.",
        tags={"partner": contract.id, "cadence": "monthly"},
        pool=WAREHOUSE_POOL,
    )
    def _asset(context: dg.AssetExecutionContext, monthly_file: pd.DataFrame,
               cleaned_products: pd.DataFrame, warehouse: WarehouseReader,
               outbound_files: OutboundFileStore) -> dg.MaterializeResult:
        month = layout.month_key(context.partition_key)
        first, last = layout.month_bounds(month)
        start = first
        for _ in range(INSIGHTS_HISTORY_MONTHS):
            start = layout.previous_month(start)[0]
        transactions = warehouse.read_range("cleaned_transactions", "sale_date", start, last)
        # Every monthly file of the trend: a national share is checked against the
        # shares its month's file published (no one-company remainder).
        previous_file = warehouse.read_range(contract.monthly_asset, "month_start",
                                             start, layout.previous_month(first)[0])
        files = [f.drop(columns="month_start", errors="ignore")
                 for f in (previous_file, monthly_file) if len(f)]
        report = build_insights_report(
            contract, month=month, transactions=transactions, products=cleaned_products,
            monthly_products=pd.concat(files, ignore_index=True))
        relative = layout.insights_file(contract.id, month)
        location = outbound_files.put(relative, report.html.encode("utf-8"))
        return dg.MaterializeResult(metadata={
            "report": dg.MetadataValue.md(report.markdown or report.narrative),
            "file": relative,
            "location": dg.MetadataValue.path(location),
            "charts": len(report.charts),
            "months_of_history": INSIGHTS_HISTORY_MONTHS,
        })

    return _asset


def product_assets(contract: PartnerContract) -> list[dg.AssetsDefinition]:
    return [_daily_asset(contract), _monthly_asset(contract), _insights_asset(contract)]
