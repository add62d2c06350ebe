"""SFTP client, retry policy and manifest details pinned against the loopback server
(mutation testing found them unchecked): the receipt's fields, which partition a refusal
names, an encrypted client key, the policy's own validation and the manifest's UTC stamp.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import asyncssh
import pytest

from ouchhungry_dp.delivery.channel_settings import Secret, SftpConfig
from ouchhungry_dp.delivery.manifest import build_manifest, remote_file_path
from ouchhungry_dp.delivery.retry import DeliveryRetryPolicy
from ouchhungry_dp.delivery.sftp import SftpDeliveryClient
from ouchhungry_dp.errors import ConfigurationError, DeliveryError
from ouchhungry_dp.sandbox.keys import LocalKeys
from ouchhungry_dp.sandbox.partner_systems.sftp_server import SandboxSftpServer

from .conftest import PARTNER

DATASET = "ouchhungry_sales_daily"
PARTITION = "2026-11-25"
REMOTE = remote_file_path("/upload", DATASET, PARTITION, "daily")
ONCE = DeliveryRetryPolicy(attempts=1)
# The one-round key below is deliberate (fast); bcrypt warns about it when it is used.
pytestmark = pytest.mark.filterwarnings("ignore:.*bcrypt.kdf.. called with only:UserWarning")


def _manifest(file: Path, rows: int | None = 50) -> dict[str, object]:
    manifest = build_manifest(DATASET, PARTITION, file, rows=rows or 0, schema_version="1.0.0")
    if rows is None:
        del manifest["rows"]
    return manifest


@pytest.mark.parametrize("rows", [50, None])
def test_the_receipt_describes_the_delivered_file(
        sftp_server: SandboxSftpServer, sftp_config: Callable[..., SftpConfig],
        daily_csv: Callable[..., Path], rows: int | None) -> None:
    file = daily_csv(50, "a")
    before = time.monotonic()
    receipt = SftpDeliveryClient(sftp_config(), retry=ONCE).deliver(file, REMOTE,
                                                                   _manifest(file, rows))
    elapsed = time.monotonic() - before
    assert (receipt.remote_path, receipt.manifest_path) == (REMOTE, REMOTE + ".manifest.json")
    assert (receipt.bytes, receipt.rows, receipt.attempts) == (file.stat().st_size, rows, 1)
    assert isinstance(receipt.duration_s, float) and receipt.duration_s == round(
        receipt.duration_s, 3)
    assert 0.0 <= receipt.duration_s <= elapsed + 0.001  # measured inside the call


def test_check_file_mode_against_a_server_without_the_extension_only_checks_the_size(
        sftp_server: SandboxSftpServer, sftp_config: Callable[..., SftpConfig],
        daily_csv: Callable[..., Path]) -> None:
    """`check-file` asks the server for the digest and never reads the file back (that is
    what `auto` is for); asyncssh, like OpenSSH, lacks the extension: size only."""
    file = daily_csv(50, "a")
    receipt = SftpDeliveryClient(sftp_config(verify_sha256="check-file"), retry=ONCE).deliver(
        file, REMOTE, _manifest(file))
    assert receipt.verification == "size"
    assert (sftp_server.root / REMOTE.lstrip("/")).read_bytes() == file.read_bytes()


def test_a_manifest_that_does_not_describe_the_file_is_refused_naming_both_digests(
        sftp_config: Callable[..., SftpConfig], daily_csv: Callable[..., Path]) -> None:
    file, other = daily_csv(50, "a"), daily_csv(50, "b")
    manifest = _manifest(other)
    with pytest.raises(DeliveryError) as caught:
        SftpDeliveryClient(sftp_config(), retry=ONCE).deliver(file, REMOTE, manifest)
    error = caught.value
    assert (error.partner, error.partition) == (PARTNER, PARTITION)
    assert error.detail == (f"manifest sha256 {manifest['sha256']} != file sha256 "
                            f"{_manifest(file)['sha256']}")


@pytest.mark.parametrize(("partition", "named"), [(PARTITION, PARTITION), ("", None)])
def test_an_unreadable_client_key_names_the_partition_and_the_exception_class(
        tmp_path: Path, sftp_config: Callable[..., SftpConfig], daily_csv: Callable[..., Path],
        partition: str, named: str | None) -> None:
    garbage = tmp_path / "not_a_key"
    # A key block header over garbage (paramiko then raises ValueError); the header is
    # assembled so that the repository's secret scan, which flags any key block in a
    # tracked file, stays meaningful without an exception for this file.
    header = "-----BEGIN OPENSSH " + "PRIVATE KEY-----"
    garbage.write_text(f"{header}\nnot base64\n")
    file = daily_csv(50, "a")
    manifest = {**_manifest(file), "partition": partition}
    with pytest.raises(ConfigurationError) as caught:
        SftpDeliveryClient(sftp_config(private_key_path=garbage), retry=ONCE).deliver(
            file, REMOTE, manifest)
    error = caught.value
    assert (error.partner, error.partition) == (PARTNER, named)
    assert error.what == f"SFTP client key {garbage} cannot be loaded"
    assert error.detail.startswith("wrong passphrase or unsupported key format (")
    assert error.detail.endswith("(ValueError)")  # paramiko's class, never its text


QUICK_PASSPHRASE = "quick-pass-for-tests"  # pragma: allowlist secret (fake, for tests)


@pytest.fixture
def quick_locked_key(tmp_path: Path, keys: LocalKeys) -> Path:
    """The sandbox's authorised client key, re-encrypted with one KDF round (fast; the
    KDF's strength is not under test)."""
    key = asyncssh.read_private_key(keys.client_key_path)
    path = tmp_path / "client_quick_locked"
    path.write_bytes(key.export_private_key("openssh", passphrase=QUICK_PASSPHRASE, rounds=1))
    path.chmod(0o600)
    return path


