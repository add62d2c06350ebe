"""SFTP second line of defence: the server damages or refuses what we send, on purpose.

The sandbox server's ``SftpFaults`` flips a byte of an upload (same size: only
the sha256 read-back notices), cuts its last byte off, refuses renames, and
journals every change it made, so the tests see what a partner polling the
directory could have seen and in which order.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from ouchhungry_dp.delivery.channel_settings import SftpConfig
from ouchhungry_dp.delivery.manifest import build_manifest, remote_file_path
from ouchhungry_dp.delivery.retry import DeliveryRetryPolicy
from ouchhungry_dp.delivery.sftp import SftpDeliveryClient
from ouchhungry_dp.errors import DeliveryError
from ouchhungry_dp.sandbox.partner_systems.sftp_server import SandboxSftpServer

DATASET = "ouchhungry_sales_daily"
PARTITION = "2026-11-25"
REMOTE = remote_file_path("/upload", DATASET, PARTITION, "daily")
MANIFEST = REMOTE + ".manifest.json"
# Only the data file's temp name, not the manifest's (".<name>.manifest.<sha>.part").
DATA_PART_GLOB = f"/upload/daily/.{Path(REMOTE).name}.????????????.part"
ONE_ATTEMPT = DeliveryRetryPolicy(attempts=1)


def _manifest(file: Path, rows: int) -> dict[str, object]:
    return build_manifest(DATASET, PARTITION, file, rows=rows, schema_version="1.0.0")


def _stored(server: SandboxSftpServer, remote: str = REMOTE) -> Path:
    return server.root / remote.lstrip("/")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _assert_manifest_describes_the_file_beside_it(server: SandboxSftpServer) -> None:
    manifest = _stored(server, MANIFEST)
    if manifest.exists():
        data = _stored(server)
        assert data.exists(), "a manifest without its file"
        assert json.loads(manifest.read_text())["sha256"] == _sha(data)


@pytest.mark.parametrize("damage", ["corrupt_uploads", "truncate_uploads"])
def test_an_upload_damaged_on_the_server_is_never_published(
    sftp_server: SandboxSftpServer, sftp_config: Callable[..., SftpConfig], daily_csv, damage: str
) -> None:
    file = daily_csv(500, "a")
    setattr(sftp_server.faults, damage, 1)
    sftp_server.faults.upload_glob = DATA_PART_GLOB

    with pytest.raises(DeliveryError) as caught:
        SftpDeliveryClient(sftp_config(), retry=ONE_ATTEMPT).deliver(
            file, REMOTE, _manifest(file, 500)
        )

    expected = "sha256 on the server differs" if damage == "corrupt_uploads" else "size on"
    assert expected in str(caught.value)
    assert caught.value.transient is True  # damage in transit: a new attempt may succeed
    assert not _stored(sftp_server).exists() and not _stored(sftp_server, MANIFEST).exists()
    assert not any(a == "rename" and new == REMOTE for a, _, new in _renames(sftp_server))


def test_a_corrupted_upload_is_retried_and_the_partner_gets_the_exact_bytes(
    sftp_server: SandboxSftpServer, sftp_config: Callable[..., SftpConfig], daily_csv, fast_retry
) -> None:
    file = daily_csv(500, "a")
    sftp_server.faults.corrupt_uploads = 1
    sftp_server.faults.upload_glob = DATA_PART_GLOB

    receipt = SftpDeliveryClient(sftp_config(), retry=fast_retry).deliver(
        file, REMOTE, _manifest(file, 500)
    )

    assert sftp_server.faults.corrupt_uploads == 0  # the fault did fire
    assert (receipt.attempts, receipt.verification) == (2, "sha256-readback")
    assert _stored(sftp_server).read_bytes() == file.read_bytes()
    _assert_manifest_describes_the_file_beside_it(sftp_server)


def test_with_verification_off_a_corrupted_upload_goes_through_the_documented_limit(
    sftp_server: SandboxSftpServer, sftp_config: Callable[..., SftpConfig], daily_csv
) -> None:
    """Shows the corruption fault really damages the file: only the sha256 check catches it."""
    file = daily_csv(500, "a")
    sftp_server.faults.corrupt_uploads = 1
    sftp_server.faults.upload_glob = DATA_PART_GLOB

    receipt = SftpDeliveryClient(sftp_config(verify_sha256="off"), retry=ONE_ATTEMPT).deliver(
        file, REMOTE, _manifest(file, 500)
    )

    assert receipt.verification == "size"
    assert _stored(sftp_server).stat().st_size == file.stat().st_size
    assert _sha(_stored(sftp_server)) != receipt.sha256


def _renames(server: SandboxSftpServer) -> list[tuple[str, str, str]]:
    return [e for e in server.faults.journal if e[0] == "rename"]  # type: ignore[misc]


def test_the_manifest_is_written_only_after_the_data_file_is_in_place(
    sftp_server: SandboxSftpServer, sftp_config: Callable[..., SftpConfig], daily_csv, fast_retry
) -> None:
    client = SftpDeliveryClient(sftp_config(), retry=fast_retry)
    first, second = daily_csv(10, "a"), daily_csv(20, "b")
    client.deliver(first, REMOTE, _manifest(first, 10))
    sftp_server.faults.journal.clear()

    client.deliver(second, REMOTE, _manifest(second, 20))

    journal = sftp_server.faults.journal
    data_in_place = journal.index(next(e for e in journal if e[0] == "rename" and e[2] == REMOTE))
    old_manifest_gone = journal.index(("remove", MANIFEST))
    manifest_written = next(
        i for i, e in enumerate(journal) if e[0] == "write" and ".manifest." in e[1]
    )
    manifest_published = journal.index(
        next(e for e in journal if e[0] == "rename" and e[2] == MANIFEST)
    )
    assert old_manifest_gone < data_in_place < manifest_written < manifest_published
    _assert_manifest_describes_the_file_beside_it(sftp_server)


@pytest.mark.parametrize("posix_rename", [True, False])
def test_a_refused_rename_never_leaves_a_manifest_describing_another_file(
    sftp_server: SandboxSftpServer,
    sftp_config: Callable[..., SftpConfig],
    daily_csv,
    fast_retry,
    posix_rename: bool,
) -> None:
    client = SftpDeliveryClient(sftp_config(), retry=fast_retry)
    old, new = daily_csv(10, "a"), daily_csv(20, "b")
    client.deliver(old, REMOTE, _manifest(old, 10))
    sftp_server.faults.posix_rename = posix_rename
    # posix-rename refused, then the remove + rename fallback's rename refused too.
    sftp_server.faults.refuse_renames = 2 if posix_rename else 1

    with pytest.raises(DeliveryError, match="refused the operation") as caught:
        SftpDeliveryClient(sftp_config(), retry=ONE_ATTEMPT).deliver(
            new, REMOTE, _manifest(new, 20)
        )

    # docs/reliability.md row 5f: a DeliveryError (an SFTP status error on a live
    # connection, so not retried), not merely some platform error.
    assert caught.value.transient is False
    assert sftp_server.faults.refuse_renames == 0
    _assert_manifest_describes_the_file_beside_it(sftp_server)
    assert not _stored(sftp_server, MANIFEST).exists()
    # The next delivery (server fixed) publishes the new file and its manifest.
    client.deliver(new, REMOTE, _manifest(new, 20))
    assert _stored(sftp_server).read_bytes() == new.read_bytes()
    _assert_manifest_describes_the_file_beside_it(sftp_server)

