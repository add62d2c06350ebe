"""The deploy tests run against a real PostgreSQL server started by the suite."""

from ouchhungry_dp_tests.postgres import postgres_server, postgres_url  # noqa: F401
