"""Prod IO manager: pandas frames to partitioned BigQuery tables (see ``bigquery_tables``).

Same contract as the local DuckDB IO manager: the table is the asset's name,
``partition_expr`` (output metadata) names the partition column, a partitioned
output replaces exactly its partitions, an input loads the partitions it maps
to, and ``columns`` in an input's metadata projects the load. A write of
``cleaned_customers`` merges its days into ``customer_identifiers`` in the same
transaction.
"""

from __future__ import annotations

from typing import Any

import dagster as dg
import pandas as pd

from ouchhungry_dp.errors import ConfigurationError
from ouchhungry_dp.lib.warehouse import customer_identifiers
from ouchhungry_dp.lib.warehouse.bigquery_clients import BigQueryClients
from ouchhungry_dp.lib.warehouse.bigquery_tables import Grain, WarehouseTables


def _grain(partitions_def: Any) -> Grain:
    return "MONTH" if isinstance(partitions_def, dg.MonthlyPartitionsDefinition) else "DAY"


def _window(context: dg.InputContext | dg.OutputContext) -> tuple[Any, Any]:
    window = context.asset_partitions_time_window  # in the partitions' time zone
    return window.start.date(), window.end.date()


class BigQueryPartitionIOManager(dg.ConfigurableIOManager):
    bigquery: BigQueryClients
    dataset: str

    def _tables(self) -> WarehouseTables:
        return WarehouseTables(self.bigquery, self.dataset)

    def handle_output(self, context: dg.OutputContext, obj: pd.DataFrame) -> None:
        table = context.asset_key.path[-1]
        column = (context.definition_metadata or {}).get("partition_expr")
        if context.has_asset_partitions:
            if not column:
                raise ConfigurationError(f"partitioned asset {table} has no partition_expr",
                                         hint="Add metadata={'partition_expr': <column>}.")
            start, end = _window(context)
            grain = _grain(context.asset_partitions_def)
            also: list[str] = []
            if table == customer_identifiers.SOURCE and len(obj):
                self._tables().ensure(table, obj, column, grain)  # the MERGE reads it
                also.append(customer_identifiers.merge_bigquery(
                    self.bigquery, self.dataset, start, end))
            rows = self._tables().replace(table, obj, column, start, end, grain, also)
        else:
            rows = self._tables().overwrite(table, obj)
        context.add_output_metadata({"bigquery_table": self._tables().ref(table),
                                     "rows_written": rows})

    def load_input(self, context: dg.InputContext) -> pd.DataFrame:
        table = context.asset_key.path[-1]
        columns = (context.definition_metadata or {}).get("columns")
        upstream = context.upstream_output
        column = (upstream.definition_metadata or {}).get("partition_expr") if upstream else None
        if context.has_asset_partitions:
            start, end = _window(context)
            frame = self._tables().read(table, column, start, end, columns)
        else:
            frame = self._tables().read(table, columns=columns)
        if frame is None:
            raise FileNotFoundError(
                f"BigQuery table {self._tables().ref(table)} does not exist: materialize "
                f"{table} first")
        return frame
