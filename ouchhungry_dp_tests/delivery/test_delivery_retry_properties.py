"""Retry policy at the edges of its thresholds (Hypothesis), waits recorded through
tenacity's ``sleep`` hook: attempts k-1/k/k+1, the backoff bound after each attempt,
and a ``Retry-After`` just under, at and over ``max_retry_after_s``."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ouchhungry_dp.delivery.retry import DeliveryRetryPolicy, run_with_retry
from ouchhungry_dp.errors import ConnectivityError, DeliveryError

from .conftest import SleepRecorder

EXAMPLES = settings(max_examples=300, deadline=None)


def _busy(retry_after: float | None) -> ConnectivityError:
    error = ConnectivityError("busy", transient=True)
    error.retry_after_s = retry_after  # type: ignore[attr-defined]
    return error


def _always_failing(calls: list[int], retry_after: float | None):
    def operation(attempt: int) -> str:
        calls.append(attempt)
        raise _busy(retry_after)

    return operation


@EXAMPLES
@given(
    attempts=st.integers(1, 8),
    initial=st.floats(0, 5, allow_nan=False),
    cap=st.floats(0, 10, allow_nan=False),
)
@example(attempts=1, initial=1.0, cap=30.0)
@example(attempts=8, initial=5.0, cap=0.0)
def test_backoff_waits_stay_within_the_full_jitter_bound(attempts, initial, cap) -> None:
    sleeps, calls = SleepRecorder(), []
    policy = DeliveryRetryPolicy(attempts=attempts, initial_delay_s=initial, max_delay_s=cap,
                                 sleep=sleeps)

    with pytest.raises(ConnectivityError) as caught:
        run_with_retry(policy, _always_failing(calls, None))

    assert calls == list(range(1, attempts + 1))
    assert caught.value.attempts == attempts  # type: ignore[attr-defined]
    assert len(sleeps.waits) == attempts - 1
    for failed_attempt, wait in enumerate(sleeps.waits, start=1):
        assert 0 <= wait <= min(cap, initial * 2 ** (failed_attempt - 1))


@EXAMPLES
@given(
    ceiling=st.integers(0, 300),
    delta=st.sampled_from([-1, 0, 1]),
    attempts=st.integers(2, 5),
)
def test_retry_after_is_obeyed_up_to_the_ceiling_and_stops_the_retries_above_it(
    ceiling, delta, attempts
) -> None:
    asked = float(max(0, ceiling + delta))
    sleeps, calls = SleepRecorder(), []
    policy = DeliveryRetryPolicy(
        attempts=attempts, initial_delay_s=0.001, max_delay_s=0.001,
        max_retry_after_s=float(ceiling), sleep=sleeps,
    )

    with pytest.raises(ConnectivityError):
        run_with_retry(policy, _always_failing(calls, asked))

    if asked > ceiling:  # asking for longer than we wait: give up at once
        assert (calls, sleeps.waits) == ([1], [])
    else:
        assert len(calls) == attempts
        # max(backoff <= 0.001 s, Retry-After): never earlier than asked, never much later.
        assert all(asked <= wait <= max(asked, 0.001) for wait in sleeps.waits)


@EXAMPLES
@given(succeed_at=st.integers(1, 6), attempts=st.integers(1, 6))
def test_a_success_on_the_last_allowed_attempt_counts_one_after_it_does_not(
    succeed_at, attempts
) -> None:
    sleeps, calls = SleepRecorder(), []
    policy = DeliveryRetryPolicy(attempts=attempts, initial_delay_s=0, max_delay_s=0, sleep=sleeps)

    def operation(attempt: int) -> int:
        calls.append(attempt)
        if attempt < succeed_at:
            raise _busy(None)
        return attempt

    if succeed_at <= attempts:
        assert run_with_retry(policy, operation) == succeed_at
    else:
        with pytest.raises(ConnectivityError):
            run_with_retry(policy, operation)
    assert len(calls) == min(succeed_at, attempts)
    assert sleeps.waits == [0.0] * (len(calls) - 1)


@given(attempts=st.integers(1, 8))
def test_a_permanent_error_is_never_retried(attempts) -> None:
    calls: list[int] = []

    def rejected(attempt: int) -> None:
        calls.append(attempt)
        raise DeliveryError("rejected")

    with pytest.raises(DeliveryError):
        run_with_retry(DeliveryRetryPolicy(attempts=attempts, sleep=SleepRecorder()), rejected)
    assert calls == [1]


@pytest.mark.parametrize("attempts", [0, -1])
def test_fewer_than_one_attempt_is_refused(attempts) -> None:
    with pytest.raises(ValueError, match="attempts"):
        DeliveryRetryPolicy(attempts=attempts)
