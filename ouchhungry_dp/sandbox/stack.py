"""The partner's systems on loopback, started together: SFTP, partner API, SMTP sink.

Used by ``python -m ouchhungry_dp.sandbox`` (fixed ports from ``.env``) and by the
test suite (ephemeral ports). ``env()`` gives the environment variables that point
the platform at the running servers, exactly as a real deployment would set them.
"""

from __future__ import annotations

import contextlib
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from ouchhungry_dp.sandbox.keys import LocalKeys, ensure_local_keys
from ouchhungry_dp.sandbox.partner_systems.api_server import SandboxPartnerApi
from ouchhungry_dp.sandbox.partner_systems.sftp_server import SandboxSftpServer
from ouchhungry_dp.sandbox.partner_systems.smtp_sink import SmtpSink

LOOPBACK = "127.0.0.1"


@dataclass
class SandboxPorts:
    sftp: int = 0
    api: int = 0
    smtp: int = 0


@dataclass
class SandboxStack:
    root: Path
    ports: SandboxPorts = field(default_factory=SandboxPorts)
    sftp_username: str = "ouchhungry"
    api_username: str = "ouchhungry"
    api_password: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    keys_dir: Path | None = None

    def __post_init__(self) -> None:
        self.root = Path(self.root)
        self._stack = contextlib.ExitStack()
        self.keys: LocalKeys = ensure_local_keys(self.keys_dir or self.root / "keys")
        self.sftp = SandboxSftpServer(
            self.root / "sftp", host_key_path=self.keys.host_key_path,
            authorized_keys=[self.keys.client_public_key_path],
            username=self.sftp_username, host=LOOPBACK, port=self.ports.sftp)
        self.api = SandboxPartnerApi(
            self.root / "api", username=self.api_username, password=self.api_password,
            host=LOOPBACK, port=self.ports.api)
        self.smtp = SmtpSink(self.root / "mail", host=LOOPBACK, port=self.ports.smtp)

    def __enter__(self) -> SandboxStack:
        try:
            self._stack.enter_context(self.sftp)
            self._stack.enter_context(self.api)
            self._stack.enter_context(self.smtp)
        except BaseException:
            self._stack.close()
            raise
        self.keys.pin_host(LOOPBACK, self.sftp.port)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    @property
    def sftp_files(self) -> Path:
        return self.root / "sftp" / "upload"

    def env(self) -> dict[str, str]:
        return {
            "OUCHHUNGRY_SFTP_HOST": LOOPBACK,
            "OUCHHUNGRY_SFTP_PORT": str(self.sftp.port),
            "OUCHHUNGRY_SFTP_USERNAME": self.sftp_username,
            "OUCHHUNGRY_SFTP_PRIVATE_KEY_PATH": str(self.keys.client_key_path),
            "OUCHHUNGRY_SFTP_PRIVATE_KEY_PASSPHRASE": "",
            "OUCHHUNGRY_SFTP_KNOWN_HOSTS": str(self.keys.known_hosts_path),
            "OUCHHUNGRY_SFTP_REMOTE_DIR": "/upload",
            "OUCHHUNGRY_API_BASE_URL": self.api.base_url,
            "OUCHHUNGRY_API_USERNAME": self.api_username,
            "OUCHHUNGRY_API_PASSWORD": self.api_password,
            "SMTP_HOST": LOOPBACK,
            "SMTP_PORT": str(self.smtp.port),
            "SMTP_USERNAME": "",
            "SMTP_PASSWORD": "",
            "SMTP_SECURITY": "none",
        }
