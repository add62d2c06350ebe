"""SFTP client against the real sandbox server: happy path, re-delivery and the fault matrix."""

from __future__ import annotations

import hashlib
import json
import socket
from collections.abc import Callable
from pathlib import Path

import paramiko
import pytest

from ouchhungry_dp.delivery.channel_settings import SftpConfig
from ouchhungry_dp.delivery.manifest import build_manifest, remote_file_path
from ouchhungry_dp.delivery.retry import DeliveryRetryPolicy
from ouchhungry_dp.delivery.sftp import SftpDeliveryClient
from ouchhungry_dp.errors import ConfigurationError, ConnectivityError, DeliveryError
from ouchhungry_dp.sandbox.keys import LocalKeys, generate_ed25519_key
from ouchhungry_dp.sandbox.partner_systems.sftp_server import SandboxSftpServer

from .conftest import SleepRecorder

DATASET = "ouchhungry_sales_daily"
PARTITION = "2026-11-25"
REMOTE = remote_file_path("/upload", DATASET, PARTITION, "daily")


def _manifest(file: Path, rows: int = 50) -> dict[str, object]:
    return build_manifest(DATASET, PARTITION, file, rows=rows, schema_version="1.0.0")


def _on_server(server: SandboxSftpServer, remote: str) -> Path:
    return server.root / remote.lstrip("/")


def _listing(server: SandboxSftpServer, remote: str) -> list[str]:
    return sorted(p.name for p in _on_server(server, remote).parent.iterdir())


def test_delivers_file_then_manifest_under_the_contract_layout(
    sftp_server: SandboxSftpServer, sftp_config: Callable[..., SftpConfig], daily_csv, fast_retry
) -> None:
    file = daily_csv(50, "a")
    manifest = _manifest(file)

    receipt = SftpDeliveryClient(sftp_config(), retry=fast_retry).deliver(file, REMOTE, manifest)

    assert REMOTE == "/upload/daily/ouchhungry_sales_daily_2026-11-25.csv"
    stored = _on_server(sftp_server, REMOTE)
    assert stored.read_bytes() == file.read_bytes()
    assert json.loads(Path(str(stored) + ".manifest.json").read_text()) == manifest
    assert _listing(sftp_server, REMOTE) == [stored.name, stored.name + ".manifest.json"]
    assert receipt.sha256 == hashlib.sha256(file.read_bytes()).hexdigest()
    assert (receipt.bytes, receipt.rows, receipt.attempts) == (file.stat().st_size, 50, 1)
    # The sandbox has no check-file extension, so the default verifies by reading back.
    assert receipt.verification == "sha256-readback"
    assert receipt.as_metadata()["remote_path"] == REMOTE


def test_redelivery_replaces_the_file_and_its_manifest(
    sftp_server: SandboxSftpServer, sftp_config: Callable[..., SftpConfig], daily_csv, fast_retry
) -> None:
    client = SftpDeliveryClient(sftp_config(verify_sha256="off"), retry=fast_retry)
    first, second = daily_csv(50, "a"), daily_csv(80, "b")
    client.deliver(first, REMOTE, _manifest(first))
    receipt = client.deliver(second, REMOTE, _manifest(second, rows=80))

    stored = _on_server(sftp_server, REMOTE)
    assert stored.read_bytes() == second.read_bytes()
    manifest = json.loads(Path(str(stored) + ".manifest.json").read_text())
    assert (manifest["sha256"], manifest["rows"]) == (receipt.sha256, 80)
    assert _listing(sftp_server, REMOTE) == [stored.name, stored.name + ".manifest.json"]
    assert receipt.verification == "size"


