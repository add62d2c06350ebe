"""Loopback servers and configs for the delivery tests (real servers, ephemeral ports)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ouchhungry_dp.delivery.channel_settings import PartnerApiConfig, Secret, SftpConfig
from ouchhungry_dp.delivery.retry import DeliveryRetryPolicy
from ouchhungry_dp.sandbox.keys import LocalKeys, ensure_local_keys, generate_ed25519_key
from ouchhungry_dp.sandbox.partner_systems.api_server import SandboxPartnerApi
from ouchhungry_dp.sandbox.partner_systems.sftp_server import SandboxSftpServer

PARTNER = "ouchhungry"
SFTP_USER = "ouchhungry"
API_USER = "ouchhungry-api"
API_PASSWORD = "api-Pa55word-for-tests-7731"  # pragma: allowlist secret (fake, for tests)
# Distinctive so the secrets test can search for it anywhere.
KEY_PASSPHRASE = "Zq9-passphrase-CANARY-4471"  # pragma: allowlist secret


class SleepRecorder:
    """Stands in for time.sleep: records the waits the retry policy asked for."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture(scope="session")
def keys(tmp_path_factory: pytest.TempPathFactory) -> LocalKeys:
    return ensure_local_keys(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="session")
def locked_key(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An Ed25519 client key encrypted with KEY_PASSPHRASE (made once: bcrypt is slow)."""
    return generate_ed25519_key(
        tmp_path_factory.mktemp("locked") / "client_locked", passphrase=KEY_PASSPHRASE
    )


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()


@pytest.fixture
def fast_retry(sleeps: SleepRecorder) -> DeliveryRetryPolicy:
    return DeliveryRetryPolicy(attempts=3, initial_delay_s=0.01, max_delay_s=0.05, sleep=sleeps)


@pytest.fixture
def sftp_server(tmp_path: Path, keys: LocalKeys) -> Iterator[SandboxSftpServer]:
    with SandboxSftpServer(
        tmp_path / "sftp_root",
        host_key_path=keys.host_key_path,
        authorized_keys=[keys.client_public_key_path],
        username=SFTP_USER,
    ) as server:
        yield server


@pytest.fixture
def known_hosts(tmp_path: Path, keys: LocalKeys, sftp_server: SandboxSftpServer) -> Path:
    path = tmp_path / "known_hosts"
    path.write_text(f"[127.0.0.1]:{sftp_server.port} {keys.host_public_key}\n")
    return path


@pytest.fixture
def sftp_config(
    keys: LocalKeys, sftp_server: SandboxSftpServer, known_hosts: Path
) -> Callable[..., SftpConfig]:
    def make(**overrides: object) -> SftpConfig:
        values: dict[str, object] = {
            "partner": PARTNER,
            "host": "127.0.0.1",
            "port": sftp_server.port,
            "username": SFTP_USER,
            "private_key_path": keys.client_key_path,
            "known_hosts": known_hosts,
            "remote_dir": "/upload",
            "connect_timeout_s": 5.0,
            "auth_timeout_s": 5.0,
            "operation_timeout_s": 5.0,
        }
        values.update(overrides)
        return SftpConfig(**values)  # type: ignore[arg-type]

    return make


@pytest.fixture
def api_server(tmp_path: Path) -> Iterator[SandboxPartnerApi]:
    with SandboxPartnerApi(
        tmp_path / "api_root", username=API_USER, password=API_PASSWORD
    ) as server:
        yield server


@pytest.fixture
def api_config(api_server: SandboxPartnerApi) -> Callable[..., PartnerApiConfig]:
    def make(**overrides: object) -> PartnerApiConfig:
        values: dict[str, object] = {
            "partner": PARTNER,
            "base_url": api_server.base_url,
            "username": API_USER,
            "password": Secret(API_PASSWORD),
            "connect_timeout_s": 2.0,
            "read_timeout_s": 5.0,
            "write_timeout_s": 5.0,
        }
        values.update(overrides)
        return PartnerApiConfig(**values)  # type: ignore[arg-type]

    return make


@pytest.fixture
def daily_csv(tmp_path: Path) -> Callable[[int, str], Path]:
    """A small CSV shaped like the daily product; ``seed`` changes its content."""

    def make(rows: int = 50, seed: str = "a") -> Path:
        path = tmp_path / "out" / f"ouchhungry_sales_daily_2026-11-25_{seed}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = ["sale_date,order_id,customer_id,city,state,brand,quantity,total_amount"]
        lines += [
            f"2026-11-25,o{seed}{i:05d},c{i % 7:04d},LONDRINA,PR,Hungry,{i % 5 + 1},{i * 1.5:.2f}"
            for i in range(rows)
        ]
        path.write_text("\n".join(lines) + "\n")
        return path

    return make
