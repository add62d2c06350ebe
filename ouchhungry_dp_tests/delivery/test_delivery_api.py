"""Partner API client against the real sandbox API: idempotence, tokens and the fault matrix."""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import socket
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import pytest

from ouchhungry_dp.delivery.api import PartnerApiClient, parse_retry_after
from ouchhungry_dp.delivery.channel_settings import PartnerApiConfig, Secret
from ouchhungry_dp.delivery.retry import DeliveryRetryPolicy
from ouchhungry_dp.errors import ConfigurationError, ConnectivityError, DeliveryError
from ouchhungry_dp.partners.contract import get_contract
from ouchhungry_dp.sandbox.partner_systems.api_server import CannedResponse, SandboxPartnerApi

from .conftest import API_PASSWORD, SleepRecorder

DATASET = "ouchhungry_sales_daily"
PARTITION = "2026-11-25"


def _key(file: Path) -> str:
    return f"ouchhungry:{DATASET}:{PARTITION}:{hashlib.sha256(file.read_bytes()).hexdigest()}"


def _put(client: PartnerApiClient, file: Path, rows: int = 50):
    return client.put_delivery(DATASET, PARTITION, file, rows=rows, idempotency_key=_key(file))


def test_same_partition_twice_gives_one_file_and_one_record(
    api_server: SandboxPartnerApi,
    api_config: Callable[..., PartnerApiConfig],
    daily_csv,
    fast_retry,
) -> None:
    file = daily_csv(50, "a")
    with PartnerApiClient(api_config(), retry=fast_retry) as client:
        first, second = _put(client, file), _put(client, file)

    assert first.receipt_id == second.receipt_id
    assert (first.http_status, first.attempts, first.rows) == (201, 1, 50)
    assert first.sha256 == hashlib.sha256(file.read_bytes()).hexdigest()
    assert api_server.stored_file(DATASET, PARTITION).read_bytes() == file.read_bytes()
    assert sorted(p.name for p in (api_server.root / DATASET).iterdir()) == [
        f"{PARTITION}.csv",
        f"{PARTITION}.receipt.json",
    ]
    assert api_server.stats.stored == 1
    assert api_server.stats.token_requests == 1  # the token is cached between deliveries
    stored = api_server.stored_receipt(DATASET, PARTITION)
    assert (stored["idempotency_key"], stored["rows"]) == (_key(file), 50)
    assert stored["content_type"] == "text/csv"


def test_redelivery_with_new_content_replaces_the_partition(
    api_server: SandboxPartnerApi,
    api_config: Callable[..., PartnerApiConfig],
    daily_csv,
    fast_retry,
) -> None:
    old, new = daily_csv(50, "a"), daily_csv(70, "b")
    with PartnerApiClient(api_config(), retry=fast_retry) as client:
        _put(client, old)
        receipt = _put(client, new, rows=70)

    assert receipt.http_status == 200
    assert api_server.stored_file(DATASET, PARTITION).read_bytes() == new.read_bytes()
    assert api_server.stored_receipt(DATASET, PARTITION)["receipt_id"] == receipt.receipt_id
    assert len(list((api_server.root / DATASET).iterdir())) == 2


# -- fault matrix ---------------------------------------------------------------------------


def test_fault_token_expired_mid_run_renews_once_and_succeeds(
    api_server: SandboxPartnerApi,
    api_config: Callable[..., PartnerApiConfig],
    daily_csv,
    fast_retry,
) -> None:
    with PartnerApiClient(api_config(), retry=fast_retry) as client:
        _put(client, daily_csv(10, "a"), rows=10)
        api_server.revoke_tokens()  # the server forgets the token our clock still trusts
        receipt = _put(client, daily_csv(20, "b"), rows=20)

    assert receipt.token_requests == 1 and receipt.attempts == 1
    assert api_server.stats.token_requests == 2
    assert api_server.stored_receipt(DATASET, PARTITION)["rows"] == 20


def test_fault_401_after_a_fresh_token_fails_without_looping(
    api_server: SandboxPartnerApi,
    api_config: Callable[..., PartnerApiConfig],
    daily_csv,
    fast_retry,
) -> None:
    denied = CannedResponse(401, {"error": "token not valid for this dataset"})
    api_server.inject(denied, denied, denied)
    with (
        PartnerApiClient(api_config(), retry=fast_retry) as client,
        pytest.raises(ConnectivityError, match="refused a fresh token") as caught,
    ):
        _put(client, daily_csv(10, "a"), rows=10)

    assert caught.value.transient is False
    assert api_server.stats.put_requests == 2 and api_server.stats.token_requests == 2


