"""A real SFTP server on loopback standing in for the partner's (asyncssh).

Key authentication only, one user, files confined to a root directory (the
asyncssh ``chroot`` path mapping). ``SftpFaults`` makes it misbehave on purpose
for the fault-matrix tests: drop the connection after N bytes, refuse writes
under a directory, refuse the ``posix-rename`` extension, corrupt or truncate
the next uploads, refuse the next renames. ``SftpFaults.journal`` records every
change the server made (open for write, rename, remove) in order, so a test can
check what a partner polling the directory could have seen.

Runs either inside the caller's asyncio loop (``await server.start()`` /
``await server.stop()``, used by ``python -m ouchhungry_dp.sandbox``) or in a
background thread with its own loop (``with SandboxSftpServer(...) as server``,
used by tests and benchmarks).
"""

from __future__ import annotations

import asyncio
import fnmatch
import logging
import os
import posixpath
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import asyncssh

log = logging.getLogger(__name__)


class BackgroundAsyncServer:
    """Adds a "run my own loop in a daemon thread" context manager to an async server."""

    _loop: asyncio.AbstractEventLoop | None = None
    _thread: threading.Thread | None = None

    async def start(self) -> None:
        raise NotImplementedError

    async def stop(self) -> None:
        raise NotImplementedError

    def call_in_loop(self, coro: Any, timeout: float = 30.0) -> Any:
        if self._loop is None:
            raise RuntimeError(f"{type(self).__name__} is not running in a background thread")
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def __enter__(self) -> Self:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name=type(self).__name__, daemon=True
        )
        self._thread.start()
        try:
            self.call_in_loop(self.start())
        except BaseException:
            self._shutdown_loop()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.call_in_loop(self.stop())
        finally:
            self._shutdown_loop()

    def _shutdown_loop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
        self._loop = self._thread = None


