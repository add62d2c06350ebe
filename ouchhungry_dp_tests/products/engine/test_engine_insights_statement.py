"""The insights statement's union and parameters as BigQuery receives them.

Built inside each test (a module constant is built once at import). DuckDB casts a
NULL of one type to another across a ``UNION ALL``; BigQuery refuses a column that
is STRING in one part and INT64 in another, and binds ``@own_manufacturers`` only
to a parameter of that name. The emulator is not run here, so both are checked on
the statement itself.
"""

from __future__ import annotations

import datetime as dt
import re

import duckdb

from ouchhungry_dp.partners.contract import get_contract
from ouchhungry_dp.products.engine import insights_statements
from ouchhungry_dp.products.engine.query import EngineQuery

from ..conftest import customers_buying, products_frame, rows_frame
from .conftest import SCHEMA, Warehouse
from .test_engine_equals_pandas import HNG, NOV, snapshot

CONTRACT = get_contract("ouchhungry")
_PAD = re.compile(r"CAST\(NULL AS (\w+)\) AS (\w+)")
# DuckDB's name of each type a part's own column comes back as -> BigQuery's.
_BIGQUERY_TYPE = {"VARCHAR": "STRING", "BIGINT": "INT64", "HUGEINT": "INT64",
                  "INTEGER": "INT64"}


def _statement() -> EngineQuery:
    return insights_statements.insights_month(CONTRACT, ["OuchHungry"], *NOV)


def test_each_part_pads_the_other_parts_columns_with_their_own_type(
        warehouse: Warehouse) -> None:
    """Each part read alone (its own CTE, in DuckDB, on a one-sale month) gives the
    type of each of its columns; every NULL standing for that column in another part
    is cast to that type."""
    warehouse.put("cleaned_transactions", rows_frame(
        customers_buying("2026-11-03", "SP", "SAO PAULO", HNG, 1)))
    warehouse.put("cleaned_products", snapshot(products_frame(), NOV[0]))
    query = _statement()
    prefix = query.sql[:query.sql.index("SELECT 'insights_brands' AS part")]
    owned: dict[str, str] = {}
    with duckdb.connect(str(warehouse.path)) as conn:
        for part, columns in insights_statements.PARTS.items():
            alone = EngineQuery(part, f"{prefix}SELECT * FROM {part}", query.tables,
                                query.params)
            result = conn.execute(alone.for_duckdb(SCHEMA), alone.duckdb_params())
            for name, duck_type, *_ in result.description:
                assert name in columns
                owned.setdefault(name, _BIGQUERY_TYPE[str(duck_type)])
    pads = _PAD.findall(query.for_bigquery("p", "d"))
    assert len(pads) > 20 and {column for _, column in pads} == set(owned)
    assert [(column, cast) for cast, column in pads if cast != owned[column]] == []
    assert any(cast == "STRING" for cast, _ in pads)


def test_the_parameters_are_those_the_text_names() -> None:
    query = _statement()
    named = set(re.findall(r"@(\w+)", query.for_bigquery("p", "d")))
    assert {name for name, _, _ in query.all_params()} == named
    assert query.all_params() == (
        ("start", "DATE", NOV[0]), ("end", "DATE", NOV[1] + dt.timedelta(days=1)),
        ("brands", "STRING", ["Hungry", "Ouch"]), ("manufacturer", "STRING", "OuchHungry"),
        ("own_manufacturers", "STRING", ["OuchHungry"]))
