"""The code location's Definitions from the ``defs/`` folder, whole or in part.

``ouchhungry_dp/definitions.py`` loads the whole folder with ``load_defs_folder``;
tests that run one chain (sources -> quality -> products -> delivery) with their own
resources load just those folders through the same component tree, so what they run is
what the code location declares.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import dagster as dg

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # where ouchhungry_dp/dg.toml is


def load_defs_folder() -> dg.Definitions:
    """Every Definitions under ``defs/``: what ``dg.load_from_defs_folder`` builds, less
    the catalogue of installed component types.

    ``dg.load_from_defs_folder`` builds the tree's root, which also imports every package
    registered under the ``dagster_dg_cli.registry_modules`` entry point to describe its
    component types to the UI (~56 KB of JSON metadata). dagster-gcp is one of them, so
    every local run, webserver and daemon paid ~0.5 s importing BigQuery, GCS and Dataproc
    clients it never uses. The project declares no YAML or UI-managed components; the
    defs folder's own Definitions and the component tree are the same as before
    (``ouchhungry_dp_tests/defs/test_code_location_load.py``).
    """
    tree = dg.ComponentTree.for_project(PACKAGE_DIR)
    # As ``dg.load_from_defs_folder`` does: the beta/preview notices of the APIs the defs
    # use would otherwise be printed by every CLI command, run worker and code server.
    with warnings.catch_warnings():
        for category in (dg.BetaWarning, dg.PreviewWarning, dg.SupersessionWarning,
                         DeprecationWarning):
            warnings.simplefilter("ignore", category=category)
        folder = tree.build_defs(Path("."))
    return dg.Definitions.merge(folder, dg.Definitions(component_tree=tree))


def load_defs_folders(*folders: str) -> dg.Definitions:
    """``load_defs_folders("sources", "quality")``: the Definitions under those folders."""
    tree = dg.ComponentTree.for_project(PACKAGE_DIR)
    return dg.Definitions.merge(*(tree.build_defs(Path(folder)) for folder in folders))
