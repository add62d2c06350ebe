"""The blocking `no_small_cells` guardrail at k - 1, k and k + 1 customers, for any k.

The decision frame is written by hand (not by `decide_locations`), and the oracle is
plain integer comparison per label, so the check is tested independently of the
code that decides the cells. Every example sits on an edge: each published cell holds
k - 1, k or k + 1 customers in the decision basis.
"""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from ouchhungry_dp.products.guardrails import cells_under_minimum

OFFSETS = st.sampled_from([-1, 0, 1])


@settings(max_examples=300, deadline=None)
@given(k=st.integers(2, 60), city_offset=OFFSETS, residual_offset=OFFSETS)
def test_a_published_cell_passes_exactly_from_k_customers(
        k: int, city_offset: int, residual_offset: int) -> None:
    city, residual = k + city_offset, k + residual_offset
    # A named city of SP, the SP residual (a town generalised to its state), and a
    # state-level cell of RJ at exactly k: it must never be flagged.
    decision = pd.DataFrame({
        "state": ["SP", "SP", "RJ"],
        "city": ["SAO PAULO", "TOWN", "NITEROI"],
        "level": ["city", "state", "state"],
        "cell_customers": [city, residual, k],
    })
    published = pd.DataFrame({
        "state": ["SP", "SP", "RJ"],
        "city": ["SAO PAULO", "*", "*"],
        "location_level": ["city", "state", "state"],
    })
    outcome = cells_under_minimum(published, decision, k)

    expected = [label for label, customers in (
        ({"state": "SP", "city": "SAO PAULO", "location_level": "city"}, city),
        ({"state": "SP", "city": "*", "location_level": "state"}, residual),
    ) if customers < k]
    assert outcome.passed is (not expected)
    assert outcome.metadata["cells_under_minimum"] == expected
    assert outcome.metadata["min_customers"] == k