def test_replaces_by_remove_and_rename_when_posix_rename_is_unsupported(
    sftp_server: SandboxSftpServer, sftp_config: Callable[..., SftpConfig], daily_csv, fast_retry
) -> None:
    sftp_server.faults.posix_rename = False
    client = SftpDeliveryClient(sftp_config(), retry=fast_retry)
    first, second = daily_csv(10, "a"), daily_csv(20, "b")
    client.deliver(first, REMOTE, _manifest(first, 10))
    client.deliver(second, REMOTE, _manifest(second, 20))

    assert _on_server(sftp_server, REMOTE).read_bytes() == second.read_bytes()
    assert len(_listing(sftp_server, REMOTE)) == 2


def test_manifest_that_does_not_describe_the_file_is_refused_before_connecting(
    sftp_config: Callable[..., SftpConfig], daily_csv, fast_retry
) -> None:
    file = daily_csv(10, "a")
    manifest = {**_manifest(file), "sha256": "0" * 64}
    with pytest.raises(DeliveryError, match="manifest does not describe the file"):
        SftpDeliveryClient(sftp_config(), retry=fast_retry).deliver(file, REMOTE, manifest)


# -- fault matrix ---------------------------------------------------------------------------


def test_fault_server_down_is_retried_then_transient_connectivity_error(
    sftp_config: Callable[..., SftpConfig], daily_csv, fast_retry, sleeps: SleepRecorder
) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]
    file = daily_csv(10, "a")
    client = SftpDeliveryClient(sftp_config(port=dead_port), retry=fast_retry)

    with pytest.raises(ConnectivityError) as caught:
        client.deliver(file, REMOTE, _manifest(file, 10))

    assert caught.value.transient is True
    assert caught.value.attempts == fast_retry.attempts  # type: ignore[attr-defined]
    assert len(sleeps.waits) == fast_retry.attempts - 1
    # "With backoff": each wait is the policy's full-jitter backoff, checked by value
    # rather than only counted: within initial * 2**(n-1) after failed attempt n.
    bounds = [fast_retry.initial_delay_s * 2**n for n in range(len(sleeps.waits))]
    assert all(0 <= w <= b for w, b in zip(sleeps.waits, bounds, strict=True)), sleeps.waits
    assert caught.value.partner == "ouchhungry" and caught.value.partition == PARTITION
    assert "network failure" in str(caught.value) and caught.value.hint


def test_fault_wrong_client_key_fails_at_once(
    sftp_server: SandboxSftpServer,
    sftp_config: Callable[..., SftpConfig],
    daily_csv,
    fast_retry,
    tmp_path: Path,
) -> None:
    stranger = generate_ed25519_key(tmp_path / "stranger_key")
    file = daily_csv(10, "a")
    client = SftpDeliveryClient(sftp_config(private_key_path=stranger), retry=fast_retry)

    with pytest.raises(ConnectivityError, match="authentication refused") as caught:
        client.deliver(file, REMOTE, _manifest(file, 10))

    assert caught.value.transient is False
    assert caught.value.attempts == 1  # type: ignore[attr-defined]
    # "Nothing written" (docs/reliability.md row 2): not even a temp file or a directory.
    assert sftp_server.root.is_dir() and list(sftp_server.root.rglob("*")) == []
    assert not _on_server(sftp_server, REMOTE).exists()


def test_fault_host_key_changed_is_refused_and_never_trusted(
    keys: LocalKeys,
    sftp_server: SandboxSftpServer,
    sftp_config: Callable[..., SftpConfig],
    daily_csv,
    fast_retry,
    tmp_path: Path,
) -> None:
    impostor = generate_ed25519_key(tmp_path / "impostor_host_key")
    known_hosts = tmp_path / "known_hosts_changed"
    pub = Path(str(impostor) + ".pub").read_text().split()
    known_hosts.write_text(f"[127.0.0.1]:{sftp_server.port} {pub[0]} {pub[1]}\n")
    before = known_hosts.read_text()
    file = daily_csv(10, "a")
    client = SftpDeliveryClient(sftp_config(known_hosts=known_hosts), retry=fast_retry)

    with pytest.raises(ConnectivityError, match="host key CHANGED") as caught:
        client.deliver(file, REMOTE, _manifest(file, 10))

    assert caught.value.transient is False
    assert caught.value.attempts == 1  # type: ignore[attr-defined]
    assert "man-in-the-middle" in (caught.value.hint or "")
    # Both fingerprints, so the on-call person can compare them with the partner's.
    pinned = paramiko.PKey.from_path(str(impostor)).fingerprint
    offered = paramiko.PKey.from_path(str(keys.host_key_path)).fingerprint
    assert pinned != offered
    assert caught.value.detail == f"expected ssh-ed25519 {pinned}, got ssh-ed25519 {offered}"
    assert known_hosts.read_text() == before
    assert not _on_server(sftp_server, REMOTE).exists()


