"""The publishing gate: a file reaches a partner only if every blocking check of
that exact file (by sha256) passed.

Blocking asset checks only stop later steps of the *same* Dagster run; a
delivery materialized on its own ("Materialize selected", a backfill, the CLI, a
re-delivery) would otherwise send whatever bytes sit in the outbound store. So
the decision travels with the file instead of with the run:

* the product step evaluates the file's blocking checks and calls ``publish``:
  all passed → the file goes to its release location (the layout path delivery
  reads) and a gate record ``<file>.gate.json`` is written next to it *after*
  the file; any failed → the record (with the failed checks) is written
  *first*, the released copy is withdrawn, and the bytes go to ``held/<file>``
  for the data team, a place no delivery reads;
* every delivery step calls ``released_bytes``: it reads the record and the
  file, recomputes the sha256 and refuses with a ``DataQualityError`` naming
  partner, partition and failed checks unless the record says every check
  passed for exactly these bytes. The caller then sends those verified bytes,
  never a second read of the store.

No Dagster import: the store is anything with ``put`` / ``read`` / ``remove``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from ouchhungry_dp.errors import DataQualityError

RECORD_SUFFIX = ".gate.json"
HELD_PREFIX = "held/"
RECORD_VERSION = 1


class FileStore(Protocol):
    def put(self, relative: str, data: bytes) -> str: ...

    def read(self, relative: str) -> bytes | None: ...

    def remove(self, relative: str) -> None: ...


def record_path(relative: str) -> str:
    return relative + RECORD_SUFFIX


def held_path(relative: str) -> str:
    return HELD_PREFIX + relative


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class GateRecord:
    """What the product step decided about one file (the sha256 pins the bytes)."""

    dataset: str
    partition: str
    file: str
    sha256: str
    checks: Mapping[str, bool]
    decided_at: str
    version: int = field(default=RECORD_VERSION)

    @property
    def failed(self) -> list[str]:
        return sorted(name for name, passed in self.checks.items() if not passed)

    @property
    def passed(self) -> bool:
        # No check at all is not a pass: a gate with nothing evaluated fails closed.
        return bool(self.checks) and not self.failed

    def to_json(self) -> bytes:
        body = {"version": self.version, "dataset": self.dataset, "partition": self.partition,
                "file": self.file, "sha256": self.sha256, "checks": dict(self.checks),
                "decided_at": self.decided_at}
        return json.dumps(body, indent=2, sort_keys=True).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes) -> GateRecord:
        body = json.loads(data)
        checks = body["checks"]
        if not isinstance(checks, dict) or not all(isinstance(v, bool) for v in checks.values()):
            raise ValueError("gate record checks must map check names to booleans")
        return cls(dataset=str(body["dataset"]), partition=str(body["partition"]),
                   file=str(body["file"]), sha256=str(body["sha256"]), checks=checks,
                   decided_at=str(body["decided_at"]), version=int(body["version"]))


@dataclass(frozen=True)
class Publication:
    """Where ``publish`` put a file, and the record it wrote."""

    record: GateRecord
    location: str
    released: bool


def publish(store: FileStore, *, dataset: str, partition: str, relative: str, data: bytes,
            checks: Mapping[str, bool], now: dt.datetime | None = None) -> Publication:
    """Releases ``data`` at ``relative`` if every check passed, else holds it apart.

    The order of writes keeps a reader safe at every instant: a released file is
    only ever paired with a record of its own sha256, and a failed decision
    withdraws the record's pass before anything else.
    """
    decided = (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
    record = GateRecord(dataset=dataset, partition=partition, file=relative,
                        sha256=sha256_hex(data), checks=dict(checks), decided_at=decided)
    if record.passed:
        location = store.put(relative, data)
        store.put(record_path(relative), record.to_json())
        store.remove(held_path(relative))
        return Publication(record=record, location=location, released=True)
    store.put(record_path(relative), record.to_json())
    store.remove(relative)
    location = store.put(held_path(relative), data)
    return Publication(record=record, location=location, released=False)


def read_record(store: FileStore, relative: str) -> GateRecord | None:
    data = store.read(record_path(relative))
    return None if data is None else GateRecord.from_json(data)


def released_bytes(store: FileStore, relative: str, *, partner: str, partition: str,
                   what: str) -> tuple[bytes, GateRecord]:
    """The bytes of a released file, verified against its gate record, or a refusal.

    ``what`` names the delivery (e.g. ``"SFTP delivery of the daily file"``) for
    the alert. Raises ``DataQualityError`` (permanent: a retry cannot make a
    failed check pass) when the record is missing, names a failed check, or
    pins other bytes than the ones released.
    """
    refused = f"publishing gate refused the {what}"
    held = held_path(relative)
    record = read_record(store, relative)
    if record is None:
        raise DataQualityError(
            refused, partner=partner, partition=partition,
            detail=f"{relative} has no gate record: its checks never passed",
            hint="Materialize the product asset of this partition (its blocking checks "
            "must pass), then deliver again.")
    if not record.passed:
        failed = ", ".join(record.failed) or "no check was evaluated"
        raise DataQualityError(
            refused, partner=partner, partition=partition,
            detail=f"failed blocking checks: {failed} (decided {record.decided_at})",
            hint=f"The file is held at {held} for the data team. Fix the data or the rule, "
            "re-materialize the product asset until its checks pass, then re-deliver.")
    data = store.read(relative)
    if data is None:
        raise DataQualityError(
            refused, partner=partner, partition=partition,
            detail=f"{relative} is missing although its gate record passed",
            hint="Re-materialize the product asset of this partition, then re-deliver.")
    actual = sha256_hex(data)
    if actual != record.sha256:
        raise DataQualityError(
            refused, partner=partner, partition=partition,
            detail=f"{relative} changed after its checks (sha256 {actual[:12]}… is not the "
            f"checked {record.sha256[:12]}…)",
            hint="Nobody may edit a released file: re-materialize the product asset so the "
            "checks run on the new bytes, then re-deliver.")
    return data, record
