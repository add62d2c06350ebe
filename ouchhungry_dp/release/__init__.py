"""Release safety: the publishing gate between product steps and deliveries (no Dagster)."""
