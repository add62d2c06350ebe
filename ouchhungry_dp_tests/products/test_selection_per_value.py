"""The per-distinct-value paths of the partner selection against the per-row code they
replaced (issue 12: a day's million order items took seconds of Python calls per row).

``market_items``'s ``state``/``city`` and ``partner_rows_conserved``'s brand count feed
the daily and monthly files and a blocking check: the fast paths must give exactly the
values, dtype and index of the plain pandas expressions.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from ouchhungry_dp.partners.contract import load_contracts
from ouchhungry_dp.products.daily import formatted
from ouchhungry_dp.products.guardrails import _brand_keys, partner_brand_rows
from ouchhungry_dp.products.selection import text_per_value
from ouchhungry_dp.quality.ownership import ownership_key

# Blanks Python's str.strip() removes (and ones it keeps, e.g. the zero-width space).
_BLANKS = [" ", "\t", "\n", "\u00a0", "\u2003", "\u3000", "\u200b"]
_TEXT = st.one_of(
    st.none(),
    st.builds(lambda a, w, b: a + w + b, st.sampled_from(["", *_BLANKS]),
              st.sampled_from(["sp", "SP", "rj ", "São Paulo", "são paulo", "ÉVORA", "ß", ""]),
              st.sampled_from(["", *_BLANKS])),
)
_DTYPES = ["object", "string[python]", "string[pyarrow]"]


def _plain(column: pd.Series, upper: bool) -> pd.Series:
    text = column.astype("string").str.strip()
    return text.str.upper() if upper else text


@settings(max_examples=300, deadline=None)
@given(values=st.lists(_TEXT, max_size=40), dtype=st.sampled_from(_DTYPES),
       upper=st.booleans(), start=st.integers(0, 5))
def test_text_per_value_equals_the_per_row_expression(values: list[str | None], dtype: str,
                                                     upper: bool, start: int) -> None:
    # A non-default index: the rows must come back in place, not renumbered.
    column = pd.Series(values, dtype=dtype, name="city",
                       index=pd.RangeIndex(start, start + len(values)) * 3)
    pd.testing.assert_series_equal(text_per_value(column, upper=upper), _plain(column, upper))


def test_text_per_value_fails_like_the_plain_expression_on_other_types() -> None:
    column = pd.Series([1.5, None, 2.0, 1.5], dtype="Float64", name="state")
    pd.testing.assert_series_equal(text_per_value(column, upper=True), _plain(column, True))


@settings(max_examples=200, deadline=None)
@given(brands=st.lists(st.one_of(st.none(), st.sampled_from(
    ["OuchHungry", "ouch-hungry.", "Ouch Hungry", "OUCHHUNGRY ", "Rival", "Crocante",
     "ouchhungri", "Ôuch Hüngry", ""])), max_size=30), dtype=st.sampled_from(_DTYPES[1:]))
def test_partner_brand_rows_equals_the_per_row_map(brands: list[str | None],
                                                   dtype: str) -> None:
    contract = load_contracts()[0]
    column = pd.Series(brands, dtype=dtype)
    per_row = column.map(ownership_key, na_action="ignore").isin(_brand_keys(contract))
    assert partner_brand_rows(column, contract) == int(per_row.sum())


_STAMPS = st.lists(st.one_of(st.none(), st.datetimes(min_value=dt.datetime(2025, 12, 30),
                                                     max_value=dt.datetime(2026, 2, 2))),
                   max_size=30)


@settings(max_examples=150, deadline=None)
@given(_STAMPS, st.sampled_from(["%Y-%m", "%Y-%m-%d"]))
def test_dates_formatted_per_value_are_strftime_of_every_row(stamps: list, fmt: str) -> None:
    # The daily file's sale_date text and the pseudonyms' month scope.
    values = pd.Series(pd.to_datetime(pd.Series(stamps, dtype="datetime64[ns]")).to_numpy(),
                       index=range(7, 7 + len(stamps)))
    pd.testing.assert_series_equal(formatted(values, fmt), values.dt.strftime(fmt))
