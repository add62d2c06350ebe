"""Segment shares (session 6 mutation pass): the level choice of ``_brand_shares``, the
two-brand rule of ``add_segment_shares`` and ``dominance_allows`` on bad input, each on a
market summed by hand (helpers and the contract (3; 2, 85) of
``test_segment_share_exact.py``)."""

from __future__ import annotations

import pandas as pd
import pytest

from ouchhungry_dp.products.segment_share import dominance_allows


def test_a_company_total_that_is_not_a_number_is_refused_not_read_as_zero() -> None:
    # Read as 0, "many" would hide the largest company: [0, 10, 10] fails the rule for
    # another reason, [0, 1, 1, 1] (top 2 = 67 %) would pass.
    with pytest.raises(ValueError):
        dominance_allows(pd.Series(["many", "1", "1", "1"], dtype=object), 2, 85)
    # Numbers written as text are numbers.
    assert dominance_allows(pd.Series(["1", "1", "1"], dtype=object), 2, 60) is False
    assert dominance_allows(pd.Series(["10", "10", "10", "10"], dtype=object), 2, 50) is True
