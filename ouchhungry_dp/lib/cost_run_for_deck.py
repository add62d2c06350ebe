"""Runs ``platform_cost_monitoring``'s assets for one day for the stage-1 deck.

In-process, on the simulated GCP account locally. With ``resources`` omitted the job
runs as the code location defines it (local warehouse, outbound store, simulated
account under the data folder) on the instance in ``DAGSTER_HOME`` when there is one,
so the run is also in the Dagster UI. What it returns (``CostRun``) is plain data for
the deck, which imports no Dagster.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import dagster as dg

from ouchhungry_dp.deck.cost_run import TREND_DAYS, CostRun
from ouchhungry_dp.defs.platform import costs
from ouchhungry_dp.lib.resources.cost_monitoring import GcpCostSourceResource
from ouchhungry_dp.monitoring.costs import pipeline


def _instance() -> dg.DagsterInstance:
    home = os.environ.get("DAGSTER_HOME")
    if home and Path(home, "dagster.yaml").is_file():
        return dg.DagsterInstance.get()
    return dg.DagsterInstance.ephemeral()


def _execute(day: date, instance: dg.DagsterInstance,
             resources: dict[str, Any] | None) -> dg.ExecuteInProcessResult:
    tags = {"ouchhungry/purpose": "stage-1 deck"}
    if resources is None:
        # Imported here: the whole code location is loaded only for a real deck build.
        from ouchhungry_dp.definitions import defs

        job = defs.resolve_job_def(costs.platform_cost_job.name)
        return job.execute_in_process(instance=instance, partition_key=day.isoformat(),
                                      tags=tags)
    return dg.materialize(costs.cost_assets, partition_key=day.isoformat(), instance=instance,
                          resources=resources, tags=tags)


def _cost_source(resources: dict[str, Any] | None) -> GcpCostSourceResource:
    """The source the run read: the one given, else the code location's own."""
    if resources is not None:
        return resources["gcp_cost_source"]
    from ouchhungry_dp.definitions import defs

    return defs.resources["gcp_cost_source"]


def run_cost_assets(day: date, *, resources: dict[str, Any] | None = None,
                    instance: dg.DagsterInstance | None = None) -> CostRun:
    result = _execute(day, instance or _instance(), resources)
    if not result.success:
        raise RuntimeError(f"cost run {result.run_id} for {day} failed; see the Dagster UI")
    anomaly = next(e for e in result.get_asset_check_evaluations()
                   if e.check_name == costs.CHECK_ANOMALY)
    source = _cost_source(resources)
    first = day - timedelta(days=TREND_DAYS - 1)
    # The same source the run read (the report step reads this window too).
    with source.source(result.run_id, day.isoformat()) as cost_source:
        billing = pipeline.billing(cost_source, first, TREND_DAYS)
    trend = billing.groupby(["usage_date", "service"], as_index=False)["net_cost"].sum()
    return CostRun(
        run_id=result.run_id, partition=day.isoformat(), finished_at=datetime.now(UTC),
        kpis=result.output_for_node("platform_cost_kpis"),
        recommendations=result.output_for_node("cost_recommendations"),
        billing_trend=trend,
        anomaly={"passed": anomaly.passed,
                 **{k: v.value for k, v in anomaly.metadata.items()}},
    )
