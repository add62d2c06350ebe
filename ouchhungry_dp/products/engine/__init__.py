"""Heavy aggregations of the products, written once as SQL and run where the data lives.

The month decision's basis, the monthly cells, the segment-share inputs and the
reconciliation with the daily files are GROUP BY queries over a month of order
items: they run in the warehouse (DuckDB locally, BigQuery in prod) and pandas
receives only aggregate rows, which the plain-Python privacy code then judges.
The statements are written in BigQuery's dialect and translated with sqlglot
(``query.py``); each has a pandas reference it is tested frame-equal against.
"""
