"""Partner API client details the delivery relies on, each pinned against the loopback
server (mutation testing found them unchecked): what the request says about itself, the
token lifetime rules, which request and partition an error names, and how the server's
own words are quoted.

No test waits for a token to age: lifetimes are chosen so the outcome shows on the next
delivery at once (``expires_in`` 0 renews, an absent one lives 300 s).
"""

from __future__ import annotations

import hashlib
import socket
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from ouchhungry_dp.delivery.api import ApiReceipt, PartnerApiClient
from ouchhungry_dp.delivery.channel_settings import PartnerApiConfig
from ouchhungry_dp.delivery.retry import DeliveryRetryPolicy
from ouchhungry_dp.errors import ConnectivityError, DeliveryError
from ouchhungry_dp.sandbox.partner_systems.api_server import CannedResponse, SandboxPartnerApi

from .conftest import API_PASSWORD, PARTNER

DATASET = "ouchhungry_sales_daily"
PARTITION = "2026-11-25"
ONCE = DeliveryRetryPolicy(attempts=1)


def _put(client: PartnerApiClient, file: Path, *, dataset: str = DATASET,
         partition: str = PARTITION) -> ApiReceipt:
    key = f"ouchhungry:{dataset}:{partition}:{hashlib.sha256(file.read_bytes()).hexdigest()}"
    return client.put_delivery(dataset, partition, file, rows=10, idempotency_key=key)


def test_the_request_names_its_sender_and_length_and_the_receipt_describes_the_file(
        api_server: SandboxPartnerApi, api_config: Callable[..., PartnerApiConfig],
        daily_csv: Callable[..., Path]) -> None:
    file = daily_csv(10, "a")
    before = time.monotonic()
    with PartnerApiClient(api_config(), retry=ONCE) as client:
        receipt = _put(client, file)
    elapsed = time.monotonic() - before

    (token_method, token_headers), (put_method, headers) = api_server.requests
    assert (token_method, put_method) == ("POST", "PUT")
    assert token_headers["User-Agent"] == headers["User-Agent"] == "ouchhungry-dp delivery"
    # Streamed with its declared length, not chunked: the partner can refuse a short body.
    assert headers["Content-Length"] == str(file.stat().st_size)
    assert "Transfer-Encoding" not in headers
    assert headers["Content-Type"] == "text/csv"
    assert receipt.url == f"{api_server.base_url}/v1/deliveries/{DATASET}/{PARTITION}"
    assert receipt.bytes == file.stat().st_size
    assert isinstance(receipt.duration_s, float) and receipt.duration_s == round(
        receipt.duration_s, 3)
    assert 0.0 <= receipt.duration_s <= elapsed + 0.001  # measured inside the call


class CountingTransport(httpx.HTTPTransport):
    """The real HTTP transport, counting what it carries."""

    def __init__(self) -> None:
        super().__init__()
        self.requests = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        return super().handle_request(request)


def test_a_given_transport_carries_every_request(
        api_server: SandboxPartnerApi, api_config: Callable[..., PartnerApiConfig],
        daily_csv: Callable[..., Path]) -> None:
    transport = CountingTransport()
    with PartnerApiClient(api_config(), retry=ONCE, transport=transport) as client:
        _put(client, daily_csv(10, "a"))
    assert transport.requests == 2  # token + PUT


@pytest.mark.parametrize(("fields", "margin", "renewed"), [
    ({"expires_in": 0}, 30.0, 1),  # expired at once: the next delivery asks again
    ({}, 30.0, 0),  # the server's 3600 s: cached
    # No expires_in: 300 s, the refresh margin capped at half of it (150 s): still cached.
    ({"expires_in": None}, 1000.0, 0),
])
def test_the_token_lifetime_decides_whether_the_next_delivery_asks_again(
        api_server: SandboxPartnerApi, api_config: Callable[..., PartnerApiConfig],
        daily_csv: Callable[..., Path], fields: dict[str, object], margin: float,
        renewed: int) -> None:
    api_server.token_fields = fields
    with PartnerApiClient(api_config(token_refresh_margin_s=margin), retry=ONCE) as client:
        first = _put(client, daily_csv(10, "a"))
        second = _put(client, daily_csv(10, "b"), partition="2026-11-26")
    assert (first.token_requests, second.token_requests) == (1, renewed)


@pytest.mark.parametrize("token_type", [None, "bearer", "BEARER"])
def test_a_bearer_token_type_is_accepted_in_any_case_or_left_out(
        api_server: SandboxPartnerApi, api_config: Callable[..., PartnerApiConfig],
        daily_csv: Callable[..., Path], token_type: str | None) -> None:
    api_server.token_fields = {"token_type": token_type}
    with PartnerApiClient(api_config(), retry=ONCE) as client:
        assert _put(client, daily_csv(10, "a")).receipt_id


def test_another_token_type_is_a_malformed_token_answer(
        api_server: SandboxPartnerApi, api_config: Callable[..., PartnerApiConfig],
        daily_csv: Callable[..., Path]) -> None:
    api_server.token_fields = {"token_type": "MAC"}
    with (PartnerApiClient(api_config(), retry=ONCE) as client,
          pytest.raises(DeliveryError) as caught):
        _put(client, daily_csv(10, "a"))
    assert caught.value.what == "partner API token response is malformed"
    assert (caught.value.detail, caught.value.partition) == ("ValueError", PARTITION)


