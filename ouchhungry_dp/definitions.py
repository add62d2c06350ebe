"""The code location: the Definitions of every domain, merged, plus the shared resources.

Each ``defs/<domain>/definitions.py`` builds a small ``Definitions`` that does one
thing; resources are chosen per environment in ``defs/resources.py``. (Modules,
not their objects, are imported: Dagster allows one Definitions at module scope.)
"""

from __future__ import annotations

import dagster as dg

from ouchhungry_dp.defs.alerts import definitions as alerts
from ouchhungry_dp.defs.delivery import definitions as delivery
from ouchhungry_dp.defs.platform import definitions as platform
from ouchhungry_dp.defs.products import definitions as products
from ouchhungry_dp.defs.quality import definitions as quality
from ouchhungry_dp.defs.resources import shared_resources
from ouchhungry_dp.defs.sources import definitions as sources

defs = dg.Definitions.merge(
    sources.defs,
    quality.defs,
    products.defs,
    delivery.defs,
    alerts.defs,
    platform.defs,
    dg.Definitions(resources=shared_resources()),
)
