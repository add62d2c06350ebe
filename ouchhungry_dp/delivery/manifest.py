"""File checksums, manifests and remote layout of a delivery (no Dagster import).

The layout is a fixed contract (DESIGN.md, "SFTP layout"): partners' scripts
look for exactly these names, so they are computed here in one place.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from ouchhungry_dp.errors import ConfigurationError

CHUNK_BYTES = 1024 * 1024
MANIFEST_SUFFIX = ".manifest.json"
_MONTH = re.compile(r"^(\d{4}-\d{2})(-01)?$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")

Cadence = Literal["daily", "monthly"]


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB chunks (never the whole file in memory)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def file_partition_key(partition: str, cadence: Cadence) -> str:
    """The partition as files and API paths spell it: ``YYYY-MM-DD`` or ``YYYY-MM``.

    A Dagster monthly key may be ``2026-11`` or ``2026-11-01``; both give ``2026-11``.
    """
    if cadence == "monthly":
        match = _MONTH.match(partition)
        if match:
            return match.group(1)
    elif _DAY.match(partition):
        return partition
    raise ConfigurationError(
        f"partition key {partition!r} is not a valid {cadence} key",
        partition=partition,
        hint="Daily keys are YYYY-MM-DD; monthly keys are YYYY-MM or the month's first day.",
    )


def remote_file_path(remote_dir: str, dataset: str, partition: str, cadence: Cadence) -> str:
    """``{dir}/daily/{dataset}_YYYY-MM-DD.csv`` or ``{dir}/monthly/{dataset}_YYYY-MM.csv``."""
    key = file_partition_key(partition, cadence)
    return str(PurePosixPath(remote_dir or "/") / cadence / f"{dataset}_{key}.csv")


def manifest_path_for(remote_path: str) -> str:
    return remote_path + MANIFEST_SUFFIX


def build_manifest(
    dataset: str,
    partition: str,
    file: Path,
    rows: int,
    schema_version: str,
    *,
    generated_at: datetime | None = None,
) -> dict[str, Any]:
    """What the partner reads next to each file to check it is whole and current."""
    file = Path(file)
    stamp = (generated_at or datetime.now(UTC)).astimezone(UTC)
    return {
        "dataset": dataset,
        "partition": partition,
        "file_name": file.name,
        "rows": int(rows),
        "bytes": file.stat().st_size,
        "sha256": file_sha256(file),
        "schema_version": schema_version,
        "generated_at": stamp.isoformat(timespec="seconds").replace("+00:00", "Z"),
    }


def manifest_bytes(manifest: Mapping[str, Any]) -> bytes:
    return (
        json.dumps(dict(manifest), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    ).encode()
