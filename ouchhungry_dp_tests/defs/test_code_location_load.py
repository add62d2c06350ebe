"""Loading the code location: the same Definitions as Dagster's own loader, and a local
load that imports no production client.

``load_defs_folder`` replaces ``dg.load_from_defs_folder`` only to skip the catalogue
of installed component types, whose discovery imported dagster-gcp (and with it the
BigQuery, GCS and Dataproc clients) into every local CLI run, webserver and daemon.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from ouchhungry_dp.lib.defs_folder import PACKAGE_DIR, load_defs_folder
from ouchhungry_dp.lib.resources.by_environment import shared_resources
from ouchhungry_dp.settings import REPO_ROOT
from ouchhungry_dp_tests.test_package_layout import LOADED

# Clients only production uses (lib/resources/by_environment.py's `_prod`), and our own
# module that drives them; a local load has no reason to import any of them.
PROD_ONLY = ("google.cloud", "google.auth", "google.api_core", "googleapiclient", "dagster_gcp",
             "ouchhungry_dp.lib.warehouse.bigquery_io_manager")


def _inventory(defs: dg.Definitions) -> dict[str, list[str]]:
    repository = defs.get_repository_def()
    graph = repository.asset_graph
    return {
        "assets": sorted(k.to_user_string() for k in graph.get_all_asset_keys()),
        "checks": sorted(str(k) for k in graph.asset_check_keys),
        "jobs": sorted(j.name for j in repository.get_all_jobs()),
        "schedules": sorted(s.name for s in repository.schedule_defs),
        "sensors": sorted(s.name for s in repository.sensor_defs),
    }


def test_the_defs_folder_loads_as_dagsters_loader_loads_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OUCHHUNGRY_ENV", "local")
    monkeypatch.setenv("OUCHHUNGRY_DATA_DIR", str(tmp_path / "data"))
    resources = dg.Definitions(resources=shared_resources())
    ours = load_defs_folder()
    theirs = dg.load_from_defs_folder(path_within_project=PACKAGE_DIR)
    inventory = _inventory(dg.Definitions.merge(ours, resources))
    assert inventory == _inventory(dg.Definitions.merge(theirs, resources))
    assert len(inventory["assets"]) > 20 and len(inventory["jobs"]) > 5  # the folder was found
    # The UI's component tree is still attached; only the catalogue metadata is gone.
    assert ours.component_tree is not None
    assert ours.metadata.get("plugin_component_types_json") is None
    assert theirs.metadata.get("plugin_component_types_json") is not None


# One subprocess for both halves: the local load's new modules, then (the check can
# fail) those a BigQuery import adds on top, printed as a second line.
LOCAL_THEN_BIGQUERY = LOADED + """
before = set(sys.modules)
import google.cloud.bigquery
print(json.dumps(sorted(set(sys.modules) - before)))
"""


def _prod_only(modules: list[str]) -> list[str]:
    return [m for m in modules if any(m == p or m.startswith(f"{p}.") for p in PROD_ONLY)]


def test_a_local_load_imports_no_production_client(tmp_path: Path) -> None:
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "PYTHONPATH": str(REPO_ROOT),
           "OUCHHUNGRY_ENV": "local", "OUCHHUNGRY_DATA_DIR": str(tmp_path / "data")}
    result = subprocess.run([sys.executable, "-c", LOCAL_THEN_BIGQUERY], env=env,
                            cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    loaded, then_bigquery = (json.loads(line) for line in result.stdout.splitlines()[-2:])
    assert "ouchhungry_dp.defs.delivery.partner_delivery" in loaded  # the load ran
    assert "ouchhungry_dp.lib.warehouse.duckdb_io_manager" in loaded  # ... in local mode
    assert _prod_only(loaded) == []
    # The same filter sees a production client when one is imported (Dagster's own
    # loader imported google.cloud.bigquery through dagster-gcp).
    assert "google.cloud.bigquery" in _prod_only(then_bigquery)
