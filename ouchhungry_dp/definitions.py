"""The code location: the Definitions of every domain, merged, plus the shared resources.

Each ``defs/<domain>/definitions.py`` builds a small ``Definitions`` that does one
thing; resources are chosen per environment in ``lib/resources/by_environment.py``. (Modules,
not their objects, are imported: Dagster allows one Definitions at module scope.)
"""

from __future__ import annotations

import dagster as dg

from ouchhungry_dp.defs.alerts import definitions as alerts
from ouchhungry_dp.defs.delivery import partner_delivery as delivery
from ouchhungry_dp.defs.platform import definitions as platform
from ouchhungry_dp.defs.products import partner_products as products
from ouchhungry_dp.defs.quality import definitions as quality
from ouchhungry_dp.defs.sources import definitions as sources
from ouchhungry_dp.lib.resources.by_environment import shared_resources

defs = dg.Definitions.merge(
    sources.defs,
    quality.defs,
    products.defs,
    delivery.defs,
    alerts.defs,
    platform.defs,
    dg.Definitions(resources=shared_resources()),
)
