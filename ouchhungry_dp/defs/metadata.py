"""Materialization metadata shared by every domain: row counts and safe previews."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import dagster as dg
import pandas as pd

# Columns that hold personal data in raw or cleaned tables: the UI shows them masked.
PERSONAL_COLUMNS = frozenset(
    {"full_name", "cpf", "email", "phone", "cep", "delivery_cep", "birth_date", "merchant_cnpj"}
)


def masked_preview(frame: pd.DataFrame, rows: int = 5) -> dg.MetadataValue:
    head = frame.head(rows).astype("string")
    for column in PERSONAL_COLUMNS.intersection(head.columns):
        head[column] = head[column].str.slice(0, 2).fillna("") + "***"
    return dg.MetadataValue.md(head.to_markdown(index=False) if len(head) else "_(empty)_")


def table_metadata(frame: pd.DataFrame, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "dagster/row_count": len(frame),
        "preview": masked_preview(frame),
    }
    metadata.update(extra or {})
    return metadata


def counts_md(
    counts: Mapping[str, int], header: Iterable[str] = ("reason", "rows")
) -> dg.MetadataValue:
    name, value = tuple(header)
    if not counts:
        return dg.MetadataValue.md("_none_")
    lines = [f"| {name} | {value} |", "|---|---:|"]
    lines += [f"| {k} | {v} |" for k, v in sorted(counts.items(), key=lambda kv: -kv[1])]
    return dg.MetadataValue.md("\n".join(lines))
