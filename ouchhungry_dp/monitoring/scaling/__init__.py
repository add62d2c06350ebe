"""Demand-driven scaling proposals: BigQuery reservation slots and Dagster run concurrency."""