def test_a_failing_token_endpoint_is_named_with_the_partition_and_the_servers_words(
        api_server: SandboxPartnerApi, api_config: Callable[..., PartnerApiConfig],
        daily_csv: Callable[..., Path]) -> None:
    # Before any token exists: nothing but the password may be blanked out of the text.
    api_server.inject(CannedResponse(500, {"error": "upstream XXXX failed"}, route="token"))
    with (PartnerApiClient(api_config(), retry=ONCE) as client,
          pytest.raises(DeliveryError) as caught):
        _put(client, daily_csv(10, "a"))
    error = caught.value
    assert error.what == "partner API token request: rejected by the partner API"
    assert (error.partner, error.partition) == (PARTNER, PARTITION)
    assert error.detail == "HTTP 500: upstream XXXX failed"


def test_a_password_echoed_by_the_server_is_blanked_out(
        api_server: SandboxPartnerApi, api_config: Callable[..., PartnerApiConfig],
        daily_csv: Callable[..., Path]) -> None:
    api_server.inject(CannedResponse(401, {"error": f"bad password {API_PASSWORD}"},
                                     route="token"))
    with (PartnerApiClient(api_config(), retry=ONCE) as client,
          pytest.raises(ConnectivityError) as caught):
        _put(client, daily_csv(10, "a"))
    assert caught.value.detail == "HTTP 401 from /auth/token: bad password ***"


def test_a_failed_renewal_after_a_401_names_the_partition(
        api_server: SandboxPartnerApi, api_config: Callable[..., PartnerApiConfig],
        daily_csv: Callable[..., Path]) -> None:
    api_server.script("put", 401)
    api_server.inject(CannedResponse(None, route="token"),  # the first token: normal
                      CannedResponse(500, {"error": "down"}, route="token"))
    with (PartnerApiClient(api_config(), retry=ONCE) as client,
          pytest.raises(DeliveryError) as caught):
        _put(client, daily_csv(10, "a"))
    assert (caught.value.partner, caught.value.partition) == (PARTNER, PARTITION)
    assert caught.value.detail == "HTTP 500: down"


@pytest.mark.parametrize("route", ["token", "put"])
def test_a_timeout_names_its_kind_the_request_and_the_partition(
        api_server: SandboxPartnerApi, api_config: Callable[..., PartnerApiConfig],
        daily_csv: Callable[..., Path], route: str) -> None:
    api_server.inject(CannedResponse(None, delay_s=2.0, route=route))  # type: ignore[arg-type]
    with (PartnerApiClient(api_config(read_timeout_s=0.2), retry=ONCE) as client,
          pytest.raises(ConnectivityError) as caught):
        _put(client, daily_csv(10, "a"))
    method, path = ("POST", "/auth/token") if route == "token" else (
        "PUT", f"/v1/deliveries/{DATASET}/{PARTITION}")
    assert caught.value.what == f"partner API {method} {path} timed out (ReadTimeout)"
    assert (caught.value.partner, caught.value.partition) == (PARTNER, PARTITION)
    assert caught.value.transient is True


def test_a_refused_connection_names_the_network_error_and_the_partition(
        api_config: Callable[..., PartnerApiConfig], daily_csv: Callable[..., Path]) -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = api_config(base_url=f"http://127.0.0.1:{port}")
    with (PartnerApiClient(config, retry=ONCE) as client,
          pytest.raises(ConnectivityError) as caught):
        _put(client, daily_csv(10, "a"))
    assert caught.value.what.startswith(
        "partner API POST /auth/token network error (ConnectError: ")
    assert (caught.value.partner, caught.value.partition) == (PARTNER, PARTITION)


def test_a_3xx_answer_is_rejected_not_read_as_a_receipt(
        api_server: SandboxPartnerApi, api_config: Callable[..., PartnerApiConfig],
        daily_csv: Callable[..., Path]) -> None:
    api_server.script("put", 300)
    with (PartnerApiClient(api_config(), retry=ONCE) as client,
          pytest.raises(DeliveryError) as caught):
        _put(client, daily_csv(10, "a"))
    assert caught.value.what.endswith(": rejected by the partner API")
    assert caught.value.detail == "HTTP 300: scripted 300"


@pytest.mark.parametrize(("dataset", "partition", "escaped"), [
    ("a/b", PARTITION, f"/v1/deliveries/a%2Fb/{PARTITION}"),
    (DATASET, "2026/11", f"/v1/deliveries/{DATASET}/2026%2F11"),
])
def test_path_segments_are_escaped_and_a_plain_text_error_is_quoted(
        api_server: SandboxPartnerApi, api_config: Callable[..., PartnerApiConfig],
        daily_csv: Callable[..., Path], dataset: str, partition: str, escaped: str) -> None:
    """A slash inside a dataset or partition key stays inside its segment (the server's
    404 for an unknown route is plain text, quoted as it came)."""
    with (PartnerApiClient(api_config(), retry=ONCE) as client,
          pytest.raises(DeliveryError) as caught):
        _put(client, daily_csv(10, "a"), dataset=dataset, partition=partition)
    assert caught.value.what == f"partner API PUT {escaped}: rejected by the partner API"
    assert caught.value.detail.startswith("HTTP 404: ")


def test_an_empty_error_body_is_said_to_be_empty(
        api_server: SandboxPartnerApi, api_config: Callable[..., PartnerApiConfig],
        daily_csv: Callable[..., Path]) -> None:
    api_server.inject(CannedResponse(400, body=b""))
    with (PartnerApiClient(api_config(), retry=ONCE) as client,
          pytest.raises(DeliveryError) as caught):
        _put(client, daily_csv(10, "a"))
    assert caught.value.detail == "HTTP 400: (empty body)"
