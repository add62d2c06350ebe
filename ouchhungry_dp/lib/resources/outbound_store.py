"""Where outbound files are kept between the product step and the delivery steps.

Local: a folder (``.local/outbound``). Prod: a GCS bucket; delivery steps fetch
the object to a temporary file so the SFTP and API clients can stream it. The
publishing gate (``ouchhungry_dp.release.gate``) reads, writes and withdraws
files and their gate records through ``read`` / ``put`` / ``remove``.

The location is pinned to the environment (``ouchhungry_dp.lib.resources.pinned_settings``): a run
whose config points the store elsewhere fails at setup instead of reading files
and records from a place its launcher chose.
"""

from __future__ import annotations

import contextlib
import tempfile
from abc import abstractmethod
from pathlib import Path

import dagster as dg

from ouchhungry_dp.errors import ConfigurationError
from ouchhungry_dp.lib.resources.pinned_settings import refuse_override
from ouchhungry_dp.settings import outbound_dir


class OutboundFileStore(dg.ConfigurableResource):
    @abstractmethod
    def put(self, relative: str, data: bytes) -> str:
        """Stores the file; returns its location (a local path or a gs:// URI)."""

    @abstractmethod
    def fetch(self, relative: str) -> Path:
        """A local path holding the file's bytes."""

    @abstractmethod
    def read(self, relative: str) -> bytes | None:
        """The file's bytes, or None when there is no such file."""

    @abstractmethod
    def remove(self, relative: str) -> None:
        """Deletes the file if it exists (a no-op otherwise)."""


class LocalFileStore(OutboundFileStore):
    root: str

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        # The environment names the folder: OUCHHUNGRY_DATA_DIR (default .local)/outbound.
        if Path(self.root).resolve() != outbound_dir().resolve():
            raise ConfigurationError(
                "outbound_files: the configured root is not the outbound folder that "
                "OUCHHUNGRY_DATA_DIR names (run config cannot re-point the store)",
                hint="Set OUCHHUNGRY_DATA_DIR in the environment; the store is always "
                "$OUCHHUNGRY_DATA_DIR/outbound.")

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

    def read(self, relative: str) -> bytes | None:
        path = Path(self.root) / relative
        return path.read_bytes() if path.is_file() else None

    def remove(self, relative: str) -> None:
        (Path(self.root) / relative).unlink(missing_ok=True)


class GcsFileStore(OutboundFileStore):
    bucket: str
    prefix: str = "outbound"

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        refuse_override("outbound_files", {"GCS_OUTBOUND_BUCKET": self.bucket})
        if self.prefix != type(self).model_fields["prefix"].default:
            raise ConfigurationError(
                "outbound_files: the object prefix was changed by run config",
                hint="Launch without overriding outbound_files; GCS_OUTBOUND_BUCKET names "
                "the bucket and the prefix is fixed.")

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

    def read(self, relative: str) -> bytes | None:
        from google.api_core.exceptions import NotFound

        try:
            return self._blob(relative).download_as_bytes()
        except NotFound:
            return None

    def remove(self, relative: str) -> None:
        from google.api_core.exceptions import NotFound

        with contextlib.suppress(NotFound):  # withdrawing an absent file is done
            self._blob(relative).delete()
