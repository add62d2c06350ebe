import dagster as dg

from ouchhungry_dp.defs.quality.cleaning_assets import (
    clean_customers_assets,
    clean_products_assets,
    clean_transactions_assets,
)

defs = dg.Definitions(
    assets=[clean_products_assets, clean_customers_assets, clean_transactions_assets]
)
