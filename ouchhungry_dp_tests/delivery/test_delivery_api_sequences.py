"""Partner API: scripted status sequences per endpoint, and the waits between attempts.

``SandboxPartnerApi.script("put", 401, 503, 401)`` makes the next PUTs answer
those statuses in order; ``history`` lists every answer the server gave. The
retry policy's ``sleep`` is a recorder, so the waits tenacity asked for are
checked value by value (no test sleeps, no timing thresholds).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from ouchhungry_dp.delivery.api import PartnerApiClient
from ouchhungry_dp.delivery.channel_settings import PartnerApiConfig
from ouchhungry_dp.delivery.retry import DeliveryRetryPolicy
from ouchhungry_dp.errors import ConnectivityError, DeliveryError
from ouchhungry_dp.sandbox.partner_systems.api_server import CannedResponse, SandboxPartnerApi

from .conftest import SleepRecorder

DATASET = "ouchhungry_sales_daily"
PARTITION = "2026-11-25"


def _put(client: PartnerApiClient, file: Path, rows: int = 10):
    key = f"ouchhungry:{DATASET}:{PARTITION}:{hashlib.sha256(file.read_bytes()).hexdigest()}"
    return client.put_delivery(DATASET, PARTITION, file, rows=rows, idempotency_key=key)


def test_only_one_new_token_per_delivery_even_across_retries(
    api_server: SandboxPartnerApi,
    api_config: Callable[..., PartnerApiConfig],
    daily_csv,
    fast_retry: DeliveryRetryPolicy,
) -> None:
    """401 -> new token -> 503 (retried) -> 401 again: the second 401 is final, no new token."""
    api_server.script("put", 401, 503, 401)
    with (
        PartnerApiClient(api_config(), retry=fast_retry) as client,
        pytest.raises(ConnectivityError, match="refused a fresh token") as caught,
    ):
        _put(client, daily_csv(10, "a"))

    assert caught.value.transient is False
    assert caught.value.attempts == 2  # type: ignore[attr-defined]
    assert api_server.history == [
        ("token", 200), ("put", 401), ("token", 200), ("put", 503), ("put", 401),
    ]
    assert api_server.stats.stored == 0


def test_the_renewed_token_is_reused_by_the_retry_after_a_503(
    api_server: SandboxPartnerApi,
    api_config: Callable[..., PartnerApiConfig],
    daily_csv,
    fast_retry: DeliveryRetryPolicy,
) -> None:
    api_server.script("put", 401, 503)
    with PartnerApiClient(api_config(), retry=fast_retry) as client:
        receipt = _put(client, daily_csv(10, "a"))

    assert (receipt.attempts, receipt.token_requests) == (2, 2)
    assert api_server.history == [
        ("token", 200), ("put", 401), ("token", 200), ("put", 503), ("put", 201),
    ]


def test_a_token_endpoint_503_is_retried_like_any_busy_answer(
    api_server: SandboxPartnerApi,
    api_config: Callable[..., PartnerApiConfig],
    daily_csv,
    fast_retry: DeliveryRetryPolicy,
) -> None:
    api_server.script("token", 503)
    with PartnerApiClient(api_config(), retry=fast_retry) as client:
        receipt = _put(client, daily_csv(10, "a"))

    assert receipt.attempts == 2
    assert api_server.history == [("token", 503), ("token", 200), ("put", 201)]


def test_waits_are_retry_after_when_asked_and_bounded_backoff_otherwise(
    api_server: SandboxPartnerApi,
    api_config: Callable[..., PartnerApiConfig],
    daily_csv,
    sleeps: SleepRecorder,
) -> None:
    # A cap far below the uncapped backoff (1 s, 2 s, 4 s), so a lost cap shows at once.
    policy = DeliveryRetryPolicy(attempts=4, initial_delay_s=1.0, max_delay_s=0.001, sleep=sleeps)
    api_server.inject(
        CannedResponse(503, {"error": "maintenance"}, {"Retry-After": "7"}),
        CannedResponse(502, {"error": "bad gateway"}),
        CannedResponse(504, {"error": "gateway timeout"}),
    )
    with PartnerApiClient(api_config(), retry=policy) as client:
        receipt = _put(client, daily_csv(10, "a"))

    assert receipt.attempts == 4
    assert len(sleeps.waits) == 3
    # max(backoff <= 0.001 s, Retry-After 7 s) is exactly what the server asked for.
    assert sleeps.waits[0] == 7.0
    # Without Retry-After: full-jitter backoff, capped by max_delay_s.
    assert all(0 <= wait <= 0.001 for wait in sleeps.waits[1:])


def test_a_redirect_is_not_followed_so_the_token_cannot_leak(
    api_server: SandboxPartnerApi, api_config: Callable[..., PartnerApiConfig], daily_csv,
) -> None:
    api_server.inject(
        CannedResponse(307, {"error": "moved"}, {"Location": "http://127.0.0.2:9/steal"})
    )
    with (
        PartnerApiClient(api_config(), retry=DeliveryRetryPolicy(attempts=1)) as client,
        pytest.raises(DeliveryError, match="rejected by the partner API") as caught,
    ):
        _put(client, daily_csv(10, "a"))
    assert "HTTP 307" in (caught.value.detail or "")
    assert api_server.history == [("token", 200), ("put", 307)]


@pytest.mark.parametrize("status", [401, 403])
def test_refused_credentials_at_the_token_endpoint_fail_at_once_naming_the_partition(
    api_server: SandboxPartnerApi, api_config: Callable[..., PartnerApiConfig], daily_csv,
    status: int,
) -> None:
    api_server.script("token", status)
    with (
        PartnerApiClient(api_config(), retry=DeliveryRetryPolicy(attempts=3, sleep=SleepRecorder()))
        as client,
        pytest.raises(ConnectivityError, match="refused our credentials") as caught,
    ):
        _put(client, daily_csv(10, "a"))
    assert caught.value.transient is False
    assert (caught.value.partner, caught.value.partition) == ("ouchhungry", PARTITION)
    assert f"HTTP {status} from /auth/token" in (caught.value.detail or "")
    assert api_server.history == [("token", status)]


def test_a_token_that_is_not_bearer_is_refused(
    api_server: SandboxPartnerApi, api_config: Callable[..., PartnerApiConfig], daily_csv,
) -> None:
    api_server.inject(CannedResponse(200, {"access_token": "t", "token_type": "mac"},
                                     route="token"))
    with (
        PartnerApiClient(api_config(), retry=DeliveryRetryPolicy(attempts=1)) as client,
        pytest.raises(DeliveryError, match="token response is malformed") as caught,
    ):
        _put(client, daily_csv(10, "a"))
    assert (caught.value.partner, caught.value.partition, caught.value.detail) == (
        "ouchhungry", PARTITION, "ValueError",
    )
