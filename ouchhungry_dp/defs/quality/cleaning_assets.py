"""Cleaned tables and their quarantines, with the data-quality checks run in the same step.

Each table is one multi-asset step: it cleans the day's raw extract, writes the
cleaned rows and the quarantined rows (with every reason), and evaluates its
checks on the frames already in memory. The schema and conservation checks are
blocking: bad data never reaches a partner product.
"""


import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import dagster as dg
import pandas as pd

from ouchhungry_dp.lib.execution.partitions import (
    DAILY_BACKFILL_POLICY,
    daily_partitions,
    rows_of_day,
)
from ouchhungry_dp.lib.labels import asset_tags, stored_kinds, warehouse_pool
from ouchhungry_dp.lib.resources.outbound_store import OutboundFileStore
from ouchhungry_dp.lib.resources.source_systems import SourceSystem
from ouchhungry_dp.lib.safe_metadata import (
    check_result,
    counts_md,
    safe_preview,
    table_metadata,
)
from ouchhungry_dp.lib.warehouse.readers import WarehouseReader
from ouchhungry_dp.products.pii_text import KnownIdentifiers
from ouchhungry_dp.quality import checks, schemas
from ouchhungry_dp.quality.cleaning import (
    CleaningResult,
    clean_customers,
    clean_products,
    clean_transactions,
)
from ouchhungry_dp.release import quality_verdict

OWNERS = ["team:data-platform"]
VOLUME_LOOKBACK_DAYS = 7
VOLUME_BLOCK_RATIO = 0.1  # under this share of the usual rows a day is "near-empty"
# Share of raw rows a single reason may quarantine before someone must look.
# product_quarantined: any row alerts (WARN, through the check-alert sensor): a catalogue
# row to fix, whose sales are held back from the partner's file until it is fixed.
QUARANTINE_CEILINGS = {"unknown_customer": 0.05, "unknown_product": 0.05,
                       "product_quarantined": 0.0, "brand_segment_mismatch": 0.0,
                       "personal_data_in_catalogue": 0.0}
QUARANTINE_DEFAULT_CEILING = 0.10
# Above this share of quarantined rows the day is too broken to publish at all: a
# partner file built from the remaining rows would understate sales without saying so.
QUARANTINE_BLOCKING_SHARE = 0.25
# The checks that stop a day; each day's outcomes go into its quality verdict.
BLOCKING_CHECKS = ("schema", "conservation", "quarantine_total", "volume")


@dataclass(frozen=True)
class CleanedTable:
    table: str  # transactions / customers / products
    cleaned_key: str
    quarantine_key: str
    partition_column: str
    cleaned_schema: Any
    description: str


TABLES = {
    "transactions": CleanedTable(
        "transactions",
        "cleaned_transactions",
        "transactions_quarantine",
        "sale_date",
        schemas.CleanedTransactionsSchema,
        "Order items with typed, repaired and validated values; every raw row not here is in "
        "transactions_quarantine with its reasons.",
    ),
    "customers": CleanedTable(
        "customers",
        "cleaned_customers",
        "customers_quarantine",
        "snapshot_date",
        schemas.CleanedCustomersSchema,
        "Customers with valid CPF, e-mail, phone (E.164) and CEP; latest version per customer.",
    ),
    "products": CleanedTable(
        "products",
        "cleaned_products",
        "products_quarantine",
        "snapshot_date",
        schemas.CleanedProductsSchema,
        "Product catalogue with valid EAN-13 and prices as numbers.",
    ),
}


def _check_specs(spec: CleanedTable) -> list[dg.AssetCheckSpec]:
    key = spec.cleaned_key
    return [
        dg.AssetCheckSpec("schema", asset=key, blocking=True,
                          description="Pandera schema of the cleaned table (lazy: all failures)."),
        dg.AssetCheckSpec("conservation", asset=key, blocking=True,
                          description="raw rows = cleaned rows + quarantined rows."),
        dg.AssetCheckSpec("quarantine_rate", asset=key,
                          description="No quarantine reason above its ceiling share of raw rows."),
        dg.AssetCheckSpec("quarantine_total", asset=key, blocking=True,
                          description=f"At most {QUARANTINE_BLOCKING_SHARE:.0%} of the raw rows "
                          "quarantined; above it the day is not published."),
        dg.AssetCheckSpec("volume", asset=key, blocking=True,
                          description=f"Raw rows against the median of the last "
                          f"{VOLUME_LOOKBACK_DAYS} days: at most half warns; empty or under "
                          f"{VOLUME_BLOCK_RATIO:.0%} blocks the day unless the source "
                          "confirmed it had no sales."),
    ]


