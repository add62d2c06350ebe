"""The product table as of a day: the catalogue (launched products only)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

from ouchhungry_dp.simulation import formats, text
from ouchhungry_dp.simulation.catalogue import catalogue_as_of
from ouchhungry_dp.simulation.documents import spoil_last_digit
from ouchhungry_dp.simulation.injection import KindTarget, RawTable, plan_defects
from ouchhungry_dp.simulation.population import local_seconds
from ouchhungry_dp.simulation.simulation_config import (
    DEFAULT_CONFIG,
    PRODUCTS,
    SimulatedTable,
    SimulationConfig,
    day_seed,
)
from ouchhungry_dp.tables import RAW_PRODUCTS

_CATALOGUE_UPDATE_HOUR = 9 * 3600


def simulate_products(day: dt.date, config: SimulationConfig = DEFAULT_CONFIG) -> SimulatedTable:
    """The catalogue as of ``day`` (products launched by then), with labelled defects."""
    rng = np.random.default_rng(day_seed(config, day, PRODUCTS))
    catalogue = catalogue_as_of(day)
    n = len(catalogue)

    def column(name: str) -> pa.Array:
        return pa.array(catalogue[name].to_numpy(dtype=object), type=pa.string())

    cents = np.round(catalogue["list_price"].to_numpy() * 100).astype(np.int64)
    updated = (
        np.array([local_seconds(d) for d in catalogue["launched_on"]]) + _CATALOGUE_UPDATE_HOUR
    )
    columns = {
        "product_code": column("product_code"),
        "ean": column("ean"),
        "product_name": column("product_name"),
        "brand": column("brand"),
        "manufacturer": column("manufacturer"),
        "segment": column("segment"),
        "list_price": formats.money(cents),
        "updated_at": formats.iso_local(updated),
    }
    table = RawTable(columns=columns, sort_key=np.arange(n, dtype=np.int64))
    targets = [
        KindTarget("invalid_ean", ("ean",)),
        KindTarget("money_brl_format", ("list_price",)),
        KindTarget("duplicate_exact", ("product_code",), copies_row=True),
    ]
    plan = plan_defects(rng, n, config.defect_rate, config.weights_for(PRODUCTS), targets)
    duplicates: np.ndarray | None = None
    for kind, name, rows in plan:
        if kind == "duplicate_exact":
            duplicates = rows
        elif kind == "invalid_ean":
            joined = "".join(catalogue["ean"].iloc[rows]).encode("ascii")
            digits = np.frombuffer(joined, dtype=np.uint8).reshape(-1, 13).astype(np.int64) - 48
            table.patch(
                kind,
                name,
                rows,
                text.chars([text.ascii_digits(spoil_last_digit(rng, digits))], rows.size),
            )
        else:
            table.patch(kind, name, rows, formats.brl_money(rng, cents[rows]))
    table.apply_patches()
    if duplicates is not None and duplicates.size:
        table.append_copies("duplicate_exact", "product_code", duplicates, after_source=True)
    return table.finish(rng, RAW_PRODUCTS)
