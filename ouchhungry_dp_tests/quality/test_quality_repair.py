"""Repairs: formatted and bare inputs, blanks, missing values; parsers checked by round trips."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ouchhungry_dp.quality import repair as r

from . import oracles


def run(func, values: list[object]) -> list[object]:
    index = pd.Index(range(100, 100 + len(values)))
    result = func(pd.Series(values, index=index, dtype=object))
    assert result.index.equals(index)
    return [None if pd.isna(x) else x for x in result.tolist()]


def test_money() -> None:
    raw = ["R$ 1.234,56", "7,50", "12.5", "7.50", " R$7,50 ", "R$ 1.234.567,89", "1.234",
           "1,234.56", "-R$ 3,00", "R$ -3,00", "0,99", "abc", "R$ --", "7,5,0", "1.2345", "",
           None, float("nan")]  # fmt: skip
    assert run(r.parse_money_brl, raw) == [
        1234.56, 7.5, 12.5, 7.5, 7.5, 1234567.89, 1234.0, 1234.56, -3.0, -3.0, 0.99,
        None, None, None, None, None, None, None,
    ]  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=-10**9, max_value=10**9))
def test_money_round_trip(cents: int) -> None:
    brl = oracles.format_brl(cents)
    plain = f"{cents / 100:.2f}"
    bare = brl.replace("R$ ", "").replace(".", "")
    assert run(r.parse_money_brl, [brl, plain, bare]) == [cents / 100] * 3


def test_quantity() -> None:
    raw = ["2", " 3 ", "2un", "3 UN", "4 und.", "2x", "2,0", "0", "-1", "+5", "dois", "2.5", "",
           None]  # fmt: skip
    assert run(r.parse_quantity, raw) == [2, 3, 2, 3, 4, 2, 2, 0, -1, 5, None, None, None, None]


def test_dates_day_first_never_inferred() -> None:
    raw = ["03/04/2026", "03-04-2026", "2026-04-03", " 3/4/2026 ", "2026-04-03T23:30:00-03:00",
           "2026-04-03T02:30:00Z", "31/02/2026", "29/02/2024", "29/02/2026", "2026-13-01",
           "04/03/26", "", None]  # fmt: skip
    day = pd.Timestamp
    assert run(r.parse_dates, raw) == [
        day("2026-04-03"), day("2026-04-03"), day("2026-04-03"), day("2026-04-03"),
        day("2026-04-03"),
        day("2026-04-02"),  # 02:30 UTC is 23:30 of the previous day in São Paulo
        None, day("2024-02-29"), None, None, None, None, None,
    ]  # fmt: skip
    assert str(r.parse_dates(pd.Series(["01/01/2026"])).dtype) == "datetime64[ns]"


def test_timestamps_local_sao_paulo() -> None:
    raw = ["25/11/2026 13:45", "25/11/2026 13:45:10", "2026-11-25 13:45:10",
           "2026-11-25T13:45:10-03:00", "2026-11-25T16:45:10Z", "2026-11-25T16:45:10+00:00",
           "2026-11-25T13:45:10.250-03:00", "25-11-2026", "2026-11-25 24:00:00",
           "25/11/2026 13:61", None]  # fmt: skip
    ts = pd.Timestamp
    assert run(r.parse_timestamps, raw) == [
        ts("2026-11-25 13:45"), ts("2026-11-25 13:45:10"), ts("2026-11-25 13:45:10"),
        ts("2026-11-25 13:45:10"), ts("2026-11-25 13:45:10"), ts("2026-11-25 13:45:10"),
        ts("2026-11-25 13:45:10.25"), ts("2026-11-25"), None, None, None,
    ]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2199, 12, 31)))
def test_dates_round_trip(day: dt.date) -> None:
    shown = [day.strftime("%d/%m/%Y"), day.strftime("%d-%m-%Y"), day.isoformat(),
             f"{day.isoformat()}T12:00:00-03:00"]  # fmt: skip
    assert run(r.parse_dates, shown) == [pd.Timestamp(day)] * 4


@settings(max_examples=150, deadline=None)
@given(
    st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1)),
    st.integers(min_value=-12 * 60, max_value=14 * 60).map(lambda m: m - m % 15),
)
def test_timestamps_with_offset_match_zoneinfo(local: dt.datetime, offset_minutes: int) -> None:
    """Any offset gives the São Paulo wall clock the standard library's tz database gives."""
    from zoneinfo import ZoneInfo

    stamp = local.replace(microsecond=0, tzinfo=dt.timezone(dt.timedelta(minutes=offset_minutes)))
    expected = stamp.astimezone(ZoneInfo("America/Sao_Paulo")).replace(tzinfo=None)
    assert run(r.parse_timestamps, [stamp.isoformat()]) == [pd.Timestamp(expected)]


def test_cep() -> None:
    raw = ["01310100", "01310-100", " 01310-100 ", "01.310-100", "0131-100", "ABCDE-123", None]
    assert run(r.normalize_cep, raw) == ["01310-100"] * 4 + [None] * 3


def test_phone_e164() -> None:
    raw = ["(11) 98765-4321", "11987654321", "+55 11 98765-4321", "55 11 98765 4321",
           "011 98765-4321", "(21) 3333-4444", "12345", None]  # fmt: skip
    assert run(r.normalize_phone_br, raw) == ["+5511987654321"] * 5 + ["+552133334444", None, None]


def test_city() -> None:
    raw = ["São Paulo", "SAO PAULO", " são  paulo ", "sao\tpaulo", "Embu-Guaçu",
           "Santa Bárbara d’Oeste", "", None]  # fmt: skip
    assert run(r.normalize_city, raw) == ["SAO PAULO"] * 4 + [
        "EMBU-GUACU", "SANTA BARBARA D'OESTE", None, None,
    ]


def test_identifiers_normalised() -> None:
    assert run(r.normalize_cpf, ["529.982.247-25", " 52998224725 ", "5299822472"]) == [
        "52998224725", "52998224725", None,
    ]  # fmt: skip
    assert run(r.normalize_cnpj, ["12.abc.345/01de-35", "11222333000181"]) == [
        "12ABC34501DE35", "11222333000181",
    ]  # fmt: skip


@pytest.mark.parametrize(
    "func",
    [r.parse_money_brl, r.parse_quantity, r.parse_dates, r.parse_timestamps, r.normalize_cep,
     r.normalize_phone_br, r.normalize_city, r.normalize_cpf, r.normalize_cnpj],
)  # fmt: skip
def test_never_raises_on_junk(func) -> None:
    junk = [None, float("nan"), "", "   ", "\x00", "🙂", "9" * 40, 12.5, 7, "R$", "//", "--:--"]
    assert len(run(func, junk)) == len(junk)


def test_quantity_with_a_thousands_separator_is_not_misread() -> None:
    # pt-BR "1.000" is a thousand, en-US "1,000" too: never silently 1 (found in review).
    raw = ["1.000", "2.000", "1,000", "2.00", "3,00"]
    assert run(r.parse_quantity, raw) == [None, None, None, 2, 3]
