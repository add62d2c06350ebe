"""Part of the code location: the Definitions of some ``defs/`` folders only.

``ouchhungry_dp/definitions.py`` loads the whole folder with
``dg.load_from_defs_folder``; tests that run one chain (sources -> quality ->
products -> delivery) with their own resources load just those folders through the
same component tree, so what they run is what the code location declares.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # where ouchhungry_dp/dg.toml is


def load_defs_folders(*folders: str) -> dg.Definitions:
    """``load_defs_folders("sources", "quality")``: the Definitions under those folders."""
    tree = dg.ComponentTree.for_project(PACKAGE_DIR)
    return dg.Definitions.merge(*(tree.build_defs(Path(folder)) for folder in folders))
