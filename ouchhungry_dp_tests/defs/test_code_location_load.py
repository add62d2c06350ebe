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


def _modules_of_a_local_load(tmp_path: Path, script: str) -> list[str]:
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "PYTHONPATH": str(REPO_ROOT),
           "OUCHHUNGRY_ENV": "local", "OUCHHUNGRY_DATA_DIR": str(tmp_path / "data")}
    result = subprocess.run([sys.executable, "-c", script], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    modules: list[str] = json.loads(result.stdout.splitlines()[-1])
    return modules


def _prod_only(modules: list[str]) -> list[str]:
    return [m for m in modules if any(m == p or m.startswith(f"{p}.") for p in PROD_ONLY)]


def test_a_local_load_imports_no_production_client(tmp_path: Path) -> None:
    modules = _modules_of_a_local_load(tmp_path, LOADED)
    assert "ouchhungry_dp.defs.delivery.partner_delivery" in modules  # the load ran
    assert "ouchhungry_dp.lib.warehouse.duckdb_io_manager" in modules  # ... in local mode
    assert _prod_only(modules) == []


def test_the_import_check_sees_a_production_client(tmp_path: Path) -> None:
    # The same subprocess and filter, with one BigQuery import added: the check above can
    # fail (Dagster's own loader imported google.cloud.bigquery through dagster-gcp).
    script = LOADED.replace("import ouchhungry_dp.definitions",
                            "import ouchhungry_dp.definitions\nimport google.cloud.bigquery")
    assert "google.cloud.bigquery" in _prod_only(_modules_of_a_local_load(tmp_path, script))
