"""SFTP delivery to a partner's server (paramiko; no Dagster import).

Safety properties, each covered by a test in ouchhungry_dp_tests/delivery:

* the server's host key must already be in the pinned known_hosts file
  (``RejectPolicy``): an unknown or changed key is a ConnectivityError, never
  silently trusted;
* the file is written under a temporary dot-name, its size (and sha256 when
  possible) checked, then renamed over the final name (``posix-rename`` where
  the server has it, else remove + rename): the partner never sees a partial file;
* the old manifest is removed before the rename and the new one written last,
  so a manifest present always describes the file beside it;
* only network faults are retried; auth, host key and "permission denied" fail
  at once.
"""

from __future__ import annotations

import hashlib
import logging
import posixpath
import socket
import time
from collections.abc import Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import paramiko

from ouchhungry_dp.delivery.channel_settings import SftpConfig
from ouchhungry_dp.delivery.manifest import (
    CHUNK_BYTES,
    file_sha256,
    manifest_bytes,
    manifest_path_for,
)
from ouchhungry_dp.delivery.receipts import SftpReceipt
from ouchhungry_dp.delivery.retry import DeliveryRetryPolicy, run_with_retry
from ouchhungry_dp.delivery.sftp_errors import UnknownHostKey, classify, key_error
from ouchhungry_dp.errors import DeliveryError

__all__ = ["SftpConfig", "SftpDeliveryClient", "SftpReceipt"]

log = logging.getLogger(__name__)

# paramiko's defaults (2 MiB window) stall a pipelined upload on every window
# refill; a larger window keeps the pipe full (see docs/reliability.md).
WINDOW_BYTES = 64 * 1024 * 1024
MAX_PACKET_BYTES = 32768


class _RefuseUnknownHost(paramiko.RejectPolicy):
    """RejectPolicy that raises a typed error so it is told apart from other SSH errors."""

    def missing_host_key(
        self, client: paramiko.SSHClient, hostname: str, key: paramiko.PKey
    ) -> None:
        raise UnknownHostKey(hostname, key)


def _transport_factory(sock: socket.socket, **kwargs: Any) -> paramiko.Transport:
    return paramiko.Transport(
        sock, default_window_size=WINDOW_BYTES, default_max_packet_size=MAX_PACKET_BYTES, **kwargs
    )


