"""A real HTTP server on loopback implementing the partner API contract (aiohttp).

Received files land where a person can look at them:
``<root>/<dataset>/<partition_key>.csv`` and ``<partition_key>.receipt.json``.
A repeated PUT of a partition replaces it; a repeated Idempotency-Key with the
same content replays the first receipt (one record, never two).

Fault injection for the fault-matrix tests: ``inject()`` queues canned
responses (status, JSON, headers such as Retry-After, and/or a delay before
answering) on their endpoint's own queue, ``script("put", 401, 503, 401)`` is
the short form for a status sequence, ``history`` lists every answer given
(endpoint, status) in order, ``revoke_tokens()`` makes every issued token expire server-side,
``corrupt_next_puts`` stores a damaged copy and answers with its true sha256,
like a lax server that does not check ``X-Content-SHA256``. ``requests`` keeps the
method and headers of every request received; ``token_fields`` overrides fields of the
token answer (``None`` leaves the field out), e.g. an ``expires_in`` the server does
not itself enforce, or no ``token_type``.
"""

from __future__ import annotations

import asyncio
import collections
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from aiohttp import web

from ouchhungry_dp.sandbox.partner_systems.sftp_server import BackgroundAsyncServer

log = logging.getLogger(__name__)

_DATASET = re.compile(r"^[a-z][a-z0-9_]{0,99}$")
_PARTITION = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class CannedResponse:
    """One misbehaviour. ``status=None`` means: wait ``delay_s``, then answer normally.
    ``body`` (bytes, e.g. empty) is sent as is instead of ``json``."""

    status: int | None = None
    json: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    route: Literal["put", "token"] = "put"
    body: bytes | None = None  # last: the other fields are also given by position


@dataclass
class ApiStats:
    token_requests: int = 0
    put_requests: int = 0
    stored: int = 0