@dataclass
class SftpFaults:
    """Misbehaviour switches; safe to change while the server runs."""

    # Abort the SSH connection once a session has written more than this many bytes...
    drop_after_bytes: int | None = None
    # ...for this many sessions, then behave (so a retry can succeed).
    drops_remaining: int = 0
    # Virtual paths (e.g. "/upload/daily") under which every change is refused.
    deny_write_under: tuple[str, ...] = ()
    # False: answer posix-rename@openssh.com with "unsupported", like some servers do.
    posix_rename: bool = True
    # The next N uploads whose path matches ``upload_glob`` are damaged on close:
    # one byte flipped (same size: only a checksum notices) or the last byte cut off.
    corrupt_uploads: int = 0
    truncate_uploads: int = 0
    upload_glob: str = "*"
    # The next N renames (posix-rename or rename) fail with a generic SFTP failure.
    refuse_renames: int = 0
    # ("write", path) / ("rename", old, new) / ("remove", path), virtual paths, in order.
    journal: list[tuple[str, ...]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def _take(self, counter: str) -> bool:
        """Use up one of the switch ``counter`` (an int field); False when none is left."""
        with self._lock:
            left = getattr(self, counter)
            if left > 0:
                setattr(self, counter, left - 1)
            return left > 0

    def take_drop(self) -> bool:
        return self._take("drops_remaining")

    def take_damage(self, path: bytes) -> str | None:
        """"corrupt", "truncate" or None for an upload to ``path`` (uses up one switch)."""
        if not fnmatch.fnmatch(_virtual(path), self.upload_glob):
            return None
        if self._take("corrupt_uploads"):
            return "corrupt"
        return "truncate" if self._take("truncate_uploads") else None

    def take_rename_refusal(self) -> bool:
        return self._take("refuse_renames")

    def record(self, action: str, *paths: bytes) -> None:
        with self._lock:
            self.journal.append((action, *(_virtual(p) for p in paths)))

    def denies(self, path: bytes) -> bool:
        virtual = _virtual(path)
        return any(
            virtual == d.rstrip("/") or virtual.startswith(d.rstrip("/") + "/")
            for d in self.deny_write_under
        )


def _virtual(path: bytes) -> str:
    return posixpath.normpath(posixpath.join("/", path.decode("utf-8", "replace")))


def _damage(path: Path, how: str) -> None:
    data = bytearray(path.read_bytes())
    if how == "truncate":
        del data[-1:]
    elif data:
        data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


class _FaultySftpServer(asyncssh.SFTPServer):
    def __init__(self, chan: asyncssh.SSHServerChannel, root: Path, faults: SftpFaults) -> None:
        super().__init__(chan, chroot=str(root).encode())
        self._faults = faults
        self._written = 0
        self._dropping = faults.drop_after_bytes is not None and faults.take_drop()
        self._damaged: dict[int, str] = {}

    def _guard(self, *paths: bytes) -> None:
        if any(self._faults.denies(p) for p in paths):
            raise asyncssh.SFTPPermissionDenied("Permission denied (sandbox fault)")

    def open(self, path: bytes, pflags: int, attrs: asyncssh.SFTPAttrs) -> object:
        writing = pflags & (asyncssh.FXF_WRITE | asyncssh.FXF_CREAT | asyncssh.FXF_TRUNC)
        if writing:
            self._guard(path)
        file_obj = super().open(path, pflags, attrs)
        if writing:
            self._faults.record("write", path)
            damage = self._faults.take_damage(path)
            if damage is not None:
                self._damaged[id(file_obj)] = damage
        return file_obj

    def close(self, file_obj: object) -> None:
        damage = self._damaged.pop(id(file_obj), None)
        super().close(file_obj)
        if damage is not None:
            log.info("sandbox SFTP: %s upload (sandbox fault)", damage)
            _damage(Path(os.fsdecode(file_obj.name)), damage)  # type: ignore[attr-defined]

    def write(self, file_obj: object, offset: int, data: bytes) -> int:
        self._written += len(data)
        limit = self._faults.drop_after_bytes
        if self._dropping and limit is not None and self._written > limit:
            log.info("sandbox SFTP: dropping the connection after %d bytes", self._written)
            self.connection.abort()
            raise asyncssh.SFTPConnectionLost("connection dropped (sandbox fault)")
        return super().write(file_obj, offset, data)

    def mkdir(self, path: bytes, attrs: asyncssh.SFTPAttrs) -> None:
        self._guard(path)
        super().mkdir(path, attrs)

    def remove(self, path: bytes) -> None:
        self._guard(path)
        super().remove(path)
        self._faults.record("remove", path)

    def _refuse_rename(self) -> None:
        if self._faults.take_rename_refusal():
            raise asyncssh.SFTPFailure("rename refused (sandbox fault)")

    def rename(self, oldpath: bytes, newpath: bytes) -> None:
        self._guard(oldpath, newpath)
        self._refuse_rename()
        super().rename(oldpath, newpath)
        self._faults.record("rename", oldpath, newpath)

    def posix_rename(self, oldpath: bytes, newpath: bytes) -> None:
        if not self._faults.posix_rename:
            raise asyncssh.SFTPOpUnsupported("posix-rename disabled (sandbox fault)")
        self._guard(oldpath, newpath)
        self._refuse_rename()
        super().posix_rename(oldpath, newpath)
        self._faults.record("rename", oldpath, newpath)


class _SshServer(asyncssh.SSHServer):
    def __init__(self, owner: SandboxSftpServer) -> None:
        self._owner = owner
        self._conn: asyncssh.SSHServerConnection | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn
        self._owner._connections.add(conn)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._conn is not None:
            self._owner._connections.discard(self._conn)

    def begin_auth(self, username: str) -> bool:
        # Keys are granted to the sandbox user only: any other name has none and fails.
        if username == self._owner.username and self._conn is not None:
            self._conn.set_authorized_keys(self._owner._authorized_keys)
        return True

    def password_auth_supported(self) -> bool:
        return False


class SandboxSftpServer(BackgroundAsyncServer):
    """The partner's SFTP server, on loopback.

    ``root`` is what the client sees as ``/``; ``authorized_keys`` are public
    key files (``*.pub``) allowed to log in as ``username``.
    """

    def __init__(
        self,
        root: Path,
        *,
        host_key_path: Path,
        authorized_keys: Sequence[Path],
        username: str = "ouchhungry",
        host: str = "127.0.0.1",
        port: int = 0,
        faults: SftpFaults | None = None,
    ) -> None:
        self.root = Path(root)
        self.host = host
        self.username = username
        self.faults = faults or SftpFaults()
        self._requested_port = port
        self._host_key_path = Path(host_key_path)
        self._authorized_keys = asyncssh.import_authorized_keys(
            "".join(Path(p).read_text().strip() + "\n" for p in authorized_keys)
        )
        self._listener: asyncssh.SSHAcceptor | None = None
        self._connections: set[asyncssh.SSHServerConnection] = set()

    @property
    def port(self) -> int:
        if self._listener is None:
            raise RuntimeError("SandboxSftpServer is not started")
        return self._listener.get_port()

    async def start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self._listener = await asyncssh.listen(
            self.host,
            self._requested_port,
            server_host_keys=[str(self._host_key_path)],
            server_factory=lambda: _SshServer(self),
            sftp_factory=lambda chan: _FaultySftpServer(chan, self.root, self.faults),
            allow_scp=False,
            # Big windows so the server is not what limits throughput benchmarks.
            window=8 * 1024 * 1024,
        )
        log.info("sandbox SFTP listening on %s:%d, root %s", self.host, self.port, self.root)

    async def stop(self) -> None:
        if self._listener is None:
            return
        self._listener.close()
        await self._listener.wait_closed()
        for conn in list(self._connections):
            conn.abort()
        self._listener = None
