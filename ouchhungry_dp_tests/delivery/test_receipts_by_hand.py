"""The delivery receipts as the Dagster layer's metadata: every field, by name, with the
channel (the delivery asset's table row and the run log are built from this mapping)."""

from __future__ import annotations

from ouchhungry_dp.delivery.receipts import ApiReceipt, SftpReceipt


def test_sftp_receipt_metadata() -> None:
    receipt = SftpReceipt(remote_path="/in/f.csv", manifest_path="/in/f.csv.manifest.json",
                          bytes=10, rows=2, sha256="ab" * 32, duration_s=0.5, attempts=1,
                          verification="sha256-readback")
    assert receipt.as_metadata() == {
        "remote_path": "/in/f.csv", "manifest_path": "/in/f.csv.manifest.json", "bytes": 10,
        "rows": 2, "sha256": "ab" * 32, "duration_s": 0.5, "attempts": 1,
        "verification": "sha256-readback", "channel": "sftp"}


def test_api_receipt_metadata() -> None:
    receipt = ApiReceipt(receipt_id="r-1", url="http://127.0.0.1/f", http_status=201, bytes=10,
                         rows=2, sha256="cd" * 32, duration_s=0.25, attempts=2,
                         token_requests=3)
    assert receipt.as_metadata() == {
        "receipt_id": "r-1", "url": "http://127.0.0.1/f", "http_status": 201, "bytes": 10,
        "rows": 2, "sha256": "cd" * 32, "duration_s": 0.25, "attempts": 2,
        "token_requests": 3, "channel": "api"}
