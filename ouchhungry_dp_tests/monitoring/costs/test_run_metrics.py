"""dagster_run_metrics against a real temporary instance with real runs."""


from datetime import UTC, datetime, timedelta

import dagster as dg
import pytest

from ouchhungry_dp.lib.event_log.run_metrics import run_metrics_for_window


class Flaky(dg.Config):
    fail: bool = False


@dg.asset
def counted_orders() -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"dagster/row_count": 42})


@dg.asset
def flaky_asset(config: Flaky) -> None:
    if config.fail:
        raise RuntimeError("planted failure")


def test_run_metrics_from_the_instance(tmp_path):
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        start = datetime.now(UTC) - timedelta(minutes=1)
        dg.materialize([counted_orders], instance=instance)
        dg.materialize([counted_orders], instance=instance)
        failed = dg.materialize(
            [flaky_asset], instance=instance, raise_on_error=False,
            run_config={"ops": {"flaky_asset": {"config": {"fail": True}}}},
        )
        assert not failed.success
        dg.materialize([flaky_asset], instance=instance)
        end = datetime.now(UTC) + timedelta(minutes=1)
        metrics = run_metrics_for_window(instance, start, end)

    jobs = metrics[metrics["entity_type"] == "job"].set_index("entity_name")
    assets = metrics[metrics["entity_type"] == "asset"].set_index("entity_name")
    # materialize() names every job __ephemeral_asset_job__: the two asset jobs share it.
    job = jobs.loc["__ephemeral_asset_job__"]
    assert job["runs"] == 4 and job["failures"] == 1
    assert job["success_rate"] == pytest.approx(0.75)
    assert job["mttr_s"] > 0
    assert job["duration_p95_s"] >= job["duration_p50_s"] > 0
    assert job["step_compute_s"] > 0
    assert assets.loc["counted_orders", "runs"] == 2
    assert assets.loc["counted_orders", "rows_processed"] == 84
    assert assets.loc["flaky_asset", "runs"] == 1
    assert 0 < assets.loc["flaky_asset", "freshness_lag_s"] <= 120
