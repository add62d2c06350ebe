"""Manifest, remote layout and the retry policy (pure functions, no servers)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ouchhungry_dp.delivery.manifest import (
    build_manifest,
    file_partition_key,
    file_sha256,
    manifest_bytes,
    remote_file_path,
)
from ouchhungry_dp.delivery.retry import DeliveryRetryPolicy, run_with_retry
from ouchhungry_dp.errors import ConfigurationError, ConnectivityError, DeliveryError

from .conftest import SleepRecorder


def test_sha256_and_manifest_describe_the_file(tmp_path: Path) -> None:
    file = tmp_path / "x.csv"
    file.write_bytes(b"a,b\n" + b"1,2\n" * 400_000)  # > 1 MiB: several read chunks
    expected = hashlib.sha256(file.read_bytes()).hexdigest()
    assert file_sha256(file) == expected

    stamp = datetime(2026, 11, 26, 9, 0, 5, tzinfo=UTC)
    manifest = build_manifest("ds", "2026-11", file, 400_000, "1.0.0", generated_at=stamp)
    assert manifest == {
        "dataset": "ds",
        "partition": "2026-11",
        "file_name": "x.csv",
        "rows": 400_000,
        "bytes": file.stat().st_size,
        "sha256": expected,
        "schema_version": "1.0.0",
        "generated_at": "2026-11-26T09:00:05Z",
    }
    assert manifest_bytes(manifest).decode().startswith('{\n  "bytes"')


def test_remote_layout_follows_the_contract() -> None:
    assert remote_file_path(
        "/upload", "ouchhungry_sales_monthly_by_city", "2026-11-01", "monthly"
    ) == ("/upload/monthly/ouchhungry_sales_monthly_by_city_2026-11.csv")
    assert remote_file_path("", "d", "2026-11-25", "daily") == "/daily/d_2026-11-25.csv"
    assert file_partition_key("2026-11", "monthly") == "2026-11"
    for bad, cadence in (("2026-11-15", "monthly"), ("2026-11", "daily"), ("../x", "daily")):
        with pytest.raises(ConfigurationError):
            file_partition_key(bad, cadence)  # type: ignore[arg-type]


def test_only_transient_errors_are_retried() -> None:
    sleeps = SleepRecorder()
    policy = DeliveryRetryPolicy(attempts=4, initial_delay_s=0.5, max_delay_s=2.0, sleep=sleeps)
    calls: list[int] = []

    def flaky(attempt: int) -> str:
        calls.append(attempt)
        if attempt < 3:
            raise ConnectivityError("blip", transient=True)
        return "ok"

    assert run_with_retry(policy, flaky) == "ok"
    assert calls == [1, 2, 3] and len(sleeps.waits) == 2
    assert all(0 <= w <= 2.0 for w in sleeps.waits)

    def rejected(attempt: int) -> str:
        calls.append(attempt)
        raise DeliveryError("rejected")

    calls.clear()
    with pytest.raises(DeliveryError) as caught:
        run_with_retry(policy, rejected)
    assert calls == [1] and caught.value.attempts == 1  # type: ignore[attr-defined]


def test_retry_policy_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        DeliveryRetryPolicy(attempts=0)
