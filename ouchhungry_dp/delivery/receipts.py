"""What each delivery leaves behind: plain dataclasses the Dagster layer turns into metadata."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class SftpReceipt:
    remote_path: str
    manifest_path: str
    bytes: int
    rows: int | None
    sha256: str
    duration_s: float
    attempts: int
    # "sha256-check-file", "sha256-readback" or "size": how the upload was verified.
    verification: str
    channel: str = "sftp"

    def as_metadata(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ApiReceipt:
    receipt_id: str
    url: str
    http_status: int
    bytes: int
    rows: int
    sha256: str
    duration_s: float
    attempts: int
    # Token requests made during this delivery (a 401 mid-run shows up here).
    token_requests: int
    channel: str = "api"

    def as_metadata(self) -> dict[str, Any]:
        return asdict(self)
