"""Power BI REST client (httpx): service-principal token, refresh history, refresh trigger,
refresh schedule and dataflow transactions, with 429 / Retry-After handling.

Retries use tenacity (a well-kept retry library) instead of a hand-written loop;
the wait honours ``Retry-After`` when Power BI sends it, else backs off
exponentially. Tokens never appear in exceptions or logs.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from ouchhungry_dp.errors import ConfigurationError, ConnectivityError, DeliveryError
from ouchhungry_dp.monitoring.powerbi.models import RefreshEntry
from ouchhungry_dp.monitoring.powerbi.powerbi_settings import POWERBI_SCOPE, PowerBISettings

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
TOKEN_EXPIRY_MARGIN_S = 60.0


class _RetryableResponse(Exception):
    """Internal: a response worth retrying; carries Retry-After when the server sent one."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.retry_after = _parse_retry_after(response.headers.get("Retry-After"))
        super().__init__(f"HTTP {response.status_code}")


def _parse_retry_after(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # HTTP-date form: fall back to our own backoff


def _is_retryable(exc: BaseException) -> bool:
    return isinstance(exc, _RetryableResponse | httpx.TransportError)


class PowerBIClient:
    def __init__(
        self,
        settings: PowerBISettings,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self._http = httpx.Client(timeout=settings.timeout_s, transport=transport)
        self._sleep = sleep
        self._clock = clock
        self._token: str | None = None
        self._token_expires_at = 0.0
        self.retries_done = 0  # observable for metadata and tests

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> PowerBIClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- authentication -------------------------------------------------------------
    def _access_token(self, *, force: bool = False) -> str:
        if not force and self._token and self._clock() < self._token_expires_at:
            return self._token
        url = (
            f"{self.settings.authority_url.rstrip('/')}/{self.settings.tenant_id}/oauth2/v2.0/token"
        )
        form = {
            "grant_type": "client_credentials",
            "client_id": self.settings.client_id,
            "client_secret": self.settings.client_secret,
            "scope": POWERBI_SCOPE,
        }
        response = self._send("POST", url, data=form, authenticated=False)
        if response.status_code != 200:
            raise ConnectivityError(
                "Power BI service-principal token request refused",
                detail=f"HTTP {response.status_code} from {urlsplit(url).netloc}",
                hint="Check POWERBI_TENANT_ID / POWERBI_CLIENT_ID / POWERBI_CLIENT_SECRET and "
                "that the secret has not expired in Entra ID.",
            )
        payload = response.json()
        self._token = str(payload["access_token"])
        lifetime = float(payload.get("expires_in", 3600))
        self._token_expires_at = self._clock() + max(0.0, lifetime - TOKEN_EXPIRY_MARGIN_S)
        return self._token

    # -- transport with retries ---------------------------------------------------------
    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is not None:
            return min(retry_after, self.settings.max_retry_wait_s)
        backoff = self.settings.backoff_base_s * 2 ** (state.attempt_number - 1)
        return min(backoff, self.settings.max_retry_wait_s)

    def _count_retry(self, _state: RetryCallState) -> None:
        self.retries_done += 1

    def _send(
        self, method: str, url: str, *, authenticated: bool = True, **kwargs: Any
    ) -> httpx.Response:
        def attempt() -> httpx.Response:
            headers = dict(kwargs.get("headers") or {})
            if authenticated:
                headers["Authorization"] = f"Bearer {self._access_token()}"
            request_kwargs = {k: v for k, v in kwargs.items() if k != "headers"}
            response = self._http.request(method, url, headers=headers, **request_kwargs)
            if response.status_code == 401 and authenticated:
                # The token may have been revoked early: fetch a new one once.
                headers["Authorization"] = f"Bearer {self._access_token(force=True)}"
                response = self._http.request(method, url, headers=headers, **request_kwargs)
            if response.status_code in RETRYABLE_STATUS:
                raise _RetryableResponse(response)
            return response

        retrying = Retrying(
            stop=stop_after_attempt(self.settings.max_attempts),
            wait=self._wait,
            retry=retry_if_exception(_is_retryable),
            sleep=self._sleep,
            before_sleep=self._count_retry,
            reraise=True,
        )
        try:
            return retrying(attempt)
        except _RetryableResponse as exc:
            raise ConnectivityError(
                f"Power BI API {method} {urlsplit(url).path} kept failing",
                detail=f"HTTP {exc.response.status_code} after {self.settings.max_attempts} "
                "attempts",
                hint="Power BI is throttling or unavailable: the next sensor tick retries; "
                "check https://support.fabric.microsoft.com/support if it lasts.",
                transient=True,
            ) from None
        except httpx.TransportError as exc:
            raise ConnectivityError(
                f"Power BI API {method} {urlsplit(url).path} unreachable",
                detail=type(exc).__name__,
                hint="Check network access to api.powerbi.com / POWERBI_API_BASE_URL.",
                transient=True,
            ) from None

    def _api(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        url = f"{self.settings.api_base_url.rstrip('/')}/{path.lstrip('/')}"
        response = self._send(method, url, **kwargs)
        if response.is_success:
            return response
        detail = f"HTTP {response.status_code}: {_error_message(response)}"
        if response.status_code in (401, 403):
            raise ConnectivityError(
                f"Power BI refused {method} {path}",
                detail=detail,
                hint="Give the service principal access to the workspace (Member or "
                "Contributor) and enable 'Service principals can use Fabric APIs'.",
            )
        if response.status_code == 404:
            raise ConfigurationError(
                f"Power BI object not found for {method} {path}",
                detail=detail,
                hint="Check workspace_id / dataset_id in monitoring/powerbi/datasets.yaml.",
            )
        raise DeliveryError(
            f"Power BI rejected {method} {path}",
            detail=detail,
            hint="Read the message: another refresh may be running or the daily refresh "
            "limit may be reached.",
        )

    # -- documented endpoints -------------------------------------------------------------
    def refresh_history(
        self, workspace_id: str, dataset_id: str, top: int = 60
    ) -> list[RefreshEntry]:
        response = self._api(
            "GET", f"groups/{workspace_id}/datasets/{dataset_id}/refreshes", params={"$top": top}
        )
        return [RefreshEntry.from_api(item) for item in response.json().get("value", [])]

    def trigger_refresh(
        self, workspace_id: str, dataset_id: str, notify_option: str = "NoNotification"
    ) -> str:
        """Start a refresh; return its request id (matches ``requestId`` in the history)."""
        response = self._api(
            "POST",
            f"groups/{workspace_id}/datasets/{dataset_id}/refreshes",
            json={"notifyOption": notify_option},
        )
        request_id = (
            response.headers.get("RequestId")
            or response.headers.get("x-ms-request-id")
            or response.headers.get("Location", "").rstrip("/").rsplit("/", 1)[-1]
        )
        if not request_id:
            raise DeliveryError(
                "Power BI accepted a refresh but returned no request id",
                detail=f"HTTP {response.status_code}",
                hint="Without a request id the refresh cannot be followed; check the API version.",
            )
        return request_id

    def refresh_schedule(self, workspace_id: str, dataset_id: str) -> dict[str, Any]:
        response = self._api("GET", f"groups/{workspace_id}/datasets/{dataset_id}/refreshSchedule")
        return dict(response.json())

    def dataflow_transactions(self, workspace_id: str, dataflow_id: str) -> list[dict[str, Any]]:
        response = self._api("GET", f"groups/{workspace_id}/dataflows/{dataflow_id}/transactions")
        return list(response.json().get("value", []))


def _error_message(response: httpx.Response) -> str:
    try:
        error = response.json().get("error", {})
        return str(error.get("code") or error.get("message") or "")[:300]
    except ValueError:
        return response.text[:300]
