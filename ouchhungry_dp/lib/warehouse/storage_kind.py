"""The storage kind shown in the UI follows the environment the code location runs in."""

from __future__ import annotations

from ouchhungry_dp.settings import current_env

WAREHOUSE_KIND = {"local": "duckdb", "prod": "bigquery"}


def kind_for_env() -> str:
    """``bigquery`` in prod, ``duckdb`` locally: where the asset's table is stored."""
    return WAREHOUSE_KIND[current_env()]
