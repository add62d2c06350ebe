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

Anyone who can write the store (an on-call engineer, a bad restore) could
otherwise move a held file back and write a record saying "passed". So each
record carries an HMAC-SHA256 over its body under the *gate key*, derived at
use time from ``PSEUDONYMIZATION_KEY`` in the process environment with its own
label (never from run config, so a Launchpad run cannot bring its own key);
``released_bytes`` also requires the record to name exactly this dataset,
partition and file and exactly the checks the product asset declares.

Released = immutable. A partner may already hold a released file (delivery can
happen at any time after release, and every re-delivery reads the store), so a
re-release of the same (dataset, partition, file) with other bytes would let the
partner difference the two versions (a late day's competitor sales through
``segment_share``). ``publish`` pins the first released record in
``<file>.release.json`` (signed like the record, never rewritten) and refuses
any later bytes with another sha256: they go to ``held/``, the released file,
its record and its pin stay, and ``ReleasedFileChanged`` is raised. Identical
bytes (re-runs are byte-identical by design) are accepted. ``released_bytes``
also refuses a file whose record no longer matches its pin, so every delivery
sends the *first* released bytes.

No Dagster import: the store is anything with ``put`` / ``read`` / ``remove``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from ouchhungry_dp.errors import DataQualityError
from ouchhungry_dp.privacy.pseudonymize import pseudonymization_key

RECORD_SUFFIX = ".gate.json"
PIN_SUFFIX = ".release.json"
HELD_PREFIX = "held/"
RECORD_VERSION = 2
# Domain separation: the gate key is not the pseudonymisation key itself, so a
# signature never equals a pseudonym (or the reverse).
GATE_KEY_LABEL = b"ouchhungry_dp/publishing-gate/record-signature/v2"


class FileStore(Protocol):
    def put(self, relative: str, data: bytes) -> str: ...

    def read(self, relative: str) -> bytes | None: ...

    def remove(self, relative: str) -> None: ...


def record_path(relative: str) -> str:
    return relative + RECORD_SUFFIX


def pin_path(relative: str) -> str:
    return relative + PIN_SUFFIX


def held_path(relative: str) -> str:
    return HELD_PREFIX + relative


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def gate_key() -> bytes:
    """The record-signing key, read from the environment at each use; fails closed
    (``ConfigurationError`` naming PSEUDONYMIZATION_KEY) when it is missing or short."""
    return hmac.new(pseudonymization_key(), GATE_KEY_LABEL, hashlib.sha256).digest()


def _sign(body: bytes) -> str:
    return hmac.new(gate_key(), body, hashlib.sha256).hexdigest()


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
    signature: str = ""

    @property
    def failed(self) -> list[str]:
        return sorted(name for name, passed in self.checks.items() if not passed)

    @property
    def passed(self) -> bool:
        # No check at all is not a pass: a gate with nothing evaluated fails closed.
        return bool(self.checks) and not self.failed

    def body(self) -> bytes:
        """The signed bytes: every field but the signature, canonical JSON."""
        body = {"version": self.version, "dataset": self.dataset, "partition": self.partition,
                "file": self.file, "sha256": self.sha256, "checks": dict(self.checks),
                "decided_at": self.decided_at}
        return json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8")

    def signed(self) -> GateRecord:
        return GateRecord(dataset=self.dataset, partition=self.partition, file=self.file,
                          sha256=self.sha256, checks=self.checks, decided_at=self.decided_at,
                          version=self.version, signature=_sign(self.body()))

    def signature_valid(self) -> bool:
        return hmac.compare_digest(self.signature.encode("ascii", "replace"),
                                   _sign(self.body()).encode("ascii"))

    def to_json(self) -> bytes:
        body = {**json.loads(self.body()), "signature": self.signature}
        return json.dumps(body, indent=2, sort_keys=True).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes) -> GateRecord:
        body = json.loads(data)
        checks = body["checks"]
        if not isinstance(checks, dict) or not all(isinstance(v, bool) for v in checks.values()):
            raise ValueError("gate record checks must map check names to booleans")
        return cls(dataset=str(body["dataset"]), partition=str(body["partition"]),
                   file=str(body["file"]), sha256=str(body["sha256"]), checks=checks,
                   decided_at=str(body["decided_at"]), version=int(body["version"]),
                   signature=str(body.get("signature", "")))


