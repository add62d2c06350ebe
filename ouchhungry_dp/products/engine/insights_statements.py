"""The insights report's aggregates: one statement (BigQuery dialect; ``query.py``
renders it) whose rows are tagged by ``part``.

BigQuery bills a statement for the columns it reads of each table once, however
many of its CTEs read them: the five aggregates below used to be five statements,
each billed for the month's eight item columns (5 × 2.4 GiB at 1M items a day);
as parts of one they are billed once. ``split_parts`` gives each part back with
its own columns. What ``insights_metrics.compute_metrics`` reads from the month's
rows, summed in the warehouse so that only aggregate rows come back (bounded by
the partner's brands, products and the country's cities, not by the month's order
items):

* ``insights_brands``: per partner brand, ``brand_months``' units, cents and
  distinct customers, its segment, and ``repeat_and_cross_sell``'s repeat counts
  (customers with at least two distinct orders of the brand);
* ``insights_two_brands``: the partner's customers and those who bought two or
  more of its brands;
* ``insights_pairs``: every pair of different partner products bought in the same
  order, with its distinct orders and **distinct customers** (the contract's
  minimum per pair is applied in Python, on these counts, as on the rows);
* ``insights_city_customers``: per city, the penetration's denominator (distinct
  customers of every brand) and what its competitor rules count
  (``penetration.city_customers``);
* ``segment_market``: the segment totals, competitor counts and dominance of the
  national share (``statements.SEGMENT_MARKET``, the monthly file's market sums).
Customer and order ids are required by the cleaning, so no NULL key is joined.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

from ouchhungry_dp.partners.contract import PartnerContract
from ouchhungry_dp.products.engine.query import EngineQuery, date_range_params
from ouchhungry_dp.products.engine.statements import (
    ITEMS,
    PARTNER_ROWS,
    PRODUCTS,
    SEGMENT_MARKET,
    TRANSACTIONS,
    partner_params,
    strings,
)

# Each part's CTEs (names unique across parts) and the CTE holding its rows.
_BRANDS = f"""
own AS (SELECT * FROM items WHERE {PARTNER_ROWS}),
brand_customers AS (
  SELECT brand, customer_id, COUNT(DISTINCT order_id) AS orders
  FROM own GROUP BY brand, customer_id
),
brand_repeated AS (
  SELECT brand, COUNT(*) AS customers, COUNTIF(orders >= 2) AS repeaters
  FROM brand_customers GROUP BY brand
),
brand_totals AS (
  SELECT brand, SUM(quantity) AS units, SUM(amount_cents) AS cents,
         MIN(segment) AS segment, COUNT(DISTINCT segment) AS segments,
         COUNTIF(segment IS NULL) AS unsegmented
  FROM own GROUP BY brand
),
insights_brands AS (
  SELECT t.brand, t.segment, t.segments, t.unsegmented, t.units, t.cents,
         r.customers, r.repeaters
  FROM brand_totals AS t JOIN brand_repeated AS r ON r.brand = t.brand
)"""

_TWO_BRANDS = """
two_customers AS (
  SELECT customer_id, COUNT(DISTINCT brand) AS brands FROM own GROUP BY customer_id
),
-- COALESCE: DuckDB's COUNTIF over no rows is NULL (BigQuery's is 0).
insights_two_brands AS (
  SELECT COUNT(*) AS customers, COALESCE(COUNTIF(brands >= 2), 0) AS two_brands
  FROM two_customers
)"""

_PAIRS = """
pair_lines AS (SELECT DISTINCT order_id, customer_id, product_code FROM own),
insights_pairs AS (
  SELECT a.product_code AS product_code_a, b.product_code AS product_code_b,
         COUNT(DISTINCT a.order_id) AS orders, COUNT(DISTINCT a.customer_id) AS customers
  FROM pair_lines AS a
  JOIN pair_lines AS b
    ON b.order_id = a.order_id AND b.customer_id = a.customer_id
   AND a.product_code < b.product_code
  GROUP BY a.product_code, b.product_code
)"""

_CITY_CUSTOMERS = """
located AS (
  SELECT state, city, customer_id, manufacturer,
         CASE WHEN manufacturer IN UNNEST(@own_manufacturers) THEN 1 ELSE 0 END AS own
  FROM items
  WHERE state IS NOT NULL AND city IS NOT NULL AND customer_id IS NOT NULL
),
city_people AS (
  SELECT state, city, customer_id, MAX(own) AS partner
  FROM located GROUP BY state, city, customer_id
),
per_company AS (
  SELECT l.state, l.city, l.manufacturer, COUNT(DISTINCT l.customer_id) AS customers
  FROM located AS l
  JOIN city_people AS c
    ON c.state = l.state AND c.city = l.city AND c.customer_id = l.customer_id
  WHERE c.partner = 0 AND l.manufacturer IS NOT NULL
  GROUP BY l.state, l.city, l.manufacturer
),
cities AS (
  SELECT state, city, COUNT(*) AS active_customers,
         SUM(1 - partner) AS outside_customers
  FROM city_people GROUP BY state, city
),
insights_city_customers AS (
  SELECT t.state, t.city, t.active_customers, t.outside_customers, k.manufacturer,
         k.customers
  FROM cities AS t
  LEFT JOIN per_company AS k ON k.state = t.state AND k.city = t.city
)"""

_MARKET = f"segment_market AS ({SEGMENT_MARKET})"

# part -> its columns (what the five statements returned).
PARTS: dict[str, tuple[str, ...]] = {
    "insights_brands": ("brand", "segment", "segments", "unsegmented", "units", "cents",
                        "customers", "repeaters"),
    "insights_two_brands": ("customers", "two_brands"),
    "insights_pairs": ("product_code_a", "product_code_b", "orders", "customers"),
    "insights_city_customers": ("state", "city", "active_customers", "outside_customers",
                                "manufacturer", "customers"),
    "segment_market": ("segment", "state", "city", "manufacturer", "brand", "amount_cents",
                       "quantity"),
}
_TEXT = {"brand", "segment", "product_code_a", "product_code_b", "state", "city",
         "manufacturer"}
_COLUMNS = tuple(dict.fromkeys(c for columns in PARTS.values() for c in columns))


def _part_select(part: str) -> str:
    own = PARTS[part]
    columns = ", ".join(
        c if c in own else f"CAST(NULL AS {'STRING' if c in _TEXT else 'INT64'}) AS {c}"
        for c in _COLUMNS)
    return f"SELECT '{part}' AS part, {columns} FROM {part}"


def insights_month(contract: PartnerContract, own_manufacturers: Sequence[str],
                   first: dt.date, last: dt.date) -> EngineQuery:
    """Every aggregate of the insights over ``first..last`` in one statement (``PARTS``).
    ``own_manufacturers``: the partner's company as the catalogue spells it
    (``monthly.own_spellings``); ``penetration.fold_companies`` counts the companies."""
    ctes = ",".join((_BRANDS, _TWO_BRANDS, _PAIRS, _CITY_CUSTOMERS, _MARKET))
    union = "\nUNION ALL\n".join(_part_select(part) for part in PARTS)
    sql = f"WITH {ITEMS},{ctes}\n{union}\n"
    return EngineQuery("insights_month", sql, (TRANSACTIONS, PRODUCTS),
                       (*date_range_params(first, last), *partner_params(contract),
                        ("own_manufacturers", "STRING", strings(own_manufacturers))))


def split_parts(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Each part's rows with its own columns, typed as its own statement returned them
    (a count without NULLs as int64: the union made other parts' NULLs its own). A frame
    without columns (a table missing) gives frames without columns."""
    if not len(frame.columns):
        return {part: pd.DataFrame() for part in PARTS}
    out = {}
    for part, columns in PARTS.items():
        rows = frame.loc[(frame["part"] == part).to_numpy(), list(columns)]
        rows = rows.reset_index(drop=True)
        for column in columns:
            if column not in _TEXT and not rows[column].isna().any():
                rows[column] = rows[column].astype("Int64").astype("int64")
        out[part] = rows
    return out
