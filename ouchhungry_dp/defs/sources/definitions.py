import dagster as dg

from ouchhungry_dp.defs.sources.assets import raw_customers, raw_products, raw_transactions

defs = dg.Definitions(assets=[raw_transactions, raw_customers, raw_products])
