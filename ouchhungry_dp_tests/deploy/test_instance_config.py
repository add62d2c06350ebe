"""deploy/dagster.yaml on a real PostgreSQL: the deliberate psycopg2 driver, the queue,
pools, monitoring and retries as configured, a run stored and read back."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest
import sqlalchemy as sa

from ouchhungry_dp.errors import ConfigurationError
from ouchhungry_dp.state.db import engine_for
from ouchhungry_dp_tests.e2e.prod_instance import pod_instance, postgres_env, prod_shaped_home
from ouchhungry_dp_tests.postgres import PostgresServer


@dg.asset
def deploy_probe() -> int:
    return 1


def test_prod_instance_runs_on_postgres_through_psycopg2(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    postgres_server.create_database("instance_config")
    env = {**postgres_env(postgres_server, "instance_config"),
           "DAGSTER_HOME": str(prod_shaped_home(tmp_path / "home"))}
    with pod_instance(env) as instance:
        for storage in (instance.run_storage, instance.event_log_storage,
                        instance.schedule_storage):
            assert type(storage).__name__.startswith("Postgres")
            assert storage._engine.dialect.driver == "psycopg2"
        result = dg.materialize([deploy_probe], instance=instance)
        [run] = instance.get_runs()
        assert run.run_id == result.run_id and run.status == dg.DagsterRunStatus.SUCCESS
        assert instance.get_latest_materialization_event(dg.AssetKey("deploy_probe"))
        pools = instance.get_concurrency_config().pool_config
        assert pools.default_pool_limit == 1
        assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
        assert instance.run_monitoring_enabled and instance.run_retries_enabled
        assert instance.run_retries_max_retries == 2


def test_sqlalchemy_default_postgres_driver_is_refused_for_the_state_database() -> None:
    # SQLAlchemy 2.1 maps postgresql:// to psycopg 3; the platform names psycopg2 everywhere.
    if tuple(int(p) for p in sa.__version__.split(".")[:2]) >= (2, 1):
        assert sa.make_url("postgresql://h/db").get_dialect().driver != "psycopg2"
    with pytest.raises(ConfigurationError, match="OUCHHUNGRY_STATE_DB_URL must name the psycopg2"):
        engine_for("postgresql://state.internal/dagster")
