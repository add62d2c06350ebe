"""Per-job Kubernetes sizing: ``dagster-k8s/config`` run tags for jobs that need more
than the run-pod default of deploy/helm/values-prod.yaml (K8sRunLauncher merges them).

Figures from docs/benchmarks.md: cleaning 1M rows peaks at 1.41 GB RSS (0.30 GB at
100k) and uses one core; Dagster's run worker adds ~0.3 GB. A daily run holds one
day; the monthly run reads the month's daily product and builds the insights charts.
Apply with ``tags={**other_tags, **k8s_run_tags("daily")}`` on the job definition.
"""

from __future__ import annotations

from typing import Any

K8S_CONFIG_TAG = "dagster-k8s/config"

# Requests are what the scheduler reserves; memory limit = request + headroom so a
# day twice the benchmark's size is OOM-killed (clear failure, retried) not swapping.
RUN_POD_RESOURCES: dict[str, dict[str, dict[str, str]]] = {
    "daily": {"requests": {"cpu": "1", "memory": "2Gi"}, "limits": {"memory": "3Gi"}},
    "monthly": {"requests": {"cpu": "1", "memory": "3Gi"}, "limits": {"memory": "4Gi"}},
}


def k8s_run_tags(cadence: str) -> dict[str, Any]:
    """The ``dagster-k8s/config`` tag sizing the run pod of a job of this cadence."""
    try:
        resources = RUN_POD_RESOURCES[cadence]
    except KeyError:
        raise ValueError(f"no run-pod sizing for cadence {cadence!r}") from None
    return {K8S_CONFIG_TAG: {"container_config": {"resources": resources}}}
