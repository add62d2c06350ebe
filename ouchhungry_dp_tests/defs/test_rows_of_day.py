"""``rows_of_day``: the rows of one day of a (possibly multi-day) step input; a one-day
run's million rows come back as they are, not as a masked copy."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from ouchhungry_dp.errors import ConfigurationError
from ouchhungry_dp.lib.execution.partitions import rows_of_day


def _frame(stamps: list[str | None]) -> pd.DataFrame:
    stamp = pd.to_datetime(pd.Series(stamps, dtype="object"), format="ISO8601").to_numpy()
    return pd.DataFrame({"sale_date": stamp, "n": range(len(stamps))},
                        index=range(10, 10 + len(stamps)))


def test_a_multi_day_input_gives_the_rows_of_that_day_only() -> None:
    frame = _frame(["2026-10-01", "2026-10-02 23:59:59", None, "2026-10-01 12:30", "2026-10-03"])
    day = rows_of_day(frame, "sale_date", dt.date(2026, 10, 1))
    assert list(day.index) == [10, 13] and list(day["n"]) == [0, 3]
    assert list(rows_of_day(frame, "sale_date", dt.date(2026, 10, 2))["n"]) == [1]
    assert rows_of_day(frame, "sale_date", dt.date(2026, 10, 4)).empty


def test_a_one_day_input_is_returned_itself() -> None:
    frame = _frame(["2026-10-01", "2026-10-01 23:59:59", "2026-10-01 00:00"])
    assert rows_of_day(frame, "sale_date", dt.date(2026, 10, 1)) is frame
    # A missing date is not the day's: the frame is masked, not returned.
    with_missing = _frame(["2026-10-01", None])
    assert list(rows_of_day(with_missing, "sale_date", dt.date(2026, 10, 1))["n"]) == [0]


def test_time_zone_aware_stamps_are_refused_not_matched_to_nothing() -> None:
    frame = pd.DataFrame({"sale_date": pd.to_datetime(["2026-10-01 12:00"]).tz_localize("UTC")})
    with pytest.raises(ConfigurationError, match="sale_date"):
        rows_of_day(frame, "sale_date", dt.date(2026, 10, 1))
