"""The products' aggregate statements (BigQuery dialect; ``query.py`` renders them).

Each mirrors a pandas reference and says which; the tests hold them frame-equal:

* ``decision_basis``: ``cells.decide_locations``' customer sets, as counts of
  customers per *signature* (the set of cities a customer bought in within a
  state; the set of states in the country). Every union the decision takes is a
  sum of those counts (``basis.py``), so no customer id leaves the warehouse.
* ``monthly_cells``: ``monthly.aggregate_cells`` after ``cells.assign_locations``.
* ``segment_market``: the month's market (every brand) summed per segment,
  location, manufacturer and brand: what ``segment_share`` sums, counts and ranks.
* ``catalogue_makers``: ``selection.partner_brand_names`` and the partner's own
  spellings for the penetration.
* ``daily_reconciliation``: ``guardrails.reconcile_monthly_with_daily``'s mapping of
  the daily files' rows to the monthly cells, summed per cell.

``selection.market_items`` in SQL (``ITEMS``): the newest catalogue row of each
product over the range, joined to the range's transactions, money in cents.
The range filters name the partition columns only, so BigQuery prunes to the
range's partitions.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ouchhungry_dp.partners.contract import PartnerContract
from ouchhungry_dp.products.engine.query import (
    EngineQuery,
    RowsParam,
    date_range_params,
    strings,
)

TRANSACTIONS, PRODUCTS = "cleaned_transactions", "cleaned_products"
# Members of a signature are joined with it; ``basis.py`` checks that no city name
# holds it (IBGE names never do; the cleaning's city check joins with it too).
SIGNATURE_SEPARATOR = "|"


def _cents(column: str) -> str:
    """``round(column * 100)`` half to even, as pandas rounds (SQL's ROUND goes half away
    from zero): an amount of x.xx5 that is exact in binary (0.125) gives the same cent."""
    x = f"{column} * 100"
    return (f"CAST(CASE WHEN ABS({x} - TRUNC({x})) = 0.5 THEN 2 * ROUND({x} / 2) "
            f"ELSE ROUND({x}) END AS INT64)")


# latest_catalogue: the newest snapshot, then the newest update; a missing update wins
# (pandas sorts it last and keeps the last).
_CATALOGUE = """
catalogue AS (
  SELECT product_code, brand, manufacturer, segment
  FROM (
    SELECT product_code, brand, manufacturer, segment,
           ROW_NUMBER() OVER (PARTITION BY product_code
                              ORDER BY snapshot_date DESC, updated_at DESC NULLS FIRST) AS newest
    FROM cleaned_products
    WHERE snapshot_date >= @start AND snapshot_date < @end
  )
  WHERE newest = 1
)"""

ITEMS = _CATALOGUE + f""",
items AS (
  SELECT t.order_id, t.customer_id, t.product_code,
         UPPER(TRIM(t.state)) AS state, TRIM(t.city) AS city,
         t.quantity, {_cents("t.total_amount")} AS amount_cents,
         c.brand, c.manufacturer, c.segment
  FROM cleaned_transactions AS t
  JOIN catalogue AS c ON c.product_code = t.product_code
  WHERE t.sale_date >= @start AND t.sale_date < @end
)"""

PARTNER_ROWS = "brand IN UNNEST(@brands) AND manufacturer = @manufacturer"


def partner_params(contract: PartnerContract) -> tuple[tuple[str, str, object], ...]:
    return (("brands", "STRING", strings(contract.partner.brand_names)),
            ("manufacturer", "STRING", contract.partner.manufacturer))


def decision_basis(contract: PartnerContract, first: dt.date, last: dt.date) -> EngineQuery:
    """Customers per signature of the partner's sales over ``first..last``: rows
    (scope ``state``: state, cities) and (scope ``country``: NULL, states)."""
    sql = f"""
WITH {ITEMS},
located AS (
  SELECT DISTINCT state, city, customer_id FROM items
  WHERE {PARTNER_ROWS} AND state IS NOT NULL AND city IS NOT NULL AND customer_id IS NOT NULL
),
in_state AS (
  SELECT state, customer_id, STRING_AGG(city, '{SIGNATURE_SEPARATOR}' ORDER BY city) AS members
  FROM located GROUP BY state, customer_id
),
in_country AS (
  SELECT customer_id, STRING_AGG(DISTINCT state, '{SIGNATURE_SEPARATOR}' ORDER BY state)
         AS members
  FROM located GROUP BY customer_id
)
SELECT 'state' AS scope, state, members, COUNT(*) AS customers
FROM in_state GROUP BY state, members
UNION ALL
SELECT 'country' AS scope, CAST(NULL AS STRING) AS state, members, COUNT(*) AS customers
FROM in_country GROUP BY members
"""
    return EngineQuery("decision_basis", sql, (TRANSACTIONS, PRODUCTS),
                       (*date_range_params(first, last), *partner_params(contract)))


def _decision_table(decision: pd.DataFrame) -> RowsParam:
    rows = decision.loc[:, ["state", "city", "level"]].astype(str).itertuples(index=False)
    return RowsParam("decision", ("state", "city", "level"),
                        tuple(tuple(r) for r in rows))


def monthly_cells(contract: PartnerContract, first: dt.date, last: dt.date,
                  decision: pd.DataFrame) -> EngineQuery:
    """The partner's cells of the month at the decision's levels (``assign_locations``:
    a location the decision lacks goes to its state if the state is named, else to
    the country), with units, cents and distinct customers and orders. Rows without
    a segment are left out, as pandas' groupby drops a missing key."""
    sql = f"""
WITH {ITEMS},
named AS (SELECT DISTINCT state FROM decision WHERE level <> 'country'),
partner_items AS (SELECT * FROM items WHERE {PARTNER_ROWS}),
partner AS (
  SELECT i.*,
         COALESCE(d.level, IF(n.state IS NOT NULL, 'state', 'country')) AS location_level
  FROM partner_items AS i
  LEFT JOIN decision AS d ON d.state = i.state AND d.city = i.city
  LEFT JOIN named AS n ON n.state = i.state
),
placed AS (
  SELECT IF(location_level = 'country', '*', state) AS pub_state,
         IF(location_level = 'city', city, '*') AS pub_city,
         location_level, brand, segment, quantity, amount_cents, customer_id, order_id
  FROM partner
  WHERE segment IS NOT NULL
)
SELECT pub_state, pub_city, location_level, brand, segment,
       SUM(quantity) AS units_sold, SUM(amount_cents) AS revenue_cents,
       COUNT(DISTINCT customer_id) AS customers_reached, COUNT(DISTINCT order_id) AS orders
FROM placed
GROUP BY pub_state, pub_city, location_level, brand, segment
"""
    return EngineQuery("monthly_cells", sql, (TRANSACTIONS, PRODUCTS),
                       (*date_range_params(first, last), *partner_params(contract)),
                       (_decision_table(decision),))