class SftpDeliveryClient:
    def __init__(self, config: SftpConfig, *, retry: DeliveryRetryPolicy | None = None) -> None:
        self.config = config
        self.retry = retry or DeliveryRetryPolicy()

    def deliver(
        self, local_file: Path, remote_path: str, manifest: Mapping[str, Any]
    ) -> SftpReceipt:
        """Upload ``local_file`` to ``remote_path`` with its manifest; replace what was there."""
        local_file = Path(local_file)
        partition = str(manifest.get("partition") or "") or None
        size = local_file.stat().st_size
        sha256 = file_sha256(local_file)
        if manifest.get("sha256") not in (None, sha256):
            raise DeliveryError(
                f"SFTP delivery of {local_file.name}: the manifest does not describe the file",
                partner=self.config.partner,
                partition=partition,
                detail=f"manifest sha256 {manifest.get('sha256')} != file sha256 {sha256}",
                hint="Rebuild the manifest from the file (delivery.manifest.build_manifest).",
            )
        pkey = self._load_key(partition)
        started = time.monotonic()
        attempts = 0

        def attempt(number: int) -> str:
            nonlocal attempts
            attempts = number
            with self._session(pkey, partition) as (sftp, transport):
                try:
                    return self._upload(sftp, local_file, remote_path, size, sha256, manifest)
                except Exception as exc:
                    raise classify(
                        exc,
                        self.config,
                        partition,
                        f"SFTP upload of {remote_path}",
                        connection_alive=transport.is_active(),
                    ) from exc

        verification = run_with_retry(self.retry, attempt)
        receipt = SftpReceipt(
            remote_path=remote_path,
            manifest_path=manifest_path_for(remote_path),
            bytes=size,
            rows=int(manifest["rows"]) if manifest.get("rows") is not None else None,
            sha256=sha256,
            duration_s=round(time.monotonic() - started, 3),
            attempts=attempts,
            verification=verification,
        )
        log.info(
            "SFTP delivered %s (%d bytes, %s verified) to %s:%d in %d attempt(s)",
            remote_path,
            size,
            verification,
            self.config.host,
            self.config.port,
            attempts,
        )
        return receipt

    # -- connection -------------------------------------------------------------------------

    def _load_key(self, partition: str | None) -> paramiko.PKey:
        secret = self.config.private_key_passphrase
        try:
            return paramiko.PKey.from_path(
                str(self.config.private_key_path), secret.reveal().encode() if secret else None
            )
        except Exception as exc:
            raise key_error(exc, self.config, partition) from None

    @contextmanager
    def _session(self, pkey: paramiko.PKey, partition: str | None) -> Any:
        cfg = self.config
        client = paramiko.SSHClient()
        try:
            try:
                client.load_host_keys(str(cfg.known_hosts))
                client.set_missing_host_key_policy(_RefuseUnknownHost())
                client.connect(
                    cfg.host,
                    port=cfg.port,
                    username=cfg.username,
                    pkey=pkey,
                    timeout=cfg.connect_timeout_s,
                    banner_timeout=cfg.connect_timeout_s,
                    auth_timeout=cfg.auth_timeout_s,
                    channel_timeout=cfg.operation_timeout_s,
                    allow_agent=False,
                    look_for_keys=False,
                    transport_factory=_transport_factory,
                )
                transport = client.get_transport()
                assert transport is not None
                sftp = paramiko.SFTPClient.from_transport(
                    transport, window_size=WINDOW_BYTES, max_packet_size=MAX_PACKET_BYTES
                )
                assert sftp is not None
                sftp.get_channel().settimeout(cfg.operation_timeout_s)
            except Exception as exc:
                raise classify(exc, cfg, partition, f"SFTP connection to {cfg.endpoint}") from exc
            yield sftp, transport
        finally:
            client.close()

    # -- upload -----------------------------------------------------------------------------

    def _upload(
        self,
        sftp: paramiko.SFTPClient,
        local_file: Path,
        remote_path: str,
        size: int,
        sha256: str,
        manifest: Mapping[str, Any],
    ) -> str:
        directory, name = posixpath.split(remote_path)
        _makedirs(sftp, directory)
        # Deterministic temp name: a retry after a dropped connection overwrites
        # the partial file of the failed attempt instead of leaving it behind.
        part = posixpath.join(directory, f".{name}.{sha256[:12]}.part")
        with local_file.open("rb") as handle:
            sftp.putfo(handle, part, file_size=size, confirm=False)
        self._check_size(sftp, part, size)
        verification = self._verify_sha256(sftp, part, size, sha256)

        manifest_path = manifest_path_for(remote_path)
        _remove_if_exists(sftp, manifest_path)
        _replace(sftp, part, remote_path)

        manifest_part = posixpath.join(directory, f".{name}.manifest.{sha256[:12]}.part")
        data = manifest_bytes(manifest)
        with sftp.open(manifest_part, "wb") as remote:
            remote.write(data)
        self._check_size(sftp, manifest_part, len(data))
        _replace(sftp, manifest_part, manifest_path)
        _remove_stale_parts(sftp, directory, name)
        return verification

    def _check_size(self, sftp: paramiko.SFTPClient, path: str, expected: int) -> None:
        actual = sftp.stat(path).st_size
        if actual != expected:
            raise DeliveryError(
                f"SFTP upload of {path}: size on the server differs from the local file",
                partner=self.config.partner,
                detail=f"{actual} bytes on the server, {expected} expected",
                hint="Usually a disk-full or quota problem on the partner's server.",
                transient=True,
            )

    def _verify_sha256(self, sftp: paramiko.SFTPClient, path: str, size: int, sha256: str) -> str:
        mode = self.config.verify_sha256
        if mode == "off":
            return "size"
        if mode in ("auto", "check-file"):
            try:
                with sftp.open(path, "rb") as remote:
                    remote_digest = remote.check("sha256").hex()
            except OSError:
                # The check-file extension is rare (OpenSSH lacks it); fall back below.
                remote_digest = None
            if remote_digest is not None:
                self._compare(path, remote_digest, sha256)
                return "sha256-check-file"
            if mode == "check-file" or size > self.config.readback_max_bytes:
                return "size"
        digest = _remote_sha256(sftp, path, size)
        self._compare(path, digest, sha256)
        return "sha256-readback"

    def _compare(self, path: str, remote_digest: str, sha256: str) -> None:
        if remote_digest.lower() != sha256:
            raise DeliveryError(
                f"SFTP upload of {path}: sha256 on the server differs from the local file",
                partner=self.config.partner,
                detail=f"server {remote_digest}, local {sha256}",
                hint="The file was corrupted in transit or on the server; the delivery is retried.",
                transient=True,
            )


def _remote_sha256(sftp: paramiko.SFTPClient, path: str, size: int) -> str:
    digest = hashlib.sha256()
    with sftp.open(path, "rb") as remote:
        remote.prefetch(size)
        while chunk := remote.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def _makedirs(sftp: paramiko.SFTPClient, directory: str) -> None:
    current = "/" if directory.startswith("/") else ""
    for part in [p for p in directory.split("/") if p]:
        current = posixpath.join(current, part) if current else part
        try:
            sftp.stat(current)
        except FileNotFoundError:
            sftp.mkdir(current)


def _remove_if_exists(sftp: paramiko.SFTPClient, path: str) -> None:
    with suppress(FileNotFoundError):
        sftp.remove(path)


def _replace(sftp: paramiko.SFTPClient, source: str, target: str) -> None:
    """Atomic rename where the server supports posix-rename; remove + rename elsewhere."""
    try:
        sftp.posix_rename(source, target)
        return
    except (FileNotFoundError, PermissionError):
        raise
    except OSError as exc:
        if not sftp.get_channel().get_transport().is_active():
            raise
        log.info("posix-rename refused (%s); falling back to remove + rename", exc)
    _remove_if_exists(sftp, target)
    sftp.rename(source, target)


def _remove_stale_parts(sftp: paramiko.SFTPClient, directory: str, name: str) -> None:
    """Best effort: temp files of earlier, different uploads of the same file."""
    try:
        for entry in sftp.listdir(directory or "."):
            if entry.startswith(f".{name}.") and entry.endswith(".part"):
                sftp.remove(posixpath.join(directory, entry))
    except OSError as exc:
        log.info("could not clean stale temp files in %s: %s", directory, exc)
