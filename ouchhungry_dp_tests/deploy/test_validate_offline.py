"""`dagster definitions validate` in prod mode inside a network namespace with no network
at all: loading the code location must not reach BigQuery, GCS, Postgres or a partner."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from ouchhungry_dp_tests.e2e.test_definitions_validate import DAGSTER, PROD_DUMMIES

# A made-up URL of an unreachable host: loading must not connect to it.
STATE_URL = "postgresql+psycopg2://u:p@db.internal:5432/dagster"  # pragma: allowlist secret


def test_prod_code_location_validates_without_network(tmp_path: Path) -> None:
    unshare = shutil.which("unshare")
    probe = subprocess.run([unshare or "unshare", "-n", "true"], capture_output=True)
    if unshare is None or probe.returncode != 0:
        pytest.skip("needs `unshare -n` (root or user namespaces) to cut the network")
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), **PROD_DUMMIES,
           "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
           "OUCHHUNGRY_DATA_DIR": str(tmp_path / "data"),
           # Real-looking partner endpoints: prod accepts them, and never dials them here.
           "OUCHHUNGRY_SFTP_HOST": "sftp.ouchhungry.example",
           "OUCHHUNGRY_API_BASE_URL": "https://api.ouchhungry.example",
           "SMTP_HOST": "smtp.marketplace.example",
           "OUCHHUNGRY_STATE_DB_URL": STATE_URL}
    result = subprocess.run(
        [unshare, "-n", DAGSTER, "definitions", "validate", "-m", "ouchhungry_dp.definitions"],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert "All code locations passed validation" in output
