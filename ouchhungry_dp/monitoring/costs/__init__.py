"""Platform cost and consumption monitoring (GitHub issue #7). No Dagster import.

Reads BigQuery INFORMATION_SCHEMA (JOBS, TABLE_STORAGE, COLUMNS), the Cloud
Billing export and a GCS inventory through a :class:`~.source.CostSource`,
prices them with :mod:`.config`, and derives attribution, KPIs, anomalies,
recommendations and an HTML report.
"""
