"""The code location: every Definitions found under ``defs/``, plus the shared resources.

``dg.load_from_defs_folder`` imports each module of ``ouchhungry_dp/defs/`` and takes
what it declares: a module's ``Definitions`` object or ``@dg.definitions`` function
when it has one (the contract-generated domains, the platform monitors), otherwise
its module-level assets, checks, jobs, schedules and sensors. Nothing is listed by
hand, so a new module under ``defs/`` is loaded without touching this file, and
helpers live in ``ouchhungry_dp/lib/`` where the loader never looks.

Resources are chosen per environment in one place,
``ouchhungry_dp/lib/resources/by_environment.py``.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from ouchhungry_dp.lib.resources.by_environment import shared_resources

defs = dg.Definitions.merge(
    dg.load_from_defs_folder(path_within_project=Path(__file__).parent),
    dg.Definitions(resources=shared_resources()),
)
