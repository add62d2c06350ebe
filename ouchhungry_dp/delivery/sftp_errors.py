"""Translate paramiko / socket failures into the platform's error taxonomy.

The rule that matters: only faults a retry may cure are ``transient``. A dead
connection is; a refused key, an untrusted host key or "permission denied" is
not, and retrying those would only lock the account or hide an attack.
"""

from __future__ import annotations

import socket

import paramiko

from ouchhungry_dp.delivery.channel_settings import SFTP_ENV_DEFAULTS, SftpConfig
from ouchhungry_dp.errors import (
    ConfigurationError,
    ConnectivityError,
    DeliveryError,
    OuchHungryError,
)


class UnknownHostKey(paramiko.SSHException):
    def __init__(self, hostname: str, key: paramiko.PKey) -> None:
        super().__init__(f"host key of {hostname} is not in known_hosts")
        self.hostname = hostname
        self.key = key


def _fingerprint(key: paramiko.PKey) -> str:
    return f"{key.get_name()} {key.fingerprint}"


def key_error(exc: Exception, cfg: SftpConfig, partition: str | None) -> ConfigurationError:
    """The client key cannot be read. Never echo paramiko's text: it may quote key material."""
    key_var = SFTP_ENV_DEFAULTS["private_key_path"]
    pass_var = SFTP_ENV_DEFAULTS["private_key_passphrase"]
    if isinstance(exc, FileNotFoundError):
        reason, hint = "the file does not exist", f"Point {key_var} at the client private key."
    elif cfg.private_key_passphrase is None and isinstance(
        exc, paramiko.PasswordRequiredException | TypeError
    ):
        # cryptography raises TypeError for an encrypted OpenSSH key loaded without passphrase.
        reason, hint = "the key is encrypted", f"Set {pass_var} to the key's passphrase."
    else:
        reason = "wrong passphrase or unsupported key format"
        hint = f"Check {pass_var}; keys must be Ed25519 or RSA in OpenSSH or PEM format."
    return ConfigurationError(
        f"SFTP client key {cfg.private_key_path} cannot be loaded",
        partner=cfg.partner,
        partition=partition,
        detail=f"{reason} ({type(exc).__name__})",
        hint=hint,
    )


def classify(
    exc: Exception,
    cfg: SftpConfig,
    partition: str | None,
    what: str,
    *,
    connection_alive: bool = False,
) -> OuchHungryError:
    if isinstance(exc, OuchHungryError):
        if exc.partition is None and partition:
            exc.partition = partition
        return exc
    known_hosts_var = SFTP_ENV_DEFAULTS["known_hosts"]
    common = {"partner": cfg.partner, "partition": partition}
    if isinstance(exc, paramiko.BadHostKeyException):
        return ConnectivityError(
            f"{what}: the server's host key CHANGED",
            detail=f"expected {_fingerprint(exc.expected_key)}, got {_fingerprint(exc.key)}",
            hint="Possible man-in-the-middle. Confirm the new fingerprint with the partner by "
            f"another channel before updating the file in {known_hosts_var}.",
            **common,
        )
    if isinstance(exc, UnknownHostKey):
        return ConnectivityError(
            f"{what}: the server's host key is not pinned",
            detail=f"{exc.hostname} offered {_fingerprint(exc.key)}",
            hint=f"Add the partner's host key (confirmed out of band) to {cfg.known_hosts} "
            f"({known_hosts_var}); for a non-22 port the entry is '[host]:port'.",
            **common,
        )
    if isinstance(exc, paramiko.AuthenticationException):
        return ConnectivityError(
            f"{what}: authentication refused for user {cfg.username}",
            detail=type(exc).__name__,
            hint="Check that the partner installed our public key for this user and that "
            "OUCHHUNGRY_SFTP_PRIVATE_KEY_PATH points at the matching private key.",
            **common,
        )
    if isinstance(exc, FileNotFoundError) and exc.filename == str(cfg.known_hosts):
        return ConfigurationError(
            f"{what}: known_hosts file {cfg.known_hosts} does not exist",
            hint=f"Set {known_hosts_var} to a file pinning the partner's host key.",
            **common,
        )
    if connection_alive and isinstance(exc, PermissionError):
        return DeliveryError(
            f"{what}: permission denied on the partner's server",
            detail=str(exc),
            hint=f"Ask the partner to grant {cfg.username} write access to {cfg.remote_dir}.",
            **common,
        )
    if connection_alive and isinstance(exc, OSError) and not isinstance(exc, socket.timeout):
        # An SFTP status (no such file, failure, unsupported) on a live connection.
        return DeliveryError(
            f"{what}: the partner's server refused the operation",
            detail=str(exc) or type(exc).__name__,
            hint="Check the remote directory exists and is writable, then rerun.",
            **common,
        )
    # Refused/reset/timed-out connections, protocol banner errors, dropped sessions.
    return ConnectivityError(
        f"{what}: network failure talking to {cfg.host}:{cfg.port}",
        detail=f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__,
        hint="The server may be down or the network unstable; the delivery was retried. "
        "Rerun the partition once the server answers.",
        transient=True,
        **common,
    )