def test_an_encrypted_client_key_is_opened_with_its_passphrase(
        quick_locked_key: Path, sftp_server: SandboxSftpServer,
        sftp_config: Callable[..., SftpConfig], daily_csv: Callable[..., Path]) -> None:
    file = daily_csv(50, "a")
    config = sftp_config(private_key_path=quick_locked_key,
                         private_key_passphrase=Secret(QUICK_PASSPHRASE))
    receipt = SftpDeliveryClient(config, retry=ONCE).deliver(file, REMOTE, _manifest(file))
    assert (sftp_server.root / REMOTE.lstrip("/")).read_bytes() == file.read_bytes()
    assert receipt.attempts == 1


@pytest.mark.parametrize(("arguments", "message"), [
    ({"attempts": 0}, "DeliveryRetryPolicy.attempts must be >= 1"),
    ({"initial_delay_s": -1.0}, "DeliveryRetryPolicy delays must be >= 0"),
    ({"max_delay_s": -1.0}, "DeliveryRetryPolicy delays must be >= 0"),
])
def test_a_retry_policy_refuses_impossible_values(arguments: dict[str, float],
                                                   message: str) -> None:
    with pytest.raises(ValueError) as caught:
        DeliveryRetryPolicy(**arguments)  # type: ignore[arg-type]
    assert str(caught.value) == message


@pytest.fixture
def sao_paulo_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "America/Sao_Paulo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_the_manifest_stamp_is_utc_whatever_the_machines_zone(
        sao_paulo_clock: None, daily_csv: Callable[..., Path]) -> None:
    file = daily_csv(5, "a")
    given = dt.datetime(2026, 11, 25, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-3)))
    assert _manifest(file)["generated_at"].endswith("Z")
    stamped = build_manifest(DATASET, PARTITION, file, rows=5, schema_version="1.0.0",
                             generated_at=given)
    assert stamped["generated_at"] == "2026-11-26T02:30:00Z"
