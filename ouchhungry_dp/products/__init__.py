"""Partner data products: daily and monthly files, guardrails, insights (no Dagster import)."""
