"""Where outbound files are kept between the product step and the delivery steps.

Local: a folder (``.local/outbound``). Prod: a GCS bucket; delivery steps fetch
the object to a temporary file so the SFTP and API clients can stream it.
"""

from __future__ import annotations

import tempfile
from abc import abstractmethod
from pathlib import Path

import dagster as dg


class OutboundFileStore(dg.ConfigurableResource):
    @abstractmethod
    def put(self, relative: str, data: bytes) -> str:
        """Stores the file; returns its location (a local path or a gs:// URI)."""

    @abstractmethod
    def fetch(self, relative: str) -> Path:
        """A local path holding the file's bytes."""


class LocalFileStore(OutboundFileStore):
    root: str

    def put(self, relative: str, data: bytes) -> str:
        path = Path(self.root) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".part")
        tmp.write_bytes(data)
        tmp.replace(path)  # readers never see a half-written file
        return str(path)

    def fetch(self, relative: str) -> Path:
        path = Path(self.root) / relative
        if not path.is_file():
            raise FileNotFoundError(
                f"outbound file {relative} is missing under {self.root}: "
                "materialize the product asset of this partition first"
            )
        return path


class GcsFileStore(OutboundFileStore):
    bucket: str
    prefix: str = "outbound"

    def _blob(self, relative: str):  # type: ignore[no-untyped-def]
        from google.cloud import storage

        return storage.Client().bucket(self.bucket).blob(f"{self.prefix}/{relative}")

    def put(self, relative: str, data: bytes) -> str:
        self._blob(relative).upload_from_string(data)
        return f"gs://{self.bucket}/{self.prefix}/{relative}"

    def fetch(self, relative: str) -> Path:
        target = Path(tempfile.mkdtemp(prefix="ouchhungry_")) / Path(relative).name
        self._blob(relative).download_to_filename(str(target))
        return target
