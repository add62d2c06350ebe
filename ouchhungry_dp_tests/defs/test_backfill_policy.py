"""Daily assets backfill k days per run; k comes from one setting, read when definitions load."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PROBE = """
from ouchhungry_dp.defs.quality.cleaning_assets import clean_transactions_assets
from ouchhungry_dp.defs.sources.raw_assets import raw_customers, raw_transactions
policies = {a.backfill_policy for a in (raw_transactions, raw_customers,
                                        clean_transactions_assets)}
(policy,) = policies
print(policy.policy_type.value, policy.max_partitions_per_run)
"""


def probe(value: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "OUCHHUNGRY_BACKFILL_DAYS_PER_RUN"}
    if value is not None:
        env["OUCHHUNGRY_BACKFILL_DAYS_PER_RUN"] = value
    return subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize(("value", "expected"), [
    (None, "MULTI_RUN 7"), ("3", "MULTI_RUN 3"), ("0", "SINGLE_RUN None")])
def test_raw_and_cleaned_assets_share_the_backfill_policy(value: str | None,
                                                          expected: str) -> None:
    result = probe(value)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == expected


def test_a_bad_value_fails_closed_naming_the_variable() -> None:
    result = probe("a week")
    assert result.returncode != 0
    assert "OUCHHUNGRY_BACKFILL_DAYS_PER_RUN='a week'" in result.stderr
