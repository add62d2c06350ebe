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
from functools import lru_cache

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


def _distinct(day: dt.date, config: SimulationConfig) -> dict[str, pd.Series]:
    items = simulate_transactions(day, config).frame
    return {column: items[column].dropna().drop_duplicates().reset_index(drop=True)
            for column in REFERENCE_KEYS.values()}


_cached_distinct = lru_cache(maxsize=2)(_distinct)


def _referenced(day: dt.date, config: SimulationConfig, column: str) -> pd.Series:
    # Both keys at once and cached: the customers and products extracts of a day run in
    # the same process (in-process executor) and would each generate the day's items
    # (a config with custom defect weights is not hashable: then no cache).
    try:
        hash(config)
    except TypeError:
        return _distinct(day, config)[column]
    return _cached_distinct(day, config)[column]


def referenced_by_orders(day: dt.date, config: SimulationConfig, table: str) -> SimulatedTable:
    """The customers or products referenced by the order items of ``day`` (as extracted)."""
    simulate = {"customers": simulate_customers, "products": simulate_products}[table]
    column = REFERENCE_KEYS[table]
    return restrict(simulate(day, config), column, _referenced(day, config, column))