# Every brand's sales per segment and location, from ``items`` (also a part of the
# insights' one statement).
SEGMENT_MARKET = """
SELECT segment, state, city, manufacturer, brand,
       SUM(amount_cents) AS amount_cents, SUM(quantity) AS quantity
FROM items
WHERE segment IS NOT NULL
GROUP BY segment, state, city, manufacturer, brand
"""


def segment_market(first: dt.date, last: dt.date) -> EngineQuery:
    """Every brand's sales of the month per segment, state, city, manufacturer, brand."""
    sql = f"WITH {ITEMS}\n{SEGMENT_MARKET}"
    return EngineQuery("segment_market", sql, (TRANSACTIONS, PRODUCTS),
                       date_range_params(first, last))


def catalogue_makers(first: dt.date, last: dt.date) -> EngineQuery:
    """Each (brand, manufacturer) of the range's newest catalogue: a few hundred rows,
    from which ``companies.same_company`` picks the partner's company under any
    spelling (a key the two SQL dialects cannot share)."""
    sql = f"""
WITH {_CATALOGUE}
SELECT DISTINCT brand, manufacturer FROM catalogue
WHERE brand IS NOT NULL AND manufacturer IS NOT NULL
"""
    return EngineQuery("catalogue_makers", sql, (PRODUCTS,), date_range_params(first, last))


def _cells_table(monthly: pd.DataFrame) -> RowsParam:
    columns = ("state", "city", "brand", "location_level")
    rows = monthly.loc[:, list(columns)].astype(str).drop_duplicates()
    return RowsParam("monthly_cells", columns,
                        tuple(tuple(r) for r in rows.itertuples(index=False)))


def daily_reconciliation(daily_table: str, first: dt.date, last: dt.date,
                         monthly: pd.DataFrame) -> EngineQuery:
    """The daily files' rows of the month summed per monthly cell they belong to
    (``target``: city, state, country; NULL = the brand has no row in the file)."""
    sql = f"""
WITH daily_rows AS (
  SELECT state, city, brand, customer_id, order_id, quantity,
         {_cents("total_amount")} AS cents
  FROM {daily_table}
  WHERE sale_date >= @start AND sale_date < @end
),
city_cells AS (SELECT DISTINCT state, city, brand FROM monthly_cells
               WHERE location_level = 'city'),
state_cells AS (SELECT DISTINCT state, brand FROM monthly_cells WHERE location_level = 'state'),
country_brands AS (SELECT DISTINCT brand FROM monthly_cells WHERE location_level = 'country'),
mapped AS (
  SELECT r.*,
         CASE WHEN cc.brand IS NOT NULL THEN 'city'
              WHEN sc.brand IS NOT NULL THEN 'state'
              WHEN cb.brand IS NOT NULL THEN 'country' END AS target
  FROM daily_rows AS r
  LEFT JOIN city_cells AS cc ON cc.state = r.state AND cc.city = r.city AND cc.brand = r.brand
  LEFT JOIN state_cells AS sc ON sc.state = r.state AND sc.brand = r.brand
  LEFT JOIN country_brands AS cb ON cb.brand = r.brand
)
SELECT target,
       CASE WHEN target IN ('city', 'state') THEN state WHEN target = 'country' THEN '*' END
         AS state,
       CASE WHEN target = 'city' THEN city WHEN target IS NOT NULL THEN '*' END AS city,
       brand, COUNT(*) AS daily_rows, SUM(quantity) AS units, SUM(cents) AS cents,
       COUNT(DISTINCT customer_id) AS customers, COUNT(DISTINCT order_id) AS orders
FROM mapped
GROUP BY 1, 2, 3, 4
"""
    return EngineQuery("daily_reconciliation", sql, (daily_table,),
                       date_range_params(first, last), (_cells_table(monthly),))



def month_customer_identifiers(first: dt.date, last: dt.date) -> EngineQuery:
    """Each customer's id, name and e-mail once over the range (the PII scan's known
    identifiers): a customer is in every daily snapshot it bought in, so the month's
    snapshots repeat it up to once a day."""
    sql = """
SELECT DISTINCT customer_id, full_name, email FROM cleaned_customers
WHERE snapshot_date >= @start AND snapshot_date < @end
"""
    return EngineQuery("customer_identifiers", sql, ("cleaned_customers",),
                       date_range_params(first, last))