def _clean_one(spec: CleanedTable, raw: pd.DataFrame, day: dt.date,
               context_frames: dict[str, pd.DataFrame],
               identifiers: KnownIdentifiers | None) -> CleaningResult:
    if spec.table == "customers":
        return clean_customers(raw, snapshot_date=day)
    if spec.table == "products":
        return clean_products(raw, snapshot_date=day, known_identifiers=identifiers)
    # Referential checks run against every id the source extract holds, not only the
    # cleaned rows: an order of a customer whose own record was quarantined (say, for
    # a bad CPF) is still a real order of a real customer.
    # Products differ: an item whose catalogue row was quarantined has no brand or
    # segment, so no product could use it; it is quarantined here with its reason
    # rather than dropped by a later join. The day's catalogue (a few hundred rows) is
    # cleaned again here, the same function on the same extract as clean_products,
    # instead of waiting on cleaned_products: a catalogue failing its own blocking checks
    # must not hide what the transactions' checks have to say.
    customers = context_frames["raw_customers"]
    products = rows_of_day(context_frames["raw_products"], "partition_date", day)
    catalogue = clean_products(products.drop(columns="partition_date"), snapshot_date=day,
                               known_identifiers=identifiers)
    return clean_transactions(
        raw,
        partition_date=day,
        known_customer_ids=rows_of_day(customers, "partition_date", day)["customer_id"],
        known_product_codes=products["product_code"],
        usable_product_codes=catalogue.cleaned["product_code"],
    )


def _catalogue_identifiers(spec: CleanedTable, warehouse: WarehouseReader,
                           keys: list[str]) -> KnownIdentifiers | None:
    """Names and e-mails of every customer cleaned before the run's first day, for the
    catalogue's PII check. The same cut-off in the products and the transactions step
    (which cleans the catalogue again), so both quarantine the same products."""
    if spec.table not in ("products", "transactions"):
        return None
    first = min(dt.date.fromisoformat(k) for k in keys)
    return KnownIdentifiers(warehouse.customer_identifiers(before=first))


def _cleaning_asset(spec: CleanedTable, upstream: list[str]) -> dg.AssetsDefinition:
    ins = {"raw": dg.AssetIn(f"raw_{spec.table}")}
    ins.update({name: dg.AssetIn(name) for name in upstream})

    @dg.multi_asset(
        name=f"clean_{spec.table}",
        outs={
            spec.cleaned_key: dg.AssetOut(
                description=spec.description,
                metadata={"partition_expr": spec.partition_column},
                owners=OWNERS, kinds=stored_kinds("pandas"), group_name="quality",
                tags=asset_tags(layer="cleaned"),
            ),
            spec.quarantine_key: dg.AssetOut(
                description=f"Raw {spec.table} rows that failed cleaning: raw values as received, "
                "the partition, the row's position in the extract and every reason code.",
                metadata={"partition_expr": "partition_date"},
                owners=OWNERS, kinds=stored_kinds("pandas"), group_name="quality",
                tags=asset_tags(layer="cleaned"),
            ),
        },
        ins=ins,
        partitions_def=daily_partitions,
        check_specs=_check_specs(spec),
        backfill_policy=DAILY_BACKFILL_POLICY,
        pool=warehouse_pool(),
    )
    def _asset(context: dg.AssetExecutionContext, warehouse: WarehouseReader,
               source: SourceSystem, outbound_files: OutboundFileStore, raw: pd.DataFrame,
               **upstream_frames: pd.DataFrame) -> Iterator[Any]:
        cleaned_parts, quarantine_parts = [], []
        # Blocking checks are judged per day (a garbage day is not averaged away with
        # its clean neighbours in a backfill run), then combined for the UI.
        per_day: dict[str, list[tuple[str, checks.CheckOutcome]]] = {
            name: [] for name in BLOCKING_CHECKS}
        repairs: dict[str, int] = {}
        reasons: dict[str, int] = {}
        identifiers = _catalogue_identifiers(spec, warehouse, context.partition_keys)
        for key in context.partition_keys:
            day = dt.date.fromisoformat(key)
            day_raw = rows_of_day(raw, "partition_date", day).drop(columns="partition_date")
            result = _clean_one(spec, day_raw, day, upstream_frames, identifiers)
            # Keys are unique within a partition (a snapshot), not across a backfilled range.
            per_day["schema"].append(
                (key, checks.validate_with_schema(spec.cleaned_schema, result.cleaned)))
            per_day["conservation"].append((key, checks.conservation(
                len(day_raw), len(result.cleaned), len(result.quarantine))))
            per_day["quarantine_total"].append(
                (key, _quarantine_total(len(day_raw), len(result.quarantine))))
            cleaned_parts.append(result.cleaned)
            quarantine_parts.append(result.quarantine)
            for src, dst in ((result.repairs, repairs), (result.reasons, reasons)):
                for k, v in src.items():
                    dst[k] = dst.get(k, 0) + v
        per_day["volume"], closed = _volume(context, warehouse, source, spec, raw)
        # The verdict travels with the day, not with the run: a product step run on its
        # own reads it (``upstream_quality``) and holds the day's file if any failed.
        for index, key in enumerate(context.partition_keys):
            quality_verdict.write_verdict(
                outbound_files, spec.table, key,
                {name: _blocks_nothing(per_day[name][index][1]) for name in BLOCKING_CHECKS},
                confirmed_closed=key in closed)
        cleaned = pd.concat(cleaned_parts, ignore_index=True)
        quarantine = pd.concat(quarantine_parts, ignore_index=True)
        asset = spec.cleaned_key

        yield dg.Output(cleaned, output_name=asset, metadata=table_metadata(cleaned, {
            "repairs": counts_md(repairs, ("repair rule", "rows")),
            "raw_rows": len(raw),
        }))
        yield dg.Output(quarantine, output_name=spec.quarantine_key,
                        metadata=table_metadata(quarantine, {
                            # Quarantined rows are where personal data typed into the
                            # wrong field lands: the preview shows no raw value at all.
                            "preview": safe_preview(quarantine[["source_row", "reasons"]]),
                            "reasons": counts_md(reasons),
                            "quarantine_rate": round(len(quarantine) / max(len(raw), 1), 4),
                        }))
        for name in ("schema", "conservation"):
            yield check_result(asset, name, _all_partitions(per_day[name]))
        yield check_result(asset, "quarantine_rate", checks.quarantine_rate_ceiling(
            reasons, len(raw), QUARANTINE_CEILINGS, QUARANTINE_DEFAULT_CEILING),
            dg.AssetCheckSeverity.WARN)
        for name in ("quarantine_total", "volume"):
            yield check_result(asset, name, _all_partitions(per_day[name]))

    return _asset


