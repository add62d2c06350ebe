"""Guardrail checks as plain functions returning ``CheckOutcome`` (no Dagster import).

The Dagster layer wraps each outcome in an ``AssetCheckResult``. Metadata is
JSON-serialisable and never carries personal data: failing values are shown
only for columns known to hold no personal data, and masked everywhere else.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

import pandas as pd
import pandera.errors

MAX_FAILURE_EXAMPLES = 10
# Columns whose values identify nobody: failing values of these are shown as is.
NON_PERSONAL_COLUMNS = frozenset(
    {
        "product_code", "ean", "product_name", "brand", "manufacturer", "segment",
        "list_price", "quantity", "unit_price", "total_amount", "ordered_at", "sale_date",
        "updated_at", "created_at", "snapshot_date", "partition_date", "state",
        "city_ibge_code", "payment_method", "source_row", "reasons",
    }
)  # fmt: skip
# A city is shown only when it is a municipality's name: an e-mail or a phone typed
# into the field is personal data, however non-personal the column.
VALUE_ALLOWLISTS = {"city": lambda value: value in _official_names()}


@cache
def _official_names() -> frozenset[str]:
    from ouchhungry_dp.quality.reference import official_cities

    return frozenset(official_cities()["name"].astype(str))


@dataclass
class CheckOutcome:
    passed: bool
    description: str
    metadata: dict[str, Any] = field(default_factory=dict)
    # How bad a failure is: "ERROR" stops a blocking check's downstream steps, "WARN"
    # only alerts (one check may do either, depending on how far off the data is).
    severity: Literal["ERROR", "WARN"] = "ERROR"


def mask_value(value: object) -> str:
    """Keeps the shape and the last few characters: ``123.456.789-09`` -> ``***.***.**9-09``."""
    text = str(value)
    alnum_positions = [i for i, ch in enumerate(text) if ch.isalnum()]
    keep = min(4, len(alnum_positions) // 3)
    hidden = set(alnum_positions[: len(alnum_positions) - keep])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(text))


def _shown(column: object, check: object, value: object) -> object:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    structural = str(check).startswith(("dtype(", "column_in_", "column_ordered"))
    allowed = VALUE_ALLOWLISTS.get(str(column))
    if structural or column in NON_PERSONAL_COLUMNS or (allowed and allowed(str(value))):
        if hasattr(value, "item"):  # numpy scalar -> Python, for JSON
            value = value.item()
        return value if isinstance(value, int | float | bool) else str(value)
    return mask_value(value)


def _one_per_check_first(cases: pd.DataFrame) -> pd.DataFrame:
    """Failure cases reordered so the first examples cover as many checks as possible."""
    rank = cases.groupby([cases["column"].fillna(""), cases["check"].astype(str)]).cumcount()
    wide = cases["schema_context"].ne("Column")  # row-wide checks repeat each column's value
    ranked = cases.assign(_rank=rank.to_numpy(), _wide=wide.to_numpy())
    return ranked.sort_values(["_rank", "_wide"], kind="stable")


def validate_with_schema(schema: Any, df: pd.DataFrame) -> CheckOutcome:
    """``schema.validate(df, lazy=True)``; failures counted by check, first rows shown masked."""
    name = getattr(schema, "__name__", None) or getattr(schema, "name", None) or "schema"
    try:
        schema.validate(df, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases.copy()
        # Table-level failures (missing column, column order) name the schema, not a column.
        table_level = ~cases["column"].isin(list(df.columns))
        cases["column"] = cases["column"].astype(object).where(~table_level, None)
        column = cases["column"].fillna("<table>").astype(str)
        by_check = (column + ": " + cases["check"].astype(str)).value_counts()
        examples = [
            {
                "column": None if pd.isna(row.column) else str(row.column),
                "check": str(row.check),
                "row": None if pd.isna(row.index) else int(row.index),
                "value": _shown(row.column, row.check, row.failure_case),
            }
            for row in _one_per_check_first(cases).head(MAX_FAILURE_EXAMPLES).itertuples()
        ]
        return CheckOutcome(
            False,
            f"{name}: {len(cases)} failure(s) in {by_check.size} check(s) over {len(df)} rows",
            {
                "rows": len(df),
                "failure_count": len(cases),
                "failures_by_check": {str(k): int(v) for k, v in by_check.items()},
                "first_failures": examples,
            },
        )
    metadata = {"rows": len(df), "failure_count": 0}
    return CheckOutcome(True, f"{name}: {len(df)} rows valid", metadata)


def conservation(raw_rows: int, cleaned_rows: int, quarantined_rows: int) -> CheckOutcome:
    """raw rows = cleaned rows + quarantined rows (no row silently lost or duplicated)."""
    difference = raw_rows - cleaned_rows - quarantined_rows
    metadata = {
        "raw_rows": raw_rows,
        "cleaned_rows": cleaned_rows,
        "quarantined_rows": quarantined_rows,
        "difference": difference,
    }
    if difference == 0:
        return CheckOutcome(
            True,
            f"{raw_rows} raw = {cleaned_rows} cleaned + {quarantined_rows} quarantined",
            metadata,
        )
    verb = "lost" if difference > 0 else "invented"
    return CheckOutcome(
        False,
        f"{abs(difference)} row(s) {verb}: {raw_rows} raw != "
        f"{cleaned_rows} cleaned + {quarantined_rows} quarantined",
        metadata,
    )


def conservation_by_partition(
    raw_rows: Mapping[str, int],
    cleaned_rows: Mapping[str, int],
    quarantined_rows: Mapping[str, int],
) -> CheckOutcome:
    """``conservation`` for each partition key; fails naming every partition that breaks it."""
    keys = sorted(set(raw_rows) | set(cleaned_rows) | set(quarantined_rows))
    broken = {
        key: raw_rows.get(key, 0) - cleaned_rows.get(key, 0) - quarantined_rows.get(key, 0)
        for key in keys
    }
    broken = {key: diff for key, diff in broken.items() if diff != 0}
    metadata = {"partitions": len(keys), "broken_partitions": broken}
    if broken:
        return CheckOutcome(
            False,
            f"conservation broken in {len(broken)} partition(s): {', '.join(sorted(broken))}",
            metadata,
        )
    return CheckOutcome(True, f"conservation holds in {len(keys)} partition(s)", metadata)


def quarantine_rate_ceiling(
    reasons: Mapping[str, int],
    raw_rows: int,
    ceilings: Mapping[str, float],
    default: float,
) -> CheckOutcome:
    """Every reason's share of raw rows stays at or under its ceiling (``default`` if unnamed)."""
    if raw_rows <= 0:
        return CheckOutcome(True, "no raw rows: nothing to compare", {"raw_rows": raw_rows})
    rates = {reason: count / raw_rows for reason, count in reasons.items()}
    breaches = {
        reason: {"rate": round(rate, 6), "ceiling": ceilings.get(reason, default)}
        for reason, rate in rates.items()
        if rate > ceilings.get(reason, default)
    }
    metadata = {
        "raw_rows": raw_rows,
        "rates": {reason: round(rate, 6) for reason, rate in sorted(rates.items())},
        "default_ceiling": default,
        "ceilings": dict(ceilings),
        "breaches": breaches,
    }
    if breaches:
        worst = max(breaches, key=lambda r: breaches[r]["rate"])
        return CheckOutcome(
            False,
            f"{len(breaches)} reason(s) over ceiling; worst {worst} at "
            f"{breaches[worst]['rate']:.2%} (ceiling "
            f"{breaches[worst]['ceiling']:.2%})",
            metadata,
        )
    return CheckOutcome(True, "every quarantine reason under its ceiling", metadata)


