"""The insights report's aggregate statements (BigQuery dialect; ``query.py`` renders them).

What ``insights_metrics.compute_metrics`` reads from the month's rows, summed in
the warehouse so that only aggregate rows come back (bounded by the partner's
brands, products and the country's cities, not by the month's order items):

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
  (``penetration.city_customers``).

The segment totals, competitor counts and dominance of the national share come
from ``statements.segment_market`` (the monthly file's market sums).
Customer and order ids are required by the cleaning, so no NULL key is joined.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ouchhungry_dp.partners.contract import PartnerContract
from ouchhungry_dp.products.engine.query import EngineQuery, date_range_params
from ouchhungry_dp.products.engine.statements import (
    ITEMS,
    PARTNER_ROWS,
    PRODUCTS,
    TRANSACTIONS,
    partner_params,
    strings,
)


def _partner_query(purpose: str, sql: str, contract: PartnerContract, first: dt.date,
                   last: dt.date) -> EngineQuery:
    return EngineQuery(purpose, sql, (TRANSACTIONS, PRODUCTS),
                       (*date_range_params(first, last), *partner_params(contract)))


def insights_brands(contract: PartnerContract, first: dt.date, last: dt.date) -> EngineQuery:
    """Per partner brand sold in the range: units, cents, customers, repeat customers and
    its segment (``segments``/``unsegmented`` say whether the segment is unambiguous)."""
    sql = f"""
WITH {ITEMS},
own AS (SELECT * FROM items WHERE {PARTNER_ROWS}),
per_customer AS (
  SELECT brand, customer_id, COUNT(DISTINCT order_id) AS orders
  FROM own GROUP BY brand, customer_id
),
repeated AS (
  SELECT brand, COUNT(*) AS customers, COUNTIF(orders >= 2) AS repeaters
  FROM per_customer GROUP BY brand
),
totals AS (
  SELECT brand, SUM(quantity) AS units, SUM(amount_cents) AS cents,
         MIN(segment) AS segment, COUNT(DISTINCT segment) AS segments,
         COUNTIF(segment IS NULL) AS unsegmented
  FROM own GROUP BY brand
)
SELECT t.brand, t.segment, t.segments, t.unsegmented, t.units, t.cents,
       r.customers, r.repeaters
FROM totals AS t JOIN repeated AS r ON r.brand = t.brand
"""
    return _partner_query("insights_brands", sql, contract, first, last)


def insights_two_brands(contract: PartnerContract, first: dt.date,
                        last: dt.date) -> EngineQuery:
    """One row: the partner's customers, and those who bought at least two of its brands."""
    sql = f"""
WITH {ITEMS},
per_customer AS (
  SELECT customer_id, COUNT(DISTINCT brand) AS brands
  FROM items WHERE {PARTNER_ROWS} GROUP BY customer_id
)
-- COALESCE: DuckDB's COUNTIF over no rows is NULL (BigQuery's is 0).
SELECT COUNT(*) AS customers, COALESCE(COUNTIF(brands >= 2), 0) AS two_brands
FROM per_customer
"""
    return _partner_query("insights_two_brands", sql, contract, first, last)


def insights_pairs(contract: PartnerContract, first: dt.date, last: dt.date) -> EngineQuery:
    """Pairs (a < b) of the partner's products in one order: distinct orders, customers."""
    sql = f"""
WITH {ITEMS},
lines AS (
  SELECT DISTINCT order_id, customer_id, product_code FROM items WHERE {PARTNER_ROWS}
)
SELECT a.product_code AS product_code_a, b.product_code AS product_code_b,
       COUNT(DISTINCT a.order_id) AS orders, COUNT(DISTINCT a.customer_id) AS customers
FROM lines AS a
JOIN lines AS b
  ON b.order_id = a.order_id AND b.customer_id = a.customer_id
 AND a.product_code < b.product_code
GROUP BY a.product_code, b.product_code
"""
    return _partner_query("insights_pairs", sql, contract, first, last)


def insights_city_customers(own_manufacturers: Sequence[str], first: dt.date,
                            last: dt.date) -> EngineQuery:
    """``penetration.COMPANY_ROWS`` of the range: per (state, city) its distinct
    customers, those without an item of the partner's company (any brand) there, and
    per other manufacturer spelling its distinct customers among the latter (one NULL
    row where there are none). ``own_manufacturers``: the partner's company as the
    catalogue spells it (``monthly.own_spellings``). ``penetration.fold_companies``
    counts the companies."""
    sql = f"""
WITH {ITEMS},
located AS (
  SELECT state, city, customer_id, manufacturer,
         CASE WHEN manufacturer IN UNNEST(@own_manufacturers) THEN 1 ELSE 0 END AS own
  FROM items
  WHERE state IS NOT NULL AND city IS NOT NULL AND customer_id IS NOT NULL
),
customers AS (
  SELECT state, city, customer_id, MAX(own) AS partner
  FROM located GROUP BY state, city, customer_id
),
per_company AS (
  SELECT l.state, l.city, l.manufacturer, COUNT(DISTINCT l.customer_id) AS customers
  FROM located AS l
  JOIN customers AS c
    ON c.state = l.state AND c.city = l.city AND c.customer_id = l.customer_id
  WHERE c.partner = 0 AND l.manufacturer IS NOT NULL
  GROUP BY l.state, l.city, l.manufacturer
),
cities AS (
  SELECT state, city, COUNT(*) AS active_customers,
         SUM(1 - partner) AS outside_customers
  FROM customers GROUP BY state, city
)
SELECT t.state, t.city, t.active_customers, t.outside_customers, k.manufacturer,
       k.customers
FROM cities AS t
LEFT JOIN per_company AS k ON k.state = t.state AND k.city = t.city
"""
    return EngineQuery("insights_city_customers", sql, (TRANSACTIONS, PRODUCTS),
                       (*date_range_params(first, last),
                        ("own_manufacturers", "STRING", strings(own_manufacturers))))
