"""The month decision's wait for its history, as documented (docs/data-products.md: "6
retries, 10 minutes apart"), and the "no history" rule on a month's first day.

The Dagster-run tests of the wait (test_decision_asset.py, test_daily_asset_run.py) shrink
the retry constants to keep the run short, so the values a real run gets are pinned here,
on the step's own function, without overriding them.
"""

from __future__ import annotations

import datetime as dt

import dagster as dg
import pandas as pd
import pytest

from ouchhungry_dp.defs.products.decision import (
    PreviousMonthIncomplete,
    _require_history,
    missing_history_days,
)
from ouchhungry_dp.partners.contract import PartnerContract

NOVEMBER = dt.date(2026, 11, 1)


def _cleaned(instance: dg.DagsterInstance, first: str, last: str) -> None:
    for day in pd.date_range(first, last, freq="D").strftime("%Y-%m-%d"):
        instance.report_runless_asset_event(
            dg.AssetMaterialization("cleaned_transactions", partition=day))


def test_an_incomplete_previous_month_retries_six_times_ten_minutes_apart(
    contract: PartnerContract,
) -> None:
    with dg.instance_for_test() as instance:
        _cleaned(instance, "2026-10-01", "2026-10-30")  # October 31 still to come
        with pytest.raises(dg.RetryRequested) as retry:
            _require_history(instance, contract, NOVEMBER)
    assert (retry.value.max_retries, retry.value.seconds_to_wait) == (6, 600)
    cause = retry.value.__cause__
    assert isinstance(cause, PreviousMonthIncomplete)
    assert cause.detail == "missing days: 2026-10-31"


def test_the_month_s_own_first_day_cleaned_is_not_history(contract: PartnerContract) -> None:
    # The platform's first month: its first daily run cleans November 1 before the
    # product step asks for the decision. That day is not history of the month, so
    # October's 31 uncleaned days mean "no history" (decide now), not "incomplete".
    with dg.instance_for_test() as instance:
        _cleaned(instance, "2026-11-01", "2026-11-01")
        assert missing_history_days(instance, NOVEMBER) == []
        _require_history(instance, contract, NOVEMBER)  # no RetryRequested
        # One day of October cleaned makes it history, and the other 30 are missing.
        _cleaned(instance, "2026-10-05", "2026-10-05")
        missing = missing_history_days(instance, NOVEMBER)
    assert len(missing) == 30 and "2026-10-05" not in missing
    assert missing[0] == "2026-10-01" and missing[-1] == "2026-10-31"
