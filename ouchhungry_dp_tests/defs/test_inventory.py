"""The whole inventory of the code location, pinned in a snapshot.

Asset keys, checks, jobs, schedules and sensors are generated from the partner
contracts: a contract edit that renames a dataset, drops a blocking check or moves
a cron shows up here as a snapshot diff in review, not as a surprise for the
partner or the on-call engineer. After an intended change:
``pytest ouchhungry_dp_tests/defs/test_inventory.py --snapshot-update`` and review
the diff of ``__snapshots__/test_inventory.ambr``.
"""

from __future__ import annotations

from typing import Any

import dagster as dg
import pytest

from ouchhungry_dp.definitions import defs


@pytest.fixture(scope="module")
def repository() -> Any:
    return defs.get_repository_def()


def _partitions(definition: Any) -> str | None:
    if definition is None:
        return None
    return type(definition).__name__


def test_assets(repository: Any, snapshot: Any) -> None:
    graph = repository.asset_graph
    inventory = {}
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        policy = node.backfill_policy
        inventory[key.to_user_string()] = {
            "group": node.group_name,
            "kinds": sorted(node.kinds),
            # kinds are listed above; their ``dagster/kind/*`` tags would repeat them
            "tags": {k: v for k, v in sorted(node.tags.items())
                     if not k.startswith("dagster/kind/")},
            "partitions": _partitions(node.partitions_def),
            "backfill_policy": None if policy is None else (
                policy.policy_type.value, policy.max_partitions_per_run),
            "deps": sorted(p.to_user_string() for p in node.parent_keys),
            "pools": sorted(node.pools or []),
        }
    assert inventory == snapshot


def test_checks(repository: Any, snapshot: Any) -> None:
    graph = repository.asset_graph
    checks = sorted(
        (
            key.asset_key.to_user_string(),
            key.name,
            bool(graph.get_check_spec(key).blocking),
        )
        for key in graph.asset_check_keys
    )
    assert checks == snapshot


def test_jobs_schedules_sensors(repository: Any, snapshot: Any) -> None:
    jobs = {
        job.name: {
            "tags": dict(sorted((k, str(v)) for k, v in job.tags.items())),
            "partitions": _partitions(job.partitions_def),
            "executor": job.executor_def.name,
        }
        for job in sorted(repository.get_all_jobs(), key=lambda j: j.name)
        if not job.name.startswith("__")
    }
    schedules = {
        s.name: {
            "job": s.job_name,
            "cron": s.cron_schedule,
            "timezone": s.execution_timezone,
            "default_status": s.default_status.value,
        }
        for s in sorted(repository.schedule_defs, key=lambda s: s.name)
    }
    sensors = {
        s.name: {
            "type": s.sensor_type.value,
            "default_status": s.default_status.value,
            "minimum_interval_seconds": s.minimum_interval_seconds,
        }
        for s in sorted(repository.sensor_defs, key=lambda s: s.name)
    }
    assert {"jobs": jobs, "schedules": schedules, "sensors": sensors} == snapshot


def test_every_schedule_and_sensor_starts_running(repository: Any) -> None:
    """A fresh deployment is automated without anyone clicking "start" in the UI."""
    stopped = [d.name for d in [*repository.schedule_defs, *repository.sensor_defs]
               if d.default_status != dg.DefaultSensorStatus.RUNNING
               and d.default_status != dg.DefaultScheduleStatus.RUNNING]
    assert stopped == []
