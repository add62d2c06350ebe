"""Local Power BI REST emulator: a real aiohttp server on 127.0.0.1 (ephemeral port).

It serves the documented shapes the platform uses:

* ``POST /{tenant}/oauth2/v2.0/token`` (Entra ID client credentials, form body);
* ``GET  /v1.0/myorg/groups/{g}/datasets/{d}/refreshes?$top=N`` -> ``{"value": [...]}``
  newest first, each with ``requestId``, ``id``, ``refreshType``, ``startTime``,
  ``endTime``, ``status`` (Unknown while running, Completed, Failed, Disabled) and
  ``serviceExceptionJson`` on failures;
* ``POST /v1.0/myorg/groups/{g}/datasets/{d}/refreshes`` -> ``202`` with ``RequestId``,
  ``x-ms-request-id`` and ``Location`` headers;
* ``GET  .../datasets/{d}/refreshSchedule`` and ``GET .../dataflows/{f}/transactions``;
* ``429`` with ``Retry-After`` on demand (``throttle_next``).

Datasets can fail transiently (a queue of error codes consumed by the next
refreshes) or permanently (every refresh fails), and each has a daily refresh
limit (8 on shared capacity, scheduled refreshes included; 48 for premium here)
counted per UTC day: a POST over the limit gets ``400``. The emulator's clock is
injectable so tests decide when a refresh finishes.

Run alone: ``python -m ouchhungry_dp.sandbox.company_cloud.powerbi_server`` prints the env
vars to use.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from aiohttp import web

SHARED_DAILY_LIMIT = 8
PREMIUM_DAILY_LIMIT = 48


def _iso(ts: float) -> str:
    return (
        datetime.fromtimestamp(ts, tz=UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )


@dataclass
class EmulatedRefresh:
    request_id: str
    refresh_type: str
    start_ts: float
    duration_s: float
    error_code: str | None  # decided when the refresh starts; None = will complete

    def as_api(self, now: float) -> dict[str, object]:
        item: dict[str, object] = {
            "requestId": self.request_id,
            "id": abs(hash(self.request_id)) % 10**9,
            "refreshType": self.refresh_type,
            "startTime": _iso(self.start_ts),
        }
        if now < self.start_ts + self.duration_s:
            item["status"] = "Unknown"
            return item
        item["endTime"] = _iso(self.start_ts + self.duration_s)
        if self.error_code is None:
            item["status"] = "Completed"
        else:
            item["status"] = "Failed"
            item["serviceExceptionJson"] = json.dumps(
                {"errorCode": self.error_code, "errorDescription": "emulated failure"}
            )
        return item


@dataclass
class EmulatedDataset:
    workspace_id: str
    dataset_id: str
    capacity: str = "shared"
    duration_s: float = 0.0
    transient_failures: list[str] = field(default_factory=list)
    permanent_error: str | None = None
    daily_limit: int = SHARED_DAILY_LIMIT
    refreshes: list[EmulatedRefresh] = field(default_factory=list)
    rejected_over_limit: int = 0


class PowerBIEmulator:
    def __init__(
        self,
        *,
        tenant_id: str = "sandbox-tenant",
        client_id: str = "sandbox-client",
        client_secret: str | None = None,
        clock: Callable[[], float] = time.time,
        token_lifetime_s: int = 3600,
        port: int = 0,
    ) -> None:
        self.tenant_id = tenant_id
        self.client_id = client_id
        self.client_secret = client_secret or secrets.token_urlsafe(16)
        self.clock = clock
        self.token_lifetime_s = token_lifetime_s
        self._datasets: dict[str, EmulatedDataset] = {}
        self._tokens: set[str] = set()
        self._throttle_remaining = 0
        self._throttle_retry_after = 0
        self._lock = threading.Lock()
        self.requests_seen: list[tuple[str, str]] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self.port = port  # 0: the OS picks a free port (tests); `make sandbox` pins one

    # -- scenario control (called by tests and the local sandbox) ---------------------
    def add_dataset(
        self,
        workspace_id: str,
        dataset_id: str,
        *,
        capacity: str = "shared",
        duration_s: float = 0.0,
        transient_failures: list[str] | None = None,
        permanent_error: str | None = None,
        daily_limit: int | None = None,
    ) -> EmulatedDataset:
        limit = daily_limit or (SHARED_DAILY_LIMIT if capacity == "shared" else PREMIUM_DAILY_LIMIT)
        dataset = EmulatedDataset(
            workspace_id=workspace_id,
            dataset_id=dataset_id,
            capacity=capacity,
            duration_s=duration_s,
            transient_failures=list(transient_failures or []),
            permanent_error=permanent_error,
            daily_limit=limit,
        )
        with self._lock:
            self._datasets[dataset_id] = dataset
        return dataset

    def dataset(self, dataset_id: str) -> EmulatedDataset:
        return self._datasets[dataset_id]

    def start_scheduled_refresh(
        self, dataset_id: str, *, error_code: str | None = None, duration_s: float | None = None
    ) -> str:
        """A refresh Power BI's own schedule started (not requested through the API)."""
        with self._lock:
            dataset = self._datasets[dataset_id]
            return self._start_refresh(
                dataset,
                "Scheduled",
                forced_error=error_code,
                duration_s=duration_s,
                consume_failures=False,
            )

    def add_history(
        self,
        dataset_id: str,
        refresh_type: str,
        start_ts: float,
        duration_s: float,
        error_code: str | None,
    ) -> None:
        """Seed past history (simulated days of refreshes, for the deck and health tests)."""
        with self._lock:
            self._datasets[dataset_id].refreshes.append(
                EmulatedRefresh(str(uuid.uuid4()), refresh_type, start_ts, duration_s, error_code)
            )

    def throttle_next(self, count: int, retry_after_s: int = 0) -> None:
        self._throttle_remaining = count
        self._throttle_retry_after = retry_after_s

    def api_refresh_count(self, dataset_id: str) -> int:
        return sum(r.refresh_type == "ViaApi" for r in self._datasets[dataset_id].refreshes)

    def refreshes_in_utc_day(self, dataset_id: str, day: str) -> int:
        return sum(_iso(r.start_ts)[:10] == day for r in self._datasets[dataset_id].refreshes)

    # -- refresh mechanics ---------------------------------------------------------------
    def _start_refresh(
        self,
        dataset: EmulatedDataset,
        refresh_type: str,
        forced_error: str | None = None,
        duration_s: float | None = None,
        consume_failures: bool = True,
    ) -> str:
        if forced_error is not None:
            error: str | None = forced_error
        elif dataset.permanent_error:
            error = dataset.permanent_error
        elif dataset.transient_failures and consume_failures:
            error = dataset.transient_failures.pop(0)
        else:
            error = None
        refresh = EmulatedRefresh(
            request_id=str(uuid.uuid4()),
            refresh_type=refresh_type,
            start_ts=self.clock(),
            duration_s=dataset.duration_s if duration_s is None else duration_s,
            error_code=error,
        )
        dataset.refreshes.append(refresh)
        return refresh.request_id

    def _used_today(self, dataset: EmulatedDataset) -> int:
        today = _iso(self.clock())[:10]
        return sum(_iso(r.start_ts)[:10] == today for r in dataset.refreshes)

    # -- HTTP handlers -------------------------------------------------------------------
    def _throttled(self) -> web.Response | None:
        if self._throttle_remaining > 0:
            self._throttle_remaining -= 1
            return web.json_response(
                {"error": {"code": "TooManyRequests", "message": "throttled (emulated)"}},
                status=429,
                headers={"Retry-After": str(self._throttle_retry_after)},
            )
        return None

    def _authorised(self, request: web.Request) -> bool:
        header = request.headers.get("Authorization", "")
        return header.startswith("Bearer ") and header[7:] in self._tokens

    async def _token(self, request: web.Request) -> web.Response:
        form = await request.post()
        ok = (
            request.match_info["tenant"] == self.tenant_id
            and form.get("grant_type") == "client_credentials"
            and form.get("client_id") == self.client_id
            and form.get("client_secret") == self.client_secret
            and form.get("scope") == "https://analysis.windows.net/powerbi/api/.default"
        )
        if not ok:
            return web.json_response(
                {"error": "invalid_client", "error_description": "AADSTS7000215 (emulated)"},
                status=401,
            )
        token = secrets.token_urlsafe(24)
        self._tokens.add(token)
        return web.json_response(
            {"token_type": "Bearer", "expires_in": self.token_lifetime_s, "access_token": token}
        )

    async def _dataset_endpoint(self, request: web.Request) -> web.Response:
        self.requests_seen.append((request.method, request.path))
        throttled = self._throttled()
        if throttled is not None:
            return throttled
        if not self._authorised(request):
            return web.json_response({"error": {"code": "TokenExpired"}}, status=401)
        dataset = self._datasets.get(request.match_info["dataset"])
        if dataset is None or dataset.workspace_id != request.match_info["group"]:
            return web.json_response({"error": {"code": "ItemNotFound"}}, status=404)
        tail = request.match_info["tail"]
        with self._lock:
            if tail == "refreshSchedule":
                return web.json_response(
                    {
                        "days": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
                        "times": ["07:00"],
                        "enabled": True,
                        "localTimeZoneId": "E. South America Standard Time",
                        "notifyOption": "MailOnFailure",
                    }
                )
            if request.method == "GET":
                top = int(request.query.get("$top", "60"))
                now = self.clock()
                newest_first = sorted(dataset.refreshes, key=lambda r: r.start_ts, reverse=True)
                return web.json_response({"value": [r.as_api(now) for r in newest_first[:top]]})
            if self._used_today(dataset) >= dataset.daily_limit:
                dataset.rejected_over_limit += 1
                return web.json_response(
                    {
                        "error": {
                            "code": "InvalidRequest",
                            "message": "The number of refreshes per day for this dataset "
                            "has been exceeded (emulated).",
                        }
                    },
                    status=400,
                )
            request_id = self._start_refresh(dataset, "ViaApi")
        location = f"{self.api_base_url}/groups/{dataset.workspace_id}/datasets/"
        location += f"{dataset.dataset_id}/refreshes/{request_id}"
        return web.Response(
            status=202,
            headers={"RequestId": request_id, "x-ms-request-id": request_id, "Location": location},
        )

    async def _dataflow_transactions(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response({"error": {"code": "TokenExpired"}}, status=401)
        now = self.clock()
        return web.json_response(
            {
                "value": [
                    {
                        "id": f"{request.match_info['dataflow']}-tx-1",
                        "refreshType": "Scheduled",
                        "startTime": _iso(now - 3600),
                        "endTime": _iso(now - 3300),
                        "status": "Success",
                    }
                ]
            }
        )

    # -- lifecycle -------------------------------------------------------------------------
    def _app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/{tenant}/oauth2/v2.0/token", self._token)
        base = "/v1.0/myorg/groups/{group}"
        app.router.add_route(
            "*",
            base + "/datasets/{dataset}/{tail:refreshes|refreshSchedule}",
            self._dataset_endpoint,
        )
        app.router.add_get(base + "/dataflows/{dataflow}/transactions", self._dataflow_transactions)
        return app

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base_url(self) -> str:
        return f"{self.base_url}/v1.0/myorg"

    @property
    def authority_url(self) -> str:
        return self.base_url

    def env(self) -> dict[str, str]:
        return {
            "POWERBI_TENANT_ID": self.tenant_id,
            "POWERBI_CLIENT_ID": self.client_id,
            "POWERBI_CLIENT_SECRET": self.client_secret,
            "POWERBI_API_BASE_URL": self.api_base_url,
            "POWERBI_AUTHORITY_URL": self.authority_url,
        }

    def start(self) -> PowerBIEmulator:
        ready = threading.Event()
        self._loop = asyncio.new_event_loop()

        async def serve() -> None:
            self._runner = web.AppRunner(self._app(), access_log=None)
            await self._runner.setup()
            site = web.TCPSite(self._runner, "127.0.0.1", self.port)
            await site.start()
            server = site._server  # aiohttp exposes the bound port only through the server
            self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            ready.set()

        def run() -> None:
            assert self._loop is not None
            asyncio.set_event_loop(self._loop)
            self._loop.run_until_complete(serve())
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name="powerbi-emulator", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("Power BI emulator did not start within 10 s")
        return self

    def stop(self) -> None:
        if self._loop is None:
            return
        loop = self._loop
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(10)
        loop.close()
        self._loop = None

    def __enter__(self) -> PowerBIEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main() -> None:  # pragma: no cover - manual sandbox entry point
    import os

    from ouchhungry_dp.monitoring.powerbi.powerbi_settings import load_monitored_datasets

    emulator = PowerBIEmulator(
        tenant_id=os.environ.get("POWERBI_TENANT_ID", "sandbox-tenant"),
        client_id=os.environ.get("POWERBI_CLIENT_ID", "sandbox-client"),
        client_secret=os.environ.get("POWERBI_CLIENT_SECRET") or None,
        port=int(os.environ.get("POWERBI_EMULATOR_PORT", "0")),
    )
    for ds in load_monitored_datasets().datasets:
        emulator.add_dataset(ds.workspace_id, ds.dataset_id, capacity=ds.capacity, duration_s=5)
    emulator.start()
    print("# Power BI emulator running; export these (Ctrl+C to stop):")
    secret_from_env = bool(os.environ.get("POWERBI_CLIENT_SECRET"))
    for key, value in emulator.env().items():
        if key == "POWERBI_CLIENT_SECRET" and secret_from_env:
            continue  # already in the caller's environment: never echo it
        print(f"export {key}={value}")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        emulator.stop()


if __name__ == "__main__":  # pragma: no cover
    main()