@dataclass(frozen=True)
class Publication:
    """Where ``publish`` put a file, and the record it wrote."""

    record: GateRecord
    location: str
    released: bool


class ReleasedFileChanged(DataQualityError):
    """A rebuilt file differs from the bytes already released for the same file: the
    new bytes are held, the released ones stay (permanent: a retry rebuilds the same)."""

    dataset: str = ""


def publish(store: FileStore, *, dataset: str, partition: str, relative: str, data: bytes,
            checks: Mapping[str, bool], now: dt.datetime | None = None,
            partner: str | None = None) -> Publication:
    """Releases ``data`` at ``relative`` if every check passed, else holds it apart.

    The order of writes keeps a reader safe at every instant: a released file is
    only ever paired with a record of its own sha256, and a failed decision
    withdraws the record's pass before anything else. A file released once never
    changes: other bytes for it are held and ``ReleasedFileChanged`` is raised
    (from the first release on, not only after a delivery receipt: see
    docs/data-products.md "Released files are immutable").
    """
    decided = (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
    record = GateRecord(dataset=dataset, partition=partition, file=relative,
                        sha256=sha256_hex(data), checks=dict(checks),
                        decided_at=decided).signed()
    first = _first_release(store, dataset=dataset, partition=partition, relative=relative,
                           data=data, partner=partner)
    if first is not None and first.sha256 != record.sha256:
        store.put(held_path(relative), data)
        raise _changed(first, record, partner=partner)
    if record.passed:
        location = store.put(relative, data)
        store.put(record_path(relative), record.to_json())
        if first is None:
            store.put(pin_path(relative), record.to_json())
        store.remove(held_path(relative))
        return Publication(record=record, location=location, released=True)
    # Same bytes as released (or never released) that now fail a check: withdrawn
    # from delivery; the pin stays, so later bytes still have to equal the first.
    store.put(record_path(relative), record.to_json())
    store.remove(relative)
    location = store.put(held_path(relative), data)
    return Publication(record=record, location=location, released=False)


def _first_release(store: FileStore, *, dataset: str, partition: str, relative: str,
                   data: bytes, partner: str | None) -> GateRecord | None:
    """The record this file was first released under, or None if it never was.

    The pin is authoritative; without one (a release made before pins existed), a
    valid passing record counts as the first release. A pin that is unreadable,
    unsigned or names another file fails closed: the bytes are held and nothing
    is released until the data team restores it.
    """
    raw = store.read(pin_path(relative))
    if raw is None:
        try:
            record = read_record(store, relative)
        except (ValueError, KeyError, TypeError):
            return None
        valid = (record is not None and record.passed and record.signature_valid()
                 and (record.dataset, record.partition, record.file)
                 == (dataset, partition, relative))
        return record if valid else None
    try:
        pin = GateRecord.from_json(raw)
        valid = (pin.signature_valid() and pin.passed
                 and (pin.dataset, pin.partition, pin.file) == (dataset, partition, relative))
    except (ValueError, KeyError, TypeError):
        valid = False
    if not valid:
        store.put(held_path(relative), data)
        raise DataQualityError(
            f"publishing gate refused to release {dataset} {partition}: its release pin "
            f"{pin_path(relative)} is not a valid signed record of this file",
            partner=partner, partition=partition,
            detail=f"the new bytes (sha256 {sha256_hex(data)[:12]}…) are held at "
            f"{held_path(relative)}",
            hint="Restore the pin from the outbound store's history/backup; never edit or "
            "delete it (see docs/operations.md, 'A released file would change').")
    return pin


def _changed(first: GateRecord, new: GateRecord, *, partner: str | None) -> ReleasedFileChanged:
    changed = ReleasedFileChanged(
        f"publishing gate refused a re-release of {first.dataset} {first.partition} with "
        "different bytes: a released file never changes",
        partner=partner, partition=first.partition,
        detail=f"{first.file} was released with sha256 {first.sha256[:12]}… (decided "
        f"{first.decided_at}); the rebuilt bytes have sha256 {new.sha256[:12]}… and are held "
        f"at {held_path(first.file)}",
        hint="The partner keeps the released file and every re-delivery sends it. Find what "
        "changed since (a late or reloaded day, a catalogue or rule change); a correction is "
        "a new, reviewed decision, never a silent re-release (docs/operations.md, 'A "
        "released file would change').")
    changed.dataset = first.dataset
    return changed


def read_record(store: FileStore, relative: str) -> GateRecord | None:
    data = store.read(record_path(relative))
    return None if data is None else GateRecord.from_json(data)


def released_bytes(store: FileStore, relative: str, *, partner: str, dataset: str,
                   partition: str, expected_checks: frozenset[str],
                   what: str) -> tuple[bytes, GateRecord]:
    """The bytes of a released file, verified against its gate record, or a refusal.

    ``expected_checks`` is the set of checks the product asset declares for this
    file (derived from its check specs by the caller): a record naming fewer, more
    or other checks is refused, so a record written for another file, another
    product version or by hand never opens the gate. ``what`` names the delivery
    (e.g. ``"SFTP delivery of the daily file"``) for the alert. Raises
    ``DataQualityError`` (permanent: a retry cannot make a failed check pass).
    """
    refused = f"publishing gate refused the {what}"
    held = held_path(relative)

    def refuse(detail: str, hint: str) -> DataQualityError:
        return DataQualityError(refused, partner=partner, partition=partition, detail=detail,
                                hint=hint)

    rerun = "Materialize the product asset of this partition (its blocking checks must " \
        "pass), then deliver again."
    try:
        record = read_record(store, relative)
    except (ValueError, KeyError, TypeError) as exc:
        raise refuse(f"{record_path(relative)} is not a valid gate record", rerun) from exc
    if record is None:
        raise refuse(f"{relative} has no gate record: its checks never passed", rerun)
    if not record.signature_valid():
        raise refuse(f"{record_path(relative)} is not signed with this platform's gate key "
                     "(written by hand, copied from another environment, or altered)", rerun)
    if (record.dataset, record.partition, record.file) != (dataset, partition, relative):
        raise refuse(f"{record_path(relative)} was written for another file "
                     f"({record.dataset} {record.partition} {record.file})", rerun)
    if set(record.checks) != set(expected_checks):
        missing = sorted(set(expected_checks) - set(record.checks))
        extra = sorted(set(record.checks) - set(expected_checks))
        raise refuse(f"the gate record's checks are not the asset's blocking checks "
                     f"(missing: {', '.join(missing) or '-'}; unknown: {', '.join(extra) or '-'})",
                     rerun)
    pin = store.read(pin_path(relative))
    if pin is not None and _pinned_sha(pin) != record.sha256:
        raise refuse(f"{record_path(relative)} (sha256 {record.sha256[:12]}…) is not the "
                     f"first release pinned in {pin_path(relative)}",
                     "A released file never changes: restore the first released file and its "
                     "record from the outbound store's history/backup, then re-deliver.")
    if not record.passed:
        failed = ", ".join(record.failed) or "no check was evaluated"
        raise refuse(f"failed blocking checks: {failed} (decided {record.decided_at})",
                     f"The file is held at {held} for the data team. Fix the data or the "
                     "rule, re-materialize the product asset until its checks pass, then "
                     "re-deliver"
                     + ("; upstream_quality: re-run the day's cleaning (raw_* and cleaned_*) "
                        "first, its verdict is what failed or is missing."
                        if "upstream_quality" in record.failed else "."))
    data = store.read(relative)
    if data is None:
        raise refuse(f"{relative} is missing although its gate record passed",
                     "Re-materialize the product asset of this partition, then re-deliver.")
    actual = sha256_hex(data)
    if not hmac.compare_digest(actual, record.sha256):
        raise refuse(f"{relative} changed after its checks (sha256 {actual[:12]}… is not the "
                     f"checked {record.sha256[:12]}…)",
                     "Nobody may edit a released file: re-materialize the product asset so "
                     "the checks run on the new bytes, then re-deliver.")
    return data, record


def _pinned_sha(raw: bytes) -> str | None:
    """The sha256 a pin releases, or None when the pin is not a valid signed record."""
    try:
        pin = GateRecord.from_json(raw)
    except (ValueError, KeyError, TypeError):
        return None
    return pin.sha256 if pin.signature_valid() and pin.passed else None
