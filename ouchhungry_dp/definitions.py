"""The code location: the Definitions of every domain, merged, plus the shared resources.

Each ``defs/<domain>/definitions.py`` builds a small ``Definitions`` that does one
thing; resources are chosen per environment in ``defs/resources.py``.
"""

from __future__ import annotations

import dagster as dg

from ouchhungry_dp.defs.alerts.definitions import defs as alerts_defs
from ouchhungry_dp.defs.delivery.definitions import defs as delivery_defs
from ouchhungry_dp.defs.platform.definitions import defs as platform_defs
from ouchhungry_dp.defs.products.definitions import defs as products_defs
from ouchhungry_dp.defs.quality.definitions import defs as quality_defs
from ouchhungry_dp.defs.resources import shared_resources
from ouchhungry_dp.defs.sources.definitions import defs as sources_defs

defs = dg.Definitions.merge(
    sources_defs,
    quality_defs,
    products_defs,
    delivery_defs,
    alerts_defs,
    platform_defs,
    dg.Definitions(resources=shared_resources()),
)