def test_fault_unknown_host_key_is_refused_not_auto_added(
    sftp_config: Callable[..., SftpConfig], daily_csv, fast_retry, tmp_path: Path
) -> None:
    empty = tmp_path / "known_hosts_empty"
    empty.write_text("")
    file = daily_csv(10, "a")
    client = SftpDeliveryClient(sftp_config(known_hosts=empty), retry=fast_retry)

    with pytest.raises(ConnectivityError, match="not pinned") as caught:
        client.deliver(file, REMOTE, _manifest(file, 10))

    assert caught.value.transient is False
    assert empty.read_text() == ""


def test_missing_known_hosts_file_is_a_configuration_error(
    sftp_config: Callable[..., SftpConfig], daily_csv, fast_retry, tmp_path: Path
) -> None:
    file = daily_csv(10, "a")
    client = SftpDeliveryClient(sftp_config(known_hosts=tmp_path / "nope"), retry=fast_retry)
    with pytest.raises(ConfigurationError, match="OUCHHUNGRY_SFTP_KNOWN_HOSTS"):
        client.deliver(file, REMOTE, _manifest(file, 10))


def test_fault_connection_dropped_mid_upload_leaves_no_partial_file_and_retry_succeeds(
    sftp_server: SandboxSftpServer, sftp_config: Callable[..., SftpConfig], daily_csv, fast_retry
) -> None:
    file = daily_csv(6000, "a")  # a few hundred KB: the drop happens mid-file
    assert file.stat().st_size > 200_000
    sftp_server.faults.drop_after_bytes = 64 * 1024
    sftp_server.faults.drops_remaining = 1
    config = sftp_config()

    with pytest.raises(ConnectivityError) as caught:
        SftpDeliveryClient(config, retry=DeliveryRetryPolicy(attempts=1)).deliver(
            file, REMOTE, _manifest(file, 6000)
        )
    assert caught.value.transient is True
    stored = _on_server(sftp_server, REMOTE)
    assert not stored.exists()  # the partner sees nothing rather than half a file
    assert not Path(str(stored) + ".manifest.json").exists()

    sftp_server.faults.drops_remaining = 1
    receipt = SftpDeliveryClient(config, retry=fast_retry).deliver(
        file, REMOTE, _manifest(file, 6000)
    )
    assert receipt.attempts == 2
    assert stored.read_bytes() == file.read_bytes()
    assert _listing(sftp_server, REMOTE) == [stored.name, stored.name + ".manifest.json"]


def test_fault_remote_permission_denied_is_a_delivery_error_without_retry(
    sftp_server: SandboxSftpServer, sftp_config: Callable[..., SftpConfig], daily_csv, fast_retry
) -> None:
    (sftp_server.root / "upload" / "daily").mkdir(parents=True)
    sftp_server.faults.deny_write_under = ("/upload/daily",)
    file = daily_csv(10, "a")

    with pytest.raises(DeliveryError, match="permission denied") as caught:
        SftpDeliveryClient(sftp_config(), retry=fast_retry).deliver(
            file, REMOTE, _manifest(file, 10)
        )

    assert caught.value.transient is False
    assert caught.value.attempts == 1  # type: ignore[attr-defined]
    assert "write access" in (caught.value.hint or "")
    assert list((sftp_server.root / "upload" / "daily").iterdir()) == []
