"""deploy/requirements.lock: every runtime dependency of pyproject.toml pinned (with hashes)
inside its range, and the lock installs (resolved, hashes required) into a clean venv."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from ouchhungry_dp.settings import REPO_ROOT

LOCK = REPO_ROOT / "deploy" / "requirements.lock"
UV = str(Path(sys.executable).with_name("uv"))


def pins() -> dict[str, str]:
    found = {}
    for line in LOCK.read_text().splitlines():
        if "==" in line and not line.startswith((" ", "#")):
            name, _, version = line.split(" ")[0].partition("==")
            found[canonicalize_name(name)] = version
    return found


def test_lock_pins_every_runtime_dependency_within_its_range_with_hashes() -> None:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    locked = pins()
    for spec in project["dependencies"]:
        requirement = Requirement(spec)
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{name} missing from the lock: run `make deploy-lock`"
        assert requirement.specifier.contains(locked[name]), f"{name}=={locked[name]} vs {spec}"
    entries = [line for line in LOCK.read_text().splitlines() if "==" in line
               and not line.startswith((" ", "#"))]
    assert all(line.endswith("\\") for line in entries), "every pin carries --hash lines"
    # The deliberate driver: psycopg2 locked, psycopg 3 absent (dagster-postgres needs psycopg2).
    assert "psycopg2-binary" in locked and "psycopg" not in locked


def test_lock_installs_into_a_clean_venv(tmp_path: Path) -> None:
    venv = tmp_path / "clean"
    subprocess.run([UV, "venv", "-q", "--python", sys.executable, str(venv)], check=True)
    result = subprocess.run(
        [UV, "pip", "install", "--dry-run", "--require-hashes", "--no-deps",
         "-r", str(LOCK), "--python", str(venv / "bin" / "python")],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"Would install {len(pins())} packages" in result.stderr