class SandboxPartnerApi(BackgroundAsyncServer):
    def __init__(
        self,
        root: Path,
        *,
        username: str,
        password: str,
        host: str = "127.0.0.1",
        port: int = 0,
        token_ttl_s: int = 3600,
    ) -> None:
        self.root = Path(root)
        self.host = host
        self.token_ttl_s = token_ttl_s
        self.corrupt_next_puts = 0
        self.stats = ApiStats()
        self._username = username
        self._password = password
        self._requested_port = port
        self._tokens: dict[str, float] = {}
        self._idempotency: dict[str, tuple[str, dict[str, Any]]] = {}
        self._canned: dict[str, collections.deque[CannedResponse]] = collections.defaultdict(
            collections.deque
        )
        self.history: list[tuple[str, int]] = []
        self.requests: list[tuple[str, Mapping[str, str]]] = []  # headers case-insensitive
        self.token_fields: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    # -- control (thread-safe, callable from tests) -----------------------------------------

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("SandboxPartnerApi is not started")
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def inject(self, *responses: CannedResponse) -> None:
        """Queue canned answers; each endpoint ("put", "token") uses its own, in order."""
        with self._lock:
            for response in responses:
                self._canned[response.route].append(response)

    def script(self, route: Literal["put", "token"], *statuses: int) -> None:
        """The next answers of ``route``, e.g. ``script("put", 401, 503, 401)``."""
        self.inject(
            *(CannedResponse(s, {"error": f"scripted {s}"}, route=route) for s in statuses)
        )

    def revoke_tokens(self) -> None:
        with self._lock:
            self._tokens.clear()

    def stored_file(self, dataset: str, partition_key: str) -> Path:
        return self.root / dataset / f"{partition_key}.csv"

    def stored_receipt(self, dataset: str, partition_key: str) -> dict[str, Any]:
        path = self.root / dataset / f"{partition_key}.receipt.json"
        return json.loads(path.read_text())

    # -- lifecycle --------------------------------------------------------------------------

    async def start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        app = web.Application(client_max_size=64 * 1024 * 1024, middlewares=[self._record])
        app.router.add_post("/auth/token", self._token)
        app.router.add_put("/v1/deliveries/{dataset}/{partition}", self._put)
        app.router.add_get("/v1/deliveries/{dataset}/{partition}", self._get)
        app.router.add_get("/health", self._health)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self._requested_port, shutdown_timeout=1.0)
        await site.start()
        server = site._server  # aiohttp exposes the bound port only through the server socket
        assert server is not None
        self._port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        log.info("sandbox partner API on %s, files under %s", self.base_url, self.root)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # -- handlers ---------------------------------------------------------------------------

    @web.middleware
    async def _record(self, request: web.Request, handler: Any) -> web.StreamResponse:
        with self._lock:
            self.requests.append((request.method, request.headers.copy()))
        response = await handler(request)
        route = {"POST": "token", "PUT": "put"}.get(request.method, request.method.lower())
        with self._lock:
            self.history.append((route, response.status))
        return response

    async def _canned_for(self, route: str) -> web.Response | None:
        with self._lock:
            queue = self._canned[route]
            canned = queue.popleft() if queue else None
        if canned is None:
            return None
        if canned.delay_s:
            await asyncio.sleep(canned.delay_s)
        if canned.status is None:
            return None
        if canned.body is not None:
            return web.Response(body=canned.body, status=canned.status, headers=canned.headers)
        return web.json_response(canned.json or {}, status=canned.status, headers=canned.headers)

    async def _health(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def _token(self, request: web.Request) -> web.Response:
        self.stats.token_requests += 1
        canned = await self._canned_for("token")
        if canned is not None:
            return canned
        try:
            body = await request.json()
            user, password = str(body["username"]), str(body["password"])
        except (ValueError, KeyError, TypeError):
            return _error(400, "body must be JSON {username, password}")
        good_user = hmac.compare_digest(user.encode(), self._username.encode())
        good_pass = hmac.compare_digest(password.encode(), self._password.encode())
        if not (good_user and good_pass):
            return _error(401, "invalid credentials")
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._tokens[token] = time.monotonic() + self.token_ttl_s
        answer = {"access_token": token, "token_type": "Bearer", "expires_in": self.token_ttl_s}
        answer.update(self.token_fields)
        return web.json_response({k: v for k, v in answer.items() if v is not None})

    def _authorized(self, request: web.Request) -> bool:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        with self._lock:
            expiry = self._tokens.get(token)
        return scheme.lower() == "bearer" and expiry is not None and expiry > time.monotonic()

    def _paths(self, request: web.Request) -> tuple[str, str] | web.Response:
        dataset, partition = request.match_info["dataset"], request.match_info["partition"]
        if not _DATASET.match(dataset) or not _PARTITION.match(partition):
            return _error(404, "unknown dataset or partition key (YYYY-MM-DD or YYYY-MM)")
        return dataset, partition

    async def _get(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return _error(401, "invalid or expired token")
        paths = self._paths(request)
        if isinstance(paths, web.Response):
            return paths
        try:
            return web.json_response(self.stored_receipt(*paths))
        except FileNotFoundError:
            return _error(404, "no delivery for this partition")

    async def _put(self, request: web.Request) -> web.Response:
        self.stats.put_requests += 1
        canned = await self._canned_for("put")
        if canned is not None:
            await request.read()
            return canned
        if not self._authorized(request):
            return _error(401, "invalid or expired token")
        paths = self._paths(request)
        if isinstance(paths, web.Response):
            return paths
        dataset, partition = paths
        key = request.headers.get("Idempotency-Key", "")
        claimed_sha = request.headers.get("X-Content-SHA256", "").lower()
        rows_text = request.headers.get("X-Row-Count", "")
        if not key or not _SHA256.match(claimed_sha) or not rows_text.isdigit():
            return _error(400, "Idempotency-Key, X-Content-SHA256 (hex) and X-Row-Count required")

        folder = self.root / dataset
        folder.mkdir(parents=True, exist_ok=True)
        part = folder / f".{partition}.{uuid.uuid4().hex}.part"
        size, sha = await _receive(request, part)
        with self._lock:
            corrupt = self.corrupt_next_puts > 0
            self.corrupt_next_puts -= corrupt
            previous = self._idempotency.get(key)
        if corrupt:
            sha = _corrupt(part)
        elif sha != claimed_sha:
            part.unlink()
            return _error(422, f"checksum mismatch: body sha256 {sha}, header {claimed_sha}")
        request_id = f"{dataset}/{partition}/{sha}"
        if previous is not None:
            part.unlink()
            if previous[0] != request_id:
                return _error(422, "Idempotency-Key reused for a different request")
            return web.json_response(_public(previous[1]), status=200)

        target = self.stored_file(dataset, partition)
        existed = target.exists()
        os.replace(part, target)
        receipt = {
            "receipt_id": f"rcpt_{uuid.uuid4().hex[:20]}",
            "sha256": sha,
            "rows": int(rows_text),
            "bytes": size,
            "dataset": dataset,
            "partition": partition,
            "idempotency_key": key,
            "content_type": request.content_type,
            "received_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        (folder / f"{partition}.receipt.json").write_text(json.dumps(receipt, indent=2) + "\n")
        with self._lock:
            self._idempotency[key] = (request_id, receipt)
            self.stats.stored += 1
        return web.json_response(_public(receipt), status=200 if existed else 201)


async def _receive(request: web.Request, part: Path) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    with part.open("wb") as handle:
        async for chunk in request.content.iter_chunked(1024 * 1024):
            digest.update(chunk)
            size += len(chunk)
            handle.write(chunk)
    return size, digest.hexdigest()


def _corrupt(part: Path) -> str:
    data = bytearray(part.read_bytes() or b"\0")
    data[len(data) // 2] ^= 0xFF
    part.write_bytes(bytes(data))
    return hashlib.sha256(data).hexdigest()


def _public(receipt: dict[str, Any]) -> dict[str, Any]:
    return {k: receipt[k] for k in ("receipt_id", "sha256", "rows")}


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)
