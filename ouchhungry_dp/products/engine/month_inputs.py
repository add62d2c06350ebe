"""A fingerprint of the month's warehouse inputs, pinned with the released monthly file.

The insights report of a month is summed in the warehouse at its own run time; the
monthly file was released earlier. If the month's data changed in between (a
competitor's late rows for a day: the partner's daily file stays byte-identical,
nothing is held; a re-run day that re-files a competitor product into the partner's
segment), the partner computes the segment total twice (its revenue over the monthly
file's shares; from the report's national share) and the difference is that
competitor's late sales (session 7, finding A1: R$ 357.02 recovered, R$ 355.44 true).

So the monthly step records what it was built on, and the report must be built on
exactly that, else it is held. One aggregate pass per table, filtered on the
partition columns (BigQuery prunes to the month; the cost does not grow with
history):

* ``cleaned_transactions`` of the month: rows, units, cents, the sum and max of
  ``updated_at`` in seconds (the cleaning keeps the newest version of a row, so a
  corrected row moves the sum even when it is not the newest of the month), and an MD5
  of the rows, units and cents *per product code*: a re-run day that moves sales from
  one product to another (a re-coded extraction: the second attack of session 7 moved
  a competitor's 140 rows into the partner's segment with every sum and count kept)
  moves it;
* ``cleaned_products`` snapshots of the month: rows, newest snapshot day, and an MD5 of
  the *latest catalogue* the products read (each product's code, brand, manufacturer
  and segment, ordered by code): a product re-filed in another segment or company
  moves it even when nothing else does (a count or per-segment sums would miss a swap
  of two products). A catalogue row's ``updated_at`` is left out: a routine price or
  name update re-extracted with a day moves nothing the report reads, and it held a
  normal month's report and delivery (the same attack).

Sums are of integers only (a FLOAT sum depends on the engine's order and would make
an unchanged month look changed). The bytes are canonical JSON. No Dagster import.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping

import pandas as pd

from ouchhungry_dp.errors import DataQualityError
from ouchhungry_dp.products.engine.query import EngineQuery, date_range_params
from ouchhungry_dp.products.engine.statements import (
    _CATALOGUE as LATEST_CATALOGUE,  # the exact catalogue the products and the report read
)
from ouchhungry_dp.products.engine.statements import PRODUCTS, TRANSACTIONS
from ouchhungry_dp.quality.checks import CheckOutcome

INPUTS_VERSION = 1
Fingerprint = dict[str, dict[str, int | str | None]]
Runner = Callable[[EngineQuery], pd.DataFrame]

# table -> {fingerprint field: the statement's column}
FIELDS: dict[str, dict[str, str]] = {
    TRANSACTIONS: {"rows": "tx_rows", "units": "tx_units", "cents": "tx_cents",
                   "updated_sum": "tx_updated_sum", "updated_max": "tx_updated_max",
                   "products_md5": "tx_products_md5"},
    PRODUCTS: {"rows": "pr_rows", "snapshot_max": "pr_snapshot_max",
               "catalogue_md5": "pr_catalogue_md5"},
}

_SECONDS = "DATETIME_DIFF(updated_at, DATETIME '1970-01-01 00:00:00', SECOND)"
# Unit and record separators between a product's fields, a NULL as its own mark: no
# two different catalogues give the same text (cleaned names carry no control chars).
_PRODUCT_TEXT = ("CONCAT(product_code, CHR(31), IFNULL(brand, CHR(30)), CHR(31), "
                 "IFNULL(manufacturer, CHR(30)), CHR(31), IFNULL(segment, CHR(30)))")

# A product's rows, units and cents (a missing sum as -1, a missing code as its own mark).
_PER_PRODUCT_TEXT = ("CONCAT(IFNULL(product_code, CHR(30)), CHR(31), CAST(n AS STRING), CHR(31), "
                     "CAST(IFNULL(q, -1) AS STRING), CHR(31), CAST(IFNULL(c, -1) AS STRING))")


def inputs_file(partner_id: str, month: str) -> str:
    """Path in the outbound store beside the insights figures (never a delivery path)."""
    return f"_published/{partner_id}/monthly_inputs_{month}.json"


def month_inputs(first: dt.date, last: dt.date) -> EngineQuery:
    """One row: the fingerprint's columns of the days ``first..last``. The month's
    transaction totals are summed from the per-product sums: one scan of the month's
    items (BigQuery would bill a second reference to the table again)."""
    sql = f"""
