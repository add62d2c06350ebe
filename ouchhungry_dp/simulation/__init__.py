"""The simulated source system of the marketplace (no Dagster import).

Three raw tables exactly as a messy source exports them (every column text,
``string[pyarrow]``, layout from ``ouchhungry_dp.tables``): order items of a day,
the customer table and the product catalogue as of a day. Defects are injected
at a configurable rate and labelled (``SimulatedTable.defects``) so the
data-quality suite can measure recall and false positives per kind.

Realism choices, briefly (details in each module's docstring):
* deterministic: a numpy Generator seeded by (seed, day, table); people, shops
  and the catalogue depend on the seed only, so ids mean the same thing every day;
* Brazil: the 5,570 real municipalities, weighted by state population with a
  heavy tail inside states (big cities with many customers, many towns with few);
  DDD of the city, CEP inside the state's Correios range, valid CPFs and CNPJs
  (including the alphanumeric CNPJ issued since July 2026), pt_BR names from
  Faker's word lists sampled with numpy;
* commerce: 1-4 items per order, lunch and dinner peaks at -03:00 (no DST since
  2019), Pix-heavy payments, per-state brand affinity (partner share varies by
  region), fictitious brands with >= 4 competitors per segment;
* speed: everything is numpy/Arrow vectorised (character matrices, take,
  ``pyarrow.compute``); no Python per row.
"""

from ouchhungry_dp.simulation.catalogue import CATALOGUE
from ouchhungry_dp.simulation.customers import simulate_customers
from ouchhungry_dp.simulation.products import simulate_products
from ouchhungry_dp.simulation.simulation_config import (
    DEFECT_KINDS,
    DefectKind,
    SimulatedTable,
    SimulationConfig,
)
from ouchhungry_dp.simulation.transactions import simulate_transactions

__all__ = [
    "CATALOGUE",
    "DEFECT_KINDS",
    "DefectKind",
    "SimulatedTable",
    "SimulationConfig",
    "simulate_customers",
    "simulate_products",
    "simulate_transactions",
]
