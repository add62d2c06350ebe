"""What a failed delivery tells the on-call person, and the small helpers behind it.

Written to kill mutmut survivors (docs/testing.md): every failure path's error must
name the partner and partition (the alert e-mail groups and titles by them), carry
the evidence (``detail``) and a hint; stale temp files of an earlier, different
upload are cleaned; the manifest keeps non-ASCII text as UTF-8; the server's own
message is quoted whichever key it uses.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ouchhungry_dp.delivery.api import PartnerApiClient, parse_retry_after
from ouchhungry_dp.delivery.channel_settings import PartnerApiConfig, SftpConfig
from ouchhungry_dp.delivery.manifest import (
    build_manifest,
    file_partition_key,
    manifest_bytes,
    remote_file_path,
)
from ouchhungry_dp.delivery.retry import DeliveryRetryPolicy
from ouchhungry_dp.delivery.sftp import SftpDeliveryClient
from ouchhungry_dp.errors import ConfigurationError, ConnectivityError, OuchHungryError
from ouchhungry_dp.sandbox.partner_systems.api_server import CannedResponse, SandboxPartnerApi
from ouchhungry_dp.sandbox.partner_systems.sftp_server import SandboxSftpServer

DATASET = "ouchhungry_sales_daily"
PARTITION = "2026-11-25"
REMOTE = remote_file_path("/upload", DATASET, PARTITION, "daily")
ONE_ATTEMPT = DeliveryRetryPolicy(attempts=1)


def assert_described(error: OuchHungryError, *evidence: str) -> None:
    assert (error.partner, error.partition) == ("ouchhungry", PARTITION)
    assert error.hint, "a failed delivery always says what to do"
    for fact in evidence:
        assert fact in (error.detail or ""), (fact, error.detail)


def _put(client: PartnerApiClient, file: Path, rows: int = 10):
    key = f"k:{hashlib.sha256(file.read_bytes()).hexdigest()}"
    return client.put_delivery(DATASET, PARTITION, file, rows=rows, idempotency_key=key)


@pytest.mark.parametrize(
    ("canned", "evidence"),
    [
        (CannedResponse(200, {"receipt_id": "r1", "sha256": "ab", "rows": "many"}), ["HTTP 200"]),
        (CannedResponse(200, {"receipt_id": "r9", "sha256": "ab" * 32, "rows": 10}),
         ["receipt r9", "ab" * 32]),
        # The server's own words, from whichever key it uses (not the raw JSON body).
        (CannedResponse(422, {"message": "columns differ"}), ["HTTP 422: columns differ"]),
        (CannedResponse(409, {"detail": "partition locked"}), ["HTTP 409: partition locked"]),
        (CannedResponse(400, {"error": "bad row count"}), ["HTTP 400: bad row count"]),
        (CannedResponse(503, {"other": "x"}, {"Retry-After": "3600"}), ["HTTP 503", '"other"']),
    ],
)
def test_every_api_failure_names_partner_partition_evidence_and_hint(
    api_server: SandboxPartnerApi,
    api_config: Callable[..., PartnerApiConfig],
    daily_csv,
    canned: CannedResponse,
    evidence: list[str],
) -> None:
    api_server.inject(canned)
    with (
        PartnerApiClient(api_config(), retry=ONE_ATTEMPT) as client,
        pytest.raises(OuchHungryError) as caught,
    ):
        _put(client, daily_csv(10, "a"))
    assert_described(caught.value, *evidence)
    assert f"/v1/deliveries/{DATASET}/{PARTITION}" in str(caught.value)


def test_an_api_refusing_a_fresh_token_is_described(
    api_server: SandboxPartnerApi, api_config: Callable[..., PartnerApiConfig], daily_csv
) -> None:
    api_server.script("put", 401, 401)
    with (
        PartnerApiClient(api_config(), retry=ONE_ATTEMPT) as client,
        pytest.raises(ConnectivityError) as caught,
    ):
        _put(client, daily_csv(10, "a"))
    assert_described(caught.value, "scripted 401")


def test_a_corrupted_sftp_upload_error_carries_both_digests(
    sftp_server: SandboxSftpServer, sftp_config: Callable[..., SftpConfig], daily_csv
) -> None:
    file = daily_csv(200, "a")
    sftp_server.faults.corrupt_uploads = 1
    manifest = build_manifest(DATASET, PARTITION, file, rows=200, schema_version="1.0.0")
    with pytest.raises(OuchHungryError) as caught:
        SftpDeliveryClient(sftp_config(), retry=ONE_ATTEMPT).deliver(file, REMOTE, manifest)
    local = hashlib.sha256(file.read_bytes()).hexdigest()
    on_server = hashlib.sha256(
        (sftp_server.root / f"upload/daily/.{Path(REMOTE).name}.{local[:12]}.part").read_bytes()
    ).hexdigest()
    assert_described(caught.value, f"server {on_server}, local {local}")
    assert f".{Path(REMOTE).name}.{local[:12]}.part" in str(caught.value)


def test_an_unknown_host_key_error_names_the_host_and_its_fingerprint(
    sftp_server: SandboxSftpServer, sftp_config: Callable[..., SftpConfig], daily_csv,
    keys, tmp_path: Path,
) -> None:
    import paramiko

    empty = tmp_path / "known_hosts_empty"
    empty.write_text("")
    file = daily_csv(10, "a")
    manifest = build_manifest(DATASET, PARTITION, file, rows=10, schema_version="1.0.0")
    with pytest.raises(ConnectivityError) as caught:
        SftpDeliveryClient(sftp_config(known_hosts=empty), retry=ONE_ATTEMPT).deliver(
            file, REMOTE, manifest
        )
    offered = paramiko.PKey.from_path(str(keys.host_key_path)).fingerprint
    assert_described(caught.value, f"[127.0.0.1]:{sftp_server.port} offered", offered)


def test_temp_files_of_an_earlier_different_upload_are_removed(
    sftp_server: SandboxSftpServer, sftp_config: Callable[..., SftpConfig], daily_csv
) -> None:
    old, new = daily_csv(6000, "a"), daily_csv(20, "b")
    sftp_server.faults.drop_after_bytes = 64 * 1024
    sftp_server.faults.drops_remaining = 1
    with pytest.raises(ConnectivityError):  # leaves .<name>.<old sha>.part behind
        SftpDeliveryClient(sftp_config(), retry=ONE_ATTEMPT).deliver(
            old, REMOTE, build_manifest(DATASET, PARTITION, old, 6000, "1.0.0")
        )
    folder = sftp_server.root / "upload" / "daily"
    assert any(p.name.endswith(".part") for p in folder.iterdir())
    unrelated = folder / ".other_file.csv.0123456789ab.part"
    unrelated.write_bytes(b"someone else's upload")

    SftpDeliveryClient(sftp_config(), retry=ONE_ATTEMPT).deliver(
        new, REMOTE, build_manifest(DATASET, PARTITION, new, 20, "1.0.0")
    )

    name = Path(REMOTE).name
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [name, name + ".manifest.json", unrelated.name]
    )


def test_manifest_bytes_keep_non_ascii_text_as_utf8_with_sorted_keys() -> None:
    data = manifest_bytes({"title": "vendas diárias", "dataset": "d"})
    assert data == '{\n  "dataset": "d",\n  "title": "vendas diárias"\n}\n'.encode()
    assert json.loads(data) == {"title": "vendas diárias", "dataset": "d"}


def test_a_bad_partition_key_error_names_the_key_and_the_formats() -> None:
    with pytest.raises(ConfigurationError) as caught:
        file_partition_key("2026-11", "daily")
    assert caught.value.partition == "2026-11"
    assert "'2026-11' is not a valid daily key" in str(caught.value)
    assert "YYYY-MM-DD" in (caught.value.hint or "")


def test_an_http_date_without_a_zone_is_read_as_utc() -> None:
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    # "-0000" is RFC 5322's "zone unknown": parsedate_to_datetime gives a naive datetime.
    assert parse_retry_after("Wed, 25 Nov 2026 12:00:30 -0000", now=now) == 30.0
    assert parse_retry_after("  90 ") == 90.0


def test_a_truncated_upload_error_says_both_sizes(
    sftp_server: SandboxSftpServer, sftp_config: Callable[..., SftpConfig], daily_csv
) -> None:
    file = daily_csv(200, "a")
    size = file.stat().st_size
    sftp_server.faults.truncate_uploads = 1
    manifest = build_manifest(DATASET, PARTITION, file, rows=200, schema_version="1.0.0")
    with pytest.raises(OuchHungryError) as caught:
        SftpDeliveryClient(sftp_config(), retry=ONE_ATTEMPT).deliver(file, REMOTE, manifest)
    assert_described(caught.value, f"{size - 1} bytes on the server, {size} expected")
    assert f".{Path(REMOTE).name}." in str(caught.value)  # names the file it checked


@pytest.mark.parametrize(("slack", "expected"), [(0, "sha256-readback"), (-1, "size")])
def test_files_up_to_the_readback_limit_are_read_back_larger_ones_only_sized(
    sftp_config: Callable[..., SftpConfig], daily_csv, slack: int, expected: str
) -> None:
    file = daily_csv(50, "a")
    limit = file.stat().st_size + slack
    manifest = build_manifest(DATASET, PARTITION, file, rows=50, schema_version="1.0.0")
    receipt = SftpDeliveryClient(
        sftp_config(readback_max_bytes=limit), retry=ONE_ATTEMPT
    ).deliver(file, REMOTE, manifest)
    assert receipt.verification == expected
