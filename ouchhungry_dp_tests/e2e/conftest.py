"""The e2e tests share the Dagster-wiring tests' environment and instance fixtures; the
Postgres e2e tests start their own PostgreSQL server (ouchhungry_dp_tests/postgres.py)."""

from ouchhungry_dp_tests.defs.conftest import env, instance
from ouchhungry_dp_tests.postgres import postgres_server, postgres_url

__all__ = ["env", "instance", "postgres_server", "postgres_url"]
