"""The export's own timestamp form (ISO with offset, read from its bytes with numpy) and the
calendar arithmetic under it, on hand-picked stamps with the standard library as oracle
(``datetime.fromisoformat``, ``zoneinfo``, ``calendar``): no code shared with
``quality/repair.py``. Milliseconds each, so the mutation pass can run them per mutant
(docs/testing.md, "quality")."""

from __future__ import annotations

import calendar
import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from ouchhungry_dp.quality.repair import parse_dates, parse_timestamps

FIRST_YEAR, LAST_YEAR = 1800, 2200  # the accepted years (docs/data-quality.md)
EXPORT = "2026-11-25T13:45:10-03:00"
EXPORT_Z = "2026-11-25T16:45:10Z"


def expected_local(stamp: str, timezone: str) -> pd.Timestamp | None:
    """The oracle: the wall clock of ``timezone`` for an ISO stamp with an offset, or None
    where the standard library refuses the date or the year is outside the accepted ones."""
    try:
        parsed = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return None
    if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
        return None
    return pd.Timestamp(parsed.astimezone(ZoneInfo(timezone)).replace(tzinfo=None))


def parsed(values: list[str | None], timezone: str = "America/Sao_Paulo",
           index: list[int] | None = None) -> list[pd.Timestamp | None]:
    series = pd.Series(values, dtype="string", index=index)
    result = parse_timestamps(series, timezone)
    assert result.index.equals(series.index)
    assert str(result.dtype) == "datetime64[ns]"
    return [None if pd.isna(x) else x for x in result.tolist()]


EXPORT_STAMPS = [
    "2026-11-25T16:45:10Z", "2026-11-25T16:45:10+00:00", EXPORT, "2026-11-25T13:45:10-00:30",
    "2026-06-01T00:00:00+05:45", "2026-06-01T23:59:59-09:30", "2026-01-01T00:00:00+14:00",
    "2026-12-31T23:59:59-12:00", "1800-01-01T00:00:00+00:00", "1800-01-01T02:59:59Z",
    "2200-12-31T23:59:59+00:00", "2200-12-31T12:00:00-03:00", "1799-12-31T23:59:59+00:00",
    "2201-01-01T00:00:00Z", "2000-02-29T12:00:00Z", "1900-02-29T12:00:00Z",
    "2100-02-29T12:00:00Z", "2024-02-29T12:00:00-03:00", "2023-02-29T12:00:00-03:00",
    "2026-04-30T10:00:00Z", "2026-04-31T10:00:00Z", "2026-03-01T02:00:00Z",
    "2026-01-31T10:00:00Z", "2026-13-01T10:00:00Z", "2026-00-10T10:00:00Z",
    "2026-05-00T10:00:00Z", "2018-11-04T02:59:59Z", "2018-11-04T03:00:00Z",
    "2019-02-17T01:59:59Z", "2019-02-17T02:00:00Z", "1850-07-15T08:30:00-02:00",
    "2199-09-09T09:09:09+09:09",
]  # fmt: skip


@pytest.mark.parametrize("timezone", ["America/Sao_Paulo", "UTC", "Asia/Kolkata"])
def test_the_export_form_gives_the_standard_librarys_wall_clock(timezone: str) -> None:
    """Leap years (1900 and 2100 are not, 2000 is), month ends, the year bounds, offsets
    of both signs with minutes, São Paulo's last summer time (2018/19)."""
    # Before 1914 São Paulo and Kolkata kept local mean time, which pandas' and zoneinfo's
    # databases round differently (seconds): the old years are compared in UTC only.
    stamps = [s for s in EXPORT_STAMPS if timezone == "UTC" or s >= "1950"]
    assert parsed(stamps, timezone) == [expected_local(s, timezone) for s in stamps]


def test_the_oracle_is_not_vacuous() -> None:
    refused = [s for s in EXPORT_STAMPS if expected_local(s, "UTC") is None]
    assert len(refused) == 9  # each rule above refuses at least one stamp
    assert expected_local("2018-11-04T03:00:00Z", "America/Sao_Paulo") == pd.Timestamp(
        "2018-11-04 01:00")  # summer time began: UTC-2


def _digit_positions(stamp: str) -> list[int]:
    return [i for i, c in enumerate(stamp) if c.isdigit()]


@pytest.mark.parametrize("stamp", [EXPORT, EXPORT_Z])
def test_a_byte_just_outside_the_digits_anywhere_is_not_a_stamp(stamp: str) -> None:
    """'/' and ':' sit right below '0' and above '9'; a letter, a blank or a sign in a
    digit's place. No other form reads these either."""
    broken = [stamp[:i] + c + stamp[i + 1:] for i in _digit_positions(stamp) for c in "/:a -"]
    assert parsed(broken) == [None] * len(broken)


