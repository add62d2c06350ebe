"""The month decision's stored record: the one implementation (no Dagster).

Production (``defs/products/decision.py``, asset ``<id>_publishable_cells``) keeps
a month's location decision as deterministic CSV bytes at
``_decisions/<id>/<YYYY-MM>.csv`` in the outbound store; every file of the month
reads it back from there; the first product step that builds a file with it
writes a ``.released`` marker pinning its sha256, after which a re-materialized
decision that differs is refused and the stored one stays. The privacy audit
calls these same functions on a store in memory, so the audit attacks files built
from the *stored* record, not from a decision kept in memory.

A marker that does not pin the record's bytes (``released`` alone, as written
before the pin existed, or one rewritten by hand) is refused like a wrong digest:
it cannot prove the record is the one files were built with, and accepting it
would let an edited or re-decided record be re-pinned as if it had been released.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable
from typing import Literal, Protocol

import pandas as pd

from ouchhungry_dp.errors import DataQualityError
from ouchhungry_dp.products.cells import DECISION_COLUMNS
from ouchhungry_dp.products.csv_files import to_csv_bytes

_DIGEST = re.compile(rb"sha256=[0-9a-f]{64}\b")
Stored = Literal["created", "replaced", "unchanged"]
Outcome = Literal["created", "replaced", "unchanged", "refused"]


class RecordStore(Protocol):
    """The outbound store's calls the record needs (the file store, or ``MemoryStore``)."""

    def put(self, relative: str, data: bytes) -> str: ...

    def read(self, relative: str) -> bytes | None: ...


class MemoryStore:
    """An outbound store in memory (``put`` / ``read`` / ``remove``, as the gate's)."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def put(self, relative: str, data: bytes) -> str:
        self.files[relative] = data
        return relative

    def read(self, relative: str) -> bytes | None:
        return self.files.get(relative)

    def remove(self, relative: str) -> None:
        self.files.pop(relative, None)


def record_path(partner_id: str, month: str) -> str:
    return f"_decisions/{partner_id}/{month}.csv"


def released_path(partner_id: str, month: str) -> str:
    return f"_decisions/{partner_id}/{month}.released"


def marker(data: bytes) -> bytes:
    """The release marker pins the record's bytes: an edited record is refused too."""
    return f"released sha256={hashlib.sha256(data).hexdigest()}\n".encode()


def parse_record(data: bytes) -> pd.DataFrame:
    frame = pd.read_csv(io.BytesIO(data), dtype="string", keep_default_na=False)
    return frame.astype({"history_customers": "int64", "cell_customers": "int64"}).loc[
        :, list(DECISION_COLUMNS)
    ]


def check_pinned(partner_id: str, month: str, data: bytes, pinned: bytes | None) -> None:
    """Refuses a record its release marker does not pin (wrong digest, or no digest)."""
    if pinned is None or pinned == marker(data):
        return
    why = ("its sha256 differs from the release marker" if _DIGEST.search(pinned)
           else "its release marker pins no sha256, so nothing proves it is the released one")
    raise DataQualityError(
        f"the stored location decision of {month} is not the one files of the month "
        f"were built with ({why}); refused",
        partner=partner_id, partition=month,
        hint="Restore the record from the outbound store's history/backup; never edit it. "
        "A marker without sha256: compare the record with the month's delivered files, "
        "then write the marker with its sha256.")


def _record_lost(partner_id: str, month: str) -> DataQualityError:
    return DataQualityError(
        f"the location decision of {month} is missing although files of the month were "
        "built with it; refused rather than decided again",
        partner=partner_id, partition=month,
        hint="Restore _decisions/<partner>/<month>.csv from the outbound store's "
        "history/backup (its sha256 is in the .released marker).")


def store_decision(store: RecordStore, partner_id: str, month: str, new: bytes) -> Stored:
    """The decision asset's rule: stored when new or not yet released; once released, the
    record stays and a different (or unprovable) one raises ``DataQualityError``."""
    existing = store.read(record_path(partner_id, month))
    pinned = store.read(released_path(partner_id, month))
    if pinned is not None:
        if existing is None:
            raise _record_lost(partner_id, month)
        check_pinned(partner_id, month, existing, pinned)
        if existing != new:
            raise DataQualityError(
                f"the location decision of {month} would change after files of the month "
                "were built with it; refused, the stored decision stays",
                partner=partner_id, partition=month,
                hint="Something in the previous month changed (late or reloaded day). The "
                "month keeps its decision; the change applies from next month's decision.")
        return "unchanged"
    if existing == new:
        return "unchanged"
    store.put(record_path(partner_id, month), new)
    return "replaced" if existing is not None else "created"


def release_decision(store: RecordStore, partner_id: str, month: str,
                     make: Callable[[], bytes] | None = None) -> pd.DataFrame:
    """What a product step reads: the stored record, marked released (pinned) because the
    caller builds a partner file with it. ``make`` decides a month that has no record yet
    (first use); without it a missing record is a ``LookupError``."""
    data = store.read(record_path(partner_id, month))
    pinned = store.read(released_path(partner_id, month))
    if data is None:
        if pinned is not None:
            # Files of the month left with a decision that is gone: recomputing it from
            # today's warehouse could name cities the earlier files generalised.
            raise _record_lost(partner_id, month)
        if make is None:
            raise LookupError(f"no stored decision for {partner_id} {month}")
        data = make()
        store.put(record_path(partner_id, month), data)
    check_pinned(partner_id, month, data, pinned)
    if pinned is None:
        store.put(released_path(partner_id, month), marker(data))
    return parse_record(data)


def materialize(store: RecordStore, partner_id: str, month: str,
                decision: pd.DataFrame) -> Outcome:
    """``store_decision`` as the audit counts it: a refusal is an outcome, not an error.
    (A plain ``DataQualityError``, not a subclass: alerts know the classes of ``errors``.)"""
    try:
        return store_decision(store, partner_id, month, to_csv_bytes(decision))
    except DataQualityError:
        return "refused"


def read_released(store: RecordStore, partner_id: str, month: str) -> pd.DataFrame:
    """The audit's product step: ``release_decision`` of a record that must exist."""
    return release_decision(store, partner_id, month)
