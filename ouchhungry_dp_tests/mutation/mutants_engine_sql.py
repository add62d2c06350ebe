"""Known mutants of the engine's SQL (``scripts/sql_mutation.py``; mutmut mutates no
string literal), each killed by a hand-counted test on tiny tables in milliseconds
(``products/engine/test_engine_sql_by_hand.py``); kept apart from ``mutants.py`` so that
areas measured in parallel merge cleanly."""

from __future__ import annotations

from ouchhungry_dp_tests.mutation.mutant_types import Mutant, _t

_BY_HAND = "ouchhungry_dp_tests/products/engine/test_engine_sql_by_hand.py"
_STATEMENTS = "ouchhungry_dp/products/engine/statements.py"
_INSIGHTS = "ouchhungry_dp/products/engine/insights_statements.py"

ENGINE_SQL = [
    Mutant(
        "engine SQL: the oldest update of a snapshot names the product",
        _STATEMENTS,
        "updated_at DESC NULLS FIRST",
        "updated_at ASC NULLS FIRST",
        _t(_BY_HAND, "test_the_newest_catalogue_row_of_the_range_names_each_product"),
    ),
    Mutant(
        "engine SQL: a catalogue row listed twice joins twice (RANK for ROW_NUMBER)",
        _STATEMENTS,
        "ROW_NUMBER() OVER (PARTITION BY product_code",
        "RANK() OVER (PARTITION BY product_code",
        _t(_BY_HAND, "test_the_newest_catalogue_row_of_the_range_names_each_product"),
    ),
    Mutant(
        "engine SQL: half cents round away from zero",
        _STATEMENTS,
        "= 0.5 THEN 2 * ROUND",
        "= 0.6 THEN 2 * ROUND",
        _t(_BY_HAND, "test_cents_round_half_to_even_in_duckdb"),
    ),
    Mutant(
        "engine SQL: a product the catalogue lacks is kept (LEFT JOIN)",
        _STATEMENTS,
        "  JOIN catalogue AS c ON c.product_code = t.product_code",
        "  LEFT JOIN catalogue AS c ON c.product_code = t.product_code",
        _t(_BY_HAND, "test_only_the_ranges_sales_of_catalogued_products_with_a_segment_count"),
    ),
    Mutant(
        "engine SQL: a sale without a city enters the decision's basis",
        _STATEMENTS,
        "AND state IS NOT NULL AND city IS NOT NULL AND customer_id IS NOT NULL",
        "AND state IS NOT NULL AND customer_id IS NOT NULL",
        _t(_BY_HAND, "test_a_sale_without_a_state_city_or_customer_is_in_no_basis"),
    ),
    Mutant(
        "engine SQL: a state whose only row is at the country level counts as named",
        _STATEMENTS,
        "named AS (SELECT DISTINCT state FROM decision WHERE level <> 'country'),",
        "named AS (SELECT DISTINCT state FROM decision),",
        _t(_BY_HAND, "test_the_monthly_cells_place_each_sale_at_its_decisions_level"),
    ),
    Mutant(
        "engine SQL: a brand in two segments takes the last one",
        _INSIGHTS,
        "MIN(segment) AS segment",
        "MAX(segment) AS segment",
        _t(_BY_HAND, "test_a_brand_in_two_segments_and_a_maker_without_a_name"),
    ),
]
