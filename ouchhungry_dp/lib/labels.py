"""How assets and jobs are labelled, set here and nowhere else: tags, kinds, pools and the
run tags of a job (Kubernetes sizing, maximum runtime).

One spelling per label, so a UI filter (``tag:layer=cleaned``, ``kind:bigquery``), a pool
limit or the K8s run launcher sees every asset the same way: asset tags, never op tags;
the storage kind follows the environment (``duckdb`` locally, ``bigquery`` in prod).
"""

from __future__ import annotations

from typing import Any, Literal

from ouchhungry_dp.lib.execution.k8s_run_tags import k8s_run_tags
from ouchhungry_dp.lib.execution.partitions import WAREHOUSE_POOL
from ouchhungry_dp.lib.warehouse.storage_kind import kind_for_env

Layer = Literal["raw", "cleaned"]
MAX_RUNTIME_S = 3600  # a run stuck longer is failed by run monitoring (dagster/max_runtime)


def asset_tags(*, layer: Layer | None = None, partner: str | None = None,
               cadence: str | None = None, channel: str | None = None) -> dict[str, str]:
    """Asset tags (never op tags): only the labels given, in one spelling."""
    given = {"layer": layer, "partner": partner, "cadence": cadence, "channel": channel}
    return {key: value for key, value in given.items() if value is not None}


def stored_kinds(*compute: str) -> set[str]:
    """Kinds of an asset whose table the IO manager stores: what computes it + where."""
    return {*compute, kind_for_env()}


def warehouse_pool() -> str:
    """Steps that write the one-writer warehouse (DuckDB locally) share this pool."""
    return WAREHOUSE_POOL


def channel_pool(partner: str, channel: str) -> str:
    """One upload at a time per partner channel (``<partner>_sftp``, ``<partner>_api``)."""
    return f"{partner}_{channel}"


def job_tags(partner: str, cadence: Literal["daily", "monthly"]) -> dict[str, Any]:
    """Run tags of a partner's job: who and how often, the run's time limit, and the run
    pod's size on Kubernetes (K8sRunLauncher reads ``dagster-k8s/config``)."""
    return {"partner": partner, "cadence": cadence, "dagster/max_runtime": str(MAX_RUNTIME_S),
            **k8s_run_tags(cadence)}
