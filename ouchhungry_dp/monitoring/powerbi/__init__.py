"""Power BI refresh monitoring and event-driven, budgeted auto-refresh (no Dagster import)."""
