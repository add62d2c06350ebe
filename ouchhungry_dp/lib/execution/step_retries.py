"""Permanent errors fail the step at once; only transient ones use its RetryPolicy.

Dagster's ``RetryPolicy`` retries any exception. A refused host key, a wrong
password or a source that lost a column will not heal in 30 seconds, and retrying
them only delays the alert (and hammers the partner with bad logins), so they are
re-raised as ``dagster.Failure(allow_retries=False)`` chained to the original
error, which the alert sensors unwrap to name the real class and hint.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg

from ouchhungry_dp.errors import OuchHungryError


@contextmanager
def retry_only_transient() -> Iterator[None]:
    try:
        yield
    except OuchHungryError as exc:
        if exc.transient:
            raise
        raise dg.Failure(
            description=str(exc),
            metadata={k: v for k, v in exc.as_dict().items() if isinstance(v, str)},
            allow_retries=False,
        ) from exc
