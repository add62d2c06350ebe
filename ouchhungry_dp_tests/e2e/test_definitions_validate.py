"""`dagster definitions validate` loads the code location in local and prod settings.

Prod gets dummy values only: loading must not need the network or real secrets
(resources take EnvVars, resolved at run time).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

DAGSTER = str(Path(sys.executable).with_name("dagster"))
# The checkout under test: without it the subprocess imports whatever copy the venv's
# editable install points at (another worktree, an older clone).
REPO_ROOT = Path(__file__).resolve().parents[2]
PROD_DUMMIES = {
    "OUCHHUNGRY_ENV": "prod",
    "GCP_PROJECT": "dummy-project",
    "BIGQUERY_DATASET": "ouchhungry_dp",
    "BIGQUERY_SOURCE_DATASET": "marketplace_replica",
    "BIGQUERY_LOCATION": "southamerica-east1",
    "GCS_OUTBOUND_BUCKET": "dummy-bucket",
}


@pytest.mark.parametrize("settings", [{"OUCHHUNGRY_ENV": "local"}, PROD_DUMMIES],
                         ids=["local", "prod"])
def test_code_location_validates(settings: dict[str, str], tmp_path: Path) -> None:
    # A clean environment: nothing from the developer's shell or .env leaks in.
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), **settings,
           "PYTHONPATH": str(REPO_ROOT), "OUCHHUNGRY_DATA_DIR": str(tmp_path / "data")}
    result = subprocess.run(
        [DAGSTER, "definitions", "validate", "-m", "ouchhungry_dp.definitions"],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert "All code locations passed validation" in output