@pytest.mark.parametrize("stamp", [EXPORT, EXPORT_Z])
def test_a_wrong_separator_is_not_a_stamp(stamp: str) -> None:
    separators = [i for i, c in enumerate(stamp) if not c.isdigit() and c != "T"]
    broken = [stamp[:i] + c + stamp[i + 1:] for i in separators for c in "0/*,"]
    assert parsed(broken) == [None] * len(broken)


def test_every_digit_position_carries_its_own_weight() -> None:
    """One digit changed at a time, each gives the oracle's answer (a misplaced weight or
    field boundary moves some of them). The offset stays a real one (hours 00-19, minutes
    00-59): the standard library reads ``+01:63`` and Arrow ``+31:23``, both left alone."""
    stamps = []
    for base in ("2013-10-21T12:34:56+01:23", "2013-10-21T12:34:56Z"):
        for i in _digit_positions(base):
            digits = {20: "01", 23: "012345"}.get(i, "0123456789")
            stamps.extend(base[:i] + digit + base[i + 1:] for digit in digits)
    expected = [expected_local(s, "UTC") for s in stamps]
    assert parsed(stamps, "UTC") == expected
    assert sum(e is not None for e in expected) > len(stamps) // 2


def test_rows_keep_their_place_across_the_three_paths() -> None:
    """Export-form rows (fast path), an export-form row with a leap second (strptime), other
    forms (regex) and missing values, interleaved, under an unordered index."""
    values = ["25/11/2026 10:00", EXPORT, None, "2026-11-25T10:59:60Z", EXPORT_Z,
              "2026-11-25 09:00:00+00:00", "junk", "2026-11-25T16:45:10+00:00", ""]
    index = [7, 3, 100, 1, 0, 42, 8, 5, 6]
    assert parsed(values, index=index) == [
        pd.Timestamp("2026-11-25 10:00"), pd.Timestamp("2026-11-25 13:45:10"), None,
        pd.Timestamp("2026-11-25 08:00"),  # 11:00 UTC, the leap second rolled over
        pd.Timestamp("2026-11-25 13:45:10"), pd.Timestamp("2026-11-25 06:00"), None,
        pd.Timestamp("2026-11-25 13:45:10"), None,
    ]


def test_only_the_leap_second_row_is_set_aside() -> None:
    """A column where every export-form row is ordinary but one, and one where none is."""
    ordinary = [EXPORT, EXPORT_Z]
    assert parsed(ordinary) == [pd.Timestamp("2026-11-25 13:45:10")] * 2
    assert parsed(["2026-11-25T10:59:60-03:00", *ordinary]) == [
        pd.Timestamp("2026-11-25 11:00"), *[pd.Timestamp("2026-11-25 13:45:10")] * 2]
    assert parsed(["25/11/2026", "x"]) == [pd.Timestamp("2026-11-25"), None]
    # Alone in its width (one Z stamp, one offset stamp): still the export form's parser.
    assert parsed(["2026-11-25T10:59:60Z", "2026-11-25T10:59:60-02:00"]) == [
        pd.Timestamp("2026-11-25 08:00"), pd.Timestamp("2026-11-25 10:00")]


@pytest.mark.parametrize("year", [1800, 1899, 1900, 1970, 2000, 2023, 2024, 2100, 2200])
def test_month_lengths_and_day_numbers_match_the_calendar(year: int) -> None:
    """The last day of each month is a date and the next is not, on the day-first path and
    in the export form; every first of the month is the calendar's day."""
    last = [calendar.monthrange(year, m)[1] for m in range(1, 13)]
    day_first = [f"{d + k:02d}/{m:02d}/{year}" for m, d in zip(range(1, 13), last, strict=True)
                 for k in (0, 1)]
    export = [f"{year}-{m:02d}-{d + k:02d}T00:00:00Z"
              for m, d in zip(range(1, 13), last, strict=True) for k in (0, 1)]
    expected = [pd.Timestamp(dt.date(year, m, d)) if k == 0 else None
                for m, d in zip(range(1, 13), last, strict=True) for k in (0, 1)]
    assert parsed(day_first) == expected
    assert parsed(export, "UTC") == expected
    firsts = [f"{year}-{m:02d}-01" for m in range(1, 13)]
    assert parse_dates(pd.Series(firsts, dtype="string")).tolist() == [
        pd.Timestamp(dt.date(year, m, 1)) for m in range(1, 13)]