WITH {LATEST_CATALOGUE},
by_product AS (
  SELECT product_code, COUNT(*) AS n, SUM(quantity) AS q,
         SUM(CAST(ROUND(total_amount * 100) AS INT64)) AS c,
         SUM({_SECONDS}) AS u_sum, MAX({_SECONDS}) AS u_max
  FROM cleaned_transactions
  WHERE sale_date >= @start AND sale_date < @end
  GROUP BY product_code
),
tx AS (
  SELECT IFNULL(SUM(n), 0) AS tx_rows, CAST(SUM(q) AS INT64) AS tx_units,
         CAST(SUM(c) AS INT64) AS tx_cents, CAST(SUM(u_sum) AS INT64) AS tx_updated_sum,
         CAST(MAX(u_max) AS INT64) AS tx_updated_max,
         TO_HEX(MD5(STRING_AGG({_PER_PRODUCT_TEXT}, CHR(10) ORDER BY product_code)))
           AS tx_products_md5
  FROM by_product
),
pr AS (
  SELECT COUNT(*) AS pr_rows,
         DATE_DIFF(CAST(MAX(snapshot_date) AS DATE), DATE '1970-01-01', DAY)
           AS pr_snapshot_max
  FROM cleaned_products
  WHERE snapshot_date >= @start AND snapshot_date < @end
),
cat AS (
  SELECT TO_HEX(MD5(STRING_AGG({_PRODUCT_TEXT}, CHR(10) ORDER BY product_code)))
           AS pr_catalogue_md5
  FROM catalogue
)
SELECT * FROM tx CROSS JOIN pr CROSS JOIN cat
"""
    return EngineQuery("month_inputs", sql, (TRANSACTIONS, PRODUCTS),
                       date_range_params(first, last))


def _value(value: object) -> int | str | None:
    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return None
    if isinstance(value, str):
        return value
    return int(value)  # type: ignore[call-overload]


def fingerprint_from_rows(rows: pd.DataFrame) -> Fingerprint:
    """The statement's row as ``table -> field -> value``; an empty result (a table
    not created yet) gives every field ``None``."""
    row = rows.iloc[0].to_dict() if len(rows) else {}
    return {table: {name: _value(row.get(column)) for name, column in fields.items()}
            for table, fields in FIELDS.items()}


def fingerprint_in_engine(run: Runner, first: dt.date, last: dt.date) -> Fingerprint:
    return fingerprint_from_rows(run(month_inputs(first, last)))


def fingerprint_bytes(partner_id: str, month: str, fingerprint: Fingerprint) -> bytes:
    """Canonical bytes: an unchanged month gives the same sha256 on every re-run."""
    body = {"version": INPUTS_VERSION, "partner": partner_id, "month": month,
            "tables": fingerprint}
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8")


def parse_fingerprint(data: bytes, partner_id: str, month: str) -> Fingerprint:
    """The tables of a released fingerprint; refuses one of another partner or month."""
    body = json.loads(data.decode("utf-8"))
    if body.get("version") != INPUTS_VERSION or body.get("partner") != partner_id \
            or body.get("month") != month or not isinstance(body.get("tables"), dict):
        raise DataQualityError(
            f"the month's inputs fingerprint does not name {partner_id} {month}",
            partner=partner_id, partition=month,
            hint="The file under _published/ was moved or edited; restore it from backup.")
    return {str(t): dict(f) for t, f in body["tables"].items()}


def changed_tables(released: Mapping[str, Mapping[str, object]],
                   current: Mapping[str, Mapping[str, object]]) -> list[str]:
    """The tables whose fingerprint differs (a table in only one side differs)."""
    return sorted(t for t in set(released) | set(current)
                  if released.get(t) != current.get(t))


def same_inputs_outcome(released: Fingerprint, current: Fingerprint,
                        month: str) -> CheckOutcome:
    """Whether the report reads the month's data the monthly file was built on. The
    description names tables only, never a value."""
    changed = changed_tables(released, current)
    if not changed:
        return CheckOutcome(True, f"the {month} data is the one its released monthly file "
                            "was built on", {"changed_tables": []})
    return CheckOutcome(
        False, f"the {month} data changed since its monthly file was released "
        f"({', '.join(changed)}): a report built now would reveal the change as a "
        "difference with the monthly file; held", {"changed_tables": changed})
