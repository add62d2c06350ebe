"""Client keys (Ed25519 / RSA, passphrase), sandbox key files and SftpConfig construction."""

from __future__ import annotations

import stat
from pathlib import Path

import asyncssh
import paramiko
import pytest

from ouchhungry_dp.delivery.channel_settings import SftpConfig
from ouchhungry_dp.delivery.manifest import build_manifest
from ouchhungry_dp.delivery.retry import DeliveryRetryPolicy
from ouchhungry_dp.delivery.sftp import SftpDeliveryClient
from ouchhungry_dp.errors import ConfigurationError
from ouchhungry_dp.partners.contract import get_contract
from ouchhungry_dp.sandbox.keys import (
    LocalKeys,
    ensure_local_keys,
    known_hosts_line,
    write_private_key,
)
from ouchhungry_dp.sandbox.partner_systems.sftp_server import SandboxSftpServer

from .conftest import KEY_PASSPHRASE as PASSPHRASE


def _deliver_with_key(
    keys: LocalKeys, tmp_path: Path, key_path: Path, passphrase: str | None, authorized: Path
) -> str:
    with SandboxSftpServer(
        tmp_path / "root", host_key_path=keys.host_key_path, authorized_keys=[authorized]
    ) as server:
        known_hosts = tmp_path / "kh"
        known_hosts.write_text(known_hosts_line("127.0.0.1", server.port, keys.host_public_key))
        config = SftpConfig.from_mapping(
            {
                "host": "127.0.0.1",
                "port": str(server.port),
                "username": "ouchhungry",
                "private_key_path": str(key_path),
                "private_key_passphrase": passphrase,
                "known_hosts": str(known_hosts),
                "remote_dir": "/in",
            },
            partner="ouchhungry",
        )
        file = tmp_path / "f.csv"
        file.write_text("a,b\n1,2\n")
        manifest = build_manifest("ds", "2026-11-25", file, rows=1, schema_version="1.0.0")
        client = SftpDeliveryClient(config, retry=DeliveryRetryPolicy(attempts=1))
        client.deliver(file, "/in/daily/f.csv", manifest)
        return (server.root / "in/daily/f.csv").read_text()


def test_rsa_client_key_in_openssh_format_works(keys: LocalKeys, tmp_path: Path) -> None:
    rsa = tmp_path / "client_rsa"
    write_private_key(rsa, asyncssh.generate_private_key("ssh-rsa", key_size=2048))
    assert _deliver_with_key(keys, tmp_path, rsa, None, Path(str(rsa) + ".pub")) == "a,b\n1,2\n"


def test_passphrase_protected_ed25519_key_works_with_its_passphrase(
    keys: LocalKeys, tmp_path: Path, locked_key: Path
) -> None:
    with pytest.raises((paramiko.PasswordRequiredException, TypeError)):
        paramiko.PKey.from_path(str(locked_key))  # really encrypted
    key = locked_key
    text = _deliver_with_key(keys, tmp_path, key, PASSPHRASE, Path(str(key) + ".pub"))
    assert text == "a,b\n1,2\n"


@pytest.mark.parametrize(
    ("passphrase", "expected"),
    [(None, "OUCHHUNGRY_SFTP_PRIVATE_KEY_PASSPHRASE"), ("wrong-one", "wrong passphrase")],
)
def test_encrypted_key_without_the_right_passphrase_is_a_configuration_error(
    keys: LocalKeys, tmp_path: Path, locked_key: Path, passphrase: str | None, expected: str
) -> None:
    key = locked_key
    with pytest.raises(ConfigurationError, match=expected):
        _deliver_with_key(keys, tmp_path, key, passphrase, Path(str(key) + ".pub"))


def test_from_mapping_reads_the_contract_channel_and_names_missing_variables() -> None:
    channel = get_contract("ouchhungry").delivery.sftp
    environ = {
        "OUCHHUNGRY_SFTP_HOST": "sftp.partner.example",
        "OUCHHUNGRY_SFTP_USERNAME": "dp",
        "OUCHHUNGRY_SFTP_PRIVATE_KEY_PATH": "/keys/id",
        "OUCHHUNGRY_SFTP_KNOWN_HOSTS": "/keys/known_hosts",
        "OUCHHUNGRY_SFTP_PRIVATE_KEY_PASSPHRASE": PASSPHRASE,
    }
    config = SftpConfig.from_mapping(channel.resolve(environ), partner="ouchhungry")
    assert (config.host, config.port, config.remote_dir) == ("sftp.partner.example", 22, "/")
    assert config.private_key_passphrase is not None
    assert config.private_key_passphrase.reveal() == PASSPHRASE
    assert PASSPHRASE not in repr(config) and PASSPHRASE not in str(config)

    del environ["OUCHHUNGRY_SFTP_HOST"]
    with pytest.raises(ConfigurationError, match="OUCHHUNGRY_SFTP_HOST"):
        SftpConfig.from_mapping(channel.resolve(environ), partner="ouchhungry", env=channel.env)
    with pytest.raises(ConfigurationError, match="OUCHHUNGRY_SFTP_PORT"):
        SftpConfig.from_mapping(
            {**channel.resolve(environ), "host": "h", "port": "99999"}, partner="ouchhungry"
        )


def test_local_keys_are_created_once_private_and_pinned_per_port(tmp_path: Path) -> None:
    first = ensure_local_keys(tmp_path / "k")
    key_bytes = first.client_key_path.read_bytes()
    again = ensure_local_keys(tmp_path / "k", port=2222)
    assert again.client_key_path.read_bytes() == key_bytes
    assert stat.S_IMODE(first.client_key_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(first.host_key_path.stat().st_mode) == 0o600
    assert again.known_hosts_path.read_text().startswith("[127.0.0.1]:2222 ssh-ed25519 ")
    assert known_hosts_line("h", 22, first.host_public_key).startswith("h ssh-ed25519 ")

    host_keys = paramiko.HostKeys(str(again.known_hosts_path))
    pinned = host_keys.lookup("[127.0.0.1]:2222")
    assert pinned is not None and host_keys.lookup("[127.0.0.1]:2223") is None
    host_key = paramiko.PKey.from_path(str(first.host_key_path))
    assert pinned["ssh-ed25519"].asbytes() == host_key.asbytes()


def test_from_mapping_accepts_typed_values_from_dagster_resources(tmp_path: Path) -> None:
    values = {
        "host": "h",
        "port": 2222,
        "username": "u",
        "private_key_path": tmp_path / "k",
        "private_key_passphrase": "",
        "known_hosts": tmp_path / "kh",
        "remote_dir": None,
    }
    config = SftpConfig.from_mapping(values, partner="p")  # type: ignore[arg-type]
    assert (config.port, config.private_key_path, config.remote_dir) == (2222, tmp_path / "k", "/")
    assert config.private_key_passphrase is None
