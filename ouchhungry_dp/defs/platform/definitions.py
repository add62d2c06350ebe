"""Platform monitoring (group ``platform``): costs, Power BI refreshes, scaling."""

import importlib

import dagster as dg

_MODULES = ("costs", "powerbi", "scaling")


def _load() -> list[dg.Definitions]:
    loaded = []
    for name in _MODULES:
        module = importlib.import_module(f"ouchhungry_dp.defs.platform.{name}")
        loaded.append(module.defs)
    return loaded


defs = dg.Definitions.merge(*_load())
