"""SSH keys of the local sandbox: client key, server host key and known_hosts.

Keys are made with asyncssh (already a dependency, and it writes the OpenSSH
private-key format that paramiko and the ``ssh``/``sftp`` tools read). They are
created once per directory and reused, so a developer's known_hosts does not
churn. A known_hosts entry for a port other than 22 must be written
``[host]:port``; since the sandbox often binds an ephemeral port,
``LocalKeys.pin_host`` rewrites the file for the port actually bound.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import asyncssh

CLIENT_KEY_NAME = "client_ed25519"  # pragma: allowlist secret (a file name)
HOST_KEY_NAME = "sftp_host_ed25519"
KNOWN_HOSTS_NAME = "known_hosts"


def known_hosts_host(host: str, port: int) -> str:
    """How OpenSSH (and paramiko) name a host in known_hosts."""
    return host if port == 22 else f"[{host}]:{port}"


def known_hosts_line(host: str, port: int, public_key_openssh: str) -> str:
    key_type, key_data = public_key_openssh.split()[:2]
    return f"{known_hosts_host(host, port)} {key_type} {key_data}\n"


# bcrypt-KDF rounds of an encrypted key: above bcrypt's 50-round warning, half asyncssh's 128.
KDF_ROUNDS = 64


def write_private_key(path: Path, key: asyncssh.SSHKey, passphrase: str | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = key.export_private_key("openssh", passphrase=passphrase, rounds=KDF_ROUNDS)
    # Created with 0600 from the start: ssh refuses keys readable by others.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    path.with_name(path.name + ".pub").write_bytes(key.export_public_key("openssh"))


def generate_ed25519_key(path: Path, passphrase: str | None = None) -> Path:
    """A fresh Ed25519 private key at ``path`` (OpenSSH format) and ``path.pub``."""
    write_private_key(path, asyncssh.generate_private_key("ssh-ed25519"), passphrase)
    return path


@dataclass(frozen=True)
class LocalKeys:
    directory: Path
    client_key_path: Path
    host_key_path: Path
    known_hosts_path: Path

    @property
    def client_public_key_path(self) -> Path:
        return self.client_key_path.with_name(self.client_key_path.name + ".pub")

    @property
    def host_public_key(self) -> str:
        return self.host_key_path.with_name(self.host_key_path.name + ".pub").read_text().strip()

    def pin_host(self, host: str, port: int) -> Path:
        """(Re)write known_hosts so it pins the sandbox host key for ``host:port`` only."""
        self.known_hosts_path.write_text(known_hosts_line(host, port, self.host_public_key))
        return self.known_hosts_path


def ensure_local_keys(
    directory: Path, *, host: str = "127.0.0.1", port: int | None = None
) -> LocalKeys:
    """Create the sandbox keys in ``directory`` when missing; pin ``host:port`` if given."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    keys = LocalKeys(
        directory=directory,
        client_key_path=directory / CLIENT_KEY_NAME,
        host_key_path=directory / HOST_KEY_NAME,
        known_hosts_path=directory / KNOWN_HOSTS_NAME,
    )
    for path in (keys.client_key_path, keys.host_key_path):
        if not path.exists() or not path.with_name(path.name + ".pub").exists():
            generate_ed25519_key(path)
    if port is not None:
        keys.pin_host(host, port)
    elif not keys.known_hosts_path.exists():
        keys.known_hosts_path.write_text("")
    return keys
