"""Partner REST API client (httpx; no Dagster import).

Contract (DESIGN.md, "Partner API"): ``POST /auth/token`` gives a bearer token,
``PUT /v1/deliveries/{dataset}/{partition_key}`` stores a file idempotently.
The client caches the token until shortly before it expires; on a 401 it gets
a new one once per delivery; it retries 429/502/503/504 and network faults with
backoff (honouring ``Retry-After``) and fails at once on any other status,
quoting the server's message. The receipt's sha256 and row count must match
what was sent. The file is hashed once and streamed once per attempt, never
held in memory.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self
from urllib.parse import quote

import httpx

from ouchhungry_dp.delivery.channel_settings import API_ENV_DEFAULTS, PartnerApiConfig
from ouchhungry_dp.delivery.manifest import CHUNK_BYTES, file_sha256
from ouchhungry_dp.delivery.receipts import ApiReceipt
from ouchhungry_dp.delivery.retry import DeliveryRetryPolicy, run_with_retry
from ouchhungry_dp.errors import ConnectivityError, DeliveryError, OuchHungryError

__all__ = ["ApiReceipt", "PartnerApiClient", "PartnerApiConfig"]

log = logging.getLogger(__name__)

RETRYABLE_STATUS = frozenset({429, 502, 503, 504})
MAX_MESSAGE_CHARS = 300


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or HTTP-date); None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _stream(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            yield chunk


class PartnerApiClient:
    def __init__(
        self,
        config: PartnerApiConfig,
        *,
        retry: DeliveryRetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.config = config
        self.retry = retry or DeliveryRetryPolicy()
        self._http = httpx.Client(
            base_url=config.base_url,
            timeout=httpx.Timeout(
                connect=config.connect_timeout_s,
                read=config.read_timeout_s,
                write=config.write_timeout_s,
                pool=config.pool_timeout_s,
            ),
            verify=config.verify,
            transport=transport,
            follow_redirects=False,  # a redirect could carry the bearer token elsewhere
            headers={"User-Agent": "ouchhungry-dp delivery"},
        )
        self._token: str | None = None
        self._token_renew_at = 0.0
        self._token_lock = threading.Lock()

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- public -----------------------------------------------------------------------------

    def put_delivery(
        self,
        dataset: str,
        partition_key: str,
        file: Path,
        *,
        rows: int,
        content_type: str = "text/csv",
        idempotency_key: str,
    ) -> ApiReceipt:
        """PUT ``file`` as the ``partition_key`` partition of ``dataset``; return the receipt."""
        file = Path(file)
        size = file.stat().st_size
        sha256 = file_sha256(file)
        path = f"/v1/deliveries/{quote(dataset, safe='')}/{quote(partition_key, safe='')}"
        started = time.monotonic()
        state = {"attempts": 0, "token_requests": 0, "renewed_after_401": False}

        def attempt(number: int) -> ApiReceipt:
            state["attempts"] = number
            response = self._put_once(
                path, file, size, sha256, rows, content_type, idempotency_key, partition_key, state
            )
            return self._receipt(response, path, size, sha256, rows, partition_key, state, started)

        receipt = run_with_retry(self.retry, attempt)
        log.info(
            "API delivered %s (%d bytes, %d rows) receipt %s after %d attempt(s)",
            path,
            size,
            rows,
            receipt.receipt_id,
            receipt.attempts,
        )
        return receipt

    # -- token ------------------------------------------------------------------------------

    def _bearer(self, partition: str | None, state: dict[str, Any], *, renew: bool = False) -> str:
        with self._token_lock:
            if renew or self._token is None or time.monotonic() >= self._token_renew_at:
                state["token_requests"] += 1
                self._token, lifetime = self._fetch_token(partition)
                margin = min(self.config.token_refresh_margin_s, lifetime / 2)
                self._token_renew_at = time.monotonic() + lifetime - margin
            return self._token

    def _fetch_token(self, partition: str | None) -> tuple[str, float]:
        cfg = self.config
        body = {"username": cfg.username, "password": cfg.password.reveal()}
        response = self._send("POST", "/auth/token", partition, json=body)
        if response.status_code in (401, 403):
            raise ConnectivityError(
                "partner API refused our credentials",
                partner=cfg.partner,
                partition=partition,
                detail=f"HTTP {response.status_code} from /auth/token: {self._message(response)}",
                hint=f"Check {API_ENV_DEFAULTS['username']} and {API_ENV_DEFAULTS['password']}.",
            )
        self._raise_for_status(response, "partner API token request", partition)
        try:
            data = response.json()
            token = str(data["access_token"])
            lifetime = float(data.get("expires_in", 300))
            if str(data.get("token_type", "Bearer")).lower() != "bearer":
                raise ValueError("token_type is not Bearer")
        except (ValueError, KeyError, TypeError) as exc:
            raise DeliveryError(
                "partner API token response is malformed",
                partner=cfg.partner,
                partition=partition,
                detail=type(exc).__name__,
                hint="The partner changed its token endpoint; see DESIGN.md 'Partner API'.",
            ) from None
        return token, lifetime

    # -- upload -----------------------------------------------------------------------------

    def _put_once(
        self,
        path: str,
        file: Path,
        size: int,
        sha256: str,
        rows: int,
        content_type: str,
        idempotency_key: str,
        partition: str,
        state: dict[str, Any],
    ) -> httpx.Response:
        def send(token: str) -> httpx.Response:
            headers = {
                "Authorization": f"Bearer {token}",
                "Content-Type": content_type,
                "Content-Length": str(size),
                "Idempotency-Key": idempotency_key,
                "X-Content-SHA256": sha256,
                "X-Row-Count": str(rows),
            }
            return self._send("PUT", path, partition, content=_stream(file), headers=headers)

        response = send(self._bearer(partition, state))
        if response.status_code == 401 and not state["renewed_after_401"]:
            # The token expired or was revoked server-side before our clock said so.
            state["renewed_after_401"] = True
            log.info("partner API answered 401 on %s; renewing the token once", path)
            response = send(self._bearer(partition, state, renew=True))
        if response.status_code == 401:
            raise ConnectivityError(
                f"partner API refused a fresh token on {path}",
                partner=self.config.partner,
                partition=partition,
                detail=self._message(response),
                hint="Our user may lack permission for this dataset; ask the partner.",
            )
        return response

    def _receipt(
        self,
        response: httpx.Response,
        path: str,
        size: int,
        sha256: str,
        rows: int,
        partition: str,
        state: dict[str, Any],
        started: float,
    ) -> ApiReceipt:
        self._raise_for_status(response, f"partner API PUT {path}", partition)
        try:
            data = response.json()
            receipt_id, their_sha = str(data["receipt_id"]), str(data["sha256"]).lower()
            their_rows = int(data["rows"])
        except (ValueError, KeyError, TypeError):
            raise DeliveryError(
                f"partner API PUT {path}: the receipt is malformed",
                partner=self.config.partner,
                partition=partition,
                detail=f"HTTP {response.status_code}: {self._message(response)}",
                hint="Expected JSON {receipt_id, sha256, rows}; the partner changed its API.",
            ) from None
        if their_sha != sha256 or their_rows != rows:
            raise DeliveryError(
                f"partner API PUT {path}: the receipt does not match what was sent",
                partner=self.config.partner,
                partition=partition,
                detail=f"sent sha256 {sha256} rows {rows}; "
                f"receipt {receipt_id} says sha256 {their_sha} rows {their_rows}",
                hint="The file was altered in transit or stored wrongly; rerun the partition "
                "and tell the partner the receipt id.",
            )
        return ApiReceipt(
            receipt_id=receipt_id,
            url=f"{self.config.base_url}{path}",
            http_status=response.status_code,
            bytes=size,
            rows=rows,
            sha256=sha256,
            duration_s=round(time.monotonic() - started, 3),
            attempts=state["attempts"],
            token_requests=state["token_requests"],
        )

    # -- transport and status mapping -------------------------------------------------------

    def _send(self, method: str, path: str, partition: str | None, **kwargs: Any) -> httpx.Response:
        try:
            return self._http.request(method, path, **kwargs)
        except httpx.TimeoutException as exc:
            reason = f"timed out ({type(exc).__name__})"
        except httpx.TransportError as exc:
            reason = f"network error ({type(exc).__name__}: {exc})"
        raise ConnectivityError(
            f"partner API {method} {path} {reason}",
            partner=self.config.partner,
            partition=partition,
            hint="The partner API is slow or unreachable; the call was retried with backoff.",
            transient=True,
        )

    def _raise_for_status(self, response: httpx.Response, what: str, partition: str | None) -> None:
        status = response.status_code
        if 200 <= status < 300:
            return
        common = {"partner": self.config.partner, "partition": partition}
        message = f"HTTP {status}: {self._message(response)}"
        if status in RETRYABLE_STATUS:
            error: OuchHungryError = ConnectivityError(
                f"{what}: the partner API is busy or unavailable",
                detail=message,
                hint="Retried with backoff honouring Retry-After; rerun later if it persists.",
                transient=True,
                **common,
            )
            error.retry_after_s = parse_retry_after(response.headers.get("Retry-After"))  # type: ignore[attr-defined]
            raise error
        raise DeliveryError(
            f"{what}: rejected by the partner API",
            detail=message,
            hint="Not retried (the request itself is wrong); fix what the message says and rerun.",
            **common,
        )

    def _message(self, response: httpx.Response) -> str:
        """The server's own words, shortened and with anything secret blanked out."""
        try:
            data = response.json()
            text = next(
                (
                    str(data[k])
                    for k in ("message", "error", "detail")
                    if isinstance(data, dict) and data.get(k)
                ),
                response.text,
            )
        except ValueError:
            text = response.text
        secrets = [self.config.password.reveal(), self._token or ""]
        for secret in filter(None, secrets):
            text = text.replace(secret, "***")
        text = " ".join(text.split())
        return text[:MAX_MESSAGE_CHARS] or "(empty body)"
