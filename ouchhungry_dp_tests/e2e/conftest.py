"""Postgres e2e tests start their own PostgreSQL server (ouchhungry_dp_tests/postgres.py)."""

from ouchhungry_dp_tests.postgres import postgres_server, postgres_url  # noqa: F401
