"""Time of the PII scan's known identifiers (``KnownIdentifiers``) at a day's volume.

    .venv/bin/python benchmarks/bench_pii_scan.py --rows 1000000 --identifiers 500000 \\
        --reference main --reference-rows 20000

What runs: ``KnownIdentifiers(ids)`` once, then ``.hits`` on every text column of a
file shaped like the daily product (``scan_pii`` calls it on every column): the
simulated day at ``--rows`` order items (seed 42), its product catalogue, and keyed
pseudonyms for the ids. ``order_id`` is the pseudonym of each order *item* (one
distinct value per row: the worst case for the distinct-value pass). The identifiers
are those ``known_identifiers`` takes for the day (order, item and customer ids,
customer names and e-mails), a seeded sample of ``--identifiers`` of them.

``--whole-scan`` also times ``guardrails.scan_pii`` on the frame (every pattern of
the scan, the known identifiers included), for the share left to the rest.

``--reference REF`` times the implementation of a git ref (its ``pii_text.py``,
loaded from ``git show``) on the first ``--reference-rows`` rows of each column: the
chunked regex costs rows x identifiers / 1500 passes, far too long to wait for at
full volume, and it is linear in rows, so the table also prints its time scaled to
``--rows``. Both results are compared on the rows both ran.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pyarrow as pa

from ouchhungry_dp.privacy.pseudonymize import pseudonymize
from ouchhungry_dp.products.pii_text import KnownIdentifiers
from ouchhungry_dp.simulation import (
    SimulationConfig,
    simulate_customers,
    simulate_products,
    simulate_transactions,
)

REPO = Path(__file__).resolve().parent.parent
PII_TEXT = "ouchhungry_dp/products/pii_text.py"
BENCH_KEY = b"benchmark-key-not-a-secret"  # the pseudonyms only need the right shape


def reference_module(ref: str, folder: Path) -> ModuleType:
    """``pii_text`` as it is at git ``ref`` (it imports only numpy and pyarrow)."""
    source = subprocess.run(["git", "-C", str(REPO), "show", f"{ref}:{PII_TEXT}"],
                            check=True, capture_output=True, text=True).stdout
    path = folder / "pii_text_reference.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("pii_text_reference", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def daily_day(rows: int, customers: int, day: dt.date) -> tuple[pd.DataFrame, list[str]]:
    """(text columns shaped like the daily file, the day's known identifiers)."""
    config = SimulationConfig(rows_per_day=rows, n_customers=customers)
    tx = simulate_transactions(day, config).frame.head(rows)
    people = simulate_customers(day, config).frame
    catalogue = simulate_products(day, config).frame.drop_duplicates("product_code")
    item = tx.merge(catalogue, on="product_code", how="left")
    quantity = pd.to_numeric(item["quantity"], errors="coerce").fillna(1)
    price = pd.to_numeric(item["unit_price"], errors="coerce").fillna(0)
    scope = day.strftime("%Y-%m")
    frame = pd.DataFrame({
        "sale_date": day.isoformat(),
        "order_id": pseudonymize(item["transaction_id"], key=BENCH_KEY, salt="b", scope=scope),
        "customer_id": pseudonymize(item["customer_id"], key=BENCH_KEY, salt="b", scope=scope),
        "city": item["delivery_city"].str.upper(),
        "state": item["delivery_state"],
        "location_level": "city",
        "brand": item["brand"],
        "segment": item["segment"],
        "product_code": item["product_code"],
        "product_name": item["product_name"],
        "unit_price": price.map("{:.2f}".format),
        "quantity": quantity.astype(int).astype(str),
        "total_amount": (price * quantity).round(2).map("{:.2f}".format),
    }).fillna("")
    ids = pd.concat([tx[c] for c in ("order_id", "customer_id", "transaction_id")]
                    + [people[c] for c in ("full_name", "email", "customer_id")])
    return frame, ids.dropna().astype(str).unique().tolist()


def rss_mb() -> float:
    """Current resident memory of the process (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


def timed(call):  # any callable; returns (its result, seconds)
    start = time.perf_counter()
    result = call()
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--identifiers", type=int, default=500_000)
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--day", type=dt.date.fromisoformat, default=dt.date(2026, 11, 25))
    parser.add_argument("--reference", help="git ref to compare with, e.g. main")
    parser.add_argument("--reference-rows", type=int, default=20_000)
    parser.add_argument("--whole-scan", action="store_true",
                        help="also time guardrails.scan_pii on the frame (every pattern)")
    args = parser.parse_args()

    (frame, ids), seconds = timed(lambda: daily_day(args.rows, args.customers, args.day))
    rng = np.random.default_rng(42)
    if len(ids) > args.identifiers:
        ids = [ids[i] for i in np.sort(rng.choice(len(ids), args.identifiers, replace=False))]
    print(f"simulated {len(frame):,} rows x {len(frame.columns)} text columns and "
          f"{len(ids):,} identifiers in {seconds:.1f} s", file=sys.stderr)
    columns = {c: pa.array(frame[c], type=pa.string()) for c in frame.columns}

    before = rss_mb()
    known, build = timed(lambda: KnownIdentifiers(ids))
    build_mb = rss_mb() - before
    found, scan = {}, {}
    for name, values in columns.items():
        found[name], scan[name] = timed(lambda v=values: known.hits(v))
    reference: dict[str, float] = {}
    ref_build = 0.0
    if args.reference:
        with tempfile.TemporaryDirectory(prefix="bench_pii_") as tmp:
            old = reference_module(args.reference, Path(tmp))
            old_known, ref_build = timed(lambda: old.KnownIdentifiers(ids))
            n = min(args.reference_rows, len(frame))
            for name, values in columns.items():
                hits, reference[name] = timed(lambda v=values: old_known.hits(v.slice(0, n)))
                assert hits.tolist() == found[name][:n].tolist(), f"results differ on {name}"
            print(f"reference and this tree agree on the first {n:,} rows of every column",
                  file=sys.stderr)

    scale = len(frame) / min(args.reference_rows, len(frame))
    print(f"KnownIdentifiers, {len(ids):,} identifiers, {len(frame):,} rows, day {args.day}")
    head = "| step | this tree (s) | distinct values | hits |"
    if reference:
        head += (f" {args.reference}, {min(args.reference_rows, len(frame)):,} rows (s)"
                 f" | {args.reference} scaled to {len(frame):,} rows (s) |")
    print(head)
    print("|---|---|---|---|" + ("---|---|" if reference else ""))
    ref_cells = f" {ref_build:.1f} | {ref_build:.1f} |" if reference else ""
    print(f"| constructor | {build:.1f} | - | - |{ref_cells}")
    for name in columns:
        distinct = len(frame[name].unique())
        ref_cells = (f" {reference[name]:.1f} | {reference[name] * scale:,.1f} |"
                     if reference else "")
        print(f"| hits({name}) | {scan[name]:.2f} | {distinct:,} | "
              f"{int(found[name].sum()):,} |{ref_cells}")
    total = build + sum(scan.values())
    ref_cells = (f" {ref_build + sum(reference.values()):.1f} | "
                 f"{ref_build + sum(reference.values()) * scale:,.0f} |" if reference else "")
    print(f"| total | {total:.1f} | - | - |{ref_cells}")
    if args.whole_scan:
        from ouchhungry_dp.products.guardrails import scan_pii

        outcome, seconds = timed(lambda: scan_pii(frame, known_identifiers=ids))
        print(f"scan_pii of the whole frame: {seconds:.1f} s, hits by kind "
              f"{outcome.metadata['hits_by_kind']}")
    print(f"resident memory added by the constructor (this tree): {build_mb:,.0f} MB; "
          f"process peak (simulation included): "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")


if __name__ == "__main__":
    main()