def _blocks_nothing(outcome: checks.CheckOutcome) -> bool:
    # A WARN failure (volume at half the usual) is for someone to look at; it stops
    # nothing in the run, so it must not hold the day's file in a later run either.
    return outcome.passed or outcome.severity != "ERROR"


def _quarantine_total(raw_rows: int, quarantined: int) -> checks.CheckOutcome:
    share = quarantined / raw_rows if raw_rows else 0.0
    passed = share <= QUARANTINE_BLOCKING_SHARE
    return checks.CheckOutcome(
        passed,
        f"{share:.1%} of {raw_rows} raw rows quarantined (limit {QUARANTINE_BLOCKING_SHARE:.0%})"
        + ("" if passed else ": the source extract is broken; look at the quarantine's reasons "
           "and ask the source team before re-running"),
        {"raw_rows": raw_rows, "quarantined_rows": quarantined, "share": round(share, 4)},
    )


def _all_partitions(outcomes: list[tuple[str, checks.CheckOutcome]]) -> checks.CheckOutcome:
    if len(outcomes) == 1:
        return outcomes[0][1]
    failed = [(key, o) for key, o in outcomes if not o.passed]
    if not failed:
        return checks.CheckOutcome(True, f"{len(outcomes)} partitions valid",
                                   {"partitions": len(outcomes)})
    # The worst failure leads: one ERROR day makes the whole range an ERROR.
    key, first = min(failed, key=lambda kv: kv[1].severity != "ERROR")
    return checks.CheckOutcome(
        False, f"{len(failed)} of {len(outcomes)} partitions invalid; first: {key}: "
        f"{first.description}",
        {"failed_partitions": [k for k, _ in failed], **first.metadata}, first.severity)


def _volume(context: dg.AssetExecutionContext, warehouse: WarehouseReader,
            source: SourceSystem, spec: CleanedTable, raw: pd.DataFrame,
            ) -> tuple[list[tuple[str, checks.CheckOutcome]], set[str]]:
    """Each day of the run against the median of its previous days (a backfilled empty
    day is judged on its own, not averaged away with its neighbours); also the days the
    source confirmed closed."""
    days = [dt.date.fromisoformat(key) for key in context.partition_keys]
    lookback = dt.timedelta(days=VOLUME_LOOKBACK_DAYS)
    counts = warehouse.row_counts(f"raw_{spec.table}", "partition_date",
                                  days[0] - lookback, days[0] - dt.timedelta(days=1))
    # Counted per timestamp, then per day: ``.dt.date`` made a Python date per raw row.
    in_run: dict[dt.date, int] = {}
    for stamp, rows in pd.to_datetime(raw["partition_date"]).value_counts().items():
        in_run[stamp.date()] = in_run.get(stamp.date(), 0) + int(rows)
    counts.update({day: in_run.get(day, 0) for day in days})
    outcomes, closed = [], set()
    for day in days:
        previous = [counts.get(day - dt.timedelta(days=i), 0)
                    for i in range(1, VOLUME_LOOKBACK_DAYS + 1)]
        outcome = checks.volume_anomaly(counts[day], previous, block_ratio=VOLUME_BLOCK_RATIO)
        # Customers and products are extracted as referenced by the day's orders: a day
        # the source confirms had no orders references none, so their empty extracts are
        # the same confirmed fact, not a broken export.
        if outcome.severity == "ERROR" and not outcome.passed \
                and source.confirms_no_sales(day):
            outcome = checks.volume_anomaly(counts[day], previous, block_ratio=VOLUME_BLOCK_RATIO,
                                            confirmed_no_sales=True)
            closed.add(day.isoformat())
        outcomes.append((day.isoformat(), outcome))
    return outcomes, closed


clean_products_assets = _cleaning_asset(TABLES["products"], [])
clean_customers_assets = _cleaning_asset(TABLES["customers"], [])
clean_transactions_assets = _cleaning_asset(
    TABLES["transactions"], ["raw_customers", "raw_products"]
)
