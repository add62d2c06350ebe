"""Connection settings of the delivery channels, built from a contract's env mapping.

Secrets are held in ``Secret`` so that no repr, f-string, log line or Dagster
metadata can print them by accident; only the client that needs the value
calls ``reveal()``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from ouchhungry_dp.errors import ConfigurationError

# Env var names, not secrets: the pragmas below keep the secret scanner quiet about them.
SFTP_ENV_DEFAULTS = {
    "host": "OUCHHUNGRY_SFTP_HOST",
    "port": "OUCHHUNGRY_SFTP_PORT",
    "username": "OUCHHUNGRY_SFTP_USERNAME",
    "private_key_path": "OUCHHUNGRY_SFTP_PRIVATE_KEY_PATH",  # pragma: allowlist secret
    "private_key_passphrase": "OUCHHUNGRY_SFTP_PRIVATE_KEY_PASSPHRASE",  # pragma: allowlist secret
    "known_hosts": "OUCHHUNGRY_SFTP_KNOWN_HOSTS",
    "remote_dir": "OUCHHUNGRY_SFTP_REMOTE_DIR",
}
API_ENV_DEFAULTS = {
    "base_url": "OUCHHUNGRY_API_BASE_URL",
    "username": "OUCHHUNGRY_API_USERNAME",
    "password": "OUCHHUNGRY_API_PASSWORD",  # pragma: allowlist secret
}


class Secret:
    """A string that does not show itself."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __copy__(self) -> Secret:
        return self  # immutable: copies (dataclasses.asdict, deepcopy) share it

    def __deepcopy__(self, memo: dict[int, object]) -> Secret:
        return self

    def __reduce__(self) -> tuple[object, ...]:
        # Refuse pickling: a pickled config would carry the secret to disk or another process.
        raise TypeError("Secret values are not picklable")


def _required(
    values: Mapping[str, str | None],
    key: str,
    env: Mapping[str, str],
    partner: str,
    channel: str,
    *,
    strip: bool = True,
) -> str:
    raw = str(values.get(key) or "")
    value = raw.strip() if strip else raw  # a password may legitimately start with a space
    if not value.strip():
        var = env.get(key, key)
        raise ConfigurationError(
            f"{channel} setting {key!r} is missing",
            partner=partner,
            hint=f"Set the environment variable {var} (see .env.example).",
        )
    return value


def is_loopback_host(host: str | None) -> bool:
    """True for ``localhost`` and loopback IP literals; names are not resolved on purpose
    (a DNS answer can change, the literal cannot)."""
    if not host:
        return False
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class SftpConfig:
    partner: str
    host: str
    username: str
    private_key_path: Path
    known_hosts: Path
    port: int = 22
    remote_dir: str = "/"
    private_key_passphrase: Secret | None = field(default=None, repr=False)
    connect_timeout_s: float = 15.0
    auth_timeout_s: float = 30.0
    operation_timeout_s: float = 60.0
    # auto: server-side sha256 (check-file extension) if offered, else read the
    # temp file back when it is at most readback_max_bytes, else size only.
    verify_sha256: Literal["auto", "check-file", "readback", "off"] = "auto"
    readback_max_bytes: int = 64 * 1024 * 1024

    @property
    def endpoint(self) -> str:
        return f"{self.username}@{self.host}:{self.port}"

    @classmethod
    def from_mapping(
        cls,
        values: Mapping[str, str | None],
        *,
        partner: str,
        env: Mapping[str, str] | None = None,
        **overrides: object,
    ) -> SftpConfig:
        """Build from ``Channel.resolve()`` output; ``env`` names the variables for errors."""
        names = {**SFTP_ENV_DEFAULTS, **(env or {})}
        port_text = str(values.get("port") or "22").strip()
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise ConfigurationError(
                f"SFTP port {port_text!r} is not a TCP port",
                partner=partner,
                hint=f"Set {names['port']} to a number between 1 and 65535.",
            )
        passphrase = str(values.get("private_key_passphrase") or "")
        return cls(
            partner=partner,
            host=_required(values, "host", names, partner, "SFTP"),
            port=int(port_text),
            username=_required(values, "username", names, partner, "SFTP"),
            private_key_path=Path(_required(values, "private_key_path", names, partner, "SFTP")),
            known_hosts=Path(_required(values, "known_hosts", names, partner, "SFTP")),
            remote_dir=str(values.get("remote_dir") or "/").strip() or "/",
            private_key_passphrase=Secret(passphrase) if passphrase else None,
            **overrides,  # type: ignore[arg-type]
        )


@dataclass(frozen=True)
class PartnerApiConfig:
    partner: str
    base_url: str
    username: str
    password: Secret = field(repr=False)
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 60.0
    write_timeout_s: float = 60.0
    pool_timeout_s: float = 10.0
    # Renew the token this long before the server says it expires (clock skew, slow uploads).
    token_refresh_margin_s: float = 30.0
    # CA bundle path for a partner with a private CA; True = system trust store.
    verify: bool | str = True

    def __post_init__(self) -> None:
        parts = urlsplit(self.base_url)
        loopback = is_loopback_host(parts.hostname)
        # Only scheme and host in messages: the URL itself might carry credentials.
        shown = f"{parts.scheme}://{parts.hostname or ''}"
        if parts.username or parts.password:
            raise ConfigurationError(
                f"partner API base URL {shown} carries credentials",
                partner=self.partner,
                hint="Remove user:password@ from OUCHHUNGRY_API_BASE_URL; use the "
                "USERNAME/PASSWORD variables.",
            )
        if not (
            (parts.scheme == "https" and parts.hostname) or (parts.scheme == "http" and loopback)
        ):
            raise ConfigurationError(
                f"partner API base URL {shown} is not allowed",
                partner=self.partner,
                hint="Use https:// (plain http:// is accepted for loopback sandboxes only).",
            )
        if self.verify is False and not loopback:
            raise ConfigurationError(
                "certificate verification cannot be disabled for a remote partner API",
                partner=self.partner,
                hint="Give the partner's CA bundle path in 'verify' instead.",
            )

    @classmethod
    def from_mapping(
        cls,
        values: Mapping[str, str | None],
        *,
        partner: str,
        env: Mapping[str, str] | None = None,
        **overrides: object,
    ) -> PartnerApiConfig:
        names = {**API_ENV_DEFAULTS, **(env or {})}
        return cls(
            partner=partner,
            base_url=_required(values, "base_url", names, partner, "partner API").rstrip("/"),
            username=_required(values, "username", names, partner, "partner API"),
            password=Secret(
                _required(values, "password", names, partner, "partner API", strip=False)
            ),
            **overrides,  # type: ignore[arg-type]
        )
