"""The month decision's stored record, the way production stores it (no Dagster).

Production (``defs/products/decision.py``, asset ``<id>_publishable_cells``) keeps
a month's location decision as deterministic CSV bytes at
``_decisions/<id>/<YYYY-MM>.csv`` in the outbound store; every file of the month
reads it back from there; the first product step that builds a file with it
writes a ``.released`` marker pinning its sha256, after which a re-materialized
decision that differs is refused and the stored one stays. The privacy audit
replays that path with the same bytes (a test holds this module to production's
path, parser and marker), so the audit attacks files built from the *stored*
record, not from a decision kept in memory.
"""

from __future__ import annotations

import hashlib
import io
from typing import Literal

import pandas as pd

from ouchhungry_dp.products.cells import DECISION_COLUMNS
from ouchhungry_dp.products.csv_files import to_csv_bytes

Outcome = Literal["created", "unchanged", "refused"]


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
    return f"released sha256={hashlib.sha256(data).hexdigest()}\n".encode()


def parse_record(data: bytes) -> pd.DataFrame:
    frame = pd.read_csv(io.BytesIO(data), dtype="string", keep_default_na=False)
    return frame.astype({"history_customers": "int64", "cell_customers": "int64"}).loc[
        :, list(DECISION_COLUMNS)
    ]


def materialize(store: MemoryStore, partner_id: str, month: str,
                decision: pd.DataFrame) -> Outcome:
    """The decision asset's rule: stored when new or not yet released; once released, a
    different decision is refused and the stored record stays."""
    new = to_csv_bytes(decision)
    existing = store.read(record_path(partner_id, month))
    if existing == new:
        return "unchanged"
    if existing is not None and store.read(released_path(partner_id, month)) is not None:
        return "refused"
    store.put(record_path(partner_id, month), new)
    return "created"


def read_released(store: MemoryStore, partner_id: str, month: str) -> pd.DataFrame:
    """What a product step reads: the stored record, marked released (pinned)."""
    data = store.read(record_path(partner_id, month))
    if data is None:
        raise LookupError(f"no stored decision for {partner_id} {month}")
    pinned = store.read(released_path(partner_id, month))
    if pinned is not None and pinned != marker(data):
        raise ValueError(f"the stored decision of {month} differs from its release marker")
    store.put(released_path(partner_id, month), marker(data))
    return parse_record(data)