def test_fault_503_with_retry_after_waits_as_asked_then_succeeds(
    api_server: SandboxPartnerApi,
    api_config: Callable[..., PartnerApiConfig],
    daily_csv,
    fast_retry,
    sleeps: SleepRecorder,
) -> None:
    api_server.inject(CannedResponse(503, {"error": "maintenance"}, {"Retry-After": "7"}))
    with PartnerApiClient(api_config(), retry=fast_retry) as client:
        receipt = _put(client, daily_csv(10, "a"), rows=10)

    assert receipt.attempts == 2
    assert len(sleeps.waits) == 1 and sleeps.waits[0] >= 7  # backoff alone is <= 0.05 s
    assert api_server.stats.stored == 1


def test_fault_429_is_retried_honouring_retry_after(
    api_server: SandboxPartnerApi,
    api_config: Callable[..., PartnerApiConfig],
    daily_csv,
    fast_retry,
    sleeps: SleepRecorder,
) -> None:
    when = format_datetime(datetime.fromtimestamp(datetime.now(UTC).timestamp() + 30, UTC))
    api_server.inject(
        CannedResponse(429, {"error": "slow down"}, {"Retry-After": "3"}),
        CannedResponse(429, {"error": "slow down"}, {"Retry-After": when}),
    )
    with PartnerApiClient(api_config(), retry=fast_retry) as client:
        receipt = _put(client, daily_csv(10, "a"), rows=10)

    assert receipt.attempts == 3
    assert sleeps.waits[0] >= 3 and 20 <= sleeps.waits[1] <= 31


def test_fault_429_asking_longer_than_the_cap_gives_up_at_once(
    api_server: SandboxPartnerApi, api_config: Callable[..., PartnerApiConfig], daily_csv, sleeps
) -> None:
    api_server.inject(CannedResponse(429, {"error": "quota"}, {"Retry-After": "3600"}))
    policy = DeliveryRetryPolicy(attempts=5, initial_delay_s=0, max_retry_after_s=60, sleep=sleeps)
    with (
        PartnerApiClient(api_config(), retry=policy) as client,
        pytest.raises(ConnectivityError, match="HTTP 429") as caught,
    ):
        _put(client, daily_csv(10, "a"), rows=10)

    assert caught.value.transient is True and caught.value.attempts == 1  # type: ignore[attr-defined]
    assert sleeps.waits == []


def test_fault_400_fails_at_once_with_the_servers_message(
    api_server: SandboxPartnerApi,
    api_config: Callable[..., PartnerApiConfig],
    daily_csv,
    fast_retry,
) -> None:
    api_server.inject(CannedResponse(400, {"error": "X-Row-Count above the contract limit"}))
    with (
        PartnerApiClient(api_config(), retry=fast_retry) as client,
        pytest.raises(DeliveryError, match="X-Row-Count above the contract limit") as caught,
    ):
        _put(client, daily_csv(10, "a"), rows=10)

    assert caught.value.transient is False and caught.value.attempts == 1  # type: ignore[attr-defined]
    assert api_server.stats.put_requests == 1
    assert caught.value.partition == PARTITION and "Not retried" in (caught.value.hint or "")


def test_fault_api_timeout_is_retried_then_succeeds(
    api_server: SandboxPartnerApi,
    api_config: Callable[..., PartnerApiConfig],
    daily_csv,
    fast_retry,
) -> None:
    api_server.inject(CannedResponse(delay_s=1.5))
    config = api_config(read_timeout_s=0.3)
    with PartnerApiClient(config, retry=fast_retry) as client:
        receipt = _put(client, daily_csv(10, "a"), rows=10)

    assert receipt.attempts == 2
    assert api_server.stored_file(DATASET, PARTITION).exists()


def test_fault_api_timeout_every_time_is_a_transient_connectivity_error(
    api_server: SandboxPartnerApi, api_config: Callable[..., PartnerApiConfig], daily_csv, sleeps
) -> None:
    api_server.inject(CannedResponse(delay_s=1.0), CannedResponse(delay_s=1.0))
    policy = DeliveryRetryPolicy(attempts=2, initial_delay_s=0, sleep=sleeps)
    with (
        PartnerApiClient(api_config(read_timeout_s=0.2), retry=policy) as client,
        pytest.raises(ConnectivityError, match="timed out") as caught,
    ):
        _put(client, daily_csv(10, "a"), rows=10)

    assert caught.value.transient is True and caught.value.attempts == 2  # type: ignore[attr-defined]


