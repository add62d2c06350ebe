"""A DAGSTER_HOME holding only the production ``deploy/dagster.yaml``, pointed at the test
Postgres through the same environment variables a pod gets from its secrets.

One section is swapped: compute logs go to a local folder, because the GCS compute-log
manager checks its bucket when the instance starts and no GCS is reachable here. Storage,
run queue, concurrency pools, run monitoring and run retries are the production ones.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest
import yaml

from ouchhungry_dp.settings import REPO_ROOT
from ouchhungry_dp_tests.postgres import PostgresServer

PROD_INSTANCE_YAML = REPO_ROOT / "deploy" / "dagster.yaml"
DAGSTER = str(Path(sys.executable).with_name("dagster"))


def prod_shaped_home(home: Path) -> Path:
    config = yaml.safe_load(PROD_INSTANCE_YAML.read_text())
    assert config["compute_logs"]["class"] == "GCSComputeLogManager"
    config["compute_logs"] = {
        "module": "dagster._core.storage.local_compute_log_manager",
        "class": "LocalComputeLogManager",
        "config": {"base_dir": str(home / "compute_logs")},
    }
    home.mkdir(parents=True, exist_ok=True)
    (home / "dagster.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    return home


def postgres_env(server: PostgresServer, database: str) -> dict[str, str]:
    """What a pod gets: the instance's DAGSTER_PG_* and the shared state database URL."""
    return {**server.env(database), "OUCHHUNGRY_STATE_DB_URL": server.url(database)}


def run_cli(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([DAGSTER, *args], env={**os.environ, **env}, capture_output=True,
                            text=True, timeout=600, cwd=cwd)
    output = f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    assert result.returncode == 0, f"{args} failed:\n{output}"
    return result


@contextlib.contextmanager
def pod_instance(env: dict[str, str]) -> Iterator[dg.DagsterInstance]:
    """The instance a pod with this environment opens (its variables set meanwhile)."""
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        with dg.DagsterInstance.from_config(env["DAGSTER_HOME"]) as instance:
            yield instance
