"""One statement, two engines: a BigQuery-dialect query rendered for DuckDB or BigQuery.

Why sqlglot: the platform already translates its cost SQL with it, the queries
here are plain GROUP BYs that its BigQuery -> DuckDB translation covers, and the
BigQuery emulator of the prod tests runs on the same translation. The statements
stay readable SQL that an analyst can paste into the BigQuery console.

Tables are written unqualified and qualified at render time (``marts.x`` in
DuckDB, ``project.dataset.x`` in BigQuery). Small tables the caller holds (the
month's decision, the monthly cells) travel as one query parameter each, an
``ARRAY<STRUCT<...>>`` read with ``UNNEST(@name)`` (a list of structs in DuckDB):
the statement's text stays the same size however many locations the month has
(BigQuery refuses a query text over 1,024 KB, and a decision with every
municipality inlined as literals came close), and no value is ever spliced in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlglot
from sqlglot import exp

SOURCE_DIALECT = "bigquery"
Param = tuple[str, str, Any]  # (name, BigQuery type, value): a value or a list of values


@dataclass(frozen=True)
class RowsParam:
    """Rows the caller holds, read where the statement names ``name``; they reach the
    engine as the parameter ``@<name>_rows`` (``ARRAY<STRUCT<column STRING, ...>>``)."""

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str | None, ...], ...]

    @property
    def param_name(self) -> str:
        return f"{self.name}_rows"

    def param(self) -> Param:
        """The BigQuery type is spelled in full so an empty list keeps its fields."""
        fields = ", ".join(f"{c} STRING" for c in self.columns)
        return (self.param_name, f"STRUCT<{fields}>",
                [dict(zip(self.columns, row, strict=True)) for row in self.rows])

    def select(self) -> exp.Expression:
        # The casts type the columns when the list is empty (DuckDB infers NULL[]);
        # in BigQuery they are no-ops on STRING fields.
        columns = ", ".join(f"CAST(r.{c} AS STRING) AS {c}" for c in self.columns)
        return sqlglot.parse_one(f"SELECT {columns} FROM UNNEST(@{self.param_name}) AS r",
                                 read=SOURCE_DIALECT)


@dataclass(frozen=True)
class EngineQuery:
    """An aggregate statement over warehouse ``tables`` with named ``params``."""

    purpose: str  # job label in BigQuery, what the query is for in errors
    sql: str  # BigQuery dialect, tables unqualified, parameters as @name
    tables: tuple[str, ...]
    params: tuple[Param, ...] = ()
    row_params: tuple[RowsParam, ...] = field(default=())

    def _tree(self, qualify: dict[str, tuple[str | None, str]]) -> exp.Expression:
        tree = sqlglot.parse_one(self.sql, read=SOURCE_DIALECT)
        for table in list(tree.find_all(exp.Table)):
            if table.db or table.name not in qualify:
                continue  # a CTE, the caller's rows or an already qualified name
            catalog, db = qualify[table.name]
            table.set("db", exp.to_identifier(db))
            if catalog:
                table.set("catalog", exp.to_identifier(catalog))
        if self.row_params:
            # First CTEs of the statement: the later ones may read them.
            ctes = [exp.CTE(this=t.select(), alias=exp.TableAlias(this=exp.to_identifier(t.name)))
                    for t in self.row_params]
            with_ = tree.args.get("with_")
            if with_ is None:
                tree.set("with_", exp.With(expressions=ctes))
            else:
                with_.set("expressions", [*ctes, *with_.expressions])
        return tree

    def for_duckdb(self, schema: str) -> str:
        """DuckDB text; parameters become ``$name`` (pass ``duckdb_params()``)."""
        tree = self._tree({t: (None, schema) for t in self.tables})
        return tree.sql(dialect="duckdb")

    def for_bigquery(self, project: str, dataset: str) -> str:
        tree = self._tree({t: (project, dataset) for t in self.tables})
        return tree.sql(dialect="bigquery")

    def all_params(self) -> tuple[Param, ...]:
        """The scalar and list parameters, then the caller's rows (BigQuery job config)."""
        return (*self.params, *(t.param() for t in self.row_params))

    def duckdb_params(self) -> dict[str, Any]:
        return {name: list(value) if isinstance(value, (list, tuple)) else value
                for name, _, value in self.all_params()}


def date_range_params(first: dt.date, last: dt.date) -> tuple[Param, ...]:
    """``@start`` (inclusive) and ``@end`` (exclusive) of the days ``first..last``.

    The filters compare the partition column itself with them, so BigQuery scans
    only those days' partitions."""
    return (("start", "DATE", first), ("end", "DATE", last + dt.timedelta(days=1)))


def strings(values: Sequence[str]) -> list[str]:
    """A deterministic list parameter (sorted, no duplicates)."""
    return sorted({str(v) for v in values})
