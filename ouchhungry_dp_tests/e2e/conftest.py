"""The e2e tests share the Dagster-wiring tests' environment and instance fixtures."""

from ouchhungry_dp_tests.defs.conftest import env, instance

__all__ = ["env", "instance"]
