import dagster as dg

from ouchhungry_dp.defs.sources.raw_assets import raw_customers, raw_products, raw_transactions

defs = dg.Definitions(assets=[raw_transactions, raw_customers, raw_products])
