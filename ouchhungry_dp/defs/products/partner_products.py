"""Every partner contract's products: the product assets and the month's cell decision."""

import dagster as dg

from ouchhungry_dp.defs.products.decision import decision_definitions
from ouchhungry_dp.defs.products.insights_asset import insights_asset
from ouchhungry_dp.defs.products.product_assets import product_assets
from ouchhungry_dp.partners.contract import load_contracts


@dg.definitions
def partner_products() -> dg.Definitions:
    contracts = load_contracts()
    return dg.Definitions.merge(
        dg.Definitions(assets=[a for c in contracts
                                for a in (*product_assets(c), insights_asset(c))]),
        *(decision_definitions(c) for c in contracts),
    )
