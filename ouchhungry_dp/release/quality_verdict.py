"""The cleaning's per-day verdict: did every blocking check of each cleaned table pass?

Blocking checks only stop later steps of the *same* run, and the cleaning step
stores its output even when they fail. A product step run on its own ("Materialize
selected", a CLI run, a backfill of the product only) would then build a partner
file from an empty or broken day. So each cleaning step writes, for every day it
cleans, one record ``_quality/<table>/<day>.json`` in the outbound store (a local
folder or the GCS bucket: the same place as the gate records, no delivery reads
``_quality/``) listing its blocking checks; the product step reads the records of
the day and fails its blocking ``upstream_quality`` check unless all three tables
passed. A missing record fails too (the day was never cleaned by this code).

No Dagster import: the store is anything with ``put`` / ``read``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass

from ouchhungry_dp.release.gate import FileStore

PREFIX = "_quality/"
TABLES = ("transactions", "customers", "products")


def verdict_path(table: str, day: str) -> str:
    return f"{PREFIX}{table}/{day}.json"


def write_verdict(store: FileStore, table: str, day: str, checks: Mapping[str, bool],
                  *, confirmed_closed: bool = False, now: dt.datetime | None = None) -> None:
    body = {"table": table, "partition": day, "checks": {k: bool(v) for k, v in checks.items()},
            "confirmed_closed": confirmed_closed,
            "decided_at": (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")}
    store.put(verdict_path(table, day), json.dumps(body, indent=2, sort_keys=True).encode())


@dataclass(frozen=True)
class DayVerdict:
    """The cleaning's verdict on one day over every cleaned table."""

    day: str
    failed: list[str]  # "<table>:<check>", or "<table>:no_verdict" when never cleaned
    confirmed_closed: bool

    @property
    def passed(self) -> bool:
        return not self.failed


def day_verdict(store: FileStore, day: str) -> DayVerdict:
    failed: list[str] = []
    closed = False
    for table in TABLES:
        data = store.read(verdict_path(table, day))
        if data is None:
            failed.append(f"{table}:no_verdict")
            continue
        body = json.loads(data)
        checks = body.get("checks")
        if not isinstance(checks, dict) or not checks or body.get("partition") != day:
            failed.append(f"{table}:unreadable_verdict")  # fails closed
            continue
        failed += [f"{table}:{name}" for name, ok in sorted(checks.items()) if ok is not True]
        closed = closed or (table == "transactions" and body.get("confirmed_closed") is True)
    return DayVerdict(day=day, failed=failed, confirmed_closed=closed)
