"""Scaling proposals (kept next to the Power BI tests: same issue #8, same owner)."""

from __future__ import annotations

import dagster as dg
import numpy as np
import pandas as pd
import pytest

from ouchhungry_dp.defs.platform.scaling import (
    platform_run_queue_sensor,
    platform_scaling_recommendation,
)
from ouchhungry_dp.lib.resources.simulated_cost_source import SimulatedCostSourceResource
from ouchhungry_dp.monitoring.scaling.concurrency import recommend_run_concurrency, replay_queue
from ouchhungry_dp.monitoring.scaling.slots import (
    SlotPricing,
    jobs_timeline_sql,
    recommend_reservation,
    simulate_slot_usage,
)


def flat_usage(levels: list[float]) -> pd.DataFrame:
    hours = pd.date_range("2026-11-01", periods=len(levels), freq="h", tz="UTC")
    return pd.DataFrame({"hour": hours, "avg_slots": levels})


def test_steady_demand_goes_to_baseline() -> None:
    proposal = recommend_reservation(flat_usage([200.0] * 168))
    assert proposal.baseline_slots == 200 and proposal.autoscale_max_slots == 0
    assert proposal.expected_monthly_cost_usd == pytest.approx(200 * 0.048 * 730)


def test_rare_spikes_go_to_autoscale_not_baseline() -> None:
    levels = [50.0] * 160 + [400.0] * 8
    proposal = recommend_reservation(flat_usage(levels), ceiling_quantile=1.0)
    assert proposal.baseline_slots == 50
    assert proposal.baseline_slots + proposal.autoscale_max_slots == 400
    assert proposal.monthly_saving_usd > 0


def test_proposal_is_the_cheapest_baseline() -> None:
    usage = simulate_slot_usage(weeks=2, seed=3)
    pricing = SlotPricing(pay_as_you_go=0.06, committed=0.048)
    best = recommend_reservation(usage, pricing)
    demand = usage["avg_slots"].to_numpy()
    ceiling = best.baseline_slots + best.autoscale_max_slots

    def cost(baseline: int) -> float:
        above = np.ceil(np.maximum(np.minimum(demand, ceiling) - baseline, 0) / 50) * 50
        return baseline * 0.048 * len(demand) + above.sum() * 0.06

    assert all(cost(best.baseline_slots) <= cost(b) + 1e-6 for b in range(0, ceiling + 1, 50))
    assert best.baseline_slots % 50 == 0 and best.autoscale_max_slots % 50 == 0


def test_replay_queue_waits() -> None:
    waits = replay_queue(np.array([0.0, 0.0, 0.0]), np.array([10.0, 10.0, 10.0]), limit=2)
    assert waits.tolist() == [0.0, 0.0, 10.0]


def test_concurrency_meets_target_with_smallest_limit() -> None:
    start = pd.Timestamp("2026-11-20 06:00", tz="UTC")
    runs = pd.DataFrame(
        {"queued_at": [start] * 6 + [start + pd.Timedelta(days=1)], "duration_minutes": 30.0}
    )
    proposal = recommend_run_concurrency(runs, target_p95_wait_minutes=0.0, max_limit=10)
    assert proposal.max_concurrent_runs == 6 and proposal.p95_wait_minutes == 0.0
    looser = recommend_run_concurrency(runs, target_p95_wait_minutes=30.0, max_limit=10)
    assert looser.max_concurrent_runs == 3


def test_scaling_asset_records_decision_and_cost() -> None:
    with dg.instance_for_test() as instance:
        result = dg.materialize([platform_scaling_recommendation], instance=instance,
                                resources={"gcp_cost_source": SimulatedCostSourceResource()})
        assert result.success
        table = result.output_for_node("platform_scaling_recommendation")
        assert table["resource"].tolist() == ["bigquery_reservation", "dagster_run_queue"]
        metadata = result.asset_materializations_for_node("platform_scaling_recommendation")[
            0
        ].metadata
        assert metadata["dry_run"].value is True
        assert "--autoscale_max_slots=" in metadata["apply_bigquery"].value
        assert "simulated" in metadata["slot_demand_source"].value
        assert metadata["expected_monthly_cost_usd"].value > 0
        sensor_result = platform_run_queue_sensor(dg.build_sensor_context(instance=instance))
        assert isinstance(sensor_result, dg.SensorResult) and not sensor_result.run_requests


def test_jobs_timeline_query_sums_concurrent_jobs_per_second() -> None:
    """The prod query, transpiled and run on a tiny timeline: two jobs share a second."""
    import duckdb
    import sqlglot

    now = pd.Timestamp.now(tz="UTC").floor("h") - pd.Timedelta(hours=2)
    rows = [  # (second offset, job, statement type, slot-ms in that second)
        (0, "a", "SELECT", 100_000), (0, "b", "SELECT", 50_000), (1, "a", "SELECT", 30_000),
        (0, "script", "SCRIPT", 999_000),  # a script parent restates its children
    ]
    timeline = pd.DataFrame({
        "period_start": [now + pd.Timedelta(seconds=s) for s, *_ in rows],
        "job_creation_time": [now] * len(rows),
        "job_id": [j for _, j, *_ in rows], "statement_type": [t for *_, t, _ in rows],
        "period_slot_ms": [ms for *_, ms in rows],
    })
    sql = sqlglot.transpile(jobs_timeline_sql("p", "us", 1, timeline="timeline"),
                            read="bigquery", write="duckdb")[0]
    with duckdb.connect() as con:
        con.register("timeline", timeline)
        hourly = con.execute(sql).df()
    assert len(hourly) == 1
    assert hourly["peak_slots"].iloc[0] == pytest.approx(150.0)  # 150 000 slot-ms in 1 s
    assert hourly["avg_slots"].iloc[0] == pytest.approx(180.0 / 3600)
    assert "`p`.`region-us`.INFORMATION_SCHEMA.JOBS_TIMELINE_BY_PROJECT" in jobs_timeline_sql(
        "p", "US", 4)
    with pytest.raises(ValueError, match="180 days"):
        jobs_timeline_sql("p", "us", 30)