def test_fault_checksum_mismatch_reported_by_the_api_is_a_delivery_error(
    api_server: SandboxPartnerApi,
    api_config: Callable[..., PartnerApiConfig],
    daily_csv,
    fast_retry,
) -> None:
    api_server.corrupt_next_puts = 1  # the server stores a damaged copy and says so
    with (
        PartnerApiClient(api_config(), retry=fast_retry) as client,
        pytest.raises(DeliveryError, match="receipt does not match") as caught,
    ):
        _put(client, daily_csv(10, "a"), rows=10)

    assert caught.value.transient is False
    # Names the receipt the server issued for the damaged copy (docs/reliability.md).
    issued = api_server.stored_receipt(DATASET, PARTITION)["receipt_id"]
    assert f"receipt {issued} says sha256" in (caught.value.detail or "")
    # "not retried" (docs/reliability.md row 11): one attempt, one PUT.
    assert caught.value.attempts == 1 and api_server.stats.put_requests == 1  # type: ignore[attr-defined]


def test_api_unreachable_is_retried_then_transient(
    api_config: Callable[..., PartnerApiConfig], daily_csv, fast_retry, sleeps: SleepRecorder
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = probe.getsockname()[1]
    with (
        PartnerApiClient(api_config(base_url=f"http://127.0.0.1:{dead}"), retry=fast_retry) as c,
        pytest.raises(ConnectivityError, match="network error") as caught,
    ):
        _put(c, daily_csv(10, "a"), rows=10)
    assert caught.value.transient is True and len(sleeps.waits) == fast_retry.attempts - 1


def test_bad_credentials_fail_at_once(
    api_server: SandboxPartnerApi,
    api_config: Callable[..., PartnerApiConfig],
    daily_csv,
    fast_retry,
) -> None:
    with (
        PartnerApiClient(api_config(password=Secret("not-it")), retry=fast_retry) as client,
        pytest.raises(ConnectivityError, match="refused our credentials") as caught,
    ):
        _put(client, daily_csv(10, "a"), rows=10)
    assert caught.value.transient is False and api_server.stats.put_requests == 0


# -- configuration --------------------------------------------------------------------------


def test_config_from_contract_mapping_requires_https_except_loopback() -> None:
    channel = get_contract("ouchhungry").delivery.api
    environ = {
        "OUCHHUNGRY_API_BASE_URL": "https://api.partner.example/",
        "OUCHHUNGRY_API_USERNAME": "dp",
        "OUCHHUNGRY_API_PASSWORD": API_PASSWORD,
    }
    config = PartnerApiConfig.from_mapping(channel.resolve(environ), partner="ouchhungry")
    assert config.base_url == "https://api.partner.example"
    assert API_PASSWORD not in repr(config)

    for url in ("http://api.partner.example", "ftp://127.0.0.1", "http://10.0.0.5:8080"):
        with pytest.raises(ConfigurationError, match="https"):
            PartnerApiConfig.from_mapping(
                {**channel.resolve(environ), "base_url": url}, partner="ouchhungry"
            )
    assert PartnerApiConfig("p", "http://127.0.0.1:9", "u", Secret("x")).base_url
    with pytest.raises(ConfigurationError, match="carries credentials") as caught:
        leaky_url = "https://dp:hunter2-secret@api.partner.example"  # pragma: allowlist secret
        PartnerApiConfig("p", leaky_url, "u", Secret("x"))
    assert "hunter2-secret" not in str(caught.value)
    with pytest.raises(ConfigurationError, match="verification"):
        PartnerApiConfig("p", "https://api.partner.example", "u", Secret("x"), verify=False)
    with pytest.raises(ConfigurationError, match="OUCHHUNGRY_API_PASSWORD"):
        PartnerApiConfig.from_mapping(
            {**channel.resolve(environ), "password": None}, partner="ouchhungry"
        )


def test_parse_retry_after_reads_seconds_and_http_dates() -> None:
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Wed, 25 Nov 2026 12:00:45 GMT", now=now) == 45.0
    assert parse_retry_after("Wed, 25 Nov 2026 11:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_malformed_receipt_is_a_delivery_error(
    api_server: SandboxPartnerApi,
    api_config: Callable[..., PartnerApiConfig],
    daily_csv,
    fast_retry,
) -> None:
    api_server.inject(CannedResponse(200, {"receipt_id": "r1", "sha256": "ab", "rows": "many"}))
    with (
        PartnerApiClient(api_config(), retry=fast_retry) as client,
        pytest.raises(DeliveryError, match="receipt is malformed"),
    ):
        _put(client, daily_csv(10, "a"), rows=10)


def test_configs_copy_without_revealing_the_secret(
    api_config: Callable[..., PartnerApiConfig],
) -> None:
    config = api_config()
    assert copy.deepcopy(config) == config
    as_dict = dataclasses.asdict(config)
    assert as_dict["password"].reveal() == API_PASSWORD
    assert API_PASSWORD not in str(as_dict)
