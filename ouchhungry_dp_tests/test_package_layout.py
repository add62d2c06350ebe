"""The house rule the layout rests on: only the Dagster wiring imports Dagster.

Domain code (cleaning, privacy, products, delivery, alerts, monitoring, the deck, …)
stays plain Python so it is testable without an instance and reusable outside Dagster;
``ouchhungry_dp/defs/`` wires it, and ``ouchhungry_dp/definitions.py`` is the code
location's entry point.
"""

from __future__ import annotations

import ast
from pathlib import Path

from ouchhungry_dp.settings import REPO_ROOT

PACKAGE = REPO_ROOT / "ouchhungry_dp"
WIRING = (PACKAGE / "defs", PACKAGE / "lib", PACKAGE / "definitions.py")


def absolute_imports(path: Path) -> list[tuple[str, str]]:
    """``(where, module)`` of every absolute import in ``path``, function-level too."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                 else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level
                 else [])
        found += [(f"{path.relative_to(REPO_ROOT)}:{node.lineno}", name) for name in names]
    return found


def dagster_imports(path: Path) -> list[str]:
    return [f"{where} {name}" for where, name in absolute_imports(path)
            if name.split(".")[0] == "dagster" or name.startswith("dagster_")]


def test_only_the_wiring_imports_dagster() -> None:
    outside = [p for p in PACKAGE.rglob("*.py")
               if not any(p == w or w in p.parents for w in WIRING)]
    assert len(outside) > 50  # the domain packages were found
    assert [hit for p in sorted(outside) for hit in dagster_imports(p)] == []
    assert dagster_imports(PACKAGE / "definitions.py")  # the check sees an import


def package_imports(path: Path, prefix: str) -> list[str]:
    return [f"{where} {name}" for where, name in absolute_imports(path)
            if name == prefix or name.startswith(f"{prefix}.")]


def test_lib_does_not_import_defs() -> None:
    # lib/ sits under defs/: the loader reads defs/, and lib/ is what defs/ shares. (A
    # roll-out entry point may load the whole code location, ``ouchhungry_dp.definitions``.)
    lib = sorted((PACKAGE / "lib").rglob("*.py"))
    assert len(lib) > 10
    assert [hit for p in lib for hit in package_imports(p, "ouchhungry_dp.defs")] == []
    # The check sees an import of defs where there is one.
    assert package_imports(PACKAGE / "defs/products/partner_products.py", "ouchhungry_dp.defs")


# -- what production imports ------------------------------------------------------------------
# Packages of ours that production never loads: the local stand-ins and bootstrap, the deck
# (a dev tool) and the simulated source (prod extracts the replica in BigQuery).
DEV_ONLY_PACKAGES = ("ouchhungry_dp.sandbox", "ouchhungry_dp.deck", "ouchhungry_dp.simulation")
# Direct members of the extras (pyproject.toml): the prod load must import none of them.
EXTRAS_ONLY = {"asyncssh", "aiosmtpd", "faker", "pptx", "dagster_webserver", "pytest",
               "hypothesis", "syrupy", "dagster_graphql"}
LOADED = """
import json, sys
before = set(sys.modules)  # the interpreter's start-up (site, .pth hooks), not ours
import ouchhungry_dp.definitions
print(json.dumps(sorted(set(sys.modules) - before)))
"""


def _locked_distributions() -> set[str]:
    from packaging.utils import canonicalize_name

    lock = (REPO_ROOT / "deploy" / "requirements.lock").read_text().splitlines()
    return {canonicalize_name(line.split("==")[0]) for line in lock
            if "==" in line and not line.startswith((" ", "#"))}


def test_prod_loads_only_runtime_dependencies(tmp_path: Path) -> None:
    """The prod code location, loaded as the image loads it, imports nothing of the sandbox,
    the deck or the simulator, and every third-party module it imports comes from a
    distribution of deploy/requirements.lock (the runtime dependencies the image installs)."""
    import importlib.metadata
    import json
    import os
    import subprocess
    import sys

    from packaging.utils import canonicalize_name

    from ouchhungry_dp_tests.e2e.test_definitions_validate import PROD_DUMMIES

    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "PYTHONPATH": str(REPO_ROOT),
           **PROD_DUMMIES, "OUCHHUNGRY_DATA_DIR": str(tmp_path / "data")}
    result = subprocess.run([sys.executable, "-c", LOADED], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    modules = json.loads(result.stdout.splitlines()[-1])
    assert "ouchhungry_dp.defs.delivery.partner_delivery" in modules  # the prod load ran
    assert [m for m in modules if m.startswith(DEV_ONLY_PACKAGES)] == []
    tops = {m.split(".")[0] for m in modules}
    assert sorted(tops & EXTRAS_ONLY) == []

    owners = importlib.metadata.packages_distributions()
    locked = _locked_distributions()
    outside = sorted({f"{top} ({dist})" for top in tops for dist in owners.get(top, [])
                      if canonicalize_name(dist) not in locked | {"ouchhungry-dp"}})
    assert outside == [], "imported in prod but not a runtime dependency"
    # the extras really are outside the lock, so the checks above can fail
    assert {"asyncssh", "aiosmtpd", "faker", "python-pptx", "dagster-webserver"}.isdisjoint(locked)


def test_data_files_found_by_path_from_moved_modules_exist() -> None:
    # Modules that find package data relative to their own file break silently when moved
    # (the BigQuery DDL is read only in prod): each path must point at real files.
    from ouchhungry_dp.lib.defs_folder import PACKAGE_DIR
    from ouchhungry_dp.lib.warehouse.bigquery_tables import DDL_DIR

    assert sorted(p.name for p in DDL_DIR.glob("*.sql"))[:1] == ["cleaned_customers.sql"]
    assert (PACKAGE_DIR / "dg.toml").is_file() and (PACKAGE_DIR / "defs").is_dir()
