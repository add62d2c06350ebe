"""Shared simulated extracts: generated once per session (small volumes, high defect rate)."""

from __future__ import annotations

import datetime as dt

import pytest

from ouchhungry_dp.simulation import (
    SimulatedTable,
    SimulationConfig,
    simulate_customers,
    simulate_products,
    simulate_transactions,
)

DAY = dt.date(2026, 11, 25)
DIRTY = SimulationConfig(
    seed=7, rows_per_day=6000, n_customers=3000, n_merchants=80, defect_rate=0.3
)
CLEAN = SimulationConfig(
    seed=7, rows_per_day=3000, n_customers=3000, n_merchants=80, defect_rate=0.0
)


@pytest.fixture(scope="session")
def dirty_transactions() -> SimulatedTable:
    return simulate_transactions(DAY, DIRTY)


@pytest.fixture(scope="session")
def dirty_customers() -> SimulatedTable:
    return simulate_customers(DAY, DIRTY)


@pytest.fixture(scope="session")
def dirty_products() -> SimulatedTable:
    return simulate_products(DAY, SimulationConfig(seed=7, defect_rate=0.4))


@pytest.fixture(scope="session")
def clean_transactions() -> SimulatedTable:
    return simulate_transactions(DAY, CLEAN)


@pytest.fixture(scope="session")
def clean_customers() -> SimulatedTable:
    return simulate_customers(DAY, CLEAN)
