"""Runs the platform's cost job for one day for the stage-1 deck.

In-process, on the instance in ``DAGSTER_HOME`` when there is one, so the run is also
in the Dagster UI. The caller names the job and gives the ``Definitions`` it runs
in (the code location itself for ``make deck``, the cost assets with test resources
in tests): this helper knows nothing of ``defs/``, which sits above ``lib/``. What it
returns (``CostRun``) is plain data for the deck, which imports no Dagster.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import dagster as dg

from ouchhungry_dp.deck.cost_run import TREND_DAYS, CostRun
from ouchhungry_dp.lib.resources.cost_monitoring import GcpCostSourceResource
from ouchhungry_dp.monitoring.costs import pipeline


def _instance() -> dg.DagsterInstance:
    home = os.environ.get("DAGSTER_HOME")
    if home and Path(home, "dagster.yaml").is_file():
        return dg.DagsterInstance.get()
    return dg.DagsterInstance.ephemeral()


def run_cost_assets(day: date, defs: dg.Definitions, *, job: str, anomaly_check: str,
                    instance: dg.DagsterInstance | None = None) -> CostRun:
    """``job`` of ``defs`` for the partition ``day``; ``anomaly_check`` is the cost
    anomaly check whose verdict the deck shows. The billing trend is read from the
    ``gcp_cost_source`` resource of ``defs``, the source the run read."""
    result = defs.resolve_job_def(job).execute_in_process(
        instance=instance or _instance(), partition_key=day.isoformat(),
        tags={"ouchhungry/purpose": "stage-1 deck"})
    if not result.success:
        raise RuntimeError(f"cost run {result.run_id} for {day} failed; see the Dagster UI")
    anomaly = next(e for e in result.get_asset_check_evaluations()
                   if e.check_name == anomaly_check)
    source: GcpCostSourceResource = (defs.resources or {})["gcp_cost_source"]
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