def volume_anomaly(
    today_rows: int,
    previous_rows: list[int],
    min_ratio: float = 0.5,
    block_ratio: float = 0.1,
    confirmed_no_sales: bool = False,
) -> CheckOutcome:
    """Today's rows against the usual (median of the previous non-empty partitions;
    empty ones are partitions not loaded, not a baseline).

    * at most ``min_ratio`` x the usual: fails as a WARN (someone should look);
    * empty, or under ``block_ratio`` x the usual (near-empty): fails as an ERROR, so
      a blocking check stops the day before anything is published: an empty extract
      is far more often a broken export than a day without sales. Empty fails even
      without a baseline;
    * unless the source confirmed the day had (almost) no sales (``confirmed_no_sales``,
      e.g. the marketplace was closed): then it passes and says so.
    """
    history = [int(n) for n in previous_rows if n > 0]
    metadata: dict[str, Any] = {
        "today_rows": today_rows,
        "previous_rows": history,
        "min_ratio": min_ratio,
        "block_ratio": block_ratio,
        "source_confirmed_no_sales": confirmed_no_sales,
    }
    baseline = float(statistics.median(history)) if history else None
    ratio = today_rows / baseline if baseline else None
    if baseline is not None:
        metadata.update({"baseline_rows": baseline, "ratio": round(float(ratio or 0.0), 4)})
    usual = f" of the usual {baseline:.0f}" if baseline is not None else ""
    near_empty = today_rows == 0 or (ratio is not None and ratio < block_ratio)
    if near_empty and confirmed_no_sales:
        return CheckOutcome(
            True, f"{today_rows} rows{usual}: the source confirmed the day had no sales", metadata
        )
    if near_empty:
        shown = "no rows" if today_rows == 0 else f"{today_rows} rows ({ratio:.1%}{usual})"
        return CheckOutcome(
            False,
            f"{shown}: the source day is empty or near-empty (under {block_ratio:.0%}"
            f"{' of the usual' if baseline is not None else ''}) and the source did not "
            "confirm a day without sales; nothing is published. Check the extraction, or "
            "have the source confirm the closed day and re-run",
            metadata,
        )
    if ratio is None:
        return CheckOutcome(True, "no previous partitions: no baseline yet", metadata)
    if ratio <= min_ratio:
        return CheckOutcome(
            False,
            f"{today_rows} rows is {ratio:.0%}{usual} (threshold {min_ratio:.0%})",
            metadata,
            severity="WARN",
        )
    return CheckOutcome(True, f"{today_rows} rows, {ratio:.0%}{usual}", metadata)
