"""Create the concurrency pools the code uses before any run does (a roll-out step).

Dagster creates a pool's row lazily, the first time a step claims a slot of it; two
pods doing that at once on a fresh Postgres instance collide on the row's unique key
(``UniqueViolation … concurrency_limits_concurrency_key_key``) and one run fails —
found by ouchhungry_dp_tests/e2e/test_two_pods_postgres.py. Creating every pool
once, after ``dagster instance migrate`` and before pods take work, removes the race.
A limit an operator already set is left alone.

    python -m ouchhungry_dp.lib.execution.concurrency_pools  # with DAGSTER_HOME / DAGSTER_PG_* set
"""

from __future__ import annotations

import dagster as dg


def code_pools(defs: dg.Definitions) -> set[str]:
    """Every pool named by a step of any job of the code location."""
    pools: set[str] = set()
    for job in defs.get_repository_def().get_all_jobs():
        for op in job.graph.iterate_op_defs():
            pools.update(op.pools)
    return pools


def ensure_pools(instance: dg.DagsterInstance, pools: set[str]) -> list[str]:
    limit = instance.global_op_concurrency_default_limit
    if limit is None:
        return []  # no default limit configured: pools are unlimited until set by hand
    storage = instance.event_log_storage
    existing = storage.get_concurrency_keys()
    created = sorted(pools - existing)
    for pool in created:
        storage.set_concurrency_slots(pool, limit)
    return created


def main() -> None:
    from ouchhungry_dp.definitions import defs

    with dg.DagsterInstance.get() as instance:
        created = ensure_pools(instance, code_pools(defs))
    print(f"pools created: {', '.join(created) or 'none (all present)'}")


if __name__ == "__main__":
    main()
