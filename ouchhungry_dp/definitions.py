"""The code location: every Definitions found under ``defs/``, plus the shared resources.

``load_defs_folder`` (``lib/defs_folder.py``, Dagster's component tree) imports each
module of ``ouchhungry_dp/defs/`` and takes what it declares: a module's ``Definitions``
object or ``@dg.definitions`` function when it has one (the contract-generated domains,
the platform monitors), otherwise its module-level assets, checks, jobs, schedules and
sensors. Nothing is listed by hand, so a new module under ``defs/`` is loaded without
touching this file, and helpers live in ``ouchhungry_dp/lib/`` where the loader never
looks.

Resources are chosen per environment in one place,
``ouchhungry_dp/lib/resources/by_environment.py``.
"""

from __future__ import annotations

import dagster as dg

from ouchhungry_dp.lib.defs_folder import load_defs_folder
from ouchhungry_dp.lib.resources.by_environment import shared_resources

defs = dg.Definitions.merge(load_defs_folder(), dg.Definitions(resources=shared_resources()))
