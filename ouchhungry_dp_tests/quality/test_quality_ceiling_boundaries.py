"""Quarantine thresholds at their edges (Hypothesis): a count one under, at and one
over each ceiling. The oracle is integer arithmetic (count * denominator vs raw rows),
not the division the checks use."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ouchhungry_dp.defs.quality.cleaning_assets import (
    QUARANTINE_BLOCKING_SHARE,
    QUARANTINE_CEILINGS,
    QUARANTINE_DEFAULT_CEILING,
    _quarantine_total,
)
from ouchhungry_dp.quality.checks import quarantine_rate_ceiling

EDGES = settings(max_examples=400, deadline=None)


@EDGES
@given(raw=st.integers(1, 1_000_000), delta=st.sampled_from([-1, 0, 1]))
def test_the_blocking_quarantine_total_allows_exactly_a_quarter(raw, delta) -> None:
    assert QUARANTINE_BLOCKING_SHARE == 0.25
    quarantined = max(0, raw // 4 + delta)
    outcome = _quarantine_total(raw, quarantined)
    assert outcome.passed is (4 * quarantined <= raw)


@EDGES
@given(
    raw=st.integers(1, 100_000),
    allowed=st.integers(0, 100_000),
    delta=st.sampled_from([-1, 0, 1]),
    named=st.booleans(),
)
def test_a_reason_fails_only_once_it_is_over_its_own_ceiling(raw, allowed, delta, named) -> None:
    allowed = min(allowed, raw)
    count = max(0, allowed + delta)
    ceiling = allowed / raw
    ceilings = {"bad_cpf": ceiling} if named else {}
    default = 1.0 if named else ceiling

    outcome = quarantine_rate_ceiling({"bad_cpf": count}, raw, ceilings, default)

    assert outcome.passed is (count <= allowed)
    assert ("bad_cpf" in outcome.metadata["breaches"]) is (count > allowed)


@EDGES
@given(raw=st.sampled_from([100, 1000, 20_000]), delta=st.sampled_from([-1, 0, 1]))
def test_the_configured_ceilings_at_their_edges(raw, delta) -> None:
    # unknown_customer has its own 5 %; an unnamed reason gets the 10 % default.
    named_limit = raw * 5 // 100
    default_limit = raw * 10 // 100
    assert QUARANTINE_CEILINGS["unknown_customer"] == 0.05 and QUARANTINE_DEFAULT_CEILING == 0.10
    for reason, limit in (("unknown_customer", named_limit), ("bad_email", default_limit)):
        count = limit + delta
        outcome = quarantine_rate_ceiling(
            {reason: count}, raw, QUARANTINE_CEILINGS, QUARANTINE_DEFAULT_CEILING
        )
        assert outcome.passed is (count <= limit), (reason, count, raw)
