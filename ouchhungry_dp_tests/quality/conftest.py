"""Fixtures of the in-process daily runs (temporary DAGSTER_HOME + sandbox env), shared."""

from ouchhungry_dp_tests.defs.conftest import env, instance  # noqa: F401
