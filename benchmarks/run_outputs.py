"""What a daily run produced, as digests two code versions can be compared on.

A speed-up must not change what the platform delivers or decides. For one run's data
folder (``OUCHHUNGRY_DATA_DIR``) this gives:

- ``file <path>``: sha256 of every CSV under ``outbound/`` (the partner's daily file,
  the month's decision);
- ``checks <path>``: the check outcomes of every gate and quality verdict record (their
  ``decided_at`` stamps differ from run to run, so only the outcomes are kept);
- ``table <name>``: row count and a digest of the rows, in a fixed order, of every
  raw, cleaned, quarantine and product table in the warehouse (the delivery tables hold
  receipts and times of the run: left out).

With the same ``PSEUDONYMIZATION_KEY``, two runs of the same day must give equal digests.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb

_COMPARED_TABLES = ("raw_", "cleaned_", "_quarantine", "_sales_daily")


def _table_digest(conn: duckdb.DuckDBPyConnection, schema: str, table: str) -> str:
    # Each row as text, the rows sorted: the storage order of a table is not a result.
    rows, digest = conn.execute(
        f'SELECT count(*), md5(coalesce(string_agg(t::VARCHAR, chr(10) ORDER BY t::VARCHAR), '
        f"'')) FROM \"{schema}\".\"{table}\" AS t").fetchone()
    columns = conn.execute(f'DESCRIBE "{schema}"."{table}"').fetchall()
    return f"{rows} rows, {hashlib.sha256(repr(columns).encode()).hexdigest()[:12]} columns, " \
           f"md5 {digest}"


def digests(data_dir: Path) -> dict[str, str]:
    """Name -> digest of everything the run delivered or stored (see the module doc)."""
    found: dict[str, str] = {}
    outbound = data_dir / "outbound"
    for path in sorted(outbound.rglob("*")):
        relative = path.relative_to(outbound).as_posix()
        if path.suffix == ".csv":
            found[f"file {relative}"] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif path.suffix == ".json":
            record = json.loads(path.read_text())
            if "checks" in record:
                found[f"checks {relative}"] = json.dumps(record["checks"], sort_keys=True)
    warehouse = data_dir / "warehouse.duckdb"
    if warehouse.is_file():
        with duckdb.connect(str(warehouse), read_only=True) as conn:
            for schema, table in conn.execute(
                    "SELECT schema_name, table_name FROM duckdb_tables() ORDER BY 1, 2").fetchall():
                if any(part in table for part in _COMPARED_TABLES):
                    found[f"table {schema}.{table}"] = _table_digest(conn, schema, table)
    return found


def differences(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """Lines naming every digest that differs or exists on one side only."""
    return [f"{name}: {before.get(name, '(absent)')} != {after.get(name, '(absent)')}"
            for name in sorted(set(before) | set(after)) if before.get(name) != after.get(name)]
