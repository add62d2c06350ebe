"""The daily extract: the day's order items, and only the customers and products they reference.

A full snapshot of the customer table every day would copy every customer's
personal data into the warehouse daily, and grow with the customer base instead
of with the day's orders. The source query in production does the same
restriction (``lib/resources/source_systems.py``); here the simulated tables are
restricted after the fact, defect labels included, so the data-quality
evaluation still knows the truth of every row it receives.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict

import numpy as np
import pandas as pd

from ouchhungry_dp.simulation.customers import simulate_customers
from ouchhungry_dp.simulation.products import simulate_products
from ouchhungry_dp.simulation.simulation_config import SimulatedTable, SimulationConfig
from ouchhungry_dp.simulation.transactions import simulate_transactions

# Dimension table -> its key column, also the column of the order items that references it.
REFERENCE_KEYS = {"customers": "customer_id", "products": "product_code"}


def restrict(table: SimulatedTable, column: str, keep: pd.Series | np.ndarray) -> SimulatedTable:
    """Rows whose ``column`` is in ``keep``, with the defect labels renumbered to match."""
    mask = table.frame[column].isin(pd.Series(keep, dtype="string[pyarrow]")).to_numpy(
        dtype=bool, na_value=False)
    new_position = np.cumsum(mask) - 1
    defects = table.defects[mask[table.defects["row"].to_numpy()]].copy()
    defects["row"] = new_position[defects["row"].to_numpy()]
    return SimulatedTable(frame=table.frame[mask].reset_index(drop=True),
                          defects=defects.reset_index(drop=True))


def _distinct(items: pd.DataFrame) -> dict[str, pd.Series]:
    return {column: items[column].dropna().drop_duplicates().reset_index(drop=True)
            for column in REFERENCE_KEYS.values()}


# (day, config) -> the distinct keys its items reference, for the last few days simulated
# in this process. Generating a day of 1M items takes seconds; its distinct keys are a
# few MB. The extracts of one run share a process (the daily job's in-process executor,
# transactions first by step priority), so the customers and products extracts reuse the
# keys of the items just extracted instead of generating the day again. Production needs
# no such thing: its source query restricts with a subquery (``source_query``).
_REFERENCES: OrderedDict[tuple[dt.date, SimulationConfig], dict[str, pd.Series]] = OrderedDict()
_REMEMBERED_DAYS = 2


def _remember(day: dt.date, config: SimulationConfig,
              items: pd.DataFrame) -> dict[str, pd.Series]:
    """The distinct keys ``items`` reference, noted for the day's other extracts."""
    keys = _distinct(items)
    try:
        hash(config)
    except TypeError:  # a config with custom defect weights is not hashable: no memo
        return keys
    _REFERENCES[(day, config)] = keys
    _REFERENCES.move_to_end((day, config))
    while len(_REFERENCES) > _REMEMBERED_DAYS:
        _REFERENCES.popitem(last=False)
    return keys


def day_items(day: dt.date, config: SimulationConfig) -> SimulatedTable:
    """The order items of ``day`` (``simulate_transactions``), noting the keys they
    reference for the customers and products extracts of the same day."""
    items = simulate_transactions(day, config)
    _remember(day, config, items.frame)
    return items


def _referenced(day: dt.date, config: SimulationConfig, column: str) -> pd.Series:
    try:
        noted = _REFERENCES.get((day, config))
    except TypeError:  # unhashable config
        noted = None
    if noted is None:  # extracted on its own (another process, a re-run): generate the day
        noted = _remember(day, config, simulate_transactions(day, config).frame)
    return noted[column]


def referenced_by_orders(day: dt.date, config: SimulationConfig, table: str) -> SimulatedTable:
    """The customers or products referenced by the order items of ``day`` (as extracted)."""
    simulate = {"customers": simulate_customers, "products": simulate_products}[table]
    column = REFERENCE_KEYS[table]
    return restrict(simulate(day, config), column, _referenced(day, config, column))
