"""Retry policy shared by the delivery clients (no Dagster import).

Built on tenacity (a well-kept library) instead of a hand-written loop: it gives
exponential backoff with full jitter, attempt accounting and a pluggable sleep,
which tests replace with a recorder so no test ever waits for real.

Only faults marked ``transient`` (see ``ouchhungry_dp.errors``) are retried:
auth, host-key, validation and "rejected" errors fail at the first attempt.
A server that asks us to wait (HTTP ``Retry-After``) is obeyed: the next attempt
never starts before the time it asked for; if it asks for more than
``max_retry_after_s`` we stop instead of blocking a run for an hour.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from tenacity import RetryCallState, Retrying, retry_if_exception, wait_random_exponential

from ouchhungry_dp.errors import OuchHungryError

T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeliveryRetryPolicy:
    """How many times and how patiently a delivery is retried.

    ``attempts`` counts the first try. The wait after failed attempt ``n`` (1, 2, ...)
    is drawn uniformly from ``[0, min(max_delay_s, initial_delay_s * 2**(n-1))]``
    (full jitter, so parallel runs do not retry in lock-step), or the server's
    ``Retry-After`` when that is longer.
    """

    attempts: int = 4
    initial_delay_s: float = 1.0
    max_delay_s: float = 30.0
    max_retry_after_s: float = 120.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("DeliveryRetryPolicy.attempts must be >= 1")
        if self.initial_delay_s < 0 or self.max_delay_s < 0:
            raise ValueError("DeliveryRetryPolicy delays must be >= 0")


def is_transient(exc: BaseException) -> bool:
    return isinstance(exc, OuchHungryError) and exc.transient


def retry_after_of(exc: BaseException | None) -> float | None:
    """Seconds the server asked us to wait, carried on the exception by the clients."""
    value = getattr(exc, "retry_after_s", None)
    return float(value) if value is not None else None


class _Wait:
    def __init__(self, policy: DeliveryRetryPolicy) -> None:
        self._backoff = wait_random_exponential(
            multiplier=policy.initial_delay_s, max=policy.max_delay_s
        )

    def __call__(self, state: RetryCallState) -> float:
        backoff = self._backoff(state)
        exc = state.outcome.exception() if state.outcome else None
        asked = retry_after_of(exc)
        return max(backoff, asked) if asked is not None else backoff


class _Stop:
    def __init__(self, policy: DeliveryRetryPolicy) -> None:
        self._policy = policy

    def __call__(self, state: RetryCallState) -> bool:
        if state.attempt_number >= self._policy.attempts:
            return True
        exc = state.outcome.exception() if state.outcome else None
        asked = retry_after_of(exc)
        return asked is not None and asked > self._policy.max_retry_after_s


def _log_retry(state: RetryCallState) -> None:
    exc = state.outcome.exception() if state.outcome else None
    wait = state.next_action.sleep if state.next_action else 0.0
    # The exception text is built by our clients and never holds secrets.
    log.warning("attempt %d failed (%s); retrying in %.2fs", state.attempt_number, exc, wait)


def run_with_retry(policy: DeliveryRetryPolicy, operation: Callable[[int], T]) -> T:
    """Run ``operation(attempt_number)`` under ``policy``; re-raise the last error.

    The last exception gets an ``attempts`` attribute so callers can report how
    many tries a failed delivery took.
    """
    retrying = Retrying(
        stop=_Stop(policy),
        wait=_Wait(policy),
        retry=retry_if_exception(is_transient),
        sleep=policy.sleep,
        before_sleep=_log_retry,
        reraise=True,
    )
    attempt_number = 0
    try:
        for attempt in retrying:
            with attempt:
                attempt_number = attempt.retry_state.attempt_number
                return operation(attempt_number)
    except OuchHungryError as exc:
        exc.attempts = attempt_number  # type: ignore[attr-defined]
        raise
    raise AssertionError("unreachable: tenacity stopped without result or error")
